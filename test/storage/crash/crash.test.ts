// Crash test that really kills: a child process appends with an fsync per append and reports each
// acknowledged batch; the test SIGKILLs it at random moments, recovers the log in-process and
// checks that every acknowledged batch is present byte for byte, the log is whole and contiguous
// (nothing torn is served), and the on-disk indexes agree with the log.
// KWASM_CRASH_ITERATIONS sets the number of kills (default 50); KWASM_CRASH_SEED the random seed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchStatus } from '../../../host/core/types.js';
import { wasmPath } from '../../../host/core/wasm.js';
import { FileStorage } from '../../../host/storage/file/engine.js';
import { concat, listBatches } from '../helpers/batches.js';
import { testCore } from '../helpers/core.js';

const ITERATIONS = Number(process.env.KWASM_CRASH_ITERATIONS ?? 50);
const initialSeed = Number(process.env.KWASM_CRASH_SEED ?? Date.now()) >>> 0 || 7;
let seed = initialSeed;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

const work = mkdtempSync(join(tmpdir(), 'kwasm-crash-'));
const dataDir = join(work, 'data');
let childCmd: string[] = [];

beforeAll(async () => {
  const entry = fileURLToPath(new URL('./child.ts', import.meta.url));
  try {
    // Bundled once so that each restart costs a plain `node` start, not a TypeScript loader.
    const { build } = await import('esbuild');
    const outfile = join(work, 'child.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent' });
    childCmd = [outfile];
  } catch {
    childCmd = ['--import', 'tsx', entry];
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Ack {
  base: bigint;
  last: bigint;
  hash: string;
}

function runChild(iteration: number): Promise<{ acks: Ack[]; startOffset: bigint; code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childCmd, dataDir, wasmPath(), String(1 + iteration * 7919 + (initialSeed % 1000))], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let startOffset = -1n;
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (startOffset < 0n) {
        const m = /^ready (\d+)\n/m.exec(out);
        if (m) {
          startOffset = BigInt(m[1]!);
          // Kill at a random moment while appends are in flight.
          timer = setTimeout(() => child.kill('SIGKILL'), 20 + Math.floor(rand() * 280));
        }
      }
    });
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      const acks: Ack[] = [];
      // Only whole lines count: a line cut by the kill was never an acknowledgement we saw.
      for (const line of out.split('\n').slice(0, out.endsWith('\n') ? undefined : -1)) {
        const m = /^ack (\d+) (\d+) ([0-9a-f]{40})$/.exec(line);
        if (m) acks.push({ base: BigInt(m[1]!), last: BigInt(m[2]!), hash: m[3]! });
      }
      resolve({ acks, startOffset, code, signal, stderr });
    });
  });
}

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

describe('crash test: kill -9 during fsync-per-append appends', () => {
  it(`every acknowledged batch survives ${ITERATIONS} kills; nothing torn is served; indexes agree`, async () => {
    const core = testCore();
    const acked = new Map<bigint, Ack>();
    let totalAcks = 0;
    let truncations = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      const run = await runChild(it);
      expect(run.signal, `child ${it} must be killed, not exit (stderr: ${run.stderr})`).toBe('SIGKILL');
      for (const a of run.acks) acked.set(a.base, a);
      totalAcks += run.acks.length;

      const storage = new FileStorage({ logDirs: [dataDir], core, checkpointIntervalMs: 0, defaultConfig: { segmentBytes: 64 * 1024, indexIntervalBytes: 512, segmentIndexBytes: 16 * 1024 } });
      const report = await storage.open();
      expect(report.clean).toBe(false);
      truncations += report.recovered.filter((r) => r.truncatedBytes > 0).length;
      const log = storage.getPartition('crash', 0);
      if (!log) {
        // Killed before the partition was created: nothing can have been acknowledged.
        expect(run.acks.length).toBe(0);
        await storage.close();
        continue;
      }
      const maxAck = [...acked.values()].reduce((m, a) => (a.last > m ? a.last : m), -1n);
      expect(log.logEndOffset).toBeGreaterThan(maxAck);

      // Walk the region this run wrote (and, every 10 kills, everything): contiguous, valid batches.
      const from = it % 10 === 9 || it === ITERATIONS - 1 ? log.logStartOffset : run.startOffset >= 0n ? run.startOffset : log.logStartOffset;
      const seen = new Map<bigint, { last: bigint; hash: string }>();
      let next = from;
      let expectedBase = -1n;
      while (next < log.logEndOffset) {
        const r = await log.read(next, { maxBytes: 256 * 1024 });
        expect(r.size).toBeGreaterThan(0);
        const bytes = concat(r.records);
        const scan = core.validateBatches(bytes);
        expect(scan.status).toBe(BatchStatus.OK);
        for (const b of listBatches(bytes)) {
          if (expectedBase >= 0n) expect(b.baseOffset).toBe(expectedBase);
          expectedBase = b.lastOffset + 1n;
          seen.set(b.baseOffset, { last: b.lastOffset, hash: sha1(bytes.subarray(b.position + 16, b.position + b.size)) });
        }
        next = r.nextOffset;
      }
      expect(expectedBase === -1n || expectedBase === log.logEndOffset).toBe(true);
      for (const a of acked.values()) {
        if (a.base < from) continue;
        const got = seen.get(a.base);
        expect(got, `acknowledged batch at ${a.base} is missing after kill ${it}`).toBeDefined();
        expect(got!.last).toBe(a.last);
        expect(got!.hash).toBe(a.hash);
      }
      // Older acknowledged batches: a sample, read directly.
      const older = [...acked.values()].filter((a) => a.base < from);
      for (let k = 0; k < Math.min(20, older.length); k++) {
        const a = older[Math.floor(rand() * older.length)]!;
        const r = await log.read(a.base, { maxBytes: 1 });
        const b = listBatches(concat(r.records))[0]!;
        expect(b.baseOffset).toBe(a.base);
        const bytes = concat(r.records);
        expect(sha1(bytes.subarray(16, b.size))).toBe(a.hash);
      }
      // On-disk indexes of the closed segments agree with the log (the last few; all at the end).
      const pdir = join(dataDir, 'crash-0');
      const bases = readdirSync(pdir).filter((f) => /^\d{20}\.log$/.test(f)).sort();
      const closed = bases.slice(0, -1);
      const check = it === ITERATIONS - 1 ? closed : closed.slice(-3);
      for (const f of check) {
        const base = BigInt(f.slice(0, 20));
        const seg = readFileSync(join(pdir, f));
        const idx = readFileSync(join(pdir, `${f.slice(0, 20)}.index`));
        expect(idx.length % 8).toBe(0);
        const frames = new Map(listBatches(seg).map((b) => [b.position, b]));
        for (let p = 0; p < idx.length; p += 8) {
          const b = frames.get(idx.readUInt32BE(p + 4));
          expect(b, `index entry ${p / 8} of ${f} points at a batch boundary`).toBeDefined();
          expect(b!.lastOffset).toBe(base + BigInt(idx.readUInt32BE(p)));
        }
        const tix = readFileSync(join(pdir, `${f.slice(0, 20)}.timeindex`));
        expect(tix.length % 12).toBe(0);
        for (let p = 12; p < tix.length; p += 12) expect(tix.readBigInt64BE(p)).toBeGreaterThan(tix.readBigInt64BE(p - 12));
      }
      await storage.close();
    }
    expect(totalAcks).toBeGreaterThan(ITERATIONS);
    console.log(`crash test: ${ITERATIONS} kills, ${totalAcks} acknowledged batches verified, ${truncations} recoveries truncated a tail (KWASM_CRASH_SEED=${initialSeed})`);
  }, 240_000);
});
