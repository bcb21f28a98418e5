// The sparse time index of one segment: the exact bytes of Kafka's `.timeindex` file.
//
// On-disk format of `<20-digit base offset>.timeindex`:
//
//   entry := timestamp:i64 BE | relativeOffset:u32 BE           (12 bytes, no header, no trailer)
//
//   timestamp      = the largest batch max-timestamp appended to the segment so far
//   relativeOffset = (last offset of the batch that carried it) - segment base offset
//
// An entry is added next to each offset-index entry when the running maximum timestamp grew, and
// once more when the segment is rolled or the log closed cleanly, so the last entry holds the
// segment's largest timestamp (retention.ms reads it without touching the .log). Timestamps are
// strictly increasing. Preallocation and trimming as for `.index`; a zero timestamp after the first
// entry marks the end of valid entries in an untrimmed file. Lookups ("largest entry whose
// timestamp is <= target") run in the WASM core.
import type { CoreApi } from '../core/types.js';

export const TIME_ENTRY_SIZE = 12;

export class TimeIndex {
  #buf: Buffer;
  #entries = 0;
  readonly maxEntries: number;

  constructor(maxBytes: number, initial?: Uint8Array) {
    this.maxEntries = Math.floor(maxBytes / TIME_ENTRY_SIZE);
    const cap = Math.max(96, Math.min(this.maxEntries * TIME_ENTRY_SIZE, initial ? initial.length : 6144));
    this.#buf = Buffer.alloc(cap);
    if (initial) {
      const n = Math.min(this.maxEntries, Math.floor(initial.length / TIME_ENTRY_SIZE));
      this.#buf.set(initial.subarray(0, n * TIME_ENTRY_SIZE));
      this.#entries = n;
    }
  }

  get entries(): number {
    return this.#entries;
  }

  get isFull(): boolean {
    return this.#entries >= this.maxEntries;
  }

  bytes(): Buffer {
    return this.#buf.subarray(0, this.#entries * TIME_ENTRY_SIZE);
  }

  timestampAt(slot: number): bigint {
    return this.#buf.readBigInt64BE(slot * TIME_ENTRY_SIZE);
  }

  relativeOffsetAt(slot: number): number {
    return this.#buf.readUInt32BE(slot * TIME_ENTRY_SIZE + 8);
  }

  lastTimestamp(): bigint {
    return this.#entries === 0 ? -1n : this.timestampAt(this.#entries - 1);
  }

  lastRelativeOffset(): number {
    return this.#entries === 0 ? -1 : this.relativeOffsetAt(this.#entries - 1);
  }

  /** Appends when `timestamp` is larger than the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: bigint, relativeOffset: number, skipFullCheck = false): void {
    if (this.#entries > 0 && timestamp <= this.lastTimestamp()) return;
    if (this.#entries > 0 && relativeOffset < this.lastRelativeOffset()) return;
    if (this.isFull && !skipFullCheck) return;
    const at = this.#entries * TIME_ENTRY_SIZE;
    if (at + TIME_ENTRY_SIZE > this.#buf.length) {
      const grown = Buffer.alloc(Math.max(at + TIME_ENTRY_SIZE, Math.min(this.maxEntries * TIME_ENTRY_SIZE, this.#buf.length * 2)));
      grown.set(this.#buf);
      this.#buf = grown;
    }
    this.#buf.writeBigInt64BE(timestamp, at);
    this.#buf.writeUInt32BE(relativeOffset >>> 0, at + 8);
    this.#entries++;
  }

  /** Relative offset of the largest entry with timestamp <= target, or -1. */
  lookup(core: CoreApi, timestamp: bigint): number {
    if (this.#entries === 0) return -1;
    const slot = core.timeIndexLookup(this.#buf, this.#entries, timestamp);
    return slot < 0 ? -1 : this.relativeOffsetAt(slot);
  }

  truncateToOffset(relativeOffset: number): void {
    while (this.#entries > 0 && this.relativeOffsetAt(this.#entries - 1) >= relativeOffset) this.#entries--;
  }

  clear(): void {
    this.#entries = 0;
  }

  /** Leading entries with strictly increasing timestamps and non-decreasing offsets. */
  static validPrefix(bytes: Uint8Array, maxRelativeOffset: number): { entries: number; clean: boolean } {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Math.floor(bytes.length / TIME_ENTRY_SIZE);
    let prevTs = -(2n ** 63n);
    let prevOff = -1;
    let i = 0;
    for (; i < n; i++) {
      const ts = dv.getBigInt64(i * 12);
      const off = dv.getUint32(i * 12 + 8);
      if (ts <= prevTs || off < prevOff || off > maxRelativeOffset || (i > 0 && ts === 0n)) break;
      prevTs = ts;
      prevOff = off;
    }
    return { entries: i, clean: i === n && bytes.length % TIME_ENTRY_SIZE === 0 };
  }
}
