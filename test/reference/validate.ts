// Reference of the core's validation rules (the order in which checks run decides which status a
// doubly-broken batch gets, so it is mirrored exactly). Used for differential fuzzing only.
import { refCrc32c } from './checksum.js';

export const S = {
  OK: 0, TRUNCATED: 1, BAD_MAGIC: 2, BAD_LENGTH: 3, CRC_MISMATCH: 4, COUNT_MISMATCH: 5,
  BAD_CONTROL: 6, BAD_RECORD: 7, BAD_COMPRESSION: 11,
} as const;

class Bad extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

interface Walked {
  keyLen: number;
  keyAt: number;
  valueLen: number;
  valueAt: number;
}

/** Walks a records section [start, end) of b; throws Bad(BAD_RECORD | COUNT_MISMATCH). */
export function refWalk(b: Uint8Array, start: number, end: number, count: number, lastOffsetDelta: number): Walked[] {
  let pos = start;
  const uv = (lim: number, maxBytes: number): bigint => {
    let v = 0n;
    for (let i = 0; i < maxBytes; i++) {
      if (pos >= lim) throw new Bad(S.BAD_RECORD);
      const x = b[pos++]!;
      v |= BigInt(x & 0x7f) << BigInt(7 * i);
      if (!(x & 0x80)) return v;
    }
    throw new Bad(S.BAD_RECORD);
  };
  const vi = (lim: number) => {
    const u = Number(BigInt.asUintN(32, uv(lim, 5)));
    return (u >>> 1) ^ -(u & 1);
  };
  const out: Walked[] = [];
  let prev = -1;
  while (pos < end) {
    if (out.length >= count) throw new Bad(S.COUNT_MISMATCH);
    const size = vi(end);
    if (size < 6 || size > end - pos) throw new Bad(S.BAD_RECORD);
    const bodyEnd = pos + size;
    pos++; // attributes
    uv(bodyEnd, 10); // timestampDelta
    const off = vi(bodyEnd);
    const kl = vi(bodyEnd);
    if (off <= prev || off > lastOffsetDelta) throw new Bad(S.BAD_RECORD);
    prev = off;
    if (kl < -1 || kl > bodyEnd - pos) throw new Bad(S.BAD_RECORD);
    const keyAt = pos;
    if (kl > 0) pos += kl;
    const vl = vi(bodyEnd);
    if (vl < -1 || vl > bodyEnd - pos) throw new Bad(S.BAD_RECORD);
    const valueAt = pos;
    if (vl > 0) pos += vl;
    const hc = vi(bodyEnd);
    if (hc < 0) throw new Bad(S.BAD_RECORD);
    for (let i = 0; i < hc; i++) {
      const hk = vi(bodyEnd);
      if (hk < 0 || hk > bodyEnd - pos) throw new Bad(S.BAD_RECORD);
      pos += hk;
      const hv = vi(bodyEnd);
      if (hv < -1 || hv > bodyEnd - pos) throw new Bad(S.BAD_RECORD);
      if (hv > 0) pos += hv;
    }
    if (pos !== bodyEnd) throw new Bad(S.BAD_RECORD);
    out.push({ keyLen: kl, keyAt, valueLen: vl, valueAt });
  }
  if (out.length !== count) throw new Bad(S.COUNT_MISMATCH);
  return out;
}

function checkBatch(b: Uint8Array, dv: DataView, at: number, size: number, strict: boolean, records: boolean): number {
  if (refCrc32c(b.subarray(at + 21, at + size)) !== dv.getUint32(at + 17)) return S.CRC_MISMATCH;
  const attributes = dv.getUint16(at + 21);
  const codec = attributes & 7;
  if (codec > 4) return S.BAD_COMPRESSION;
  const lod = dv.getInt32(at + 23);
  const count = dv.getInt32(at + 57);
  if (lod < 0 || count < 0) return S.COUNT_MISMATCH;
  if (strict ? count !== lod + 1 : count > lod + 1) return S.COUNT_MISMATCH;
  if (codec === 0 && count * 6 > size - 61) return S.COUNT_MISMATCH;
  const pid = dv.getBigInt64(at + 43);
  if (attributes & 0x10 && pid < 0n) return S.BAD_CONTROL;
  try {
    if (attributes & 0x20) {
      if (codec !== 0) return S.BAD_CONTROL;
      if (count === 0) return S.OK;
      if (count !== 1) return S.BAD_CONTROL;
      let w: Walked;
      try {
        w = refWalk(b, at + 61, at + size, 1, lod)[0]!;
      } catch (e) {
        if (e instanceof Bad) return e.status === S.BAD_RECORD ? S.BAD_RECORD : S.BAD_CONTROL;
        throw e;
      }
      if (w.keyLen < 4) return S.BAD_CONTROL;
      if (dv.getInt16(w.keyAt) < 0) return S.BAD_CONTROL;
      const type = dv.getInt16(w.keyAt + 2);
      if (type === 0 || type === 1) {
        if (!(attributes & 0x10) || pid < 0n) return S.BAD_CONTROL;
        if (w.valueLen < 6 || dv.getInt16(w.valueAt) < 0) return S.BAD_CONTROL;
      }
    } else if (codec === 0 && records) {
      refWalk(b, at + 61, at + size, count, lod);
    }
  } catch (e) {
    if (e instanceof Bad) return e.status;
    throw e;
  }
  return S.OK;
}

/** Status, valid prefix and batch count for a buffer of concatenated batches. */
export function refValidate(b: Uint8Array, opts: { strict?: boolean; records?: boolean } = {}): { status: number; validBytes: number; count: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 0;
  let count = 0;
  while (pos < b.length) {
    const rem = b.length - pos;
    if (rem < 17) return { status: S.TRUNCATED, validBytes: pos, count };
    if (b[pos + 16] !== 2) return { status: S.BAD_MAGIC, validBytes: pos, count };
    const len = dv.getInt32(pos + 8);
    if (len < 49) return { status: S.BAD_LENGTH, validBytes: pos, count };
    if (len + 12 > rem) return { status: S.TRUNCATED, validBytes: pos, count };
    const st = checkBatch(b, dv, pos, len + 12, !!opts.strict, !!opts.records);
    if (st !== S.OK) return { status: st, validBytes: pos, count };
    pos += len + 12;
    count++;
  }
  return { status: S.OK, validBytes: pos, count };
}
