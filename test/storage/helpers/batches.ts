// Test-only builder of v2 record batches (a pure-TS reference encoder, never used by host code).
import { crc32c } from '@node-rs/crc32';

export interface TestRecord {
  key?: Uint8Array | string | null;
  value: Uint8Array | string | null;
  timestampDelta?: number;
  headers?: Array<{ key: string; value: Uint8Array | string | null }>;
}

export interface BatchOptions {
  baseOffset?: bigint;
  baseTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** Compression codec id in attributes; `payload` then replaces the encoded records. */
  compression?: number;
  payload?: Uint8Array;
  /** recordsCount / lastOffsetDelta for compressed payloads. */
  count?: number;
  partitionLeaderEpoch?: number;
}

const toBytes = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? Buffer.from(v) : v);

function varint(out: number[], v: number): void {
  let z = (v << 1) ^ (v >> 31);
  z >>>= 0;
  while (z >= 0x80) {
    out.push((z & 0x7f) | 0x80);
    z >>>= 7;
  }
  out.push(z);
}

function varlong(out: number[], v: bigint): void {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
}

function bytesField(out: number[], b: Uint8Array | string | null | undefined): void {
  if (b === null || b === undefined) {
    varint(out, -1);
    return;
  }
  const x = toBytes(b);
  varint(out, x.length);
  for (const c of x) out.push(c);
}

export function encodeRecords(records: TestRecord[]): Uint8Array {
  const all: number[] = [];
  records.forEach((r, i) => {
    const body: number[] = [0];
    varlong(body, BigInt(r.timestampDelta ?? 0));
    varint(body, i);
    bytesField(body, r.key ?? null);
    bytesField(body, r.value);
    const hs = r.headers ?? [];
    varint(body, hs.length);
    for (const h of hs) {
      const k = Buffer.from(h.key);
      varint(body, k.length);
      for (const c of k) body.push(c);
      bytesField(body, h.value);
    }
    varint(all, body.length);
    for (const c of body) all.push(c);
  });
  return Uint8Array.from(all);
}

export function buildBatch(records: TestRecord[], o: BatchOptions = {}): Buffer {
  const payload = o.payload ?? encodeRecords(records);
  const count = o.count ?? records.length;
  const size = 61 + payload.length;
  const b = Buffer.alloc(size);
  b.writeBigInt64BE(o.baseOffset ?? 0n, 0);
  b.writeInt32BE(size - 12, 8);
  b.writeInt32BE(o.partitionLeaderEpoch ?? -1, 12);
  b.writeInt8(2, 16);
  let attrs = (o.compression ?? 0) & 7;
  if (o.transactional) attrs |= 0x10;
  if (o.control) attrs |= 0x20;
  b.writeInt16BE(attrs, 21);
  b.writeInt32BE(count - 1, 23);
  const baseTs = o.baseTimestamp ?? 1_700_000_000_000n;
  let maxDelta = 0;
  for (const r of records) maxDelta = Math.max(maxDelta, r.timestampDelta ?? 0);
  b.writeBigInt64BE(baseTs, 27);
  b.writeBigInt64BE(baseTs + BigInt(maxDelta), 35);
  b.writeBigInt64BE(o.producerId ?? -1n, 43);
  b.writeInt16BE(o.producerEpoch ?? -1, 51);
  b.writeInt32BE(o.baseSequence ?? -1, 53);
  b.writeInt32BE(count, 57);
  b.set(payload, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)) >>> 0, 17);
  return b;
}

/** A batch of `n` records with values `${prefix}-${i}`. */
export function simpleBatch(n: number, o: BatchOptions & { prefix?: string; valueSize?: number } = {}): Buffer {
  const recs: TestRecord[] = [];
  for (let i = 0; i < n; i++) {
    const v = o.valueSize ? Buffer.alloc(o.valueSize, 97 + (i % 26)) : `${o.prefix ?? 'v'}-${i}`;
    recs.push({ key: `k${i}`, value: v, timestampDelta: i });
  }
  return buildBatch(recs, o);
}

/** A control batch (transaction marker): type 0 = ABORT, 1 = COMMIT. */
export function controlBatch(type: 0 | 1, o: BatchOptions = {}): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(0, 2);
  return buildBatch([{ key, value }], { ...o, control: true, transactional: true });
}

export function readBaseOffset(b: Uint8Array): bigint {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigInt64BE(0);
}

export function concat(chunks: Uint8Array[]): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

/** Walks batches in a buffer (test-side framing) and returns their base offsets and last offsets. */
export function listBatches(buf: Uint8Array): Array<{ baseOffset: bigint; lastOffset: bigint; size: number; position: number }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = [];
  let p = 0;
  while (p + 61 <= b.length) {
    const size = 12 + b.readInt32BE(p + 8);
    const base = b.readBigInt64BE(p);
    out.push({ baseOffset: base, lastOffset: base + BigInt(b.readInt32BE(p + 23)), size, position: p });
    p += size;
  }
  return out;
}
