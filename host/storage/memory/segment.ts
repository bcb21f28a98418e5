// A segment held in memory: the same bytes a .log file would hold, in a growable buffer. Reads
// return views; a buffer region once written is never overwritten in place (growth and truncation
// allocate a new buffer), so views handed out stay valid.
import type { Core } from '../../core/types.js';
import { OffsetIndex } from '../offset-index.js';
import type { Segment, SegmentStore } from '../segment.js';
import { TimeIndex } from '../time-index.js';
import { TxnIndex, type AbortedTxn } from '../txn-index.js';

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
  #buf: Buffer = Buffer.alloc(0);

  constructor(core: Core, baseOffset: bigint, indexBytes: number) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.offsetIndex = new OffsetIndex(core, indexBytes);
    this.timeIndex = new TimeIndex(core, indexBytes);
  }

  async loadIndexes(): Promise<void> {}

  async write(chunks: readonly Uint8Array[], bytes: number): Promise<void> {
    let at = this.size;
    if (at + bytes > this.#buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(at + bytes, Math.min(this.#buf.length * 2, at + bytes + 64 * 1024 * 1024), 4096));
      grown.set(this.#buf.subarray(0, at));
      this.#buf = grown;
    }
    for (const c of chunks) {
      this.#buf.set(c, at);
      at += c.length;
    }
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, position + length);
    return this.#buf.subarray(position, Math.max(position, end));
  }

  async sync(): Promise<void> {}

  async truncate(position: number): Promise<void> {
    const b = Buffer.allocUnsafe(Math.max(position, 4096));
    b.set(this.#buf.subarray(0, position));
    this.#buf = b;
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
    this.#buf = Buffer.alloc(0);
    this.offsetIndex.close();
    this.timeIndex.close();
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
