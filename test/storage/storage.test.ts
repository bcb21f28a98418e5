// One suite, run against both engines (memory and file): the Storage contract.
import { afterEach, describe, expect, it } from 'vitest';
import { ListOffsetsTimestamp, type PartitionLog } from '../../host/storage/types.js';
import { isStorageError } from '../../host/storage/errors.js';
import { buildBatch, concat, controlBatch, listBatches, simpleBatch } from './helpers/batches.js';
import { ENGINES, makeEngine, type EngineHandle, type EngineOptions } from './helpers/engines.js';
import type { LogConfig } from '../../host/storage/config.js';

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isStorageError(e), String(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

async function readAll(log: PartitionLog, from = log.logStartOffset): Promise<Array<{ baseOffset: bigint; lastOffset: bigint }>> {
  const out: Array<{ baseOffset: bigint; lastOffset: bigint }> = [];
  let next = from;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: 64 * 1024 });
    if (r.size === 0) break;
    for (const b of listBatches(concat(r.records))) out.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset });
    next = r.nextOffset;
  }
  return out;
}

describe.each(ENGINES)('storage contract: %s engine', (kind) => {
  let h: EngineHandle;
  const open = async (o: EngineOptions = {}): Promise<EngineHandle> => {
    h = await makeEngine(kind, o);
    return h;
  };
  const make = async (config?: Partial<LogConfig>, o: EngineOptions = {}): Promise<PartitionLog> => {
    await open(o);
    return h.storage.createPartition('t', 0, config);
  };
  afterEach(async () => {
    await h?.cleanup();
  });

  it('creates, lists and deletes partitions', async () => {
    await open();
    await h.storage.createPartition('a', 0);
    await h.storage.createPartition('a', 1);
    await expectCode(h.storage.createPartition('a', 1), 'TOPIC_ALREADY_EXISTS');
    expect(h.storage.listPartitions().map((p) => `${p.topic}-${p.partition}`).sort()).toEqual(['a-0', 'a-1']);
    await h.storage.deletePartition('a', 0);
    expect(h.storage.getPartition('a', 0)).toBeUndefined();
    await expectCode(h.storage.deletePartition('a', 0), 'UNKNOWN_TOPIC_OR_PARTITION');
    expect(h.storage.listPartitions()).toEqual([{ topic: 'a', partition: 1 }]);
  });

  it('assigns consecutive offsets by patching base offsets in place', async () => {
    const log = await make();
    const b1 = simpleBatch(3);
    const r1 = await log.append(b1);
    expect(r1).toMatchObject({ baseOffset: 0n, lastOffset: 2n, duplicate: false, recordCount: 3, logStartOffset: 0n });
    const b2 = simpleBatch(2);
    const r2 = await log.append(b2);
    expect(r2.baseOffset).toBe(3n);
    expect(b2.readBigInt64BE(0)).toBe(3n);
    expect(log.logEndOffset).toBe(5n);
    expect(log.highWatermark).toBe(5n);
    // Two batches in one request.
    const r3 = await log.append(Buffer.concat([simpleBatch(1), simpleBatch(4)]));
    expect(r3).toMatchObject({ baseOffset: 5n, lastOffset: 9n, recordCount: 5 });
    expect((await readAll(log)).map((b) => b.baseOffset)).toEqual([0n, 3n, 5n, 6n]);
  });

  it('hands out consecutive offsets to appends issued without waiting', async () => {
    const log = await make({ segmentBytes: 4096 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(simpleBatch(1 + (i % 3)))));
    let expected = 0n;
    for (let i = 0; i < results.length; i++) {
      expect(results[i]!.baseOffset).toBe(expected);
      expected += BigInt(1 + (i % 3));
    }
    expect(log.logEndOffset).toBe(expected);
    const all = await readAll(log);
    expect(all.length).toBe(50);
    expect(log.segmentCount).toBeGreaterThan(1);
  });

  it('rejects corrupt, malformed and oversized batches without consuming offsets', async () => {
    const log = await make({ maxMessageBytes: 2000 });
    const bad = simpleBatch(2);
    bad[bad.length - 1] ^= 0xff;
    await expectCode(log.append(bad), 'CORRUPT_MESSAGE');
    const torn = simpleBatch(2).subarray(0, 40);
    await expectCode(log.append(torn), 'CORRUPT_MESSAGE');
    await expectCode(log.append(new Uint8Array(0)), 'INVALID_RECORD');
    const magic = simpleBatch(1);
    magic[16] = 1;
    await expect(log.append(magic)).rejects.toMatchObject({ name: 'StorageError' });
    await expectCode(log.append(simpleBatch(1, { valueSize: 3000 })), 'MESSAGE_TOO_LARGE');
    expect(log.logEndOffset).toBe(0n);
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(0n);
  });

  it('reads whole batches from the one holding the offset, bounded by maxBytes', async () => {
    const log = await make({ indexIntervalBytes: 100 });
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const b = simpleBatch(5, { valueSize: 50 });
      sizes.push(b.length);
      await log.append(b);
    }
    // Offset 7 is inside the batch [5..9]: the read starts at 5, as Kafka does.
    const r = await log.read(7n, { maxBytes: sizes[0]! * 2 });
    const got = listBatches(concat(r.records));
    expect(got.map((b) => b.baseOffset)).toEqual([5n, 10n]);
    expect(r.firstBatchOffset).toBe(5n);
    expect(r.nextOffset).toBe(15n);
    expect(r.size).toBe(sizes[0]! * 2);
    // maxBytes smaller than a batch still returns one whole batch.
    const one = await log.read(0n, { maxBytes: 10 });
    expect(listBatches(concat(one.records)).length).toBe(1);
    expect(one.size).toBe(sizes[0]);
    const none = await log.read(0n, { maxBytes: 10, minOneBatch: false });
    expect(none.size).toBe(0);
    // At the log end: empty; beyond it or below the start: out of range.
    expect((await log.read(100n, { maxBytes: 1000 })).size).toBe(0);
    await expectCode(log.read(101n, { maxBytes: 1000 }), 'OFFSET_OUT_OF_RANGE');
    await expectCode(log.read(-1n, { maxBytes: 1000 }), 'OFFSET_OUT_OF_RANGE');
    // maxOffset (high watermark / LSO) bounds what is served.
    const hw = await log.read(0n, { maxBytes: 1 << 20, maxOffset: 12n });
    expect(listBatches(concat(hw.records)).map((b) => b.baseOffset)).toEqual([0n, 5n]);
  });

  it('reads into a caller-owned buffer: the same batches, as views of that buffer', async () => {
    const log = await make({ segmentBytes: 4 * 1024 * 1024 });
    for (let i = 0; i < 120; i++) await log.append(simpleBatch(10, { valueSize: 2000 }));
    const buffer = Buffer.alloc(300 * 1024);
    const read = async (withBuffer: boolean): Promise<Buffer[]> => {
      const out: Buffer[] = [];
      let next = 0n;
      while (next < log.logEndOffset) {
        const r = await log.read(next, withBuffer ? { maxBytes: 256 * 1024, buffer } : { maxBytes: 256 * 1024 });
        out.push(Buffer.from(concat(r.records))); // copied: the next read reuses the buffer
        if (withBuffer && kind === 'file' && next === 0n) expect(r.records[0]!.buffer).toBe(buffer.buffer);
        expect(r.size).toBeLessThanOrEqual(256 * 1024);
        next = r.nextOffset;
      }
      return out;
    };
    const a = await read(false);
    const b = await read(true);
    expect(Buffer.concat(b).equals(Buffer.concat(a))).toBe(true);
    expect(listBatches(Buffer.concat(b)).length).toBe(120);
    // A buffer too small to be useful is ignored.
    const r = await log.read(0n, { maxBytes: 256 * 1024, buffer: Buffer.alloc(100) });
    expect(listBatches(concat(r.records))[0]!.baseOffset).toBe(0n);
  });

  it('finds every offset through the sparse index across rolled segments', async () => {
    const log = await make({ segmentBytes: 3000, indexIntervalBytes: 200 });
    const batches: Array<[bigint, bigint]> = [];
    for (let i = 0; i < 120; i++) {
      const n = 1 + (i % 4);
      const r = await log.append(simpleBatch(n, { valueSize: 20 + (i % 7) * 10 }));
      batches.push([r.baseOffset, r.lastOffset]);
    }
    expect(log.segmentCount).toBeGreaterThan(3);
    for (let o = 0n; o < log.logEndOffset; o++) {
      const r = await log.read(o, { maxBytes: 1 });
      const [b] = listBatches(concat(r.records));
      expect(b!.baseOffset <= o && o <= b!.lastOffset, `offset ${o}`).toBe(true);
    }
    expect((await readAll(log)).map((b) => [b.baseOffset, b.lastOffset])).toEqual(batches);
  });

  it('rolls segments by segment.ms', async () => {
    let now = 1_000_000;
    const log = await make({ segmentMs: 1000 }, { clock: () => now });
    await log.append(simpleBatch(1));
    await log.append(simpleBatch(1));
    expect(log.segmentCount).toBe(1);
    now += 1001;
    await log.append(simpleBatch(1));
    expect(log.segmentCount).toBe(2);
    expect((await readAll(log)).length).toBe(3);
  });

  it('lists offsets: earliest, latest, max timestamp and by timestamp', async () => {
    const log = await make({ indexIntervalBytes: 0, segmentBytes: 2000 });
    for (let i = 0; i < 30; i++) {
      // timestamps 1000, 1010, ..., with batch 7 carrying the largest
      const ts = i === 7 ? 99_999n : 1000n + BigInt(i) * 10n;
      await log.append(buildBatch([{ value: `v${i}` }, { value: `w${i}`, timestampDelta: 5 }], { baseTimestamp: ts }));
    }
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(await log.listOffsets(ListOffsetsTimestamp.EARLIEST)).toMatchObject({ offset: 0n });
    expect(await log.listOffsets(ListOffsetsTimestamp.LATEST)).toMatchObject({ offset: 60n });
    expect(await log.listOffsets(ListOffsetsTimestamp.MAX_TIMESTAMP)).toMatchObject({ offset: 15n, timestamp: 100_004n });
    // First record whose timestamp >= target (record level, as Kafka).
    expect(await log.listOffsets(1000n)).toMatchObject({ offset: 0n, timestamp: 1000n });
    expect(await log.listOffsets(1003n)).toMatchObject({ offset: 1n, timestamp: 1005n });
    expect(await log.listOffsets(1006n)).toMatchObject({ offset: 2n, timestamp: 1010n });
    // Batch 7 (offsets 14-15: 99,999 and 100,004) is the first batch reaching any later target.
    expect(await log.listOffsets(1200n)).toMatchObject({ offset: 14n, timestamp: 99_999n });
    expect(await log.listOffsets(1285n)).toMatchObject({ offset: 14n, timestamp: 99_999n });
    expect(await log.listOffsets(100_001n)).toMatchObject({ offset: 15n, timestamp: 100_004n });
    expect(await log.listOffsets(200_000n)).toBeNull();
  });

  it('truncates to an offset and keeps appending after it', async () => {
    const log = await make({ segmentBytes: 1500 });
    for (let i = 0; i < 40; i++) await log.append(simpleBatch(2));
    const segs = log.segmentCount;
    expect(segs).toBeGreaterThan(2);
    await log.truncateTo(31n); // inside batch [30,31]: the whole batch goes
    expect(log.logEndOffset).toBe(30n);
    expect(log.segmentCount).toBeLessThan(segs);
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(30n);
    const all = await readAll(log);
    expect(all[all.length - 1]).toEqual({ baseOffset: 30n, lastOffset: 30n });
    expect(all.length).toBe(16);
    await log.truncateFullyAndStartAt(500n);
    expect(log.logStartOffset).toBe(500n);
    expect(log.logEndOffset).toBe(500n);
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(500n);
  });

  it('deleteRecords moves the log start offset and drops whole segments below it', async () => {
    const log = await make({ segmentBytes: 1500 });
    for (let i = 0; i < 40; i++) await log.append(simpleBatch(2));
    const before = log.segmentCount;
    await expectCode(log.deleteRecords(81n), 'OFFSET_OUT_OF_RANGE');
    expect(await log.deleteRecords(45n)).toBe(45n);
    expect(log.logStartOffset).toBe(45n);
    expect(log.segmentCount).toBeLessThan(before);
    await expectCode(log.read(44n, { maxBytes: 100 }), 'OFFSET_OUT_OF_RANGE');
    const r = await log.read(45n, { maxBytes: 100 });
    expect(listBatches(concat(r.records))[0]!.baseOffset).toBe(44n);
    expect(await log.listOffsets(ListOffsetsTimestamp.EARLIEST)).toMatchObject({ offset: 45n });
    expect(await log.deleteRecords(10n)).toBe(45n);
  });

  it('retention.bytes deletes the oldest closed segments', async () => {
    const log = await make({ segmentBytes: 1000, retentionBytes: 2500, retentionMs: -1 });
    for (let i = 0; i < 60; i++) await log.append(simpleBatch(1, { valueSize: 60 }));
    const size = log.size;
    expect(size).toBeGreaterThan(2500);
    const rep = await log.maintenance();
    expect(rep.deletedSegments).toBeGreaterThan(0);
    expect(log.size).toBeLessThanOrEqual(2500 + 1000);
    expect(log.size).toBeGreaterThanOrEqual(2500 - 1000);
    expect(log.logStartOffset).toBeGreaterThan(0n);
    const all = await readAll(log);
    expect(all[0]!.baseOffset).toBe(log.logStartOffset);
    expect(all[all.length - 1]!.lastOffset).toBe(59n);
    // appends continue normally
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(60n);
  });

  it('retention.ms deletes segments whose newest record is too old, rolling an expired active segment', async () => {
    let now = 10_000_000;
    const log = await make({ segmentBytes: 1000, retentionMs: 5000 }, { clock: () => now });
    for (let i = 0; i < 30; i++) await log.append(simpleBatch(1, { valueSize: 60, baseTimestamp: BigInt(now - 100_000 + i * 1000) }));
    for (let i = 0; i < 5; i++) await log.append(simpleBatch(1, { valueSize: 60, baseTimestamp: BigInt(now) }));
    await log.maintenance(now);
    // Only segments holding the fresh records survive.
    const all = await readAll(log);
    expect(all[0]!.baseOffset).toBeGreaterThan(25n);
    expect(all[all.length - 1]!.baseOffset).toBe(34n);
    now += 60_000;
    await log.maintenance(now);
    expect(log.logStartOffset).toBe(35n);
    expect(log.logEndOffset).toBe(35n);
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(35n);
  });

  it('idempotent producer: duplicates get the original offsets, gaps and old epochs are refused', async () => {
    const log = await make();
    const pid = 42n;
    const r0 = await log.append(simpleBatch(3, { producerId: pid, producerEpoch: 1, baseSequence: 0 }));
    const r1 = await log.append(simpleBatch(2, { producerId: pid, producerEpoch: 1, baseSequence: 3 }));
    const dup = await log.append(simpleBatch(3, { producerId: pid, producerEpoch: 1, baseSequence: 0 }));
    expect(dup).toMatchObject({ baseOffset: r0.baseOffset, lastOffset: r0.lastOffset, duplicate: true });
    expect(log.logEndOffset).toBe(5n);
    await expectCode(log.append(simpleBatch(1, { producerId: pid, producerEpoch: 1, baseSequence: 7 })), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await expectCode(log.append(simpleBatch(1, { producerId: pid, producerEpoch: 0, baseSequence: 5 })), 'INVALID_PRODUCER_EPOCH');
    await expectCode(log.append(simpleBatch(1, { producerId: pid, producerEpoch: 2, baseSequence: 4 })), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const bumped = await log.append(simpleBatch(1, { producerId: pid, producerEpoch: 2, baseSequence: 0 }));
    expect(bumped.baseOffset).toBe(5n);
    expect(log.producerState(pid)).toMatchObject({ epoch: 2 });
    expect(r1.baseOffset).toBe(3n);
    // A duplicate of a batch still being written waits for it.
    const [a, b] = await Promise.all([
      log.append(simpleBatch(1, { producerId: 7n, producerEpoch: 0, baseSequence: 0 })),
      log.append(simpleBatch(1, { producerId: 7n, producerEpoch: 0, baseSequence: 0 })),
    ]);
    expect(b).toMatchObject({ baseOffset: a.baseOffset, duplicate: true });
    await expectCode(log.append(controlBatch(1, { producerId: 7n, producerEpoch: 0 })), 'INVALID_RECORD');
  });

  it('tracks open transactions (LSO) and the aborted transaction index', async () => {
    const log = await make({ segmentBytes: 1200 });
    await log.append(simpleBatch(1));
    await log.append(simpleBatch(2, { producerId: 5n, producerEpoch: 0, baseSequence: 0, transactional: true }));
    expect(log.lastStableOffset).toBe(1n);
    for (let i = 0; i < 20; i++) await log.append(simpleBatch(1));
    const marker = await log.append(controlBatch(0, { producerId: 5n, producerEpoch: 0 }), { origin: 'coordinator', controlType: 0 });
    expect(log.lastStableOffset).toBe(log.highWatermark);
    const txns = await log.abortedTransactions(0n, log.logEndOffset);
    expect(txns).toEqual([{ producerId: 5n, firstOffset: 1n, lastOffset: marker.baseOffset, lastStableOffset: marker.baseOffset + 1n }]);
    expect(await log.abortedTransactions(marker.baseOffset + 1n, log.logEndOffset)).toEqual([]);
    expect(await log.abortedTransactions(0n, 1n)).toEqual([]);
    // Explicitly recorded entries (coordinator driven) land in the segment of their marker.
    await log.appendAbortedTxn({ producerId: 9n, firstOffset: 2n, lastOffset: 3n, lastStableOffset: 1n });
    expect((await log.abortedTransactions(2n, 4n)).map((t) => t.producerId)).toContain(9n);
  });

  it('notifies append listeners once data is readable', async () => {
    const log = await make();
    const seen: bigint[] = [];
    const off = log.onAppend((l) => seen.push(l.logEndOffset));
    await log.append(simpleBatch(2));
    await log.append(simpleBatch(1));
    off();
    await log.append(simpleBatch(1));
    expect(seen).toEqual([2n, 3n]);
  });

  it('follows a replication high watermark when one is set', async () => {
    const log = await make();
    await log.append(simpleBatch(5));
    log.setHighWatermark(3n);
    expect(log.highWatermark).toBe(3n);
    await log.append(simpleBatch(1));
    expect(log.highWatermark).toBe(3n);
    log.setHighWatermark(100n);
    expect(log.highWatermark).toBe(6n);
    // replication appends keep the leader's offsets
    const b = simpleBatch(2, { baseOffset: 6n });
    const r = await log.append(b, { origin: 'replication' });
    expect(r.baseOffset).toBe(6n);
    await expectCode(log.append(simpleBatch(1, { baseOffset: 3n }), { origin: 'replication' }), 'INVALID_RECORD');
  });
});
