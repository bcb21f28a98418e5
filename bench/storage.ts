// Storage engine benchmarks, each printed with the raw baseline measured in the same run:
//   append   — FileStorage appends of 16 KiB batches vs plain fs.write of the same bytes (goal >= 0.8x)
//   read     — sequential log.read of 1 MiB vs plain fs.read of the same file (goal >= 0.8x)
//   recovery — unclean-start recovery (read + core validation + index rebuild) vs WASM CRC32C over
//              the same bytes in memory (goal >= 0.5x)
//   index    — offset index lookups/s in the core, and random-offset log reads/s
// Run: node --import tsx bench/storage.ts [MiB, default 256]. Timings are noisy on a shared machine:
// compare the ratios, not the absolute numbers.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore } from '../host/core/wasm.js';
import { FileStorage } from '../host/storage/file/engine.js';
import { OffsetIndex } from '../host/storage/offset-index.js';

const MIB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const core = loadCore();
const work = mkdtempSync(join(tmpdir(), 'kwasm-bench-storage-'));

function write(fd: number, b: Uint8Array, pos: number): Promise<number> {
  return new Promise((res, rej) => fs.write(fd, b, 0, b.length, pos, (e, n) => (e ? rej(e) : res(n))));
}
function read(fd: number, b: Uint8Array, pos: number): Promise<number> {
  return new Promise((res, rej) => fs.read(fd, b, 0, b.length, pos, (e, n) => (e ? rej(e) : res(n))));
}

function makeBatches(count: number): Uint8Array[] {
  // 16 KiB batches of 100-byte records (~150 records each), uncompressed.
  const out: Uint8Array[] = [];
  const value = Buffer.alloc(100, 120);
  for (let b = 0; b < count; b++) {
    const records = Array.from({ length: 150 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value, timestamp: 1_700_000_000_000 + b }));
    out.push(core.encodeBatch(records, {}));
  }
  return out;
}

const fmt = (bytes: number, ms: number): string => `${((bytes / MIB) / (ms / 1000)).toFixed(0)} MiB/s`;

async function main(): Promise<void> {
  const proto = makeBatches(64);
  const batchSize = proto[0]!.length;
  const count = Math.floor((totalMiB * MIB) / batchSize);
  const bytes = count * batchSize;
  console.log(`storage bench: ${count} batches of ${batchSize} B (${(bytes / MIB).toFixed(0)} MiB) per round, ratios measured in the same run`);

  // Fresh copies per run (append patches base offsets in place).
  const copies = (): Uint8Array[] => Array.from({ length: count }, (_, i) => Uint8Array.from(proto[i % proto.length]!));

  // ---- append vs fs.write ----------------------------------------------------------------
  // Rounds alternate between the two so that page-cache writeback hits both alike; dirty pages are
  // flushed (untimed) between rounds. The median round ratio is reported.
  const plainPath = join(work, 'plain.log');
  const dir = join(work, 'logs');
  const storage = new FileStorage({ logDirs: [dir], core, checkpointIntervalMs: 0, defaultConfig: { segmentBytes: 1024 * MIB } });
  await storage.open();
  const rounds = 5;
  const plainMs: number[] = [];
  const appendMs: number[] = [];
  const pipeMs: number[] = [];
  let log!: Awaited<ReturnType<FileStorage['createPartition']>>;
  let log2!: typeof log;
  for (let r = 0; r < rounds; r++) {
    const fd = fs.openSync(plainPath, 'w+');
    let data = copies();
    let t = performance.now();
    let pos = 0;
    for (const b of data) pos += await write(fd, b, pos);
    plainMs.push(performance.now() - t);
    fs.fsyncSync(fd);
    fs.closeSync(fd);

    if (r > 0) await storage.deletePartition('bench', 0);
    log = await storage.createPartition('bench', 0);
    data = copies();
    t = performance.now();
    for (const b of data) await log.append(b);
    appendMs.push(performance.now() - t);
    await log.flush();

    // Pipelined appends (a produce-heavy broker keeps several in flight; the writer coalesces).
    if (r > 0) await storage.deletePartition('bench', 1);
    log2 = await storage.createPartition('bench', 1);
    data = copies();
    t = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (const b of data) {
      inflight.push(log2.append(b));
      if (inflight.length >= 8) await inflight.shift();
    }
    await Promise.all(inflight);
    pipeMs.push(performance.now() - t);
    await log2.flush();
  }
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = plainMs.map((p, i) => p / appendMs[i]!);
  console.log(
    `append   kwasm ${fmt(bytes, median(appendMs))}  plain fs.write ${fmt(bytes, median(plainMs))}  ratio ${median(ratios).toFixed(2)}x median of ${rounds} alternating rounds [${ratios.map((x) => x.toFixed(2)).join(' ')}] (goal >= 0.8x)`,
  );
  const pr = plainMs.map((p, i) => p / pipeMs[i]!);
  console.log(`append   kwasm, 8 in flight ${fmt(bytes, median(pipeMs))}  ratio ${median(pr).toFixed(2)}x to sequential fs.write`);

  // ---- read vs fs.read -----------------------------------------------------------------
  const chunk = MIB;
  const rfd = fs.openSync(plainPath, 'r');
  const buf = Buffer.allocUnsafe(chunk);
  let t = performance.now();
  let got = 0;
  for (let p = 0; p < bytes; p += chunk) got += await read(rfd, buf, p);
  const plainReadMs = performance.now() - t;
  // The same reads into a new buffer each time: what any server that hands the bytes to a socket
  // (and so cannot reuse the buffer at once) pays; kwasm's read returns such buffers.
  t = performance.now();
  for (let p = 0; p < bytes; p += chunk) await read(rfd, Buffer.allocUnsafe(chunk), p);
  const plainFreshMs = performance.now() - t;
  fs.closeSync(rfd);
  t = performance.now();
  let next = 0n;
  let served = 0;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: chunk });
    served += r.size;
    next = r.nextOffset;
  }
  const readMs = performance.now() - t;
  console.log(
    `read     kwasm ${fmt(served, readMs)}  plain fs.read ${fmt(got, plainReadMs)} (reused buffer), ${fmt(got, plainFreshMs)} (new buffer per read)  ratio ${(plainReadMs / readMs).toFixed(2)}x / ${(plainFreshMs / readMs).toFixed(2)}x (goal >= 0.8x)`,
  );

  // ---- index lookups ---------------------------------------------------------------------
  const ix = new OffsetIndex(core, 10 * MIB);
  for (let i = 0; i < 1_000_000; i++) ix.append(i * 10 + 9, 1000 * (i + 1));
  const N = 2_000_000;
  t = performance.now();
  let acc = 0;
  for (let i = 0; i < N; i++) acc += ix.lookup((i * 7919) % 10_000_000);
  const ixMs = performance.now() - t;
  ix.close();
  const R = 20_000;
  const leo = Number(log.logEndOffset);
  t = performance.now();
  for (let i = 0; i < R; i++) await log.read(BigInt((i * 104729) % leo), { maxBytes: 1 });
  const rrMs = performance.now() - t;
  console.log(`index    ${((N / ixMs) * 1000 / 1e6).toFixed(2)} M lookups/s in the core (1M-entry index)  random-offset reads ${((R / rrMs) * 1000).toFixed(0)}/s (${acc > 0 ? 'ok' : ''})`);

  // ---- recovery vs CRC32C ------------------------------------------------------------------
  // Abandon without close (an unclean stop), then reopen: every segment past the recovery point
  // is read, validated by the core and re-indexed.
  const logBytes = log.size + log2.size;
  const s2 = new FileStorage({ logDirs: [dir], core, checkpointIntervalMs: 0 });
  t = performance.now();
  const report = await s2.open();
  const recMs = performance.now() - t;
  const scanned = report.recovered.reduce((n, r) => n + r.bytesScanned, 0);
  const all = Buffer.concat(copies().slice(0, Math.min(count, Math.floor((64 * MIB) / batchSize))));
  t = performance.now();
  let crcBytes = 0;
  while (performance.now() - t < 1000) {
    for (let p = 0; p < all.length; p += MIB) core.crc32c(all.subarray(p, p + MIB));
    crcBytes += all.length;
  }
  const crcMs = performance.now() - t;
  const recRate = scanned / MIB / (recMs / 1000);
  const crcRate = crcBytes / MIB / (crcMs / 1000);
  console.log(
    `recovery ${recRate.toFixed(0)} MiB/s (${(scanned / MIB).toFixed(0)} of ${(logBytes / MIB).toFixed(0)} MiB in ${recMs.toFixed(0)} ms)  WASM CRC32C ${crcRate.toFixed(0)} MiB/s  ratio ${(recRate / crcRate).toFixed(2)}x (goal >= 0.5x)`,
  );
  await s2.close();
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
