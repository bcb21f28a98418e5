// One log segment as the shared Log sees it: bytes of whole batches starting at `baseOffset`, with
// its sparse offset/time indexes and aborted-transaction index kept in memory. The file engine
// persists them in Kafka's files; the memory engine keeps them in buffers.
import type { BatchDescriptor } from '../core/types.js';
import { peekFrame } from './frame.js';
import type { OffsetIndex } from './offset-index.js';
import type { TimeIndex } from './time-index.js';
import type { AbortedTxn, TxnIndex } from './txn-index.js';
import { locateBatch } from './segment-read.js';

export interface Segment {
  readonly baseOffset: bigint;
  /** Bytes of whole batches written (readable). */
  size: number;
  /** Offset after the last batch written; baseOffset while empty. */
  nextOffset: bigint;
  /** Largest batch max-timestamp in the segment, -1n while unknown/empty. */
  maxTimestamp: bigint;
  /** Last offset of the batch that carried maxTimestamp. */
  offsetOfMaxTimestamp: bigint;
  /** Wall-clock creation time, for segment.ms. */
  createdMs: number;
  bytesSinceIndexEntry: number;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly txnIndex: TxnIndex;
  /**
   * Loads the offset and time indexes (closed segments: from disk on first use, and again after the
   * file engine's index cache unloaded them). Use them synchronously after the await.
   */
  loadIndexes(): Promise<void>;
  /** Makes maxTimestamp/offsetOfMaxTimestamp and txnIndex known (loads indexes only the first time). */
  loadSummary(): Promise<void>;
  /** Makes the segment the active one again (after truncation): indexes loaded and kept. */
  activate(): Promise<void>;
  /** Appends `chunks` (`bytes` in total) at position `size`; the caller then advances `size`. */
  write(chunks: readonly Uint8Array[], bytes: number): Promise<void>;
  /**
   * Up to `length` bytes at `position` (fewer at the end). A view: callers must not modify it.
   * With `into` (a caller-owned buffer), bytes that must be copied or read go there and the result
   * is a view of it; cached bytes may still come back as views of the cache.
   */
  read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Makes every written byte durable. */
  sync(): Promise<void>;
  /** Cuts the data at `position` (indexes are truncated by the caller). */
  truncate(position: number): Promise<void>;
  appendTxn(txn: AbortedTxn): Promise<void>;
  /** No more appends: persist indexes at their exact size and make everything durable. */
  seal(): Promise<void>;
  /** Persist indexes and release resources (clean shutdown); the segment may be reopened later. */
  close(): Promise<void>;
  /** Removes the segment; waits for reads in flight. */
  delete(delayMs: number): Promise<void>;
  /** Releases a segment replaced by the cleaner (its files now belong to the replacement). */
  retire(): Promise<void>;
  /** Reads in flight hold a pin so that deletion waits for them. */
  pin(): void;
  unpin(): void;
}

export interface SegmentStore {
  create(baseOffset: bigint): Promise<Segment>;
  /** An invisible segment that will replace the closed segment at `baseOffset` (log cleaner). */
  createReplacement(baseOffset: bigint): Promise<Segment>;
  /**
   * Swaps `replacement` in for the adjacent closed segments `old` (the first has the replacement's
   * base offset) durably; returns the segment the log should now use.
   */
  commitReplacement(old: readonly Segment[], replacement: Segment): Promise<Segment>;
  writeSnapshot(offset: bigint, bytes: Uint8Array): Promise<void>;
  /** Latest snapshot with offset <= maxOffset, or null. */
  readSnapshot(maxOffset: bigint): Promise<{ offset: bigint; bytes: Uint8Array } | null>;
  /** Deletes snapshots with offset < `below`, and those with offset > `above` when given. */
  pruneSnapshots(below: bigint, above?: bigint): Promise<void>;
}

/** Adds index entries for a batch written at `position` (Kafka's LogSegment.append rule). */
export function indexBatch(seg: Segment, d: BatchDescriptor, position: number, indexIntervalBytes: number): void {
  const lastOffset = d.baseOffset + BigInt(d.lastOffsetDelta);
  if (d.maxTimestamp > seg.maxTimestamp) {
    seg.maxTimestamp = d.maxTimestamp;
    seg.offsetOfMaxTimestamp = lastOffset;
  }
  if (seg.bytesSinceIndexEntry > indexIntervalBytes) {
    seg.offsetIndex.append(Number(lastOffset - seg.baseOffset), position);
    seg.timeIndex.maybeAppend(seg.maxTimestamp, Number(seg.offsetOfMaxTimestamp - seg.baseOffset));
    seg.bytesSinceIndexEntry = 0;
  }
  seg.bytesSinceIndexEntry += d.size;
}

/** The final time-index entry of a segment that stops being active. */
export function finishTimeIndex(seg: Segment): void {
  if (seg.maxTimestamp >= 0n && seg.offsetOfMaxTimestamp >= seg.baseOffset) {
    seg.timeIndex.maybeAppend(seg.maxTimestamp, Number(seg.offsetOfMaxTimestamp - seg.baseOffset));
  }
}

/** Max timestamp (and its offset) from the last time-index entry, after truncation. */
export function resetMaxTimestamp(seg: Segment): void {
  const n = seg.timeIndex.entries;
  if (n > 0) {
    seg.maxTimestamp = seg.timeIndex.timestampAt(n - 1);
    seg.offsetOfMaxTimestamp = seg.baseOffset + BigInt(seg.timeIndex.relativeOffsetAt(n - 1));
  } else {
    seg.maxTimestamp = -1n;
    seg.offsetOfMaxTimestamp = -1n;
  }
}

/**
 * Cuts `seg` before the batch holding `offset` (Kafka truncates whole batches: a batch straddling
 * `offset` goes too), with its indexes. Returns the offset the segment now ends at.
 */
export async function truncateSegmentAt(seg: Segment, offset: bigint, indexIntervalBytes: number): Promise<bigint> {
  const loc = await locateBatch(seg, offset, seg.size, 65536 + indexIntervalBytes);
  let cut = seg.size;
  if (loc) {
    const f = peekFrame(loc.buf, loc.at)!;
    cut = loc.bufStart + loc.at;
    if (f.baseOffset < offset) offset = f.baseOffset;
  }
  await seg.truncate(cut);
  const rel = Number(offset - seg.baseOffset);
  seg.size = cut;
  seg.nextOffset = offset;
  seg.offsetIndex.truncateToPosition(cut);
  seg.timeIndex.truncateToOffset(rel);
  seg.txnIndex.truncateTo(offset);
  seg.bytesSinceIndexEntry = 0;
  resetMaxTimestamp(seg);
  return offset;
}

/** Index of the last segment whose base offset is <= `offset` (0 when none is). */
export function floorSegment(segments: readonly Segment[], offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.baseOffset <= offset) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
