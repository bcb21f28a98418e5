// Pure-TypeScript reference of record batch v2 (Kafka's DefaultRecordBatch / DefaultRecord), used
// only by tests to diff against the WASM core. Written for clarity, not speed.
import { refCrc32c } from './checksum.js';

export interface RefHeader {
  name: Uint8Array;
  value: Uint8Array | null;
}
export interface RefRecord {
  attributes?: number;
  timestampDelta: bigint;
  offsetDelta: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RefHeader[];
}
export interface RefBatchHeader {
  baseOffset: bigint;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export class Writer {
  #buf = new Uint8Array(256);
  #len = 0;
  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }
  get length(): number {
    return this.#len;
  }
  u8(v: number): this {
    this.#room(1);
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }
  i16(v: number): this {
    this.#room(2);
    new DataView(this.#buf.buffer).setInt16(this.#len, v);
    this.#len += 2;
    return this;
  }
  i32(v: number): this {
    this.#room(4);
    new DataView(this.#buf.buffer).setInt32(this.#len, v);
    this.#len += 4;
    return this;
  }
  u32(v: number): this {
    this.#room(4);
    new DataView(this.#buf.buffer).setUint32(this.#len, v >>> 0);
    this.#len += 4;
    return this;
  }
  i64(v: bigint): this {
    this.#room(8);
    new DataView(this.#buf.buffer).setBigInt64(this.#len, v);
    this.#len += 8;
    return this;
  }
  /** Unsigned LEB128 of a non-negative bigint. */
  uvarlong(v: bigint): this {
    while (v >= 0x80n) {
      this.u8(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    return this.u8(Number(v));
  }
  varint(v: number): this {
    return this.uvarlong(BigInt(((v << 1) ^ (v >> 31)) >>> 0));
  }
  varlong(v: bigint): this {
    return this.uvarlong(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }
  bytes(b: Uint8Array): this {
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }
  done(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

export function encodeRecord(r: RefRecord): Uint8Array {
  const body = new Writer().u8(r.attributes ?? 0).varlong(r.timestampDelta).varint(r.offsetDelta);
  if (r.key === null) body.varint(-1);
  else body.varint(r.key.length).bytes(r.key);
  if (r.value === null) body.varint(-1);
  else body.varint(r.value.length).bytes(r.value);
  body.varint(r.headers.length);
  for (const h of r.headers) {
    body.varint(h.name.length).bytes(h.name);
    if (h.value === null) body.varint(-1);
    else body.varint(h.value.length).bytes(h.value);
  }
  const b = body.done();
  return new Writer().varint(b.length).bytes(b).done();
}

export function encodeRecords(records: readonly RefRecord[]): Uint8Array {
  const w = new Writer();
  for (const r of records) w.bytes(encodeRecord(r));
  return w.done();
}

/** A batch from header fields and a records section (compressed or not: taken as is). */
export function buildBatch(h: RefBatchHeader, section: Uint8Array): Uint8Array {
  const tail = new Writer()
    .i16(h.attributes)
    .i32(h.lastOffsetDelta)
    .i64(h.baseTimestamp)
    .i64(h.maxTimestamp)
    .i64(h.producerId)
    .i16(h.producerEpoch)
    .i32(h.baseSequence)
    .i32(h.recordCount)
    .bytes(section)
    .done();
  return new Writer()
    .i64(h.baseOffset)
    .i32(4 + 1 + 4 + tail.length)
    .i32(h.partitionLeaderEpoch)
    .u8(2)
    .u32(refCrc32c(tail))
    .bytes(tail)
    .done();
}

/** The batch Kafka's producer would write for these records (offset deltas and header defaults). */
export function encodeBatch(records: readonly RefRecord[], h: Partial<RefBatchHeader> = {}): Uint8Array {
  const baseTimestamp = h.baseTimestamp ?? 0n;
  let max = -1n << 63n;
  let lastDelta = 0;
  for (const r of records) {
    const ts = baseTimestamp + r.timestampDelta;
    if (ts > max) max = ts;
    if (r.offsetDelta > lastDelta) lastDelta = r.offsetDelta;
  }
  return buildBatch(
    {
      baseOffset: h.baseOffset ?? 0n,
      partitionLeaderEpoch: h.partitionLeaderEpoch ?? -1,
      attributes: h.attributes ?? 0,
      lastOffsetDelta: h.lastOffsetDelta ?? lastDelta,
      baseTimestamp,
      maxTimestamp: h.maxTimestamp ?? (records.length ? max : baseTimestamp),
      producerId: h.producerId ?? -1n,
      producerEpoch: h.producerEpoch ?? -1,
      baseSequence: h.baseSequence ?? -1,
      recordCount: h.recordCount ?? records.length,
    },
    encodeRecords(records),
  );
}

export function readHeader(b: Uint8Array, at = 0): RefBatchHeader & { batchLength: number; magic: number; crc: number } {
  const dv = new DataView(b.buffer, b.byteOffset + at);
  return {
    baseOffset: dv.getBigInt64(0),
    batchLength: dv.getInt32(8),
    partitionLeaderEpoch: dv.getInt32(12),
    magic: dv.getInt8(16),
    crc: dv.getUint32(17),
    attributes: dv.getUint16(21),
    lastOffsetDelta: dv.getInt32(23),
    baseTimestamp: dv.getBigInt64(27),
    maxTimestamp: dv.getBigInt64(35),
    producerId: dv.getBigInt64(43),
    producerEpoch: dv.getInt16(51),
    baseSequence: dv.getInt32(53),
    recordCount: dv.getInt32(57),
  };
}

class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  u8(): number {
    if (this.pos >= this.end) throw new RangeError('eof');
    return this.b[this.pos++]!;
  }
  uvarlong(maxBytes: number): bigint {
    let v = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const x = this.u8();
      v |= BigInt(x & 0x7f) << BigInt(7 * i);
      if (!(x & 0x80)) return v;
    }
    throw new RangeError('varint too long');
  }
  varint(): number {
    const u = Number(BigInt.asUintN(32, this.uvarlong(5)));
    return (u >>> 1) ^ -(u & 1);
  }
  varlong(): bigint {
    const u = BigInt.asUintN(64, this.uvarlong(10));
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw new RangeError('bytes past end');
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/** Decodes an uncompressed records section; throws on anything malformed. */
export function decodeRecords(section: Uint8Array, count: number): RefRecord[] {
  const rd = new Reader(section, 0, section.length);
  const out: RefRecord[] = [];
  while (rd.pos < section.length) {
    const size = rd.varint();
    if (size < 6 || rd.pos + size > section.length) throw new RangeError('bad record size');
    const end = rd.pos + size;
    const r = new Reader(section, rd.pos, end);
    const attributes = r.u8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    const kl = r.varint();
    if (kl < -1) throw new RangeError('bad key length');
    const key = kl < 0 ? null : r.bytes(kl);
    const vl = r.varint();
    if (vl < -1) throw new RangeError('bad value length');
    const value = vl < 0 ? null : r.bytes(vl);
    const hc = r.varint();
    if (hc < 0) throw new RangeError('bad header count');
    const headers: RefHeader[] = [];
    for (let i = 0; i < hc; i++) {
      const hk = r.varint();
      if (hk < 0) throw new RangeError('bad header key');
      const name = r.bytes(hk);
      const hv = r.varint();
      if (hv < -1) throw new RangeError('bad header value');
      headers.push({ name, value: hv < 0 ? null : r.bytes(hv) });
    }
    if (r.pos !== end) throw new RangeError('record size mismatch');
    rd.pos = end;
    out.push({ attributes, timestampDelta, offsetDelta, key, value, headers });
  }
  if (out.length !== count) throw new RangeError('count mismatch');
  return out;
}
