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
import type { Core, OffsetIndex as CoreOffsetIndex } from '../core/types.js';

export const OFFSET_ENTRY_SIZE = 8;

/** A segment's offset index, held in the WASM core's memory in its on-disk form. */
export class OffsetIndex {
  readonly #ix: CoreOffsetIndex;
  /** The shared stand-in of unloaded segments: always empty, never appended to or freed. */
  readonly #frozen: boolean;
  static readonly #unloaded = new WeakMap<Core, OffsetIndex>();
  /** The last entry, mirrored here so appends (one per indexed batch) need no call into the core. */
  #lastRel = -1;
  #lastPos = -1;

  constructor(core: Core, maxBytes: number, initial?: Uint8Array, frozen = false) {
    this.#ix = core.openOffsetIndex({ maxBytes, bytes: initial });
    this.#frozen = frozen;
    this.#syncLast();
  }

  #syncLast(): void {
    const n = this.#ix.entries;
    if (n === 0) {
      this.#lastRel = -1;
      this.#lastPos = -1;
    } else {
      const e = this.#ix.entry(n - 1);
      this.#lastRel = e.relativeOffset;
      this.#lastPos = e.position;
    }
  }

  /**
   * The index of a segment whose index is not loaded: empty, so lookups answer "from the segment
   * start" (correct, only slower). Appending to it throws; closing it does nothing.
   */
  static unloaded(core: Core): OffsetIndex {
    let ix = OffsetIndex.#unloaded.get(core);
    if (!ix) OffsetIndex.#unloaded.set(core, (ix = new OffsetIndex(core, 8, undefined, true)));
    return ix;
  }

  get isUnloaded(): boolean {
    return this.#frozen;
  }

  get entries(): number {
    return this.#ix.entries;
  }

  get maxEntries(): number {
    return this.#ix.maxEntries;
  }

  get isFull(): boolean {
    return this.#ix.isFull;
  }

  /** A copy of the valid bytes, exactly as they belong on disk. */
  bytes(): Uint8Array {
    return this.#ix.bytes();
  }

  positionAt(slot: number): number {
    return this.#ix.entry(slot).position;
  }

  relativeOffsetAt(slot: number): number {
    return this.#ix.entry(slot).relativeOffset;
  }

  lastRelativeOffset(): number {
    return this.#lastRel;
  }

  /** Appends unless full or out of order (Kafka never indexes a batch twice). */
  append(relativeOffset: number, position: number): void {
    if (this.#frozen) throw new Error('append to the index of an unloaded segment');
    if (this.#ix.isFull) return;
    if (this.#lastRel >= 0 && (relativeOffset <= this.#lastRel || position <= this.#lastPos)) return;
    this.#ix.append(relativeOffset, position);
    this.#lastRel = relativeOffset;
    this.#lastPos = position;
  }

  /** Position to start scanning from for `relativeOffset` (0 when no entry is <= it). */
  lookup(relativeOffset: number): number {
    if (this.#ix.entries === 0 || relativeOffset < 0) return 0;
    return this.#ix.lookup(relativeOffset)?.position ?? 0;
  }

  /** Drops entries whose position is >= `position` (log truncation). */
  truncateToPosition(position: number): void {
    let n = this.#ix.entries;
    while (n > 0 && this.#ix.entry(n - 1).position >= position) n--;
    this.#ix.truncateToEntries(n);
    this.#syncLast();
  }

  /** Drops entries whose relative offset is >= `relativeOffset`. */
  truncateToOffset(relativeOffset: number): void {
    this.#ix.truncateTo(relativeOffset);
    this.#syncLast();
  }

  clear(): void {
    this.#ix.truncateToEntries(0);
    this.#syncLast();
  }

  /**
   * Keeps the leading entries that are sound for a segment of `segmentSize` bytes holding relative
   * offsets up to `maxRelativeOffset`: ordered (checked by the core), positions inside the segment.
   * Returns true when every loaded entry was sound.
   */
  keepValidPrefix(segmentSize: number, maxRelativeOffset: number): boolean {
    const total = this.#ix.entries;
    let n = this.#ix.validEntries();
    while (n > 0) {
      const e = this.#ix.entry(n - 1);
      if (e.position < segmentSize && e.position > 0 && e.relativeOffset <= maxRelativeOffset) break;
      n--;
    }
    this.#ix.truncateToEntries(n);
    this.#syncLast();
    return n === total;
  }

  /** Frees the core memory; the index must not be used afterwards. */
  close(): void {
    if (this.#frozen) return;
    this.#ix.close();
  }
}
