// Shared plumbing for the interop tests: child processes with timeouts (killed in afterAll), Go
// helper programs built once and cached by source hash, the records every client produces, and a
// look at what the broker actually stored (codec, producer id, sequences) through the WASM core.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { Attr } from '../../host/core/types.js';
import type { RunningBroker } from '../../host/broker/broker.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCRIPTS = path.join(ROOT, 'test/interop/scripts');
export const CACHE = path.join(ROOT, 'node_modules/.cache/kwasm-interop');
/** Debian's python, which sees python3-kafka and python3-confluent-kafka (not a pyenv shim). */
export const PYTHON = '/usr/bin/python3';

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Codec = (typeof CODECS)[number];
export const CODEC_ID: Record<Codec, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** A record as the helpers exchange it: UTF-8 strings, null key allowed, timestamps in ms. */
export interface Rec {
  key: string | null;
  value: string;
  headers: Array<[string, string]>;
  timestamp?: number;
}

export interface ConsumedRec extends Rec {
  offset: number;
  timestamp: number;
}

export interface RecordOptions {
  count?: number;
  /** Record i gets timestamp base + i*1000 (omit to let the client stamp it). */
  timestampBase?: number;
  /** Give the last record a null key (default true). */
  nullKey?: boolean;
  /** false: no headers at all (message format v0/v1). Default true. */
  headers?: boolean;
  /** Headers the same for every record (kcat -H): [codec, client] only. */
  constantHeaders?: boolean;
}

/**
 * Records for one codec. Values are long and repetitive, so every codec actually shrinks the batch
 * (librdkafka and kafka-python send a batch uncompressed when compression does not help), and
 * carry non-ASCII text to check bytes travel untouched.
 */
export function recordsFor(codec: Codec, client: string, opts: RecordOptions = {}): Rec[] {
  const n = opts.count ?? 5;
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const headers: Array<[string, string]> = opts.headers === false ? [] : [['codec', codec], ['client', client]];
    if (opts.headers !== false && !opts.constantHeaders) headers.push(['seq', `${i} ✓`]);
    out.push({
      key: opts.nullKey !== false && i === n - 1 ? null : `key-${codec}-${i}`,
      value: `value ${codec} #${i} ünïcödé ` + 'kwasm stores record batches as bytes; '.repeat(12),
      headers,
      ...(opts.timestampBase !== undefined ? { timestamp: opts.timestampBase + i * 1000 } : {}),
    });
  }
  return out;
}

/** A timestamp base for produced records: recent (retention would delete old ones), whole seconds. */
export function recentBase(): number {
  return Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
}

/** Asserts consumed records equal the expected ones, in order, with offsets from `firstOffset`. */
export function expectRecords(got: ConsumedRec[], expected: Rec[], firstOffset = 0, what = 'records'): void {
  expect(got.length, `${what}: record count`).toBe(expected.length);
  got.forEach((g, i) => {
    const e = expected[i]!;
    expect({ offset: g.offset, key: g.key, value: g.value, headers: g.headers }, `${what}: record ${i}`).toEqual({
      offset: firstOffset + i,
      key: e.key,
      value: e.value,
      headers: e.headers,
    });
    if (e.timestamp !== undefined) expect(g.timestamp, `${what}: timestamp of record ${i}`).toBe(e.timestamp);
  });
}

// ---- child processes -------------------------------------------------------------------------

const children = new Set<ChildProcess>();

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs a program to completion; rejects with its stderr on timeout (the process is killed). */
export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(cmd)} ${args.join(' ').slice(0, 200)} timed out after ${timeoutMs} ms\nstderr: ${tail(stderr)}\nstdout: ${tail(stdout)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(new Error(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ stdout, stderr, code });
    });
    child.stdin!.on('error', () => {});
    child.stdin!.end(opts.input ?? '');
  });
}

/** Runs a helper that reads one JSON request on stdin and prints one JSON result (its last line). */
export async function runJson<T = Record<string, unknown>>(cmd: string, args: string[], request: object, timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<T> {
  const r = await run(cmd, args, { input: JSON.stringify(request), timeoutMs, env });
  const op = (request as { op?: string }).op ?? '';
  if (r.code !== 0) throw new Error(`${path.basename(cmd)} ${op} exited with ${r.code}\nstderr: ${tail(r.stderr)}\nstdout: ${tail(r.stdout)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${path.basename(cmd)} ${op} printed no JSON result\nstdout: ${tail(r.stdout)}\nstderr: ${tail(r.stderr)}`);
  }
}

/** Kills every child still running (call in afterAll). */
export function killChildren(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

function tail(s: string, n = 3000): string {
  return s.length > n ? '…' + s.slice(-n) : s;
}

// ---- Go helpers ------------------------------------------------------------------------------

export const GO_ENV = { GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOPROXY: 'off', GOFLAGS: '', GOCACHE: path.join(CACHE, 'go-build') };

/**
 * Builds test/interop/go/<name>/main.go (offline, against Debian's Go sources) into the cache,
 * keyed by a hash of the source and the Go version, and returns the binary's path. Later runs
 * reuse the binary; `buildMs` says how long this call's build took (0 when cached).
 */
export async function goBinary(name: string): Promise<{ path: string; buildMs: number }> {
  const dir = path.join(ROOT, 'test/interop/go', name);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.go')).sort()) h.update(f).update(readFileSync(path.join(dir, f)));
  const version = await run('go', ['version'], { env: GO_ENV, timeoutMs: 30_000 });
  if (version.code !== 0) throw new Error(`go is not installed (.ci/install-deps.sh installs golang-go): ${version.stderr}`);
  h.update(version.stdout);
  const out = path.join(CACHE, `${name}-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(out)) return { path: out, buildMs: 0 };
  mkdirSync(CACHE, { recursive: true });
  const tmp = `${out}.tmp${process.pid}`;
  const t0 = Date.now();
  const r = await run('go', ['build', '-o', tmp, '.'], { cwd: dir, env: GO_ENV, timeoutMs: 600_000 });
  if (r.code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`go build of ${name} failed:\n${tail(r.stderr)}`);
  }
  renameSync(tmp, out);
  return { path: out, buildMs: Date.now() - t0 };
}

// ---- what the broker stored --------------------------------------------------------------------

const core = loadCore();

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  codec: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  records: number;
}

/** Every batch of a partition's log, as the broker stores it. */
export async function storedBatches(broker: RunningBroker, topic: string, partition: number): Promise<StoredBatch[]> {
  const log = broker.services.topics.partition(topic, partition);
  if (!log) throw new Error(`the broker has no partition ${topic}-${partition}`);
  const out: StoredBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, { maxBytes: 1 << 20 });
    if (r.size === 0) break;
    for (const buf of r.records) {
      const scan = core.validateBatches(buf);
      for (const b of scan.batches) {
        if ((b.attributes & Attr.CONTROL) !== 0) continue;
        out.push({
          baseOffset: Number(b.baseOffset),
          lastOffset: Number(b.baseOffset) + b.lastOffsetDelta,
          codec: b.attributes & Attr.COMPRESSION_MASK,
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          baseSequence: b.baseSequence,
          records: b.recordCount,
        });
      }
    }
    offset = r.nextOffset;
  }
  return out;
}

/** The codecs of the stored batches covering [from, to] (inclusive offsets). */
export async function codecsBetween(broker: RunningBroker, topic: string, partition: number, from: number, to: number): Promise<number[]> {
  const batches = await storedBatches(broker, topic, partition);
  return [...new Set(batches.filter((b) => b.lastOffset >= from && b.baseOffset <= to).map((b) => b.codec))];
}

/** Produced groups laid out one after another in a partition: the first offset of each group. */
export function groupOffsets(groups: Array<{ records: Rec[] }>, first = 0): number[] {
  const out: number[] = [];
  let o = first;
  for (const g of groups) {
    out.push(o);
    o += g.records.length;
  }
  return out;
}
