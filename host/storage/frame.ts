// Framing of batches already validated and stored: reading a few fixed v2 header fields to walk a
// segment region (Kafka's FileRecords does the same to search for an offset). No checksums and no
// record parsing here; validation is the WASM core's job and happened on append or recovery.

export const HEADER_SIZE = 61;
/** Bytes of the header needed to read baseOffset, batchLength, lastOffsetDelta and maxTimestamp. */
export const FRAME_PEEK = 43;

export interface Frame {
  baseOffset: bigint;
  /** Whole batch size: 12 + batchLength. */
  size: number;
  lastOffset: bigint;
  maxTimestamp: bigint;
}

/** Reads the frame at `pos`, or null when fewer than FRAME_PEEK bytes remain. */
export function peekFrame(buf: Uint8Array, pos: number): Frame | null {
  if (pos + FRAME_PEEK > buf.length) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset + pos, FRAME_PEEK);
  const baseOffset = dv.getBigInt64(0);
  const batchLength = dv.getInt32(8);
  return {
    baseOffset,
    size: 12 + batchLength,
    lastOffset: baseOffset + BigInt(dv.getInt32(23)),
    maxTimestamp: dv.getBigInt64(35),
  };
}

/** Total size of the batch at `pos` from its length prefix, or -1 if fewer than 12 bytes remain. */
export function frameSize(buf: Uint8Array, pos: number): number {
  if (pos + 12 > buf.length) return -1;
  return 12 + new DataView(buf.buffer, buf.byteOffset + pos, 12).getInt32(8);
}
