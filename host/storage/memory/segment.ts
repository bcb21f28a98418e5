// A segment held in memory: the same bytes a .log file would hold, in 4 MiB pages. Reads within a
// page return views; a page region once written is never overwritten in place (truncation starts
// new pages), so views handed out stay valid.
import type { Core } from '../../core/types.js';
import { OffsetIndex } from '../offset-index.js';
import type { Segment, SegmentStore } from '../segment.js';
import { TimeIndex } from '../time-index.js';
import { TxnIndex, type AbortedTxn } from '../txn-index.js';

const PAGE = 4 * 1024 * 1024;

export class MemorySegment implements Segment {
  readonly baseOffset: bigint;
  size = 0;
  nextOffset: bigint;
  maxTimestamp = -1n;
  offsetOfMaxTimestamp = -1n;
  createdMs = Date.now();
  bytesSinceIndexEntry = 0;
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly txnIndex = new TxnIndex();
  #pages: Array<{ start: number; buf: Buffer; len: number }> = [];

  constructor(core: Core, baseOffset: bigint, indexBytes: number) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.offsetIndex = new OffsetIndex(core, indexBytes);
    this.timeIndex = new TimeIndex(core, indexBytes);
  }

  // Memory segments' indexes are their only copy: always loaded, never unloaded.
  async loadIndexes(): Promise<void> {}
  async loadSummary(): Promise<void> {}
  async activate(): Promise<void> {}

  async write(chunks: readonly Uint8Array[], _bytes: number): Promise<void> {
    let at = this.size;
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) {
        let pg = this.#pages[this.#pages.length - 1];
        if (!pg || pg.len === pg.buf.length || pg.start + pg.len !== at) {
          pg = { start: at, buf: Buffer.allocUnsafe(PAGE), len: 0 };
          this.#pages.push(pg);
        }
        const n = Math.min(c.length - off, pg.buf.length - pg.len);
        pg.buf.set(c.subarray(off, off + n), pg.len);
        pg.len += n;
        off += n;
        at += n;
      }
    }
  }

  async read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const to = Math.min(this.size, position + length);
    if (position >= to) return new Uint8Array(0);
    const pages = this.#pages;
    let i = pages.length - 1;
    while (i > 0 && pages[i]!.start > position) i--;
    const first = pages[i]!;
    if (to <= first.start + first.len) return first.buf.subarray(position - first.start, to - first.start);
    const out = into && into.length >= to - position ? into.subarray(0, to - position) : Buffer.allocUnsafe(to - position);
    let at = 0;
    for (let pos = position; pos < to; i++) {
      const pg = pages[i]!;
      const n = Math.min(to, pg.start + pg.len) - pos;
      out.set(pg.buf.subarray(pos - pg.start, pos - pg.start + n), at);
      at += n;
      pos += n;
    }
    return out;
  }

  async sync(): Promise<void> {}

  async truncate(position: number): Promise<void> {
    // Keep whole pages below the cut; the page holding it becomes a fresh copy of its prefix.
    const kept: Array<{ start: number; buf: Buffer; len: number }> = [];
    for (const pg of this.#pages) {
      if (pg.start + pg.len <= position) kept.push(pg);
      else if (pg.start < position) {
        const buf = Buffer.allocUnsafe(PAGE);
        buf.set(pg.buf.subarray(0, position - pg.start));
        kept.push({ start: pg.start, buf, len: position - pg.start });
      }
    }
    this.#pages = kept;
  }

  async appendTxn(txn: AbortedTxn): Promise<void> {
    this.txnIndex.add(txn);
  }

  async seal(): Promise<void> {}

  async close(): Promise<void> {
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  async delete(): Promise<void> {
    this.#pages = [];
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  async retire(): Promise<void> {
    await this.delete();
  }

  pin(): void {}
  unpin(): void {}
}

export class MemorySegmentStore implements SegmentStore {
  readonly #snapshots = new Map<bigint, Uint8Array>();
  readonly #indexBytes: () => number;
  readonly #core: Core;

  constructor(core: Core, indexBytes: () => number) {
    this.#core = core;
    this.#indexBytes = indexBytes;
  }

  async create(baseOffset: bigint): Promise<MemorySegment> {
    return new MemorySegment(this.#core, baseOffset, this.#indexBytes());
  }

  createReplacement(baseOffset: bigint): Promise<MemorySegment> {
    return this.create(baseOffset);
  }

  async commitReplacement(_old: readonly MemorySegment[], replacement: MemorySegment): Promise<MemorySegment> {
    return replacement;
  }

  async writeSnapshot(offset: bigint, bytes: Uint8Array): Promise<void> {
    this.#snapshots.set(offset, bytes);
  }

  async readSnapshot(maxOffset: bigint): Promise<{ offset: bigint; bytes: Uint8Array } | null> {
    let best: bigint | null = null;
    for (const o of this.#snapshots.keys()) if (o <= maxOffset && (best === null || o > best)) best = o;
    return best === null ? null : { offset: best, bytes: this.#snapshots.get(best)! };
  }

  async pruneSnapshots(below: bigint, above?: bigint): Promise<void> {
    for (const o of [...this.#snapshots.keys()]) {
      if (o < below || (above !== undefined && o > above)) this.#snapshots.delete(o);
    }
  }
}
