// The sparse offset index of one segment: the exact bytes of Kafka's `.index` file.
//
// On-disk format of `<20-digit base offset>.index`:
//
//   entry := relativeOffset:u32 BE | position:u32 BE          (8 bytes, no header, no trailer)
//
//   relativeOffset = (last offset of an indexed batch) - segment base offset
//   position       = byte position in the .log file of the first byte of that batch
//
// One entry is added each time more than `index.interval.bytes` of batches were appended since the
// previous entry, so entries are strictly increasing in both fields and position > 0. The file is
// preallocated to `segment.index.bytes` (sparse, zero-filled) while the segment is active and trimmed
// to `entries * 8` when the segment is rolled or the log is closed; a zero entry after the first one
// therefore marks the end of valid entries in an untrimmed file. Lookups ("largest entry whose
// relative offset is <= target") run in the WASM core over these bytes.
import type { CoreApi } from '../core/types.js';

export const OFFSET_ENTRY_SIZE = 8;

export class OffsetIndex {
  #buf: Buffer;
  #entries = 0;
  readonly maxEntries: number;

  constructor(maxBytes: number, initial?: Uint8Array) {
    this.maxEntries = Math.floor(maxBytes / OFFSET_ENTRY_SIZE);
    const cap = Math.max(64, Math.min(this.maxEntries * OFFSET_ENTRY_SIZE, initial ? initial.length : 4096));
    this.#buf = Buffer.alloc(cap);
    if (initial) {
      const n = Math.min(this.maxEntries, Math.floor(initial.length / OFFSET_ENTRY_SIZE));
      this.#buf.set(initial.subarray(0, n * OFFSET_ENTRY_SIZE));
      this.#entries = n;
    }
  }

  get entries(): number {
    return this.#entries;
  }

  get isFull(): boolean {
    return this.#entries >= this.maxEntries;
  }

  /** The valid bytes, exactly as they belong on disk. */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#entries * OFFSET_ENTRY_SIZE);
  }

  relativeOffsetAt(slot: number): number {
    return this.#buf.readUInt32BE(slot * OFFSET_ENTRY_SIZE);
  }

  positionAt(slot: number): number {
    return this.#buf.readUInt32BE(slot * OFFSET_ENTRY_SIZE + 4);
  }

  lastRelativeOffset(): number {
    return this.#entries === 0 ? -1 : this.relativeOffsetAt(this.#entries - 1);
  }

  append(relativeOffset: number, position: number): void {
    if (this.isFull) return;
    if (this.#entries > 0 && (relativeOffset <= this.lastRelativeOffset() || position <= this.positionAt(this.#entries - 1))) return;
    const at = this.#entries * OFFSET_ENTRY_SIZE;
    if (at + OFFSET_ENTRY_SIZE > this.#buf.length) {
      const grown = Buffer.alloc(Math.min(this.maxEntries * OFFSET_ENTRY_SIZE, this.#buf.length * 2));
      grown.set(this.#buf);
      this.#buf = grown;
    }
    this.#buf.writeUInt32BE(relativeOffset >>> 0, at);
    this.#buf.writeUInt32BE(position >>> 0, at + 4);
    this.#entries++;
  }

  /** Position to start scanning from for `relativeOffset` (0 when no entry is <= it). */
  lookup(core: CoreApi, relativeOffset: number): number {
    if (this.#entries === 0 || relativeOffset < 0) return 0;
    const slot = core.offsetIndexLookup(this.#buf, this.#entries, relativeOffset);
    return slot < 0 ? 0 : this.positionAt(slot);
  }

  /** Drops entries whose position is >= `position` (log truncation). */
  truncateToPosition(position: number): void {
    while (this.#entries > 0 && this.positionAt(this.#entries - 1) >= position) this.#entries--;
  }

  /** Drops entries whose relative offset is >= `relativeOffset`. */
  truncateToOffset(relativeOffset: number): void {
    while (this.#entries > 0 && this.relativeOffsetAt(this.#entries - 1) >= relativeOffset) this.#entries--;
  }

  clear(): void {
    this.#entries = 0;
  }

  /**
   * Number of leading entries that are plausible for a segment of `segmentSize` bytes: strictly
   * increasing offsets and positions, positions inside the segment. Entries past the first bad one
   * (typically the zero tail of a preallocated file) are not counted.
   */
  static validPrefix(bytes: Uint8Array, segmentSize: number): { entries: number; clean: boolean } {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Math.floor(bytes.length / OFFSET_ENTRY_SIZE);
    let prevOff = -1;
    let prevPos = 0;
    let i = 0;
    for (; i < n; i++) {
      const off = dv.getUint32(i * 8);
      const pos = dv.getUint32(i * 8 + 4);
      if (off <= prevOff || pos <= prevPos || pos >= segmentSize) break;
      prevOff = off;
      prevPos = pos;
    }
    return { entries: i, clean: i === n && bytes.length % OFFSET_ENTRY_SIZE === 0 };
  }
}
