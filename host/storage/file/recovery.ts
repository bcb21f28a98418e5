// Segment scanning for recovery and index rebuilds: read the .log in large chunks, validate every
// batch with the WASM core (CRC, lengths, magic), check offsets increase, and rebuild the sparse
// indexes from the core's descriptors. The scan stops at the first torn or corrupt batch; the caller
// truncates there.
import type { BatchDescriptor, Core } from '../../core/types.js';
import { BatchStatus } from '../../core/types.js';
import { StorageError } from '../errors.js';
import { frameSize } from '../frame.js';
import { statusName } from '../log.js';
import { indexBatch } from '../segment.js';
import type { FileSegment } from './segment.js';

const CHUNK = 8 * 1024 * 1024;
const INT32_MAX = 2147483647n;

export interface SegmentScan {
  /** Bytes of whole valid batches from the start of the file. */
  validBytes: number;
  fileSize: number;
  /** 'OK' or why the scan stopped (core status name, or OFFSET_ORDER). */
  reason: string;
  batches: number;
}

/**
 * Scans `seg` from byte 0 to `fileSize`, rebuilding its indexes and stats. `expectedMinOffset` is
 * the lowest base offset the first batch may have (the previous segment's end).
 */
export async function scanSegment(
  seg: FileSegment,
  core: Core,
  indexIntervalBytes: number,
  fileSize: number,
  expectedMinOffset: bigint,
  onBatch?: (d: BatchDescriptor) => void,
  onProgress?: (bytes: number) => void,
): Promise<SegmentScan> {
  seg.offsetIndex.clear();
  seg.timeIndex.clear();
  seg.maxTimestamp = -1n;
  seg.offsetOfMaxTimestamp = -1n;
  seg.bytesSinceIndexEntry = 0;
  let next = expectedMinOffset > seg.baseOffset ? expectedMinOffset : seg.baseOffset;
  let pos = 0;
  let chunk = CHUNK;
  let batches = 0;
  let reason = 'OK';
  outer: while (pos < fileSize) {
    const len = Math.min(chunk, fileSize - pos);
    const buf = await seg.read(pos, len);
    if (buf.length < len) {
      reason = 'TRUNCATED';
      break;
    }
    const scan = core.validateBatches(buf);
    for (const d of scan.batches) {
      const last = d.baseOffset + BigInt(d.lastOffsetDelta);
      if (d.baseOffset < next || last - seg.baseOffset > INT32_MAX) {
        reason = 'OFFSET_ORDER';
        pos += d.position;
        break outer;
      }
      indexBatch(seg, d, pos + d.position, indexIntervalBytes);
      onBatch?.(d);
      next = last + 1n;
      batches++;
    }
    pos += scan.validBytes;
    onProgress?.(scan.validBytes);
    if (scan.status === BatchStatus.OK) {
      chunk = CHUNK;
      continue;
    }
    if (scan.status === BatchStatus.TRUNCATED) {
      // The chunk may simply end inside a batch: read again from it, sized to hold it, if the file
      // has all of its bytes. Otherwise it is a torn write.
      const size = frameSize(buf, scan.errorPosition);
      if (size >= 61 && size > len - scan.validBytes && pos + size <= fileSize) {
        chunk = Math.max(size, CHUNK);
        continue;
      }
      reason = 'TRUNCATED';
      break;
    }
    if (scan.status === BatchStatus.TOO_LARGE) {
      if (scan.validBytes > 0) continue;
      if (chunk > 65536) {
        chunk >>= 1;
        continue;
      }
      throw new StorageError('KAFKA_STORAGE_ERROR', `a batch at ${pos} of ${seg.path('.log')} is too large for the core to validate`);
    }
    reason = statusName(scan.status);
    break;
  }
  seg.size = pos;
  seg.nextOffset = batches > 0 ? next : seg.baseOffset;
  seg.markIndexesLoaded();
  return { validBytes: pos, fileSize, reason, batches };
}
