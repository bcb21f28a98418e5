// Aborted-transaction index of one segment: the bytes of Kafka's `.txnindex` file.
//
// On-disk format of `<20-digit base offset>.txnindex` (created on first entry; absent = empty):
//
//   entry := version:i16 BE (0) | producerId:i64 BE | firstOffset:i64 BE | lastOffset:i64 BE
//            | lastStableOffset:i64 BE                                    (34 bytes each)
//
//   firstOffset      = first offset of the aborted transaction (may lie in an earlier segment)
//   lastOffset       = offset of the ABORT marker (always inside this segment)
//   lastStableOffset = the partition's LSO right after the marker was written
//
// Entries are appended in marker order. A fetch at offset F reading up to U collects every entry
// with lastOffset >= F and firstOffset < U from the segment holding F onward (Kafka's
// collectAbortedTransactions), so consumers in read_committed mode can drop aborted data.

export const TXN_ENTRY_SIZE = 34;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  lastStableOffset: bigint;
}

export function encodeAbortedTxn(t: AbortedTxn): Buffer {
  const b = Buffer.alloc(TXN_ENTRY_SIZE);
  b.writeInt16BE(0, 0);
  b.writeBigInt64BE(t.producerId, 2);
  b.writeBigInt64BE(t.firstOffset, 10);
  b.writeBigInt64BE(t.lastOffset, 18);
  b.writeBigInt64BE(t.lastStableOffset, 26);
  return b;
}

/** Decodes whole entries; stops at a torn tail or an unknown version (returns what was valid). */
export function decodeAbortedTxns(bytes: Uint8Array): { entries: AbortedTxn[]; validBytes: number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: AbortedTxn[] = [];
  let pos = 0;
  while (pos + TXN_ENTRY_SIZE <= b.length) {
    if (b.readInt16BE(pos) !== 0) break;
    const t = {
      producerId: b.readBigInt64BE(pos + 2),
      firstOffset: b.readBigInt64BE(pos + 10),
      lastOffset: b.readBigInt64BE(pos + 18),
      lastStableOffset: b.readBigInt64BE(pos + 26),
    };
    if (t.lastOffset < t.firstOffset) break;
    entries.push(t);
    pos += TXN_ENTRY_SIZE;
  }
  return { entries, validBytes: pos };
}

export class TxnIndex {
  readonly entries: AbortedTxn[] = [];

  constructor(initial?: AbortedTxn[]) {
    if (initial) this.entries.push(...initial);
  }

  add(t: AbortedTxn): void {
    this.entries.push(t);
  }

  collect(fetchOffset: bigint, upperBoundOffset: bigint, out: AbortedTxn[]): void {
    for (const t of this.entries) {
      if (t.lastOffset >= fetchOffset && t.firstOffset < upperBoundOffset) out.push(t);
    }
  }

  /** Drops entries whose marker is at or after `offset`. Returns how many remain. */
  truncateTo(offset: bigint): number {
    let n = this.entries.length;
    while (n > 0 && this.entries[n - 1]!.lastOffset >= offset) n--;
    this.entries.length = n;
    return n;
  }
}
