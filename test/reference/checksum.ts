// Reference checksums for tests: plain bitwise-table CRC-32C (Castagnoli) and CRC-32 (IEEE).
// Deliberately the simplest formulation, independent of the WASM core.
function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
}
const C = table(0x82f63b78);
const I = table(0xedb88320);

function crc(t: Uint32Array, data: Uint8Array, start: number): number {
  let c = ~start >>> 0;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export const refCrc32c = (data: Uint8Array, start = 0): number => crc(C, data, start);
export const refCrc32 = (data: Uint8Array, start = 0): number => crc(I, data, start);
