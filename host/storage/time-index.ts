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
import type { Core, TimeIndex as CoreTimeIndex } from '../core/types.js';

export const TIME_ENTRY_SIZE = 12;

/** A segment's time index, held in the WASM core's memory in its on-disk form. */
export class TimeIndex {
  readonly #ix: CoreTimeIndex;
  /** The shared stand-in of unloaded segments: always empty, never appended to or freed. */
  readonly #frozen: boolean;
  static readonly #unloaded = new WeakMap<Core, TimeIndex>();
  /** The last entry, mirrored here so appends need no call into the core (-1 when empty). */
  #lastTs = -1n;
  #lastRel = -1;

  constructor(core: Core, maxBytes: number, initial?: Uint8Array, frozen = false) {
    this.#ix = core.openTimeIndex({ maxBytes, bytes: initial });
    this.#frozen = frozen;
    this.#syncLast();
  }

  #syncLast(): void {
    const e = this.#ix.lastEntry();
    this.#lastTs = e ? e.timestamp : -1n;
    this.#lastRel = e ? e.relativeOffset : -1;
  }

  /**
   * The index of a segment whose index is not loaded: empty, so lookups answer "from the segment
   * start" (correct, only slower). Appending to it throws; closing it does nothing.
   */
  static unloaded(core: Core): TimeIndex {
    let ix = TimeIndex.#unloaded.get(core);
    if (!ix) TimeIndex.#unloaded.set(core, (ix = new TimeIndex(core, 12, undefined, true)));
    return ix;
  }

  get isUnloaded(): boolean {
    return this.#frozen;
  }

  get entries(): number {
    return this.#ix.entries;
  }

  get isFull(): boolean {
    return this.#ix.isFull;
  }

  bytes(): Uint8Array {
    return this.#ix.bytes();
  }

  timestampAt(slot: number): bigint {
    return this.#ix.entry(slot).timestamp;
  }

  relativeOffsetAt(slot: number): number {
    return this.#ix.entry(slot).relativeOffset;
  }

  lastTimestamp(): bigint {
    return this.#lastTs;
  }

  lastRelativeOffset(): number {
    return this.#lastRel;
  }

  /** Appends when `timestamp` is larger than the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: bigint, relativeOffset: number): void {
    if (this.#frozen) throw new Error('append to the index of an unloaded segment');
    if (this.#ix.isFull) return;
    if (this.#lastRel >= 0 && (timestamp <= this.#lastTs || relativeOffset < this.#lastRel)) return;
    if (this.#ix.maybeAppend(timestamp, relativeOffset)) {
      this.#lastTs = timestamp;
      this.#lastRel = relativeOffset;
    }
  }

  /** Relative offset of the largest entry with timestamp <= target, or -1. */
  lookup(timestamp: bigint): number {
    if (this.#ix.entries === 0) return -1;
    return this.#ix.lookup(timestamp)?.relativeOffset ?? -1;
  }

  truncateToOffset(relativeOffset: number): void {
    this.#ix.truncateTo(relativeOffset);
    this.#syncLast();
  }

  clear(): void {
    this.#ix.truncateToEntries(0);
    this.#syncLast();
  }

  /** Keeps the ordered prefix with offsets <= maxRelativeOffset; true when all entries were sound. */
  keepValidPrefix(maxRelativeOffset: number): boolean {
    const total = this.#ix.entries;
    let n = this.#ix.validEntries();
    while (n > 0 && this.#ix.entry(n - 1).relativeOffset > maxRelativeOffset) n--;
    this.#ix.truncateToEntries(n);
    this.#syncLast();
    return n === total;
  }

  close(): void {
    if (this.#frozen) return;
    this.#ix.close();
  }
}
