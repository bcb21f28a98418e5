// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum of legacy (magic 0/1)
// messages. Slicing-by-8: legacy data is rare, so simple and table-driven is enough.
const POLY: u32 = 0xedb88320;
const T: usize = memory.data(8 * 256 * 4, 64);
let ready = false;

function init(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    store<u32>(T + (<usize>i << 2), c);
  }
  for (let i: u32 = 0; i < 256; i++) {
    let c = load<u32>(T + (<usize>i << 2));
    for (let t: usize = 1; t < 8; t++) {
      c = load<u32>(T + ((<usize>(c & 0xff)) << 2)) ^ (c >>> 8);
      store<u32>(T + (t << 10) + (<usize>i << 2), c);
    }
  }
  ready = true;
}

@inline function tab(t: usize, i: u32): u32 {
  return load<u32>(T + (t << 10) + (<usize>(i & 0xff) << 2));
}

/** CRC-32 of [ptr, ptr+len), continuing from crc (0 to start). */
export function crc32ieee(ptr: usize, len: usize, crc: u32): u32 {
  if (!ready) init();
  let c = ~crc;
  let p = ptr;
  const end = ptr + len;
  while (end - p >= 8) {
    const a = load<u32>(p) ^ c;
    const b = load<u32>(p, 4);
    c = tab(7, a) ^ tab(6, a >>> 8) ^ tab(5, a >>> 16) ^ tab(4, a >>> 24) ^
      tab(3, b) ^ tab(2, b >>> 8) ^ tab(1, b >>> 16) ^ tab(0, b >>> 24);
    p += 8;
  }
  while (p < end) c = tab(0, c ^ load<u8>(p++)) ^ (c >>> 8);
  return ~c;
}
