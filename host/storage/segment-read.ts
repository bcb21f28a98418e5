// Reading stored segments: locating the batch that holds an offset (sparse index, then framing),
// collecting whole batches for a fetch, finding the batch for a timestamp. Framing reads fixed v2
// header fields only (frame.ts); nothing here checks or parses records.
import type { BatchDescriptor } from '../core/types.js';
import { Attr } from '../core/types.js';
import { StorageError } from './errors.js';
import { peekFrame, type Frame } from './frame.js';
import type { Segment } from './segment.js';

export interface SegmentRead {
  records: Uint8Array[];
  size: number;
  firstBatchOffset: bigint;
  nextOffset: bigint;
}

/** Finds the first batch whose last offset is >= target: its chunk and position in it, or null. */
export async function locateBatch(seg: Segment, target: bigint, end: number, chunk: number, into?: Uint8Array): Promise<{ buf: Uint8Array; bufStart: number; at: number } | null> {
  await seg.loadIndexes();
  const rel = target - seg.baseOffset;
  let start = rel > 0n ? seg.offsetIndex.lookup(Number(rel)) : 0;
  while (start < end) {
    const buf = await seg.read(start, Math.min(end - start, chunk), into);
    let p = 0;
    for (;;) {
      const f = peekFrame(buf, p);
      if (!f) break;
      if (f.size < 61) throw new StorageError('KAFKA_STORAGE_ERROR', `bad batch length on disk at ${start + p} of the segment at ${seg.baseOffset}`);
      if (f.lastOffset >= target) return { buf, bufStart: start, at: p };
      if (p + f.size > buf.length) {
        p += f.size;
        break;
      }
      p += f.size;
    }
    if (p === 0) break;
    start += p;
  }
  return null;
}

export async function readWholeBatches(
  seg: Segment,
  offset: bigint,
  maxBytes: number,
  maxOffset: bigint,
  minOne: boolean,
  indexIntervalBytes: number,
  into?: Uint8Array,
): Promise<SegmentRead | null> {
  const end = seg.size;
  const budget = Math.max(maxBytes, 0);
  let chunk = Math.max(budget, 16384) + indexIntervalBytes + 1024;
  if (into && into.length < 16384) into = undefined;
  if (into && into.length < chunk) chunk = into.length;
  const loc = await locateBatch(seg, offset, end, chunk, into);
  if (!loc) return null;
  let { buf, bufStart } = loc;
  const first = loc.at;
  let p = first;
  let total = 0;
  let next = offset;
  let firstBatchOffset = -1n;
  for (;;) {
    const f = peekFrame(buf, p);
    if (!f) {
      if (total === 0 && bufStart + p < end) {
        // The header straddles the chunk end: re-read from the batch.
        buf = await seg.read(bufStart + p, Math.min(end - (bufStart + p), chunk), into);
        bufStart += p;
        p = 0;
        continue;
      }
      break;
    }
    if (f.lastOffset >= maxOffset) break;
    if (total + f.size > budget && !(total === 0 && minOne)) break;
    if (p + f.size > buf.length) {
      if (total > 0) break;
      if (bufStart + p + f.size > end) break;
      // First batch larger than the chunk: read exactly it.
      buf = await seg.read(bufStart + p, f.size, into);
      bufStart += p;
      p = 0;
      if (buf.length < f.size) break;
    }
    if (firstBatchOffset < 0n) firstBatchOffset = f.baseOffset;
    total += f.size;
    p += f.size;
    next = f.lastOffset + 1n;
    if (total >= budget) break;
  }
  if (total === 0) return { records: [], size: 0, firstBatchOffset: -1n, nextOffset: offset };
  const startInBuf = p - total;
  return {
    records: [buf.subarray(startInBuf, p)],
    size: total,
    firstBatchOffset,
    nextOffset: next,
  };
}

/**
 * Walks the batch headers of `seg` from byte `start` (a batch boundary) in reads of `chunk` bytes,
 * calling `visit` with each frame and its file position until it returns true. Returns the
 * position of the frame that stopped the walk, or -1.
 */
export async function walkFrames(seg: Segment, start: number, chunk: number, visit: (f: Frame, position: number) => boolean): Promise<number> {
  const end = seg.size;
  while (start < end) {
    const buf = await seg.read(start, Math.min(chunk, end - start));
    let p = 0;
    for (;;) {
      const f = peekFrame(buf, p);
      if (!f || f.size < 61) break;
      if (visit(f, start + p)) return start + p;
      p += f.size;
      if (p > buf.length) break;
    }
    if (p === 0) break;
    start += p;
  }
  return -1;
}

/** Control record type when the core reports it (0 abort, 1 commit), else undefined. */
export function controlTypeOf(d: BatchDescriptor): number | undefined {
  if ((d.attributes & Attr.CONTROL) === 0) return undefined;
  const t = (d as BatchDescriptor & { controlType?: number }).controlType;
  return typeof t === 'number' && t >= 0 ? t : undefined;
}
