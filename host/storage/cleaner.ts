// The log cleaner (cleanup.policy=compact, compact,delete), after Kafka's LogCleaner.
//
// Per partition, over the closed segments below the last stable offset that are old enough
// (min.compaction.lag.ms), when the dirty share of their bytes (those past the cleaner offset, kept
// in Kafka's `cleaner-offset-checkpoint` by the file engine) reaches min.cleanable.dirty.ratio:
//   1. map every key to the offset of its latest record, skipping aborted transactions;
//   2. rewrite the segments, keeping per batch the records that are the latest for their key;
//      offsets never change (each kept record keeps its offset delta, each batch its base offset
//      and lastOffsetDelta), so consumers' positions stay valid:
//      - a tombstone (null value) that is the latest for its key goes once its timestamp is older
//        than delete.retention.ms;
//      - records of aborted transactions go (the aborted-transaction index says which);
//      - transaction markers go once no data of their transaction is left (see cleaner-txn.ts) and
//        their timestamp is older than delete.retention.ms (Kafka >= 3.0 stamps a delete horizon
//        into the batch instead; the core has no such rewrite, so the marker's time is used);
//      - the last batch of a producer still in the producer state is kept, emptied of its records
//        if need be, so that its sequence and epoch survive a reload (Kafka's RETAIN_EMPTY);
//        markers are kept whole then;
//      - untouched batches are copied byte for byte; changed ones are re-encoded by the WASM core
//        and re-compressed with their codec; a batch left without records is dropped;
//   3. group adjacent segments while the cleaned output plus the next segment fits segment.bytes,
//      its index room (segment.index.bytes) and 32-bit relative offsets, so that small cleaned
//      segments merge into one (Kafka's groupSegmentsBySize); each group becomes one segment with
//      the group's first base offset. A group always ends with a batch covering its last segment's
//      last offset (an empty batch when nothing else is left there) so the swap knows what it
//      replaced after a crash (file/swap.ts).
import type { BatchDescriptor, Core, RecordInput, RecordView } from '../core/types.js';
import { Attr, BatchStatus } from '../core/types.js';
import { compress, decompress } from '../compression/index.js';
import { CleanedTxnState } from './cleaner-txn.js';
import { frameSize } from './frame.js';
import type { Log } from './log.js';
import { finishTimeIndex, indexBatch, type Segment } from './segment.js';
import type { StorageLogger } from './types.js';

export { completeSwap } from './file/swap.js';

export interface CompactorOptions {
  compress: (codec: number, data: Uint8Array) => Promise<Uint8Array>;
  decompress: (codec: number, data: Uint8Array) => Promise<Uint8Array>;
  logger?: StorageLogger;
}

const INT32_MAX = 2147483647n;
const READ_CHUNK = 4 * 1024 * 1024;
const WRITE_CHUNK = 1024 * 1024;
const keyOf = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
const isControl = (d: BatchDescriptor): boolean => (d.attributes & Attr.CONTROL) !== 0;
const lastOffsetOf = (d: BatchDescriptor): bigint => d.baseOffset + BigInt(d.lastOffsetDelta);

/** Whole batches of a segment, read in chunks and validated by the core. */
async function* batchesOf(core: Core, seg: Segment): AsyncGenerator<{ bytes: Uint8Array; d: BatchDescriptor }> {
  let pos = 0;
  while (pos < seg.size) {
    let buf = await seg.read(pos, Math.min(READ_CHUNK, seg.size - pos));
    let scan = core.validateBatches(buf);
    if (scan.validBytes === 0) {
      // A batch larger than the chunk: read exactly it.
      const size = frameSize(buf, 0);
      if (scan.status !== BatchStatus.TRUNCATED || size <= buf.length || pos + size > seg.size) throw new Error(`segment ${seg.baseOffset} is not clean at ${pos}: status ${scan.status}`);
      buf = await seg.read(pos, size);
      scan = core.validateBatches(buf);
      if (scan.status !== BatchStatus.OK) throw new Error(`segment ${seg.baseOffset} is not clean at ${pos}: status ${scan.status}`);
    } else if (scan.status !== BatchStatus.OK && scan.status !== BatchStatus.TRUNCATED) {
      throw new Error(`segment ${seg.baseOffset} is not clean at ${pos + scan.validBytes}: status ${scan.status}`);
    }
    for (const d of scan.batches) yield { bytes: buf.subarray(d.position, d.position + d.size), d };
    pos += scan.validBytes;
  }
}

/** Writes batches into a replacement segment, indexing them, in writes of about WRITE_CHUNK. */
class SegmentWriter {
  readonly #chunks: Uint8Array[] = [];
  #buffered = 0;
  batches = 0;
  constructor(
    readonly out: Segment,
    readonly indexIntervalBytes: number,
  ) {}

  get size(): number {
    return this.out.size + this.#buffered;
  }

  async add(bytes: Uint8Array, d: BatchDescriptor): Promise<void> {
    indexBatch(this.out, d, this.size, this.indexIntervalBytes);
    this.#chunks.push(bytes);
    this.#buffered += bytes.length;
    this.batches++;
    if (this.#buffered >= WRITE_CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#buffered === 0) return;
    await this.out.write(this.#chunks, this.#buffered);
    this.out.size += this.#buffered;
    this.#chunks.length = 0;
    this.#buffered = 0;
  }
}

export function createCompactor(opts: CompactorOptions): (log: Log, nowMs: number) => Promise<boolean> {
  async function records(core: Core, batch: Uint8Array, d: BatchDescriptor): Promise<RecordView[]> {
    const codec = d.attributes & Attr.COMPRESSION_MASK;
    if (codec === 0) return core.decodeRecords(batch);
    const section = await opts.decompress(codec, batch.subarray(61, d.size));
    return core.decodeRecordsSection(section, d.recordCount, d.lastOffsetDelta);
  }

  /** A batch with the same offsets and header but no records (uncompressed, as Kafka writes them). */
  function emptied(core: Core, d: BatchDescriptor, keepProducer: boolean): { bytes: Uint8Array; d: BatchDescriptor } {
    const bytes = core.buildBatch(new Uint8Array(0), {
      baseOffset: d.baseOffset,
      partitionLeaderEpoch: d.partitionLeaderEpoch,
      logAppendTime: (d.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0,
      transactional: keepProducer && (d.attributes & Attr.TRANSACTIONAL) !== 0,
      producerId: keepProducer ? d.producerId : -1n,
      producerEpoch: keepProducer ? d.producerEpoch : -1,
      baseSequence: keepProducer ? d.baseSequence : -1,
      recordCount: 0,
      lastOffsetDelta: d.lastOffsetDelta,
      baseTimestamp: d.baseTimestamp,
      maxTimestamp: d.maxTimestamp,
    });
    return { bytes, d: core.validateBatches(bytes).batches[0]! };
  }

  async function rebuild(core: Core, d: BatchDescriptor, kept: RecordView[]): Promise<{ bytes: Uint8Array; d: BatchDescriptor }> {
    const codec = d.attributes & Attr.COMPRESSION_MASK;
    const inputs: RecordInput[] = kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: d.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    }));
    const section = core.encodeRecordsSection(inputs);
    const payload = codec === 0 ? section.records : await opts.compress(codec, section.records);
    const bytes = core.buildBatch(payload, {
      baseOffset: d.baseOffset,
      partitionLeaderEpoch: d.partitionLeaderEpoch,
      compression: codec,
      logAppendTime: (d.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0,
      transactional: (d.attributes & Attr.TRANSACTIONAL) !== 0,
      producerId: d.producerId,
      producerEpoch: d.producerEpoch,
      baseSequence: d.baseSequence,
      recordCount: section.recordCount,
      lastOffsetDelta: d.lastOffsetDelta,
      baseTimestamp: section.baseTimestamp,
      maxTimestamp: section.maxTimestamp,
    });
    return { bytes, d: core.validateBatches(bytes).batches[0]! };
  }

  return async function compact(log: Log, nowMs: number): Promise<boolean> {
    const c = log.config;
    const core = log.core;
    // Rolled segments are sealed in the background: the cleaner works on sealed segments only.
    await log.sealed();
    const closed = log.segments.slice(0, -1);
    const lso = log.lastStableOffset;
    const candidates: Segment[] = [];
    for (const s of closed) {
      await s.loadSummary();
      if (s.nextOffset > lso) break;
      if (c.minCompactionLagMs > 0 && Number(s.maxTimestamp) > nowMs - c.minCompactionLagMs) break;
      candidates.push(s);
    }
    if (candidates.length === 0) return false;
    // The cleaner offset (first dirty offset) as Kafka reads its checkpoint: below the log start or
    // past the log end it is not trusted.
    let done = log.cleanerOffset;
    if (done >= 0n && (done < log.logStartOffset || done > log.logEndOffset)) done = -1n;
    let total = 0;
    let dirty = 0;
    for (const s of candidates) {
      total += s.size;
      if (s.baseOffset >= done) dirty += s.size;
    }
    if (dirty === 0 || (done >= 0n && dirty / Math.max(1, total) < c.minCleanableDirtyRatio)) return false;
    const end = candidates[candidates.length - 1]!.nextOffset;
    // Aborted transactions with data in the range (their markers may lie beyond it).
    const aborted = (await log.abortedTransactions(candidates[0]!.baseOffset, log.logEndOffset)).filter((t) => t.firstOffset < end);

    // 1. latest offset per key, aborted data excluded
    const latest = new Map<string, bigint>();
    const mapTxn = new CleanedTxnState(aborted);
    for (const s of candidates) {
      s.pin();
      try {
        for await (const { bytes, d } of batchesOf(core, s)) {
          if (isControl(d)) {
            mapTxn.onControl(d, d.controlType ?? -1);
            continue;
          }
          if (mapTxn.onBatch(d)) continue;
          for (const r of await records(core, bytes, d)) if (r.key) latest.set(keyOf(r.key), d.baseOffset + BigInt(r.offsetDelta));
        }
      } finally {
        s.unpin();
      }
    }

    // The last data offset (or epoch, after a marker) of each producer still in the producer state.
    const lastOfProducer = new Map<bigint, { lastDataOffset: bigint; epoch: number }>();
    for (const e of log.producerStateManager.producers.values()) {
      const last = e.batches[e.batches.length - 1];
      lastOfProducer.set(e.producerId, { lastDataOffset: last ? last.lastOffset : -1n, epoch: e.epoch });
    }
    const isLastOfProducer = (d: BatchDescriptor): boolean => {
      const p = d.producerId >= 0n ? lastOfProducer.get(d.producerId) : undefined;
      if (!p) return false;
      return p.lastDataOffset >= 0n ? lastOffsetOf(d) === p.lastDataOffset : isControl(d) && d.producerEpoch === p.epoch;
    };

    // 2-3. rewrite, group by group
    const horizon = BigInt(nowMs - c.deleteRetentionMs);
    const txn = new CleanedTxnState(aborted);
    let removedRecords = 0;
    let replaced = 0;
    let i = 0;
    while (i < candidates.length) {
      const group: Segment[] = [];
      const out = await log.store.createReplacement(candidates[i]!.baseOffset);
      const w = new SegmentWriter(out, c.indexIntervalBytes);
      let changed = false;
      /** The last batch seen in the group when it was dropped (written emptied if it stays last). */
      let tail: BatchDescriptor | null = null;
      try {
        for (; i < candidates.length; i++) {
          const seg = candidates[i]!;
          if (group.length > 0) {
            await seg.loadIndexes();
            const fits =
              w.size + seg.size <= c.segmentBytes &&
              (out.offsetIndex.entries + seg.offsetIndex.entries) * 8 <= c.segmentIndexBytes &&
              (out.timeIndex.entries + seg.timeIndex.entries) * 12 <= c.segmentIndexBytes &&
              seg.nextOffset - 1n - group[0]!.baseOffset <= INT32_MAX;
            if (!fits) break;
          }
          group.push(seg);
          seg.pin();
          try {
            for await (const { bytes, d } of batchesOf(core, seg)) {
              const control = isControl(d);
              const discardable = control ? txn.onControl(d, d.controlType ?? -1) : txn.onBatch(d);
              const discardRecords = control ? discardable && d.maxTimestamp < horizon : discardable;
              const retainEmpty = d.producerId >= 0n && isLastOfProducer(d);
              let keep: { bytes: Uint8Array; d: BatchDescriptor } | null = { bytes, d };
              let hadRecords = true;
              if (control) {
                if (discardRecords && !retainEmpty) keep = null;
              } else if (discardRecords && !retainEmpty) {
                keep = null; // aborted data (Kafka's BatchRetention.DELETE)
                removedRecords += d.recordCount;
              } else {
                const rs = await records(core, bytes, d);
                hadRecords = rs.length > 0;
                const kept = discardRecords
                  ? []
                  : rs.filter((r) => {
                      if (!r.key) return true;
                      if (latest.get(keyOf(r.key)) !== d.baseOffset + BigInt(r.offsetDelta)) return false;
                      return !(r.value === null && d.baseTimestamp + r.timestampDelta < horizon);
                    });
                removedRecords += rs.length - kept.length;
                if (kept.length === 0) keep = retainEmpty ? (hadRecords ? emptied(core, d, true) : keep) : null;
                else if (kept.length !== rs.length) keep = await rebuild(core, d, kept);
              }
              if (keep === null) {
                // An already empty batch going alone is no reason to rewrite a segment.
                if (control || hadRecords || discardRecords) changed = true;
                tail = d;
                continue;
              }
              if (keep.bytes !== bytes) changed = true;
              tail = null;
              await w.add(keep.bytes, keep.d);
            }
          } finally {
            seg.unpin();
          }
        }
        if (group.length > 1) changed = true;
        if (!changed) {
          await out.delete(0);
          continue;
        }
        if (tail) {
          const e = emptied(core, tail, false);
          await w.add(e.bytes, e.d);
        }
        await w.flush();
      } catch (e) {
        await out.delete(0).catch(() => undefined);
        throw e;
      }
      const last = group[group.length - 1]!;
      out.nextOffset = last.nextOffset;
      const groupEnd = last.nextOffset;
      for (const t of txn.retainedAborted) if (t.lastOffset >= group[0]!.baseOffset && t.lastOffset < groupEnd) await out.appendTxn(t);
      finishTimeIndex(out);
      await log.exclusive(async () => {
        const live = await log.store.commitReplacement(group, out);
        log.replaceSegments(group, [live]);
      });
      for (const s of group) await s.retire();
      replaced += group.length;
    }
    log.cleanerOffset = end;
    opts.logger?.info({ event: 'log_compacted', topic: log.topic, partition: log.partition, segments: candidates.length, replaced, removedRecords }, 'compacted log');
    return true;
  };
}

/** The cleaner with kwasm's codecs (host/compression). */
export function defaultCompactor(logger?: StorageLogger): (log: Log, nowMs: number) => Promise<boolean> {
  return createCompactor({
    compress: (codec, data) => compress(codec, data),
    decompress: (codec, data) => decompress(codec, data),
    logger,
  });
}
