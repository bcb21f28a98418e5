// The LRU bound on closed segments' indexes in the WASM core (host/storage/file/index-cache.ts):
// at most N closed segments keep their indexes loaded across all partitions, the active segment and
// pinned segments are never unloaded, and unloaded indexes come back from their files on next use
// with every answer unchanged.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStorage } from '../../../host/storage/file/engine.js';
import type { FileSegment } from '../../../host/storage/file/segment.js';
import { ListOffsetsTimestamp, type PartitionLog } from '../../../host/storage/types.js';
import { buildBatch, concat, listBatches } from '../helpers/batches.js';
import { testCore } from '../helpers/core.js';
import { tempDir } from '../helpers/engines.js';
import { FaultFs } from '../helpers/fault-fs.js';

const dirs: string[] = [];
const opened: FileStorage[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dir: string, fs: FaultFs, indexCacheSegments: number): Promise<FileStorage> {
  const s = new FileStorage({ logDirs: [dir], core: testCore(), fs, checkpointIntervalMs: 0, maintenanceIntervalMs: 0, indexCacheSegments, defaultConfig: { fileDeleteDelayMs: 0 } });
  await s.open();
  opened.push(s);
  return s;
}

const segmentsOf = (s: FileStorage, topic: string): FileSegment[] => s.getLog(topic, 0)!.segments as FileSegment[];
const loadedClosed = (s: FileStorage, topics: string[]): number => topics.reduce((n, t) => n + segmentsOf(s, t).slice(0, -1).filter((g) => g.indexesLoaded).length, 0);

/** Batch i holds offsets 3i..3i+2 with timestamps 1000 + 10i + {0, 5, 2}. */
async function fill(log: PartitionLog, batches: number): Promise<void> {
  for (let i = 0; i < batches; i++) {
    await log.append(buildBatch([{ value: `a${i}` }, { value: `b${i}`, timestampDelta: 5 }, { value: `c${i}`, timestampDelta: 2 }], { baseTimestamp: BigInt(1000 + 10 * i) }));
  }
}

async function batchAt(log: PartitionLog, offset: bigint): Promise<bigint> {
  const r = await log.read(offset, { maxBytes: 1 });
  return listBatches(concat(r.records))[0]!.baseOffset;
}

describe('file engine: index cache (LRU of loaded closed-segment indexes)', () => {
  it('keeps at most N closed segments loaded across partitions, reloads lazily, answers unchanged', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const fs = new FaultFs();
    const s1 = await start(dir, fs, 3);
    for (const t of ['a', 'b']) {
      const log = await s1.createPartition(t, 0, { segmentBytes: 600, indexIntervalBytes: 0 });
      await fill(log, 40);
      await log.flush(); // rolled segments are sealed in the background; flush waits for that
    }
    const segCount = segmentsOf(s1, 'a').length;
    expect(segCount).toBeGreaterThan(5);
    // While appending, every sealed segment passed through the cache: the bound already holds.
    expect(loadedClosed(s1, ['a', 'b'])).toBeLessThanOrEqual(3);
    expect(s1.indexCache.unloads).toBeGreaterThan(0);
    await s1.close();
    opened.splice(opened.indexOf(s1), 1);

    const s = await start(dir, fs, 3);
    expect(loadedClosed(s, ['a', 'b'])).toBe(0);
    const a = s.getPartition('a', 0)!;
    const b = s.getPartition('b', 0)!;
    // Every offset of both partitions, interleaved: more segments than the cache holds.
    for (let o = 0n; o < 120n; o += 1n) {
      expect(await batchAt(a, o)).toBe(o - (o % 3n));
      expect(await batchAt(b, 119n - o)).toBe(119n - o - ((119n - o) % 3n));
      expect(loadedClosed(s, ['a', 'b'])).toBeLessThanOrEqual(3);
      expect(s.indexCache.size).toBeLessThanOrEqual(3);
    }
    // Active segments are never unloaded.
    expect(segmentsOf(s, 'a').at(-1)!.indexesLoaded).toBe(true);
    expect(segmentsOf(s, 'b').at(-1)!.indexesLoaded).toBe(true);
    const unloads = s.indexCache.unloads;
    expect(unloads).toBeGreaterThanOrEqual(2 * (segCount - 1) - 3);

    // An unloaded segment reloads from its index files (no .log scan), on next use.
    const first = segmentsOf(s, 'a')[0]!;
    expect(first.indexesLoaded).toBe(false);
    fs.reads.length = 0;
    expect(await batchAt(a, 4n)).toBe(3n);
    expect(first.indexesLoaded).toBe(true);
    expect(fs.reads.some((p) => p.endsWith('00000000000000000000.index'))).toBe(true);
    expect(fs.reads.some((p) => p.endsWith('00000000000000000000.timeindex'))).toBe(true);

    // Time lookups, MAX_TIMESTAMP and retention bookkeeping work from what unloaded segments keep.
    expect(await a.listOffsets(1103n)).toMatchObject({ offset: 31n, timestamp: 1105n });
    expect(await a.listOffsets(ListOffsetsTimestamp.MAX_TIMESTAMP)).toMatchObject({ offset: 118n, timestamp: 1395n });
    await a.maintenance();
    expect(loadedClosed(s, ['a', 'b'])).toBeLessThanOrEqual(3);
    // Appending and rolling go on; the newly closed segment enters the cache.
    await fill(a, 10);
    expect(await batchAt(a, 125n)).toBe(123n);
    expect(loadedClosed(s, ['a', 'b'])).toBeLessThanOrEqual(3);
  });

  it('never unloads a segment with a read in flight (pinned)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const fs = new FaultFs();
    const s1 = await start(dir, fs, 1);
    await fill(await s1.createPartition('p', 0, { segmentBytes: 600, indexIntervalBytes: 0 }), 30);
    await s1.close();
    opened.splice(0);
    const s = await start(dir, fs, 1);
    const log = s.getPartition('p', 0)!;
    const segs = segmentsOf(s, 'p');
    await batchAt(log, 0n);
    const pinned = segs[0]!;
    expect(pinned.indexesLoaded).toBe(true);
    pinned.pin();
    for (let o = 20n; o < 80n; o += 3n) await batchAt(log, o);
    expect(pinned.indexesLoaded).toBe(true);
    pinned.unpin();
    await batchAt(log, 40n);
    expect(pinned.indexesLoaded).toBe(false);
    expect(loadedClosed(s, ['p'])).toBe(1);
  });

  it('recovery after an unclean stop respects the bound too', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const fs = new FaultFs();
    const s1 = await start(dir, fs, 64);
    await fill(await s1.createPartition('r', 0, { segmentBytes: 600, indexIntervalBytes: 0 }), 40);
    // Unclean stop: descriptors dropped, nothing written, no clean marker.
    for (const g of segmentsOf(s1, 'r')) await g.abandon();
    opened.splice(0);
    const s = await start(dir, fs, 2);
    expect(loadedClosed(s, ['r'])).toBeLessThanOrEqual(2);
    const log = s.getPartition('r', 0)!;
    expect(log.logEndOffset).toBe(120n);
    for (let o = 0n; o < 120n; o += 7n) expect(await batchAt(log, o)).toBe(o - (o % 3n));
    expect(loadedClosed(s, ['r'])).toBeLessThanOrEqual(2);
  });
});
