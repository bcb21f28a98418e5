// Byte-level helpers: big-endian fields (Kafka's wire order), zigzag varints, bounds checks.
// Readers never trap: they check against an end pointer and report through `rdErr`.

/** Set to a non-zero status by a reader that ran off its end or met a malformed varint. */
export let rdErr: i32 = 0;
/** Cursor shared by the varint readers. */
export let rdPos: usize = 0;

@inline export function setCursor(p: usize): void {
  rdPos = p;
  rdErr = 0;
}

@inline export function be16(p: usize): i32 {
  return <i32>bswap<i16>(load<i16>(p));
}
@inline export function be32(p: usize): i32 {
  return bswap<i32>(load<i32>(p));
}
@inline export function be64(p: usize): i64 {
  return bswap<i64>(load<i64>(p));
}
@inline export function put16(p: usize, v: i32): void {
  store<i16>(p, bswap<i16>(<i16>v));
}
@inline export function put32(p: usize, v: i32): void {
  store<i32>(p, bswap<i32>(v));
}
@inline export function put64(p: usize, v: i64): void {
  store<i64>(p, bswap<i64>(v));
}

/** True when [ptr, ptr+len) lies inside linear memory. */
export function inMemory(ptr: usize, len: usize): bool {
  const top = <u64>memory.size() << 16;
  return <u64>ptr + <u64>len <= top;
}

/** readVarint with the one-byte case inlined (the common case for lengths and deltas). */
@inline export function varint(end: usize): i32 {
  const p = rdPos;
  if (p < end) {
    const b = <u32>load<u8>(p);
    if (b < 0x80) {
      rdPos = p + 1;
      return <i32>((b >>> 1) ^ (0 - (b & 1)));
    }
    if (p + 1 < end) {
      const b1 = <u32>load<u8>(p, 1);
      if (b1 < 0x80) {
        rdPos = p + 2;
        const u = (b & 0x7f) | (b1 << 7);
        return <i32>((u >>> 1) ^ (0 - (u & 1)));
      }
    }
  }
  return readVarint(end);
}

/** Zigzag varint (Kafka/protobuf sint32) at rdPos; at most 5 bytes, as Kafka's ByteUtils.readVarint. */
export function readVarint(end: usize): i32 {
  let p = rdPos;
  let value: u32 = 0;
  let shift: u32 = 0;
  while (true) {
    if (p >= end) {
      rdErr = 1;
      return 0;
    }
    const b = <u32>load<u8>(p++);
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
    if (shift > 28) {
      rdErr = 1;
      return 0;
    }
  }
  rdPos = p;
  return <i32>((value >>> 1) ^ (0 - (value & 1)));
}

/** readVarlong with the one- and two-byte cases inlined (timestamp deltas below 8192 ms). */
@inline export function varlong(end: usize): i64 {
  const p = rdPos;
  if (p + 1 < end) {
    const b = <u64>load<u8>(p);
    if (b < 0x80) {
      rdPos = p + 1;
      return <i64>((b >>> 1) ^ (0 - (b & 1)));
    }
    const b1 = <u64>load<u8>(p, 1);
    if (b1 < 0x80) {
      rdPos = p + 2;
      const u = (b & 0x7f) | (b1 << 7);
      return <i64>((u >>> 1) ^ (0 - (u & 1)));
    }
  }
  return readVarlong(end);
}

/** Zigzag varlong at rdPos; at most 10 bytes. */
export function readVarlong(end: usize): i64 {
  let p = rdPos;
  let value: u64 = 0;
  let shift: u64 = 0;
  while (true) {
    if (p >= end) {
      rdErr = 1;
      return 0;
    }
    const b = <u64>load<u8>(p++);
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
    if (shift > 63) {
      rdErr = 1;
      return 0;
    }
  }
  rdPos = p;
  return <i64>((value >>> 1) ^ (0 - (value & 1)));
}

/** Bytes taken by the zigzag varint encoding of v. */
export function varintSize(v: i32): i32 {
  let u = <u32>((v << 1) ^ (v >> 31));
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

export function varlongSize(v: i64): i32 {
  let u = <u64>((v << 1) ^ (v >> 63));
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

/** Writes the zigzag varint of v at p; returns the pointer after it. */
export function writeVarint(p: usize, v: i32): usize {
  let u = <u32>((v << 1) ^ (v >> 31));
  while (u >= 0x80) {
    store<u8>(p++, <u8>(u | 0x80));
    u >>>= 7;
  }
  store<u8>(p++, <u8>u);
  return p;
}

export function writeVarlong(p: usize, v: i64): usize {
  let u = <u64>((v << 1) ^ (v >> 63));
  while (u >= 0x80) {
    store<u8>(p++, <u8>(u | 0x80));
    u >>>= 7;
  }
  store<u8>(p++, <u8>u);
  return p;
}
