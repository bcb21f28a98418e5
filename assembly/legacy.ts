// Legacy MessageSet (magic 0 and 1, before Kafka 0.11), big-endian:
//   offset int64 | message_size int32 | crc uint32 | magic int8 | attributes int8 |
//   [timestamp int64, magic 1 only] | key bytes (int32 length, -1 = null) | value bytes
// The crc is CRC-32 (IEEE) over magic to the end of the message. A compressed message (codec in
// attributes bits 0-2) is a wrapper whose value is a compressed MessageSet: it is reported as is,
// and the host decompresses the value and decodes it again.
import { be32, be64, put32, put64 } from "./bytes";
import { crc32ieee } from "./crc32";
import * as L from "./layout";
import { BAD_ARGUMENT, BAD_COMPRESSION, BAD_LENGTH, BAD_MAGIC, BAD_RECORD, CRC_MISMATCH, OK, OUTPUT_FULL, TRUNCATED } from "./status";

/** message_size of a message without key and value bytes, per magic. */
@inline function minMessage(magic: i32): i32 {
  return magic == 0 ? 14 : 22;
}

function checkMessage(m: usize, remaining: usize): i32 {
  if (remaining < 17) return TRUNCATED;
  const magic = <i32>load<u8>(m + 16);
  if (magic > 1) return BAD_MAGIC;
  const size = be32(m + 8);
  if (size < minMessage(magic)) return BAD_LENGTH;
  if (<u64>size + 12 > <u64>remaining) return TRUNCATED;
  if (crc32ieee(m + 16, <usize>size - 4, 0) != <u32>be32(m + 12)) return CRC_MISMATCH;
  const end = m + 12 + <usize>size;
  let p = m + 18 + (magic == 1 ? 8 : 0);
  const keyLen = be32(p);
  p += 4;
  if (keyLen < -1 || (keyLen > 0 && <u64>keyLen + 4 > <u64>(end - p))) return BAD_RECORD;
  if (keyLen > 0) p += <usize>keyLen;
  if (end - p < 4) return BAD_RECORD;
  const valueLen = be32(p);
  p += 4;
  if (valueLen < -1 || (valueLen > 0 && <usize>valueLen != end - p) || (valueLen <= 0 && p != end)) return BAD_RECORD;
  if ((<i32>load<u8>(m + 17) & 7) > 3) return BAD_COMPRESSION;
  return OK;
}

/**
 * Decodes the messages of [ptr, ptr+len) into a table at out: 16-byte header (count, validBytes,
 * errorPosition) and one 48-byte entry per message (at most maxEntries). Returns the count or
 * -status of the first bad message.
 */
export function decodeLegacy(ptr: usize, len: usize, out: usize, maxEntries: u32): i32 {
  let pos: usize = 0;
  let n: u32 = 0;
  let status = OK;
  while (pos < len) {
    const m = ptr + pos;
    if (len - pos < 12) {
      status = TRUNCATED;
      break;
    }
    status = checkMessage(m, len - pos);
    if (status != OK) break;
    if (n >= maxEntries) {
      status = OUTPUT_FULL;
      break;
    }
    const magic = <i32>load<u8>(m + 16);
    const size = <usize>be32(m + 8) + 12;
    const e = out + L.T_HEADER + (<usize>n) * L.L_SIZE;
    store<i64>(e + L.L_OFFSET, be64(m));
    let p = m + 18;
    if (magic == 1) {
      store<i64>(e + L.L_TIMESTAMP, be64(p));
      p += 8;
    } else {
      store<i64>(e + L.L_TIMESTAMP, -1);
    }
    store<u32>(e + L.L_POSITION, <u32>pos);
    store<u32>(e + L.L_MESSAGE_SIZE, <u32>size);
    const keyLen = be32(p);
    p += 4;
    store<i32>(e + L.L_KEY_OFF, <i32>(p - ptr));
    store<i32>(e + L.L_KEY_LEN, keyLen);
    if (keyLen > 0) p += <usize>keyLen;
    const valueLen = be32(p);
    p += 4;
    store<i32>(e + L.L_VALUE_OFF, <i32>(p - ptr));
    store<i32>(e + L.L_VALUE_LEN, valueLen);
    store<u32>(e + L.L_CRC, <u32>be32(m + 12));
    store<u8>(e + L.L_MAGIC, <u8>magic);
    store<u8>(e + L.L_ATTRIBUTES, load<u8>(m + 17));
    store<u16>(e + 46, 0);
    n++;
    pos += size;
  }
  store<u32>(out + L.T_COUNT, n);
  store<u32>(out + L.T_VALID_BYTES, <u32>pos);
  store<u32>(out + L.T_ERROR_POSITION, <u32>pos);
  store<u32>(out + 12, 0);
  return status == OK ? <i32>n : -status;
}

@inline function spanOk(off: i32, len: i32, dataLen: usize): bool {
  if (len == -1) return true;
  return off >= 0 && len >= 0 && <u64>off + <u64>len <= <u64>dataLen;
}

/**
 * Encodes `count` messages (40-byte entries at spec, bytes in [data, data+dataLen)) as a MessageSet
 * of the given magic at out. Returns the bytes written or -status.
 */
export function encodeLegacy(spec: usize, count: i32, data: usize, dataLen: usize, magic: i32, out: usize, outCap: usize): i32 {
  if (magic != 0 && magic != 1) return -BAD_MAGIC;
  let p = out;
  const outEnd = <u64>out + <u64>outCap;
  for (let i: i32 = 0; i < count; i++) {
    const e = spec + (<usize>i) * L.M_SIZE;
    const keyOff = load<i32>(e + L.M_KEY_OFF);
    const keyLen = load<i32>(e + L.M_KEY_LEN);
    const valueOff = load<i32>(e + L.M_VALUE_OFF);
    const valueLen = load<i32>(e + L.M_VALUE_LEN);
    const attributes = load<i32>(e + L.M_ATTRIBUTES);
    if (!spanOk(keyOff, keyLen, dataLen) || !spanOk(valueOff, valueLen, dataLen)) return -BAD_ARGUMENT;
    if (attributes < 0 || attributes > 255 || (attributes & 7) > 3) return -BAD_ARGUMENT;
    let size: u64 = <u64>minMessage(magic);
    if (keyLen > 0) size += <u64>keyLen;
    if (valueLen > 0) size += <u64>valueLen;
    if (size > 0x7fffffff) return -BAD_ARGUMENT;
    if (<u64>p + 12 + size > outEnd) return -OUTPUT_FULL;
    const m = p;
    put64(m, load<i64>(e + L.M_OFFSET));
    put32(m + 8, <i32>size);
    store<u8>(m + 16, <u8>magic);
    store<u8>(m + 17, <u8>attributes);
    p = m + 18;
    if (magic == 1) {
      put64(p, load<i64>(e + L.M_TIMESTAMP));
      p += 8;
    }
    put32(p, keyLen);
    p += 4;
    if (keyLen > 0) {
      memory.copy(p, data + <usize>keyOff, <usize>keyLen);
      p += <usize>keyLen;
    }
    put32(p, valueLen);
    p += 4;
    if (valueLen > 0) {
      memory.copy(p, data + <usize>valueOff, <usize>valueLen);
      p += <usize>valueLen;
    }
    put32(m + 12, <i32>crc32ieee(m + 16, <usize>(p - m - 16), 0));
  }
  const written = p - out;
  if (written > 0x7fffffff) return -BAD_ARGUMENT;
  return <i32>written;
}
