// ListOffsets by time over a log's segments, answered at record level as Kafka does (the Log
// answers LATEST and EARLIEST itself):
//
//   timestamp T >= 0   the first record (offset >= log start) whose timestamp is >= T, with its
//                      timestamp and its batch's partition leader epoch (-1 when the batch has none):
//                      the time index gives a start position, batch headers are walked to the
//                      first batch whose max timestamp is >= T, and that batch's records are
//                      decoded by the WASM core (decompressed first through host/compression) to
//                      pick the record; if none of its records qualifies the walk goes on (Kafka's
//                      FileRecords.searchForTimestamp).
//   MAX_TIMESTAMP (-3) the record with the largest timestamp (KIP-734 after KAFKA-16310): the first
//                      segment holding the largest max timestamp, in it the first batch whose max
//                      timestamp equals it (found from the offset the time index recorded), in that
//                      batch the first record carrying it.
//
// In a LogAppendTime batch every record's timestamp is the batch's max timestamp, so a batch
// holding all of its offsets is answered from its header alone. Only the batches that answer a
// query are decoded; nothing else reads records.
import type { BatchDescriptor, Core, RecordView } from '../core/types.js';
import { Attr, BatchStatus } from '../core/types.js';
import { decompress } from '../compression/index.js';
import { StorageError } from './errors.js';
import type { Frame } from './frame.js';
import type { Segment } from './segment.js';
import { locateBatch, walkFrames } from './segment-read.js';

export interface TimestampLookup {
  core: Core;
  segments: readonly Segment[];
  logStartOffset: bigint;
  logEndOffset: bigint;
  indexIntervalBytes: number;
}

export interface RecordAtTime {
  offset: bigint;
  timestamp: bigint;
  /** The partition leader epoch of the record's batch, -1 when it has none. */
  batchLeaderEpoch: number;
}

const HEADER = 61;

async function readBatch(core: Core, seg: Segment, position: number, size: number): Promise<{ bytes: Uint8Array; d: BatchDescriptor }> {
  const bytes = await seg.read(position, size);
  const scan = core.validateBatches(bytes);
  const d = scan.batches[0];
  if (scan.status !== BatchStatus.OK || !d || d.size !== size) {
    throw new StorageError('KAFKA_STORAGE_ERROR', `batch at ${position} of the segment at ${seg.baseOffset} does not validate (status ${scan.status})`);
  }
  return { bytes, d };
}

async function recordsOf(core: Core, bytes: Uint8Array, d: BatchDescriptor): Promise<RecordView[]> {
  const codec = d.attributes & Attr.COMPRESSION_MASK;
  if (codec === 0) return core.decodeRecords(bytes);
  const section = await decompress(codec, bytes.subarray(HEADER, d.size));
  return core.decodeRecordsSection(section, d.recordCount, d.lastOffsetDelta);
}

const fullBatch = (d: BatchDescriptor): boolean => d.recordCount === d.lastOffsetDelta + 1;
const isLogAppendTime = (d: BatchDescriptor): boolean => (d.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0;

/** The first record of the batch with offset >= minOffset and a timestamp matching `want`. */
async function pickRecord(core: Core, bytes: Uint8Array, d: BatchDescriptor, minOffset: bigint, want: (ts: bigint) => boolean): Promise<RecordAtTime | null> {
  const epoch = d.partitionLeaderEpoch >= 0 ? d.partitionLeaderEpoch : -1;
  if (isLogAppendTime(d)) {
    if (!want(d.maxTimestamp)) return null;
    if (fullBatch(d)) return { offset: d.baseOffset > minOffset ? d.baseOffset : minOffset, timestamp: d.maxTimestamp, batchLeaderEpoch: epoch };
  }
  for (const r of await recordsOf(core, bytes, d)) {
    const offset = d.baseOffset + BigInt(r.offsetDelta);
    const timestamp = isLogAppendTime(d) ? d.maxTimestamp : d.baseTimestamp + r.timestampDelta;
    if (offset >= minOffset && want(timestamp)) return { offset, timestamp, batchLeaderEpoch: epoch };
  }
  return null;
}

/** The first record at or after `timestamp` (offset >= log start), or null. */
export async function lookupTimestamp(l: TimestampLookup, timestamp: bigint): Promise<RecordAtTime | null> {
  const chunk = 65536 + l.indexIntervalBytes;
  for (const seg of l.segments) {
    await seg.loadSummary();
    if (seg.size === 0 || seg.maxTimestamp < timestamp || seg.nextOffset <= l.logStartOffset) continue;
    seg.pin();
    try {
      await seg.loadIndexes();
      // Time-index entries below the target cover offsets whose records are all older.
      const rel = seg.timeIndex.lookup(timestamp - 1n);
      let start = rel >= 0 ? seg.offsetIndex.lookup(rel) : 0;
      while (start < seg.size) {
        let hit: Frame | null = null;
        const at = await walkFrames(seg, start, chunk, (f) => {
          if (f.lastOffset >= l.logEndOffset) return true;
          if (f.maxTimestamp >= timestamp && f.lastOffset >= l.logStartOffset) {
            hit = f;
            return true;
          }
          return false;
        });
        const f = hit as Frame | null;
        if (at < 0 || !f) break;
        const { bytes, d } = await readBatch(l.core, seg, at, f.size);
        const found = await pickRecord(l.core, bytes, d, l.logStartOffset, (ts) => ts >= timestamp);
        if (found) return found;
        start = at + f.size;
      }
    } finally {
      seg.unpin();
    }
  }
  return null;
}

/** The first record carrying the log's largest timestamp, or null for an empty log. */
export async function lookupMaxTimestamp(l: TimestampLookup): Promise<RecordAtTime | null> {
  let best: Segment | null = null;
  for (const s of l.segments) {
    await s.loadSummary();
    if (s.size > 0 && s.offsetOfMaxTimestamp >= l.logStartOffset && (!best || s.maxTimestamp > best.maxTimestamp)) best = s;
  }
  if (!best) return null;
  const seg = best;
  const max = seg.maxTimestamp;
  seg.pin();
  try {
    // The batch that set the segment's max timestamp ends at offsetOfMaxTimestamp; should the index
    // disagree with the data (it never should), the whole segment is searched.
    const loc = await locateBatch(seg, seg.offsetOfMaxTimestamp, seg.size, 65536 + l.indexIntervalBytes);
    const from = loc ? loc.bufStart + loc.at : 0;
    let frame: Frame | null = null;
    const visit = (f: Frame): boolean => {
      if (f.maxTimestamp !== max) return false;
      frame = f;
      return true;
    };
    let at = await walkFrames(seg, from, 65536 + l.indexIntervalBytes, visit);
    if (at < 0 && from > 0) at = await walkFrames(seg, 0, 65536 + l.indexIntervalBytes, visit);
    const f = frame as Frame | null;
    if (at < 0 || !f) return { offset: seg.offsetOfMaxTimestamp, timestamp: max, batchLeaderEpoch: -1 };
    const { bytes, d } = await readBatch(l.core, seg, at, f.size);
    const found = await pickRecord(l.core, bytes, d, l.logStartOffset, (ts) => ts === max);
    // A batch whose header claims a larger timestamp than any record carries: Kafka's shallow answer.
    return found ?? { offset: f.lastOffset, timestamp: max, batchLeaderEpoch: d.partitionLeaderEpoch };
  } finally {
    seg.unpin();
  }
}
