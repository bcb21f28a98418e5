// Which closed segments retention may delete (Kafka's UnifiedLog.deleteOldSegments rules), as pure
// functions over a log's segment list; the Log deletes them (log.ts).
//   - only whole closed segments go, oldest first, and only while the next segment starts at or
//     below the high watermark (nothing not yet replicated/committed is lost);
//   - a segment goes when the log start offset (DeleteRecords) has passed it, when retention.ms has
//     expired it (its largest timestamp, or its creation time while it has none, is too old), or
//     while the log is larger than retention.bytes by at least its size.
import type { LogConfig } from './config.js';
import type { Segment } from './segment.js';

/** Closed segments from the oldest while `extra(seg)` or the log start offset allows. */
export function deletablePrefix(segments: readonly Segment[], highWatermark: bigint, logStartOffset: bigint, extra: (seg: Segment, index: number) => boolean): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1]!;
    if (next.baseOffset > highWatermark) break;
    if (next.baseOffset <= logStartOffset || extra(seg, i)) out.push(seg);
    else break;
  }
  return out;
}

/** retention.ms: true when every record of `seg` is older than the retention time. */
export function expiredBy(config: LogConfig, nowMs: number): (seg: Segment) => boolean {
  return (s) => config.retentionMs >= 0 && s.size > 0 && nowMs - Number(s.maxTimestamp < 0n ? BigInt(s.createdMs) : s.maxTimestamp) > config.retentionMs;
}

/** Segments retention.ms / retention.bytes / the log start offset delete now (indexes loaded). */
export function retentionVictims(segments: readonly Segment[], config: LogConfig, nowMs: number, highWatermark: bigint, logStartOffset: bigint): Segment[] {
  const expired = expiredBy(config, nowMs);
  let size = 0;
  for (const s of segments) size += s.size;
  let excess = config.retentionBytes >= 0 ? size - config.retentionBytes : -1;
  return deletablePrefix(segments, highWatermark, logStartOffset, (s) => {
    if (expired(s)) {
      excess -= s.size;
      return true;
    }
    if (config.retentionBytes >= 0 && excess - s.size >= 0) {
      excess -= s.size;
      return true;
    }
    return false;
  });
}
