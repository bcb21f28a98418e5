// One million mutated request frames through decodeRequest, in slices: each must decode or fail
// with a ProtocolDecodeError — no other exception, no hang, bounded memory. (Longer runs:
// `node --import tsx test/protocol/fuzz.ts --frames 20000000`.)
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeData, encodeData } from '../../host/protocol/api.js';
import { ProtocolDecodeError } from '../../host/protocol/errors.js';
import { coordinatorCodecs } from '../../host/protocol/generated/coordinator/index.js';
import { dataCodecs } from '../../host/protocol/generated/index.js';
import type { MessageCodec } from '../../host/protocol/types.js';
import { messageArb, versionsOf } from './arbitrary.js';
import { buildCorpus, mutate, rng, runFuzz, type FuzzStats, type Seed } from './fuzz.js';

const SLICES = 10;
const PER_SLICE = 100_000;

function check(s: FuzzStats, frames: number): void {
  if (s.firstThrown) {
    throw new Error(`decoder threw on frame ${Buffer.from(s.firstThrown.frame).toString('hex')}: ${String(s.firstThrown.error)}`);
  }
  expect(s.thrown).toBe(0);
  expect(s.frames).toBe(frames);
  expect(s.decoded + s.errors).toBe(frames);
  // Bounded time: no frame may take long (generous: GC pauses on a shared 2-core machine).
  expect(s.maxFrameMicros).toBeLessThan(1_000_000);
  expect((s.ms * 1000) / frames).toBeLessThan(200); // µs per frame, on average
  // Bounded memory: nothing accumulates across frames.
  expect(process.memoryUsage().heapUsed).toBeLessThan(1024 * 2 ** 20);
}

describe('fuzz: 1,000,000 mutated request frames', () => {
  let corpus: Seed[];
  const total: FuzzStats = { frames: 0, decoded: 0, errors: 0, thrown: 0, byCode: {}, maxFrameMicros: 0, ms: 0 };

  beforeAll(() => {
    corpus = buildCorpus(20240601, 3, 'request');
  });

  for (let k = 0; k < SLICES; k++) {
    it(`slice ${k + 1}/${SLICES}: ${PER_SLICE} frames`, () => {
      const s = runFuzz(corpus, PER_SLICE, 1000 + k);
      check(s, PER_SLICE);
      total.frames += s.frames;
      total.decoded += s.decoded;
      total.errors += s.errors;
      for (const [c, n] of Object.entries(s.byCode)) total.byCode[c] = (total.byCode[c] ?? 0) + n;
    }, 120_000);
  }

  it('exercised every kind of failure and still decoded some mutants', () => {
    expect(total.frames).toBe(SLICES * PER_SLICE);
    // Mutations reach deep into bodies, not just the header.
    for (const code of ['TRUNCATED', 'INVALID_LENGTH', 'NULL_NOT_ALLOWED', 'INVALID_TAGGED_FIELD', 'TRAILING_BYTES', 'UNKNOWN_API_KEY', 'UNSUPPORTED_VERSION', 'INVALID_VARINT']) {
      expect(total.byCode[code] ?? 0, code).toBeGreaterThan(0);
    }
    expect(total.decoded).toBeGreaterThan(1000);
  });
});

describe('fuzz: mutated response frames through decodeResponse', () => {
  it('100,000 frames', () => {
    const corpus = buildCorpus(777, 2, 'response');
    const s = runFuzz(corpus, PER_SLICE, 99, 'response');
    check(s, PER_SLICE);
  }, 120_000);
});

describe('fuzz: mutated coordinator records and other data messages through decodeData', () => {
  it('100,000 frames', () => {
    const codecs = [...Object.values(coordinatorCodecs), ...Object.values(dataCodecs)] as MessageCodec<unknown>[];
    const seeds: { codec: MessageCodec<unknown>; seed: Seed }[] = [];
    let n = 1;
    for (const codec of codecs) {
      for (const v of versionsOf(codec.schema)) {
        for (const value of fc.sample(messageArb(codec.schema, v), { seed: n++, numRuns: 3 })) {
          const frame = Uint8Array.from(encodeData(codec, v, value));
          seeds.push({ codec, seed: { frame, marks: [], apiKey: 0, version: v } });
        }
      }
    }
    const rand = rng(5);
    let errors = 0;
    for (let i = 0; i < PER_SLICE; i++) {
      const { codec, seed } = seeds[Math.floor(rand() * seeds.length)]!;
      const d = decodeData(codec, seed.version, mutate(seed, rand));
      if (d.error) {
        expect(d.error).toBeInstanceOf(ProtocolDecodeError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(PER_SLICE / 4);
  }, 120_000);
});
