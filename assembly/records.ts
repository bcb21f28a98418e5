// Records of a v2 batch: the walker that checks (and optionally tabulates) an uncompressed records
// section, and the encoder that writes one from a table of spans. Kafka's DefaultRecord layout:
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   keyLength varint | key | valueLength varint | value | headersCount varint |
//   [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]
// Lengths of -1 mean null (header keys are never null); anything below -1 is rejected.
import { rdErr, rdPos, setCursor, varint, varlong, varintSize, varlongSize, writeVarint, writeVarlong } from "./bytes";
import * as L from "./layout";
import { BAD_ARGUMENT, BAD_RECORD, COUNT_MISMATCH, OK, OUTPUT_FULL } from "./status";

/** Records seen by the last walk. */
export let walkCount: i32 = 0;
/** Headers seen by the last walk (also when the header table overflowed). */
export let walkHeaders: i32 = 0;
/** Largest timestampDelta seen by the last walk. */
export let walkMaxTsDelta: i64 = 0;
/** Offset (relative to base) of the first key of the last walk, for control records. */
export let walkKeyOff: i32 = 0;
export let walkKeyLen: i32 = 0;
export let walkValueOff: i32 = 0;
export let walkValueLen: i32 = 0;

/**
 * Walks an uncompressed records section [p, end) that must hold exactly `count` records with
 * offset deltas strictly increasing and <= lastOffsetDelta. With recOut != 0 it writes one 48-byte
 * entry per record (capacity recCap) and one 16-byte header span per header (capacity hdrCap);
 * offsets in the tables are relative to `base`. Returns OK, BAD_RECORD, COUNT_MISMATCH or
 * OUTPUT_FULL (header table too small: walkHeaders then holds the number needed).
 */
export function walkRecords(
  base: usize, p: usize, end: usize, count: i32, lastOffsetDelta: i32,
  recOut: usize, recCap: i32, hdrOut: usize, hdrCap: i32,
): i32 {
  let n: i32 = 0;
  let h: i32 = 0;
  let prevDelta: i32 = -1;
  let maxTs: i64 = i64.MIN_VALUE;
  const write = recOut != 0;
  if (write && recCap < count) {
    walkHeaders = -1;
    return OUTPUT_FULL;
  }
  setCursor(p);
  while (rdPos < end) {
    if (n >= count) return COUNT_MISMATCH;
    const recStart = rdPos;
    const size = varint(end);
    if (rdErr) return BAD_RECORD;
    if (size < L.MIN_RECORD_BODY || <usize>size > end - rdPos) return BAD_RECORD;
    const bodyEnd = rdPos + <usize>size;
    const attributes = <i32>load<u8>(rdPos);
    rdPos++;
    const tsDelta = varlong(bodyEnd);
    const offDelta = varint(bodyEnd);
    const keyLen = varint(bodyEnd);
    if (rdErr) return BAD_RECORD;
    if (offDelta <= prevDelta || offDelta > lastOffsetDelta) return BAD_RECORD;
    prevDelta = offDelta;
    if (keyLen < -1 || (keyLen > 0 && <usize>keyLen > bodyEnd - rdPos)) return BAD_RECORD;
    const keyOff = rdPos;
    if (keyLen > 0) rdPos += <usize>keyLen;
    const valueLen = varint(bodyEnd);
    if (rdErr) return BAD_RECORD;
    if (valueLen < -1 || (valueLen > 0 && <usize>valueLen > bodyEnd - rdPos)) return BAD_RECORD;
    const valueOff = rdPos;
    if (valueLen > 0) rdPos += <usize>valueLen;
    const hCount = varint(bodyEnd);
    if (rdErr || hCount < 0) return BAD_RECORD;
    const hStart = h;
    for (let i: i32 = 0; i < hCount; i++) {
      const hkLen = varint(bodyEnd);
      if (rdErr || hkLen < 0 || <usize>hkLen > bodyEnd - rdPos) return BAD_RECORD;
      const hkOff = rdPos;
      rdPos += <usize>hkLen;
      const hvLen = varint(bodyEnd);
      if (rdErr || hvLen < -1 || (hvLen > 0 && <usize>hvLen > bodyEnd - rdPos)) return BAD_RECORD;
      const hvOff = rdPos;
      if (hvLen > 0) rdPos += <usize>hvLen;
      if (write && h < hdrCap) {
        const e = hdrOut + (<usize>h) * L.H_SIZE;
        store<i32>(e, <i32>(hkOff - base));
        store<i32>(e, hkLen, 4);
        store<i32>(e, <i32>(hvOff - base), 8);
        store<i32>(e, hvLen, 12);
      }
      h++;
    }
    if (rdPos != bodyEnd) return BAD_RECORD;
    if (tsDelta > maxTs) maxTs = tsDelta;
    if (n == 0) {
      walkKeyOff = <i32>(keyOff - base);
      walkKeyLen = keyLen;
      walkValueOff = <i32>(valueOff - base);
      walkValueLen = valueLen;
    }
    if (write) {
      const r = recOut + (<usize>n) * L.R_SIZE;
      store<i64>(r + L.R_TIMESTAMP_DELTA, tsDelta);
      store<i32>(r + L.R_OFFSET_DELTA, offDelta);
      store<i32>(r + L.R_KEY_OFF, <i32>(keyOff - base));
      store<i32>(r + L.R_KEY_LEN, keyLen);
      store<i32>(r + L.R_VALUE_OFF, <i32>(valueOff - base));
      store<i32>(r + L.R_VALUE_LEN, valueLen);
      store<i32>(r + L.R_HEADER_START, hStart);
      store<i32>(r + L.R_HEADER_COUNT, hCount);
      store<i32>(r + L.R_RECORD_OFF, <i32>(recStart - base));
      store<i32>(r + L.R_RECORD_SIZE, <i32>(bodyEnd - recStart));
      store<i32>(r + L.R_ATTRIBUTES, attributes);
    }
    n++;
  }
  walkCount = n;
  walkHeaders = h;
  walkMaxTsDelta = maxTs;
  if (n != count) return COUNT_MISMATCH;
  if (write && h > hdrCap) return OUTPUT_FULL;
  return OK;
}

/** Largest timestamp of the last encodeRecords call. */
export let encMaxTimestamp: i64 = 0;
/** Largest offset delta of the last encodeRecords call. */
export let encMaxOffsetDelta: i32 = 0;

@inline function spanOk(off: i32, len: i32, dataLen: usize, nullable: bool): bool {
  if (len == -1) return nullable;
  return off >= 0 && len >= 0 && <u64>off + <u64>len <= <u64>dataLen;
}

/**
 * Writes `count` records described by 32-byte entries at spec (headers: 16-byte spans at hdrs,
 * consumed in order, hdrTotal of them) with bytes taken from [data, data+dataLen). Timestamps are
 * absolute; deltas are taken against baseTimestamp. Returns the bytes written at out, or -status.
 */
export function encodeRecordsAt(
  spec: usize, count: i32, hdrs: usize, hdrTotal: i32, data: usize, dataLen: usize,
  baseTimestamp: i64, out: usize, outCap: usize,
): i32 {
  let p = out;
  const outEnd = out + outCap;
  let h: i32 = 0;
  let maxTs: i64 = i64.MIN_VALUE;
  let maxDelta: i32 = -1;
  let prevDelta: i32 = -1;
  for (let i: i32 = 0; i < count; i++) {
    const e = spec + (<usize>i) * L.E_SIZE;
    const ts = load<i64>(e + L.E_TIMESTAMP);
    const offDelta = load<i32>(e + L.E_OFFSET_DELTA);
    const keyOff = load<i32>(e + L.E_KEY_OFF);
    const keyLen = load<i32>(e + L.E_KEY_LEN);
    const valueOff = load<i32>(e + L.E_VALUE_OFF);
    const valueLen = load<i32>(e + L.E_VALUE_LEN);
    const hCount = load<i32>(e + L.E_HEADER_COUNT);
    if (offDelta <= prevDelta) return -BAD_ARGUMENT;
    prevDelta = offDelta;
    if (!spanOk(keyOff, keyLen, dataLen, true) || !spanOk(valueOff, valueLen, dataLen, true)) return -BAD_ARGUMENT;
    if (hCount < 0 || hCount > hdrTotal - h) return -BAD_ARGUMENT;
    const tsDelta = ts - baseTimestamp;
    let body: i64 = 1 + <i64>varlongSize(tsDelta) + <i64>varintSize(offDelta) + <i64>varintSize(keyLen) +
      <i64>varintSize(valueLen) + <i64>varintSize(hCount);
    if (keyLen > 0) body += keyLen;
    if (valueLen > 0) body += valueLen;
    for (let j: i32 = 0; j < hCount; j++) {
      const s = hdrs + (<usize>(h + j)) * L.H_SIZE;
      const hkOff = load<i32>(s);
      const hkLen = load<i32>(s, 4);
      const hvOff = load<i32>(s, 8);
      const hvLen = load<i32>(s, 12);
      if (!spanOk(hkOff, hkLen, dataLen, false) || !spanOk(hvOff, hvLen, dataLen, true)) return -BAD_ARGUMENT;
      body += <i64>varintSize(hkLen) + <i64>hkLen + <i64>varintSize(hvLen);
      if (hvLen > 0) body += hvLen;
    }
    if (body > 0x7fffffff) return -BAD_ARGUMENT;
    const need = <u64>varintSize(<i32>body) + <u64>body;
    if (<u64>p + need > <u64>outEnd) return -OUTPUT_FULL;
    p = writeVarint(p, <i32>body);
    store<u8>(p++, 0);
    p = writeVarlong(p, tsDelta);
    p = writeVarint(p, offDelta);
    p = writeVarint(p, keyLen);
    if (keyLen > 0) {
      memory.copy(p, data + <usize>keyOff, <usize>keyLen);
      p += <usize>keyLen;
    }
    p = writeVarint(p, valueLen);
    if (valueLen > 0) {
      memory.copy(p, data + <usize>valueOff, <usize>valueLen);
      p += <usize>valueLen;
    }
    p = writeVarint(p, hCount);
    for (let j: i32 = 0; j < hCount; j++) {
      const s = hdrs + (<usize>h) * L.H_SIZE;
      const hkLen = load<i32>(s, 4);
      const hvLen = load<i32>(s, 12);
      p = writeVarint(p, hkLen);
      memory.copy(p, data + <usize>load<i32>(s), <usize>hkLen);
      p += <usize>hkLen;
      p = writeVarint(p, hvLen);
      if (hvLen > 0) {
        memory.copy(p, data + <usize>load<i32>(s, 8), <usize>hvLen);
        p += <usize>hvLen;
      }
      h++;
    }
    if (ts > maxTs) maxTs = ts;
    if (offDelta > maxDelta) maxDelta = offDelta;
  }
  encMaxTimestamp = count > 0 ? maxTs : baseTimestamp;
  encMaxOffsetDelta = maxDelta;
  const written = p - out;
  if (written > 0x7fffffff) return -BAD_ARGUMENT;
  return <i32>written;
}
