// ListOffsets by timestamp over a log's segments (the Log answers LATEST/EARLIEST itself).
import type { Segment } from './segment.js';
import { findOffsetByTimestamp } from './segment-read.js';

export interface TimestampLookup {
  segments: readonly Segment[];
  logStartOffset: bigint;
  logEndOffset: bigint;
  indexIntervalBytes: number;
}

/** MAX_TIMESTAMP: the segment with the largest timestamp and the offset that carried it. */
export async function lookupMaxTimestamp(l: TimestampLookup): Promise<{ offset: bigint; timestamp: bigint } | null> {
  let best: Segment | null = null;
  for (const s of l.segments) {
    await s.loadIndexes();
    if (s.size > 0 && s.offsetOfMaxTimestamp >= l.logStartOffset && (!best || s.maxTimestamp > best.maxTimestamp)) best = s;
  }
  if (!best) return null;
  return { offset: best.offsetOfMaxTimestamp, timestamp: best.maxTimestamp };
}

/** The first batch whose max timestamp is >= `timestamp`. */
export async function lookupTimestamp(l: TimestampLookup, timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
  for (const seg of l.segments) {
    await seg.loadIndexes();
    if (seg.size === 0 || seg.maxTimestamp < timestamp) continue;
    seg.pin();
    try {
      const found = await findOffsetByTimestamp(seg, timestamp, l.indexIntervalBytes, l.logEndOffset);
      if (found) return { offset: found.offset < l.logStartOffset ? l.logStartOffset : found.offset, timestamp: found.timestamp };
    } finally {
      seg.unpin();
    }
  }
  return null;
}
