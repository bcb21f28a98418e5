// Log compaction (cleanup.policy=compact): see the protocol below.
//
// Swap protocol (crash-safe, as Kafka's): the cleaner writes the compacted replacement of a run of
// closed segments [B .. ] as `<B>.log.cleaned` (+ .index/.timeindex/.txnindex .cleaned), fsyncs
// them, renames each to `.swap` (the .log last), then removes the replaced segments and renames the
// `.swap` files to their final names. After a crash, `.cleaned` files are deleted and any
// `<B>.log.swap` is completed by `completeSwap`.
import type { BatchDescriptor, RecordInput, RecordView } from '../core/types.js';
import { Attr, BatchStatus } from '../core/types.js';
import type { Log } from './log.js';
import { finishTimeIndex, indexBatch, type Segment } from './segment.js';
import type { StorageLogger } from './types.js';
import { compress, decompress } from '../compression/index.js';
import { peekFrame } from './frame.js';
import { readWholeFile, type StorageFs } from './fs.js';

const EXTS = ['.index', '.timeindex', '.txnindex'];

/** Completes interrupted swaps in `dir` (names: the directory's `*.swap` files). */
export async function completeSwap(fs: StorageFs, dir: string, names: string[]): Promise<void> {
  const logs = names.filter((n) => /^\d{20}\.log\.swap$/.test(n));
  const all = await fs.readdir(dir);
  for (const swapName of logs) {
    const baseName = swapName.slice(0, 20);
    const base = BigInt(baseName);
    const bytes = (await readWholeFile(fs, `${dir}/${swapName}`)) ?? new Uint8Array(0);
    let last = base - 1n;
    for (let p = 0; ; ) {
      const f = peekFrame(bytes, p);
      if (!f || f.size < 61 || p + f.size > bytes.length) break;
      last = f.lastOffset;
      p += f.size;
    }
    // Replaced segments: every old segment whose base lies in (base, last].
    for (const n of all) {
      const m = /^(\d{20})\.(log|index|timeindex|txnindex)$/.exec(n);
      if (!m) continue;
      const b = BigInt(m[1]!);
      if (b > base && b <= last) await fs.unlink(`${dir}/${n}`);
    }
    for (const ext of EXTS) {
      if (all.includes(`${baseName}${ext}.swap`)) await fs.rename(`${dir}/${baseName}${ext}.swap`, `${dir}/${baseName}${ext}`);
      else await fs.unlink(`${dir}/${baseName}${ext}`);
    }
    await fs.rename(`${dir}/${swapName}`, `${dir}/${baseName}.log`);
  }
  for (const n of names) if (n.endsWith('.swap') && !logs.some((l) => n.startsWith(l.slice(0, 20)))) await fs.unlink(`${dir}/${n}`);
  await fs.syncDir(dir);
}

// ---- the cleaner ----------------------------------------------------------------------------
//
// Kafka's rules, per partition, over the closed segments that are old enough
// (min.compaction.lag.ms) and below the last stable offset:
//   1. map every key to the offset of its latest record;
//   2. rewrite each segment keeping, per batch, the records that are the latest for their key
//      (records without a key are kept); offsets never change (each kept record keeps its offset
//      delta, each batch its base offset and lastOffsetDelta), so consumers' positions stay valid;
//   3. a tombstone (null value) that is the latest for its key goes once it is older than
//      delete.retention.ms;
//   4. control batches are kept; an emptied batch of an idempotent producer is kept unchanged so
//      that its last sequence survives (producer state after a reload), others are dropped;
//   5. untouched batches are copied byte for byte; changed ones are re-encoded by the WASM core
//      and re-compressed with their codec.
// A segment is cleaned again when the dirty (not yet cleaned) share of the closed bytes reaches
// min.cleanable.dirty.ratio.
export interface CompactorOptions {
  compress: (codec: number, data: Uint8Array) => Promise<Uint8Array>;
  decompress: (codec: number, data: Uint8Array) => Promise<Uint8Array>;
  logger?: StorageLogger;
}

const keyOf = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');

export function createCompactor(opts: CompactorOptions): (log: Log, nowMs: number) => Promise<boolean> {
  const cleanedUpTo = new WeakMap<Log, bigint>();

  async function records(log: Log, batch: Uint8Array, d: BatchDescriptor): Promise<RecordView[]> {
    const codec = d.attributes & Attr.COMPRESSION_MASK;
    if (codec === 0) return log.core.decodeRecords(batch);
    const section = await opts.decompress(codec, batch.subarray(61, d.size));
    return log.core.decodeRecordsSection(section, d.recordCount, d.lastOffsetDelta);
  }

  async function* batchesOf(log: Log, seg: Segment): AsyncGenerator<{ bytes: Uint8Array; d: BatchDescriptor }> {
    const data = await seg.read(0, seg.size);
    const scan = log.core.validateBatches(data);
    if (scan.status !== BatchStatus.OK) throw new Error(`segment ${seg.baseOffset} is not clean: ${scan.status}`);
    for (const d of scan.batches) yield { bytes: data.subarray(d.position, d.position + d.size), d };
  }

  return async function compact(log: Log, nowMs: number): Promise<boolean> {
    const c = log.config;
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
    const done = cleanedUpTo.get(log) ?? -1n;
    let total = 0;
    let dirty = 0;
    for (const s of candidates) {
      total += s.size;
      if (s.baseOffset >= done) dirty += s.size;
    }
    if (dirty === 0 || (done >= 0n && dirty / Math.max(1, total) < c.minCleanableDirtyRatio)) return false;

    // 1. latest offset per key
    const latest = new Map<string, bigint>();
    for (const s of candidates) {
      for await (const { bytes, d } of batchesOf(log, s)) {
        if ((d.attributes & Attr.CONTROL) !== 0) continue;
        for (const r of await records(log, bytes, d)) if (r.key) latest.set(keyOf(r.key), d.baseOffset + BigInt(r.offsetDelta));
      }
    }
    // 2-5. rewrite
    const horizon = BigInt(nowMs - c.deleteRetentionMs);
    let removedRecords = 0;
    for (const seg of candidates) {
      const out = await log.store.createReplacement(seg.baseOffset);
      let changed = false;
      for await (const { bytes, d } of batchesOf(log, seg)) {
        let keep: Uint8Array | null = bytes;
        if ((d.attributes & Attr.CONTROL) === 0) {
          const rs = await records(log, bytes, d);
          const kept = rs.filter((r) => {
            const offset = d.baseOffset + BigInt(r.offsetDelta);
            if (!r.key) return true;
            if (latest.get(keyOf(r.key)) !== offset) return false;
            return !(r.value === null && d.baseTimestamp + r.timestampDelta < horizon);
          });
          if (kept.length !== rs.length) {
            changed = true;
            removedRecords += rs.length - kept.length;
            keep = kept.length === 0 ? (d.producerId >= 0n ? bytes : null) : await rebuild(log, d, kept);
          }
        }
        if (!keep) continue;
        const scan = log.core.validateBatches(keep);
        const nd = scan.batches[0]!;
        await out.write([keep], keep.length);
        indexBatch(out, nd, out.size, c.indexIntervalBytes);
        out.size += keep.length;
      }
      if (!changed) {
        await out.delete(0);
        continue;
      }
      out.nextOffset = seg.nextOffset;
      for (const t of seg.txnIndex.entries) await out.appendTxn(t);
      finishTimeIndex(out);
      await log.exclusive(async () => {
        const live = await log.store.commitReplacement(seg, out);
        log.replaceSegments([seg], [live]);
      });
      await seg.retire();
    }
    cleanedUpTo.set(log, candidates[candidates.length - 1]!.nextOffset);
    opts.logger?.info({ event: 'log_compacted', topic: log.topic, partition: log.partition, segments: candidates.length, removedRecords }, 'compacted log');
    return true;
  };

  async function rebuild(log: Log, d: BatchDescriptor, kept: RecordView[]): Promise<Uint8Array> {
    const codec = d.attributes & Attr.COMPRESSION_MASK;
    const inputs: RecordInput[] = kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: d.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    }));
    const section = log.core.encodeRecordsSection(inputs);
    const payload = codec === 0 ? section.records : await opts.compress(codec, section.records);
    return log.core.buildBatch(payload, {
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
  }
}

/** The cleaner with kwasm's codecs (host/compression). */
export function defaultCompactor(logger?: StorageLogger): (log: Log, nowMs: number) => Promise<boolean> {
  return createCompactor({
    compress: (codec, data) => compress(codec, data),
    decompress: (codec, data) => decompress(codec, data),
    logger,
  });
}
