// Pure-TypeScript CRC32C reference, for tests only (the host never computes CRCs itself).
// Deliberately the plainest formulation: one 256-entry table built bit by bit, one byte per step,
// so that it shares no code or idea with the optimized core it is compared against.

const POLY = 0x82f63b78; // Castagnoli, reflected

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC32C of data, continuing from crc (0 to start). Unsigned result. */
export function crc32cRef(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
