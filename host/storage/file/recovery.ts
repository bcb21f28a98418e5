// Segment scanning for recovery and index rebuilds: read the .log in large chunks, validate every
// batch with the WASM core (CRC, lengths, magic), check offsets increase, and rebuild the sparse
// indexes from the core's descriptors. The scan stops at the first torn or corrupt batch; the caller
// truncates there.
import type { BatchDescriptor, Core } from '../../core/types.js';
import { BatchStatus } from '../../core/types.js';
import { StorageError } from '../errors.js';
import { frameSize } from '../frame.js';
import { statusName } from '../log-append.js';
import { indexBatch } from '../segment.js';
import type { FileSegment } from './segment.js';

const CHUNK = 4 * 1024 * 1024;
const HEADROOM_BYTES = 2 * 1024 * 1024;
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
 *
 * Reading and validating overlap: while the core validates one chunk, the next is being read into
 * the other of two buffers. A batch cut by the chunk end is carried over by copying its start in
 * front of the next chunk (each buffer keeps HEADROOM bytes free for that).
 */
export async function scanSegment(
  seg: FileSegment,
  core: Core,
  indexIntervalBytes: number,
  fileSize: number,
  expectedMinOffset: bigint,
  onBatch?: (d: BatchDescriptor) => void,
  onProgress?: (bytes: number) => void,
  tuning: { chunkBytes?: number; headroomBytes?: number } = {},
): Promise<SegmentScan> {
  const HEADROOM = tuning.headroomBytes ?? HEADROOM_BYTES;
  seg.resetIndexes();
  seg.maxTimestamp = -1n;
  seg.offsetOfMaxTimestamp = -1n;
  seg.bytesSinceIndexEntry = 0;
  const chunk = Math.min(tuning.chunkBytes ?? CHUNK, Math.max(fileSize, 4096));
  const bufs = takeBuffers(HEADROOM + chunk);
  try {
    return await scan(seg, core, indexIntervalBytes, fileSize, expectedMinOffset, onBatch, onProgress, HEADROOM, chunk, bufs);
  } finally {
    spare = bufs;
  }
}

/**
 * One pair of scan buffers kept between scans while recovery runs (segment after segment: fresh
 * multi-MiB buffers would cost page faults each time); the engine drops it when open() is done.
 */
let spare: Buffer[] | null = null;

function takeBuffers(size: number): Buffer[] {
  const s = spare;
  spare = null;
  if (s && s[0]!.length >= size) return s;
  return [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
}

/** Drops the kept scan buffers (end of start-up recovery). */
export function releaseScanBuffers(): void {
  spare = null;
}

async function scan(
  seg: FileSegment,
  core: Core,
  indexIntervalBytes: number,
  fileSize: number,
  expectedMinOffset: bigint,
  onBatch: ((d: BatchDescriptor) => void) | undefined,
  onProgress: ((bytes: number) => void) | undefined,
  HEADROOM: number,
  chunk: number,
  bufs: Buffer[],
): Promise<SegmentScan> {
  let next = expectedMinOffset > seg.baseOffset ? expectedMinOffset : seg.baseOffset;
  let batches = 0;
  let reason = 'OK';
  const readAt = async (buf: Buffer, at: number, position: number, length: number): Promise<number> => {
    let got = 0;
    while (got < length) {
      const n = await seg.readInto(buf.subarray(at + got), position + got, length - got);
      if (n === 0) break;
      got += n;
    }
    return got;
  };
  /** File position of view[0]. */
  let pos = 0;
  let cur = 0;
  let readEnd = Math.min(chunk, fileSize);
  let view = bufs[0]!.subarray(HEADROOM, HEADROOM + (await readAt(bufs[0]!, HEADROOM, 0, readEnd)));
  if (view.length < readEnd) readEnd = view.length;
  while (view.length > 0) {
    const other = bufs[1 - cur]!;
    const nextLen = Math.min(chunk, fileSize - readEnd);
    const prefetch = nextLen > 0 ? readAt(other, HEADROOM, readEnd, nextLen) : null;
    const scan = core.validateBatches(view);
    let stop = false;
    for (const d of scan.batches) {
      const last = d.baseOffset + BigInt(d.lastOffsetDelta);
      if (d.baseOffset < next || last - seg.baseOffset > INT32_MAX) {
        reason = 'OFFSET_ORDER';
        pos += d.position;
        stop = true;
        break;
      }
      indexBatch(seg, d, pos + d.position, indexIntervalBytes);
      onBatch?.(d);
      next = last + 1n;
      batches++;
    }
    if (stop) {
      await prefetch;
      break;
    }
    pos += scan.validBytes;
    onProgress?.(scan.validBytes);
    const rest = view.subarray(scan.validBytes);
    if (scan.status !== BatchStatus.OK && scan.status !== BatchStatus.TRUNCATED) {
      await prefetch;
      if (scan.status === BatchStatus.TOO_LARGE) {
        throw new StorageError('KAFKA_STORAGE_ERROR', `a chunk at ${pos} of ${seg.path('.log')} is too large for the core to validate`);
      }
      reason = statusName(scan.status);
      break;
    }
    if (scan.status === BatchStatus.TRUNCATED) {
      // Either the chunk ends inside a batch (more of the file follows) or the file does: torn.
      const size = frameSize(rest, 0);
      if (!prefetch || (size >= 0 && size < 61) || (size > 0 && pos + size > fileSize)) {
        await prefetch;
        reason = 'TRUNCATED';
        break;
      }
    }
    const got = prefetch ? await prefetch : 0;
    readEnd += got;
    if (rest.length === 0 && got === 0) break;
    if (rest.length <= HEADROOM) {
      other.set(rest, HEADROOM - rest.length);
      view = other.subarray(HEADROOM - rest.length, HEADROOM + got);
      cur = 1 - cur;
    } else {
      // A carried-over batch larger than the headroom (rare: max.message.bytes above 2 MiB).
      const big = Buffer.allocUnsafe(rest.length + got);
      big.set(rest, 0);
      big.set(other.subarray(HEADROOM, HEADROOM + got), rest.length);
      view = big;
    }
    if (got === 0 && scan.status === BatchStatus.TRUNCATED) {
      reason = 'TRUNCATED';
      break;
    }
  }
  seg.size = pos;
  seg.nextOffset = batches > 0 ? next : seg.baseOffset;
  seg.markIndexesLoaded();
  return { validBytes: pos, fileSize, reason, batches };
}
