// A segment of the file engine: `<base>.log` (batches exactly as received, offsets patched) with
// `<base>.index`, `<base>.timeindex` and, once it has entries, `<base>.txnindex` beside it, where
// <base> is the segment's base offset in 20 zero-padded digits (00000000000000000000.log).
//
// On-disk format of `.log`: concatenated v2 record batches, nothing else — no header, no trailer,
// no padding. Each batch is [baseOffset:i64 | batchLength:i32 | partitionLeaderEpoch:i32 | magic:i8
// = 2 | crc:u32 | attributes..records] as in Kafka; offsets are strictly increasing across the file.
// The other files' formats are described in offset-index.ts, time-index.ts and txn-index.ts.
//
// While a segment is active its index files are preallocated to segment.index.bytes (sparse) and
// their entries live in memory; they are written and trimmed to their exact size when the segment
// is rolled (sealed) or the log is closed. After an unclean stop the indexes of every segment past
// the recovery point are rebuilt from the .log, so the in-memory copy is the only one that matters
// for the active segment.
//
// Reads come from a small cache of the active segment's tail when they can (tailing consumers,
// file/tail-cache.ts), else from the file with one positioned read (into the caller's buffer when
// one is given).
//
// Index memory: a closed segment's indexes are loaded into the WASM core on first use and may be
// unloaded again by the storage's IndexCache (index-cache.ts: an LRU over closed segments); while
// unloaded, `offsetIndex`/`timeIndex` are a shared empty stand-in (lookups then scan from the
// segment start: slower, never wrong) and the next `loadIndexes()` reads the files again. What the
// log needs without indexes (max timestamp, aborted transactions) stays in memory once known.
import type { Core } from '../../core/types.js';
import { appendWrite, readFully, readWholeFile, writeFully, type StorageFs } from '../fs.js';
import { OffsetIndex } from '../offset-index.js';
import type { IndexCache } from './index-cache.js';
import { TailCache } from './tail-cache.js';
import type { Segment } from '../segment.js';
import { TimeIndex } from '../time-index.js';
import { TXN_ENTRY_SIZE, TxnIndex, decodeAbortedTxns, encodeAbortedTxn, type AbortedTxn } from '../txn-index.js';

export const pad20 = (n: bigint): string => n.toString().padStart(20, '0');

export interface FileSegmentContext {
  fs: StorageFs;
  core: Core;
  /** Partition directory. */
  dir: string;
  indexBytes: () => number;
  tailCacheBytes: number;
  /** Bounds the closed segments with loaded indexes (shared by every partition of a storage); none: never unloaded. */
  indexCache?: IndexCache;
  /** Rebuilds the indexes of a segment from its data (damaged or missing index files). */
  rebuildIndexes: (seg: FileSegment) => Promise<void>;
}

export class FileSegment implements Segment {
  readonly baseOffset: bigint;
  size = 0;
  nextOffset: bigint;
  maxTimestamp = -1n;
  offsetOfMaxTimestamp = -1n;
  createdMs = Date.now();
  bytesSinceIndexEntry = 0;
  #offsetIndex: OffsetIndex;
  #timeIndex: TimeIndex;
  txnIndex = new TxnIndex();
  /** Active: appends go here and the in-memory indexes are the only current copy (never unloaded). */
  #active: boolean;
  #loading = false;
  /** maxTimestamp/offsetOfMaxTimestamp and the txn index are known (kept while unloaded). */
  #summaryKnown: boolean;
  readonly #ctx: FileSegmentContext;
  #logFd = -1;
  #indexFd = -1;
  #timeFd = -1;
  #txnFd = -1;
  #txnSize = 0;
  #txnDirty = false;
  #txnWrites: Promise<void> = Promise.resolve();
  #loaded: Promise<void> | null;
  readonly #tail = new TailCache();
  #pins = 0;
  #unpinned: Array<() => void> = [];
  #deleted = false;

  /** '' for live segments, '.cleaned' while the cleaner writes a replacement. */
  readonly #suffix: string;

  private constructor(ctx: FileSegmentContext, baseOffset: bigint, active: boolean, suffix = '') {
    this.#suffix = suffix;
    this.#ctx = ctx;
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.#active = active;
    this.#summaryKnown = active;
    this.#offsetIndex = active ? new OffsetIndex(ctx.core, ctx.indexBytes()) : OffsetIndex.unloaded(ctx.core);
    this.#timeIndex = active ? new TimeIndex(ctx.core, ctx.indexBytes()) : TimeIndex.unloaded(ctx.core);
    this.#loaded = active ? Promise.resolve() : null;
  }

  get offsetIndex(): OffsetIndex {
    return this.#offsetIndex;
  }

  get timeIndex(): TimeIndex {
    return this.#timeIndex;
  }

  /** True while the offset and time indexes are in the core's memory. */
  get indexesLoaded(): boolean {
    return !this.#offsetIndex.isUnloaded;
  }

  /** Installs new indexes, freeing the previous ones. */
  #setIndexes(oi: OffsetIndex, ti: TimeIndex): void {
    this.#offsetIndex.close();
    this.#timeIndex.close();
    this.#offsetIndex = oi;
    this.#timeIndex = ti;
  }

  /** Fresh empty indexes (recovery rebuilds them from the .log). */
  resetIndexes(): void {
    this.#setIndexes(new OffsetIndex(this.#ctx.core, this.#ctx.indexBytes()), new TimeIndex(this.#ctx.core, this.#ctx.indexBytes()));
  }

  /**
   * Unloads the indexes of a closed segment (IndexCache). Refused for the active segment, while
   * reads hold a pin, or while a load is in flight.
   */
  unloadIndexes(): boolean {
    if (this.#active || this.#pins > 0 || this.#loading || !this.indexesLoaded) return false;
    this.#setIndexes(OffsetIndex.unloaded(this.#ctx.core), TimeIndex.unloaded(this.#ctx.core));
    this.#loaded = null;
    return true;
  }

  /** A closed segment whose index files are complete: from now on the cache may unload it. */
  #settle(): void {
    this.#active = false;
    if (!this.#loading && this.indexesLoaded) this.#ctx.indexCache?.touch(this);
  }

  path(ext: string): string {
    return `${this.#ctx.dir}/${pad20(this.baseOffset)}${ext}${this.#suffix}`;
  }

  /** A new, empty, active segment (existing files at this base are replaced). */
  static async create(ctx: FileSegmentContext, baseOffset: bigint, suffix = ''): Promise<FileSegment> {
    const seg = new FileSegment(ctx, baseOffset, true, suffix);
    const { fs } = ctx;
    seg.#logFd = await fs.open(seg.path('.log'), 'w+');
    await fs.unlink(seg.path('.txnindex'));
    await seg.#openIndexFiles('w+');
    await fs.syncDir(ctx.dir);
    return seg;
  }

  /** An existing segment; indexes are loaded on first use (`loadIndexes`) or rebuilt by recovery. */
  static async open(ctx: FileSegmentContext, baseOffset: bigint): Promise<FileSegment> {
    const seg = new FileSegment(ctx, baseOffset, false);
    seg.#logFd = await ctx.fs.open(seg.path('.log'), 'r+');
    const st = await ctx.fs.fstat(seg.#logFd);
    seg.size = st.size;
    seg.createdMs = st.mtimeMs;
    return seg;
  }

  async #openIndexFiles(flags: string): Promise<void> {
    const { fs } = this.#ctx;
    const max = this.#ctx.indexBytes();
    this.#indexFd = await fs.open(this.path('.index'), flags);
    this.#timeFd = await fs.open(this.path('.timeindex'), flags);
    // Preallocated like Kafka's: sparse, trimmed when the segment stops being active.
    await fs.ftruncate(this.#indexFd, max - (max % 8));
    await fs.ftruncate(this.#timeFd, max - (max % 12));
  }

  /**
   * Makes a loaded segment the active one again: indexes are read into memory, then the files are
   * recreated preallocated (the in-memory copy is written back in full on seal/close).
   */
  async activate(): Promise<void> {
    this.#active = true;
    this.#ctx.indexCache?.remove(this);
    await this.loadIndexes();
    if (this.#indexFd < 0) await this.#openIndexFiles('w+');
  }

  /** Marks indexes as already built (recovery filled them). */
  markIndexesLoaded(): void {
    this.#loaded = Promise.resolve();
    this.#summaryKnown = true;
  }

  loadIndexes(): Promise<void> {
    if (!this.#loaded) this.#loaded = this.#load();
    else if (!this.#active && !this.#loading) this.#ctx.indexCache?.touch(this);
    return this.#loaded;
  }

  /** Max timestamp and aborted transactions known (loads the indexes only the first time). */
  loadSummary(): Promise<void> {
    return this.#summaryKnown ? Promise.resolve() : this.loadIndexes();
  }

  async #load(): Promise<void> {
    this.#loading = true;
    try {
      const { fs } = this.#ctx;
      const first = !this.#summaryKnown;
      const [idx, tix, txn] = await Promise.all([
        readWholeFile(fs, this.path('.index')),
        readWholeFile(fs, this.path('.timeindex')),
        first ? readWholeFile(fs, this.path('.txnindex')) : null,
      ]);
      const span = this.nextOffset - this.baseOffset;
      const maxRel = span > 0n ? Number(span - 1n) : 0;
      let sound = idx !== null && tix !== null && idx.length % 8 === 0 && tix.length % 12 === 0;
      const bytes = this.#ctx.indexBytes();
      this.#setIndexes(new OffsetIndex(this.#ctx.core, bytes, idx ?? undefined), new TimeIndex(this.#ctx.core, bytes, tix ?? undefined));
      if (idx && tix) sound = this.#offsetIndex.keepValidPrefix(this.size, maxRel) && this.#timeIndex.keepValidPrefix(maxRel) && sound;
      if (!sound && this.size > 0) {
        await this.#ctx.rebuildIndexes(this);
      } else if (this.#timeIndex.entries > 0) {
        this.maxTimestamp = this.#timeIndex.lastTimestamp();
        this.offsetOfMaxTimestamp = this.baseOffset + BigInt(this.#timeIndex.lastRelativeOffset());
      }
      if (first) {
        this.#applyTxnBytes(txn);
        await this.#fixTxnFile(txn);
      }
      this.#summaryKnown = true;
    } finally {
      this.#loading = false;
    }
    if (!this.#active) this.#ctx.indexCache?.touch(this);
  }

  #applyTxnBytes(txn: Uint8Array | null): void {
    if (!txn) return;
    const d = decodeAbortedTxns(txn);
    this.txnIndex = new TxnIndex(d.entries.filter((t) => t.lastOffset < this.nextOffset));
    this.#txnSize = this.txnIndex.entries.length * TXN_ENTRY_SIZE;
  }

  async #fixTxnFile(txn: Uint8Array | null): Promise<void> {
    if (txn && this.#txnSize !== txn.length) {
      // Torn tail or entries past the log end (cut by recovery): keep the valid prefix.
      await this.#openTxn();
      await this.#ctx.fs.ftruncate(this.#txnFd, this.#txnSize);
      this.#txnDirty = true;
    }
  }

  /** Loads the aborted-transaction index alone (recovery rebuilt the other indexes). */
  async loadTxnIndex(): Promise<void> {
    const txn = await readWholeFile(this.#ctx.fs, this.path('.txnindex'));
    this.#applyTxnBytes(txn);
    await this.#fixTxnFile(txn);
  }

  async #openTxn(): Promise<void> {
    if (this.#txnFd >= 0) return;
    const exists = await this.#ctx.fs.stat(this.path('.txnindex'));
    this.#txnFd = await this.#ctx.fs.open(this.path('.txnindex'), exists ? 'r+' : 'w+');
    if (!exists) await this.#ctx.fs.syncDir(this.#ctx.dir);
  }

  async write(chunks: readonly Uint8Array[], bytes: number): Promise<void> {
    const position = this.size;
    await appendWrite(this.#ctx.fs, this.#logFd, chunks, bytes, position);
    this.#cacheTail(chunks, bytes, position);
  }

  #cacheTail(chunks: readonly Uint8Array[], bytes: number, position: number): void {
    const cap = this.#ctx.tailCacheBytes;
    if (cap <= 0) return;
    const t = this.#tail;
    if (t.end !== position) t.clear(position);
    for (const c of chunks) t.append(c);
    t.evict(cap);
  }

  /** Reads into a caller-owned buffer (recovery reuses one buffer for a whole scan). */
  readInto(buffer: Uint8Array, position: number, length: number): Promise<number> {
    return this.#ctx.fs.read(this.#logFd, buffer, 0, length, position);
  }

  async read(position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const cached = this.#tail.slice(position, position + length, into);
    if (cached) return cached;
    if (into && into.length >= length) {
      let done = 0;
      while (done < length) {
        const n = await this.#ctx.fs.read(this.#logFd, into, done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return into.subarray(0, done);
    }
    return readFully(this.#ctx.fs, this.#logFd, position, length);
  }

  async sync(): Promise<void> {
    await this.#ctx.fs.fdatasync(this.#logFd);
    if (this.#txnDirty && this.#txnFd >= 0) {
      await this.#ctx.fs.fdatasync(this.#txnFd);
      this.#txnDirty = false;
    }
  }

  async truncate(position: number): Promise<void> {
    this.#tail.clear(-1);
    await this.#ctx.fs.ftruncate(this.#logFd, position);
  }

  appendTxn(txn: AbortedTxn): Promise<void> {
    // In memory at once: read_committed fetches may pass the ABORT marker as soon as the producer
    // state says the transaction ended, and must already see it listed. File writes follow in order.
    this.txnIndex.add(txn);
    const bytes = encodeAbortedTxn(txn);
    this.#txnWrites = this.#txnWrites.then(async () => {
      await this.#openTxn();
      await writeFully(this.#ctx.fs, this.#txnFd, [bytes], this.#txnSize);
      this.#txnSize += TXN_ENTRY_SIZE;
      this.#txnDirty = true;
    });
    return this.#txnWrites;
  }

  /** Rewrites the txn index file from memory (after truncation). */
  async rewriteTxnIndex(): Promise<void> {
    if (this.txnIndex.entries.length === 0 && this.#txnFd < 0 && !(await this.#ctx.fs.stat(this.path('.txnindex')))) return;
    await this.#openTxn();
    const bytes = Buffer.concat(this.txnIndex.entries.map(encodeAbortedTxn));
    await writeFully(this.#ctx.fs, this.#txnFd, [bytes], 0);
    await this.#ctx.fs.ftruncate(this.#txnFd, bytes.length);
    this.#txnSize = bytes.length;
    this.#txnDirty = true;
  }

  /** Writes the in-memory indexes at their exact size (trimming the preallocation). */
  async #writeIndexes(): Promise<void> {
    const { fs } = this.#ctx;
    if (this.#indexFd < 0) {
      this.#indexFd = await fs.open(this.path('.index'), 'w+');
      this.#timeFd = await fs.open(this.path('.timeindex'), 'w+');
    }
    const oi = this.#offsetIndex.bytes();
    const ti = this.#timeIndex.bytes();
    await writeFully(fs, this.#indexFd, [oi], 0);
    await fs.ftruncate(this.#indexFd, oi.length);
    await writeFully(fs, this.#timeFd, [ti], 0);
    await fs.ftruncate(this.#timeFd, ti.length);
    await fs.fsync(this.#indexFd);
    await fs.fsync(this.#timeFd);
    await fs.close(this.#indexFd);
    await fs.close(this.#timeFd);
    this.#indexFd = -1;
    this.#timeFd = -1;
  }

  /** Persists rebuilt indexes of a closed segment (recovery). */
  async persistIndexes(): Promise<void> {
    await this.#writeIndexes();
    this.#settle();
  }

  /**
   * Commits a '.cleaned' replacement (file/swap.ts describes the protocol): seals it, renames its
   * files to '.swap' (the .log last), renames the files of the other replaced segments (`replaced`:
   * their base offsets) to '.deleted', then renames the '.swap' files to their final names (the .log
   * last), replacing the files at this base. Returns the live segment over the final files.
   */
  async commitAsReplacement(replaced: readonly bigint[] = []): Promise<FileSegment> {
    if (this.#suffix !== '.cleaned') throw new Error('not a cleaned segment');
    const { fs, dir } = this.#ctx;
    await this.seal();
    const exts = ['.index', '.timeindex', '.txnindex', '.log'];
    const base = `${dir}/${pad20(this.baseOffset)}`;
    const present: string[] = [];
    for (const ext of exts) if (await fs.stat(`${base}${ext}.cleaned`)) present.push(ext);
    for (const ext of present) await fs.rename(`${base}${ext}.cleaned`, `${base}${ext}.swap`);
    await fs.syncDir(dir);
    if (replaced.length > 0) {
      for (const b of replaced) {
        for (const ext of exts) {
          const p = `${dir}/${pad20(b)}${ext}`;
          if (await fs.stat(p)) await fs.rename(p, `${p}.deleted`);
        }
      }
      await fs.syncDir(dir);
    }
    if (!present.includes('.txnindex')) await fs.unlink(`${base}.txnindex`);
    for (const ext of present) await fs.rename(`${base}${ext}.swap`, `${base}${ext}`);
    await fs.syncDir(dir);
    await this.abandon();
    const live = await FileSegment.open(this.#ctx, this.baseOffset);
    live.nextOffset = this.nextOffset;
    live.maxTimestamp = this.maxTimestamp;
    live.offsetOfMaxTimestamp = this.offsetOfMaxTimestamp;
    return live;
  }

  async seal(): Promise<void> {
    this.#tail.clear(-1);
    await this.#writeIndexes();
    await this.sync();
    this.#settle();
  }

  async close(): Promise<void> {
    const { fs } = this.#ctx;
    if (this.#indexFd >= 0) await this.#writeIndexes();
    if (this.#logFd >= 0) {
      await fs.fdatasync(this.#logFd);
      await fs.close(this.#logFd);
      this.#logFd = -1;
    }
    if (this.#txnFd >= 0) {
      await fs.fsync(this.#txnFd);
      await fs.close(this.#txnFd);
      this.#txnFd = -1;
    }
    this.#tail.clear(-1);
    this.#freeIndexes();
  }

  #freeIndexes(): void {
    this.#ctx.indexCache?.remove(this);
    this.#setIndexes(OffsetIndex.unloaded(this.#ctx.core), TimeIndex.unloaded(this.#ctx.core));
    this.#loaded = null;
  }

  /** Closes descriptors without writing anything (offline partitions, tests simulating a crash). */
  async abandon(): Promise<void> {
    const { fs } = this.#ctx;
    for (const fd of [this.#logFd, this.#indexFd, this.#timeFd, this.#txnFd]) if (fd >= 0) await fs.close(fd).catch(() => undefined);
    this.#logFd = this.#indexFd = this.#timeFd = this.#txnFd = -1;
    this.#freeIndexes();
  }

  async retire(): Promise<void> {
    if (this.#pins > 0) await new Promise<void>((r) => this.#unpinned.push(r));
    await this.abandon();
    // A segment merged into a replacement at a lower base had its files renamed '.deleted'.
    for (const ext of ['.log', '.index', '.timeindex', '.txnindex']) await this.#ctx.fs.unlink(`${this.path(ext)}.deleted`);
  }

  pin(): void {
    this.#pins++;
  }

  unpin(): void {
    if (--this.#pins === 0) {
      const w = this.#unpinned;
      this.#unpinned = [];
      for (const f of w) f();
    }
  }

  async delete(delayMs: number): Promise<void> {
    if (this.#deleted) return;
    this.#deleted = true;
    const { fs } = this.#ctx;
    const exts = ['.log', '.index', '.timeindex', '.txnindex'];
    // Renamed first (as Kafka does) so a restart never mistakes them for live segments.
    const renamed: string[] = [];
    for (const ext of exts) {
      const p = this.path(ext);
      if (await fs.stat(p)) {
        await fs.rename(p, `${p}.deleted`);
        renamed.push(`${p}.deleted`);
      }
    }
    await fs.syncDir(this.#ctx.dir);
    const finish = async (): Promise<void> => {
      if (this.#pins > 0) await new Promise<void>((r) => this.#unpinned.push(r));
      await this.abandon();
      for (const p of renamed) await fs.unlink(p).catch(() => undefined);
    };
    if (delayMs > 0) {
      const t = setTimeout(() => void finish(), delayMs);
      t.unref();
    } else {
      await finish();
    }
  }
}
