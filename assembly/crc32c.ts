// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) over a region of linear memory.
const POLY: u32 = 0x82f63b78;
const table = new StaticArray<u32>(256);
for (let i: u32 = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  unchecked((table[i] = c));
}

/** CRC32C of `len` bytes at `ptr`, continuing from `crc` (0 to start). */
export function crc32c(ptr: usize, len: usize, crc: u32): u32 {
  let c = ~crc;
  const end = ptr + len;
  for (let p = ptr; p < end; p++) c = unchecked(table[(c ^ load<u8>(p)) & 0xff]) ^ (c >>> 8);
  return ~c;
}
