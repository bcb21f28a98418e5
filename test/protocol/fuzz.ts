// Fuzzer for the request decoder. A corpus of valid frames (every API, every version, values from
// the schema-derived arbitraries) is encoded with a trace of where each length/count prefix sits;
// each fuzzed frame is one corpus frame with mutations: bit flips, truncations, length prefixes
// set to extremes (0x7fffffff, -1, -2, 0x8000…, 2^32-1 varints), byte overwrites, insertions,
// deletions, header (api key / version) changes, or random bytes.
//
// Every frame goes through decodeRequest, which must return a message or `{ error }` with a
// ProtocolDecodeError — any thrown exception is a failure. Time per frame is tracked.
//
// CI runs slices of this from fuzz.test.ts. Longer runs:
//   node --import tsx test/protocol/fuzz.ts --frames 20000000 [--seed 7] [--responses]
import fc from 'fast-check';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatChunks, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../host/protocol/api.js';
import { ProtocolDecodeError } from '../../host/protocol/errors.js';
import { apis, type ApiKeyNumber } from '../../host/protocol/generated/index.js';
import { TRACE_INT16, TRACE_INT32, TRACE_UVARINT } from '../../host/protocol/writer.js';
import { messageArb } from './arbitrary.js';

export interface Seed {
  frame: Uint8Array;
  /** (offset, kind) pairs of length prefixes in the frame. */
  marks: number[];
  apiKey: ApiKeyNumber;
  version: number;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid request (or response) frames for every API and version, `perVersion` each. */
export function buildCorpus(seed: number, perVersion = 3, kind: 'request' | 'response' = 'request'): Seed[] {
  const out: Seed[] = [];
  let s = seed;
  for (const api of apis) {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      const schema = kind === 'request' ? api.request.schema : api.response.schema;
      const values = fc.sample(messageArb(schema, v, { maxArray: 2, maxBytes: 40 }), { seed: s++, numRuns: perVersion });
      for (const value of values) {
        const marks: number[] = [];
        const hv = api.requestHeaderVersions[v - api.minVersion]!;
        const chunks =
          kind === 'request'
            ? encodeRequest(
                { requestApiKey: api.apiKey, requestApiVersion: v, correlationId: s, clientId: hv >= 1 ? 'fuzz' : '' },
                value as never,
                { trace: marks },
              )
            : encodeResponse(api.apiKey, v, s, value as never, { trace: marks });
        // A plain copy: mutations use slice() (which on a Buffer would share memory).
        out.push({ frame: Uint8Array.from(concatChunks(chunks)), marks, apiKey: api.apiKey, version: v });
      }
    }
  }
  return out;
}

const INT16_EXTREMES = [0x7fff, -1, -2, -0x8000, 0, 1];
const INT32_EXTREMES = [0x7fffffff, -1, -2, -0x80000000, 0, 1, 0x10000];
const UVARINT_EXTREMES = [0, 1, 2, 0x7f, 0x80, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000000];

function uvarintBytes(x: number): number[] {
  const b: number[] = [];
  while (x >= 0x80) {
    b.push((x & 0x7f) | 0x80);
    x = Math.floor(x / 128);
  }
  b.push(x);
  return b;
}

function uvarintLength(f: Uint8Array, pos: number): number {
  let n = 0;
  while (pos + n < f.length && n < 5 && f[pos + n]! & 0x80) n++;
  return Math.min(n + 1, f.length - pos);
}

function splice(f: Uint8Array, at: number, del: number, ins: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(f.length - del + ins.length);
  out.set(f.subarray(0, at), 0);
  out.set(ins, at);
  out.set(f.subarray(at + del), at + ins.length);
  return out;
}

/** One mutation of `f` (a copy; `f` is left alone). */
export function mutateOnce(seed: Seed, f: Uint8Array, rand: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pos = (n = f.length): number => Math.floor(rand() * Math.max(1, n));
  const m = Math.floor(rand() * 10);
  switch (m) {
    case 0:
    case 1: {
      // Length prefix set to an extreme (the most interesting case: checked before allocating).
      if (seed.marks.length === 0 || f !== seed.frame) break;
      const i = Math.floor(rand() * (seed.marks.length / 2)) * 2;
      const at = seed.marks[i]!;
      const kind = seed.marks[i + 1]!;
      if (at >= f.length) break;
      const out = f.slice();
      const dv = new DataView(out.buffer);
      if (kind === TRACE_INT16 && at + 2 <= f.length) dv.setInt16(at, pick(INT16_EXTREMES));
      else if (kind === TRACE_INT32 && at + 4 <= f.length) dv.setInt32(at, pick(INT32_EXTREMES));
      else if (kind === TRACE_UVARINT) return splice(f, at, uvarintLength(f, at), uvarintBytes(pick(UVARINT_EXTREMES)));
      return out;
    }
    case 2: {
      const out = f.slice();
      const flips = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < flips && out.length > 0; k++) out[pos()]! ^= 1 << Math.floor(rand() * 8);
      return out;
    }
    case 3:
      return f.slice(0, pos(f.length));
    case 4: {
      const out = f.slice();
      const n = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < n && out.length > 0; k++) out[pos()] = pick([0, 0xff, 0x7f, 0x80, Math.floor(rand() * 256)]);
      return out;
    }
    case 5: {
      const n = 1 + Math.floor(rand() * 6);
      return splice(f, pos(f.length + 1), 0, Array.from({ length: n }, () => Math.floor(rand() * 256)));
    }
    case 6: {
      const at = pos();
      return splice(f, at, Math.min(1 + Math.floor(rand() * 6), f.length - at), []);
    }
    case 7: {
      // Header: another API key or version, body unchanged.
      if (f.length < 4) break;
      const out = f.slice();
      const dv = new DataView(out.buffer);
      if (rand() < 0.5) dv.setInt16(0, pick([-1, 32767, Math.floor(rand() * 100), (seed.apiKey + 1) % 90]));
      else dv.setInt16(2, pick([-1, seed.version + 1, seed.version - 1, Math.floor(rand() * 20), 32767]));
      return out;
    }
    case 8: {
      // A chunk of the frame repeated (plausible structure, wrong counts).
      const a = pos();
      const len = Math.min(1 + Math.floor(rand() * 16), f.length - a);
      return splice(f, pos(f.length + 1), 0, f.subarray(a, a + len));
    }
    default: {
      // Random tail after a valid header prefix.
      const keep = Math.min(f.length, 8 + Math.floor(rand() * 8));
      const n = Math.floor(rand() * 48);
      return splice(f, keep, f.length - keep, Array.from({ length: n }, () => Math.floor(rand() * 256)));
    }
  }
  const out = f.slice();
  if (out.length > 0) out[pos()]! ^= 0xff;
  return out;
}

export function mutate(seed: Seed, rand: () => number): Uint8Array {
  let f = mutateOnce(seed, seed.frame, rand);
  if (rand() < 0.25) f = mutateOnce(seed, f, rand);
  return f;
}

export interface FuzzStats {
  frames: number;
  decoded: number;
  errors: number;
  /** Exceptions thrown out of the decoder (must be zero). */
  thrown: number;
  firstThrown?: { error: unknown; frame: Uint8Array };
  byCode: Record<string, number>;
  maxFrameMicros: number;
  ms: number;
}

export function runFuzz(corpus: readonly Seed[], frames: number, seed: number, kind: 'request' | 'response' = 'request'): FuzzStats {
  const rand = rng(seed);
  const stats: FuzzStats = { frames: 0, decoded: 0, errors: 0, thrown: 0, byCode: {}, maxFrameMicros: 0, ms: 0 };
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const s = corpus[Math.floor(rand() * corpus.length)]!;
    const frame = mutate(s, rand);
    const t = performance.now();
    try {
      const res = kind === 'request' ? decodeRequest(frame) : decodeResponse(s.apiKey, s.version, frame);
      if (res.error) {
        if (!(res.error instanceof ProtocolDecodeError)) throw new Error('error is not a ProtocolDecodeError');
        stats.errors++;
        stats.byCode[res.error.code] = (stats.byCode[res.error.code] ?? 0) + 1;
      } else stats.decoded++;
    } catch (error) {
      stats.thrown++;
      stats.firstThrown ??= { error, frame };
    }
    const dt = (performance.now() - t) * 1000;
    if (dt > stats.maxFrameMicros) stats.maxFrameMicros = dt;
    stats.frames++;
  }
  stats.ms = performance.now() - t0;
  return stats;
}

function main(argv: string[]): void {
  const arg = (name: string, d: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : d;
  };
  const frames = arg('--frames', 5_000_000);
  const seed = arg('--seed', Date.now() % 100000);
  const kind = argv.includes('--responses') ? 'response' : 'request';
  const corpus = buildCorpus(seed, 4, kind);
  console.log(`fuzz ${kind}s: ${frames} frames, seed ${seed}, corpus ${corpus.length} frames`);
  const slice = 1_000_000;
  const total: FuzzStats = { frames: 0, decoded: 0, errors: 0, thrown: 0, byCode: {}, maxFrameMicros: 0, ms: 0 };
  for (let done = 0, k = 0; done < frames; done += slice, k++) {
    const s = runFuzz(corpus, Math.min(slice, frames - done), seed * 1000 + k, kind);
    total.frames += s.frames;
    total.decoded += s.decoded;
    total.errors += s.errors;
    total.thrown += s.thrown;
    total.ms += s.ms;
    total.maxFrameMicros = Math.max(total.maxFrameMicros, s.maxFrameMicros);
    for (const [c, n] of Object.entries(s.byCode)) total.byCode[c] = (total.byCode[c] ?? 0) + n;
    if (s.firstThrown) {
      console.error('decoder threw:', s.firstThrown.error);
      console.error('frame (hex):', Buffer.from(s.firstThrown.frame).toString('hex'));
      process.exitCode = 1;
      break;
    }
    const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    console.log(
      `${total.frames} frames: ${total.decoded} decoded, ${total.errors} errors, ${total.thrown} thrown, ` +
        `${((total.ms * 1000) / total.frames).toFixed(2)} µs/frame, max ${total.maxFrameMicros.toFixed(0)} µs, heap ${heap} MiB`,
    );
  }
  console.log('errors by code:', total.byCode);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
