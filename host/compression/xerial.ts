// Snappy framing as written by Kafka's Java clients (xerial snappy-java's SnappyOutputStream) and
// accepted by every Kafka client; plain raw snappy is what librdkafka and others send for v2 batches.
//
// Format: header (16 bytes) = magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00 | version:i32 BE (1)
//         | compatibleVersion:i32 BE (1); then blocks of [compressedLength:i32 BE | raw snappy bytes].

export const XERIAL_MAGIC = Uint8Array.of(0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00);
export const XERIAL_HEADER_SIZE = 16;
export const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerial(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** Splits a xerial stream into its raw snappy blocks (views). Throws on a malformed stream. */
export function xerialBlocks(data: Uint8Array): Uint8Array[] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const blocks: Uint8Array[] = [];
  let p = XERIAL_HEADER_SIZE;
  while (p < data.length) {
    if (p + 4 > data.length) throw new Error('xerial snappy: truncated block length');
    const len = dv.getInt32(p);
    p += 4;
    if (len < 0 || p + len > data.length) throw new Error('xerial snappy: block length past the end');
    blocks.push(data.subarray(p, p + len));
    p += len;
  }
  return blocks;
}

export function xerialHeader(): Buffer {
  const h = Buffer.alloc(XERIAL_HEADER_SIZE);
  h.set(XERIAL_MAGIC, 0);
  h.writeInt32BE(1, 8);
  h.writeInt32BE(1, 12);
  return h;
}

export function blockLength(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}
