// Storage engine benchmarks, each a ratio to a raw baseline measured in the same run:
//   append   — FileStorage.append of 16 KiB batches (validated by the core, offsets assigned, one
//              write each, no fsync: Kafka's default flush policy) vs plain fs.write of the same
//              bytes at the end of a file (one awaited call per batch, no fsync)    (goal >= 0.8x)
//              Appends this small are written with a synchronous pwrite (host/storage/fs.ts,
//              appendWrite), so a second pair compares them with plain fs.writeSync too.
//   read     — sequential log.read of 1 MiB (index lookup, whole batches) vs plain fs.read of 1 MiB
//              from the same bytes in a plain file. Two pairs: both into one reused buffer (kwasm's
//              ReadOptions.buffer; fs.read's buffer argument), and both into a new buffer per read
//              (what a caller that keeps the result gets)                        (goal >= 0.8x)
//   recovery — unclean-start recovery: the partitions' segment scans (read the .log in 4 MiB
//              chunks, validate every batch in the core, rebuild indexes and producer state; the
//              engine's RecoveredPartition.durationMs) vs WASM CRC32C over the same bytes in memory
//              (core.crc32c in 1 MiB calls). Files are in the page cache, as after a process crash.
//              The whole open() is printed too: it adds directory listings, checkpoint writes and
//              fsyncs, a fixed cost that does not grow with the data.               (goal >= 0.5x)
//   index    — offset index lookups/s in the core, and random-offset log reads/s
//
// The machine is shared and loaded, so the two sides of a ratio are interleaved: they alternate in
// small blocks (which side goes first alternates too) and each side's time is the sum of its
// blocks, so load changes hit both alike. Each figure is the median over rounds; the per-round
// ratios are printed. Compare ratios, not absolute numbers.
// Run: node --import tsx bench/storage.ts [MiB per round, default 128] [rounds, default 5]
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore } from '../host/core/wasm.js';
import { FileStorage } from '../host/storage/file/engine.js';
import type { FileSegment } from '../host/storage/file/segment.js';
import { OffsetIndex } from '../host/storage/offset-index.js';
import type { PartitionLog } from '../host/storage/types.js';

const MIB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 128);
const rounds = Number(process.argv[3] ?? 5);
const core = loadCore();
const work = mkdtempSync(join(tmpdir(), 'kwasm-bench-storage-'));

function write(fd: number, b: Uint8Array, pos: number): Promise<number> {
  return new Promise((res, rej) => fs.write(fd, b, 0, b.length, pos, (e, n) => (e ? rej(e) : res(n))));
}
function read(fd: number, b: Uint8Array, len: number, pos: number): Promise<number> {
  return new Promise((res, rej) => fs.read(fd, b, 0, len, pos, (e, n) => (e ? rej(e) : res(n))));
}

function makeBatches(count: number): Uint8Array[] {
  // ~16 KiB batches of 100-byte records (150 records each), uncompressed.
  const out: Uint8Array[] = [];
  const value = Buffer.alloc(100, 120);
  for (let b = 0; b < count; b++) {
    const records = Array.from({ length: 150 }, (_, i) => ({ key: Buffer.from(`key-${i}`), value, timestamp: 1_700_000_000_000 + b }));
    out.push(core.encodeBatch(records, {}));
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rate = (bytes: number, ms: number): string => `${(bytes / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
const list = (xs: number[]): string => `[${xs.map((x) => x.toFixed(2)).join(' ')}]`;

/** Runs `a` and `b` over `blocks` blocks, alternating (and alternating who goes first); returns each side's total ms. */
async function interleave(blocks: number, a: (block: number) => Promise<void>, b: (block: number) => Promise<void>): Promise<[number, number]> {
  let ta = 0;
  let tb = 0;
  for (let k = 0; k < blocks; k++) {
    for (const side of k % 2 === 0 ? [0, 1] : [1, 0]) {
      const t = performance.now();
      await (side === 0 ? a(k) : b(k));
      if (side === 0) ta += performance.now() - t;
      else tb += performance.now() - t;
    }
  }
  return [ta, tb];
}

async function main(): Promise<void> {
  const proto = makeBatches(64);
  const batchSize = proto[0]!.length;
  const count = Math.floor((totalMiB * MIB) / batchSize);
  const bytes = count * batchSize;
  console.log(`storage bench: ${count} batches of ${batchSize} B (${(bytes / MIB).toFixed(0)} MiB) per round, ${rounds} rounds; ratios from interleaved blocks in the same run`);
  // Fresh copies per round (append patches base offsets in place; plain writes get their own).
  const copies = (): Uint8Array[] => Array.from({ length: count }, (_, i) => Uint8Array.from(proto[i % proto.length]!));

  const dir = join(work, 'logs');
  const storage = new FileStorage({ logDirs: [dir], core, checkpointIntervalMs: 0, maintenanceIntervalMs: 0, defaultConfig: { segmentBytes: 1024 * MIB } });
  await storage.open();
  const plainPath = join(work, 'plain.log');
  const plainPath2 = join(work, 'plain2.log');
  const plainPath3 = join(work, 'plain3.log');

  // ---- append vs fs.write ----------------------------------------------------------------
  const BLOCK = 32;
  const blocks = Math.ceil(count / BLOCK);
  const seqRatios: number[] = [];
  const syncRatios: number[] = [];
  const pipeRatios: number[] = [];
  let plainSyncMs = 0;
  let kwSyncSideMs = 0;
  let plainSeqMs = 0;
  let kwSeqMs = 0;
  let kwPipeMs = 0;
  let log!: PartitionLog;
  for (let r = 0; r < rounds; r++) {
    for (const p of [0, 1, 2]) if (storage.getPartition('bench', p)) await storage.deletePartition('bench', p);
    log = await storage.createPartition('bench', 0);
    const log2 = await storage.createPartition('bench', 1);
    const log3 = await storage.createPartition('bench', 2);
    const plain = copies();
    const mine = copies();
    const piped = copies();
    const mine3 = copies();
    const fd = fs.openSync(plainPath, 'w+');
    const fd2 = fs.openSync(plainPath2, 'w+');
    const fd3 = fs.openSync(plainPath3, 'w+');
    let pos = 0;
    const [pMs, kMs] = await interleave(
      blocks,
      async (k) => {
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) pos += await write(fd, plain[i]!, pos);
      },
      async (k) => {
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) await log.append(mine[i]!);
      },
    );
    // Pipelined appends (a produce-heavy broker keeps several in flight; the writer coalesces them
    // into one writev), against the same sequential plain writes into a second new file.
    let pos2 = 0;
    const [p2Ms, k2Ms] = await interleave(
      blocks,
      async (k) => {
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) pos2 += await write(fd2, plain[i]!, pos2);
      },
      async (k) => {
        const inflight: Promise<unknown>[] = [];
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) {
          inflight.push(log2.append(piped[i]!));
          if (inflight.length >= 8) await inflight.shift();
        }
        await Promise.all(inflight);
      },
    );
    // Sequential appends against sequential plain fs.writeSync (no thread pool either side).
    let pos3 = 0;
    const [p3Ms, k3Ms] = await interleave(
      blocks,
      async (k) => {
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) {
          pos3 += fs.writeSync(fd3, plain[i]!, 0, plain[i]!.length, pos3);
          await undefined; // one microtask turn per write, as an awaited caller has
        }
      },
      async (k) => {
        for (let i = k * BLOCK; i < Math.min(count, (k + 1) * BLOCK); i++) await log3.append(mine3[i]!);
      },
    );
    // Dirty pages are written back between rounds, untimed, so no round inherits another's.
    for (const f of [fd, fd2, fd3]) {
      fs.fsyncSync(f);
      fs.closeSync(f);
    }
    await log.flush();
    await log2.flush();
    await log3.flush();
    seqRatios.push(pMs / kMs);
    syncRatios.push(p3Ms / k3Ms);
    plainSyncMs += p3Ms;
    kwSyncSideMs += k3Ms;
    pipeRatios.push(p2Ms / k2Ms);
    plainSeqMs += pMs + p2Ms;
    kwSeqMs += kMs;
    kwPipeMs += k2Ms;
  }
  console.log(
    `append   kwasm ${rate(bytes * rounds, kwSeqMs)}  plain fs.write ${rate(2 * bytes * rounds, plainSeqMs)}  ratio ${median(seqRatios).toFixed(2)}x median ${list(seqRatios)} (goal >= 0.8x)`,
  );
  console.log(
    `append   kwasm ${rate(bytes * rounds, kwSyncSideMs)}  plain fs.writeSync ${rate(bytes * rounds, plainSyncMs)}  ratio ${median(syncRatios).toFixed(2)}x median ${list(syncRatios)}`,
  );
  console.log(`append   kwasm, 8 in flight ${rate(bytes * rounds, kwPipeMs)}  ratio ${median(pipeRatios).toFixed(2)}x to sequential fs.write ${list(pipeRatios)}`);

  // ---- read vs fs.read -----------------------------------------------------------------
  // The last round's log and plain file hold the same bytes, both in the page cache.
  const chunk = MIB;
  const RB = 8;
  const readBlocks = Math.ceil(bytes / chunk / RB);
  const rfd = fs.openSync(plainPath, 'r');
  const plainBuf = Buffer.allocUnsafe(chunk);
  const kwBuf = Buffer.allocUnsafe(chunk + 64 * 1024);
  const reusedRatios: number[] = [];
  const freshRatios: number[] = [];
  let plainReusedMs = 0;
  let kwReusedMs = 0;
  let plainFreshMs = 0;
  let kwFreshMs = 0;
  let served = 0;
  for (let r = 0; r < rounds; r++) {
    for (const reuse of [true, false]) {
      let ppos = 0;
      let next = 0n;
      const [pMs, kMs] = await interleave(
        readBlocks,
        async () => {
          for (let j = 0; j < RB && ppos < bytes; j++) ppos += await read(rfd, reuse ? plainBuf : Buffer.allocUnsafe(chunk), chunk, ppos);
        },
        async () => {
          for (let j = 0; j < RB && next < log.logEndOffset; j++) {
            const res = await log.read(next, reuse ? { maxBytes: chunk, buffer: kwBuf } : { maxBytes: chunk });
            served += res.size;
            next = res.nextOffset;
          }
        },
      );
      if (reuse) {
        reusedRatios.push(pMs / kMs);
        plainReusedMs += pMs;
        kwReusedMs += kMs;
      } else {
        freshRatios.push(pMs / kMs);
        plainFreshMs += pMs;
        kwFreshMs += kMs;
      }
    }
  }
  fs.closeSync(rfd);
  console.log(
    `read     reused buffer: kwasm ${rate(bytes * rounds, kwReusedMs)}  plain fs.read ${rate(bytes * rounds, plainReusedMs)}  ratio ${median(reusedRatios).toFixed(2)}x ${list(reusedRatios)} (goal >= 0.8x)`,
  );
  console.log(
    `read     new buffer per read: kwasm ${rate(bytes * rounds, kwFreshMs)}  plain fs.read ${rate(bytes * rounds, plainFreshMs)}  ratio ${median(freshRatios).toFixed(2)}x ${list(freshRatios)}${served > 0 ? '' : ' (nothing served?)'}`,
  );

  // ---- index lookups ---------------------------------------------------------------------
  const ix = new OffsetIndex(core, 10 * MIB);
  for (let i = 0; i < 1_000_000; i++) ix.append(i * 10 + 9, 1000 * (i + 1));
  const N = 2_000_000;
  let t = performance.now();
  let acc = 0;
  for (let i = 0; i < N; i++) acc += ix.lookup((i * 7919) % 10_000_000);
  const ixMs = performance.now() - t;
  ix.close();
  const R = 20_000;
  const leo = Number(log.logEndOffset);
  t = performance.now();
  for (let i = 0; i < R; i++) await log.read(BigInt((i * 104729) % leo), { maxBytes: 1 });
  const rrMs = performance.now() - t;
  console.log(`index    ${(((N / ixMs) * 1000) / 1e6).toFixed(2)} M lookups/s in the core (1M-entry index)  random-offset reads ${((R / rrMs) * 1000).toFixed(0)}/s (${acc > 0 ? 'ok' : ''})`);

  // ---- recovery vs CRC32C ------------------------------------------------------------------
  // Each round: drop the storage without closing it (an unclean stop), reopen it (every segment
  // past the recovery point is read, validated and re-indexed), and CRC the same bytes in memory.
  const seg = (log as unknown as { segments: FileSegment[] }).segments[0]!;
  const logBytes = fs.readFileSync(seg.path('.log'));
  const recRatios: number[] = [];
  const openRatios: number[] = [];
  let recMs = 0;
  let openMs = 0;
  let crcMs = 0;
  let scanned = 0;
  let current: FileStorage = storage;
  /** ms to CRC `n` bytes (the log's own bytes, in 1 MiB calls). */
  const crcPass = (n: number): number => {
    const t0 = performance.now();
    let c = 0;
    for (let done = 0; done < n; done += MIB) {
      const at = done % logBytes.length;
      c ^= core.crc32c(logBytes.subarray(at, Math.min(at + MIB, logBytes.length, at + n - done)));
    }
    acc ^= c;
    return performance.now() - t0;
  };
  for (let r = 0; r < rounds; r++) {
    for (const tp of current.listPartitions()) for (const s of (current.getLog(tp.topic, tp.partition)!.segments as FileSegment[])) await s.abandon();
    const next = new FileStorage({ logDirs: [dir], core, checkpointIntervalMs: 0, maintenanceIntervalMs: 0 });
    // The CRC pass goes before the recovery in odd rounds and after it in even ones.
    const expected = current.listPartitions().reduce((s, tp) => s + current.getLog(tp.topic, tp.partition)!.size, 0);
    let cMs = r % 2 === 1 ? crcPass(expected) : 0;
    t = performance.now();
    const report = await next.open();
    const oMs = performance.now() - t;
    const n = report.recovered.reduce((s, x) => s + x.bytesScanned, 0);
    const rMs = report.recovered.reduce((s, x) => s + (x.durationMs ?? oMs), 0);
    if (r % 2 === 0) cMs = crcPass(n);
    else if (n !== expected) cMs = (cMs * n) / expected;
    recRatios.push(cMs / rMs);
    openRatios.push(cMs / oMs);
    recMs += rMs;
    openMs += oMs;
    crcMs += cMs;
    scanned += n;
    current = next;
  }
  console.log(
    `recovery ${rate(scanned, recMs)} (${(scanned / rounds / MIB).toFixed(0)} MiB per round)  WASM CRC32C ${rate(scanned, crcMs)}  ratio ${median(recRatios).toFixed(2)}x ${list(recRatios)} (goal >= 0.5x)${acc === 0.5 ? ' ' : ''}`,
  );
  console.log(`recovery whole open() ${rate(scanned, openMs)}  ratio ${median(openRatios).toFixed(2)}x ${list(openRatios)}`);
  await current.close();
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
