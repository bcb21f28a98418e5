// One partition's log over a list of segments, shared by the file and memory engines.
//
// Append path: the WASM core validates the produce request's batches in one call, base offsets are
// patched in place (synchronously, so concurrent appends get consecutive offsets), and the write is
// queued. A single writer per log drains the queue, coalescing queued appends into one writev,
// rolling segments, adding sparse index entries from the core's descriptors, fsyncing under the
// flush policy, then acknowledging. Data becomes readable (logEndOffset) only once written.
//
// Failure handling: a failed write fails every queued append, cuts the file back to its last good
// size and rewinds offset assignment and producer state, so the partition stays usable. A failed
// fsync (data state unknown) or a failed cut takes the partition offline: every later call throws
// KAFKA_STORAGE_ERROR until the broker reopens it (which runs recovery).
//
// Helpers by concern: log-append.ts (validation, grouping, indexing of written groups),
// segment-read.ts (reads), offset-lookup.ts (ListOffsets by time), retention.ts (what retention
// deletes), producer-replay.ts (producer state after truncation and recovery).
import type { Core } from '../core/types.js';
import { compacts, deletes, resolveLogConfig, type LogConfig } from './config.js';
import { StorageError, ioError } from './errors.js';
import { indexWritten, nextGroup, prepareAppend, shouldRoll, type Pending } from './log-append.js';
import { lookupMaxTimestamp, lookupTimestamp } from './offset-lookup.js';
import { ProducerStateManager, type ProducerEntry } from './producer-state.js';
import { rebuildProducerState } from './producer-replay.js';
import { deletablePrefix, expiredBy, retentionVictims } from './retention.js';
import { finishTimeIndex, floorSegment, truncateSegmentAt, type Segment, type SegmentStore } from './segment.js';
import { readWholeBatches } from './segment-read.js';
import type { AbortedTxn } from './txn-index.js';
import {
  ListOffsetsTimestamp,
  type AppendOptions,
  type AppendResult,
  type MaintenanceReport,
  type OffsetAndTimestamp,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type StorageLogger,
} from './types.js';

export { statusName } from './log-append.js';
export { controlTypeOf } from './segment-read.js';
export { replayProducerState } from './producer-replay.js';

export interface LogInit {
  topic: string;
  partition: number;
  config: LogConfig;
  core: Core;
  store: SegmentStore;
  segments: Segment[];
  logStartOffset: bigint;
  recoveryPoint: bigint;
  producerState: ProducerStateManager;
  logger: StorageLogger;
  clock: () => number;
  /** Called when the log start offset or recovery point moved (checkpoint scheduling). */
  onCheckpointNeeded?: () => void;
  /** The cleaner's first dirty offset from `cleaner-offset-checkpoint` (-1 or absent: unknown). */
  cleanerOffset?: bigint;
}

export class Log implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  leaderEpoch = 0;
  #config: LogConfig;
  readonly #core: Core;
  readonly #store: SegmentStore;
  readonly #logger: StorageLogger;
  readonly #clock: () => number;
  readonly #onCheckpointNeeded: (() => void) | undefined;
  #segments: Segment[];
  #logStartOffset: bigint;
  #logEndOffset: bigint;
  /** Next offset to assign (includes queued, unwritten appends). */
  #nextOffset: bigint;
  #highWatermark: bigint;
  #hwFollowsLeo = true;
  #recoveryPoint: bigint;
  /** Producer state including queued appends (for validation). */
  #pendingState: ProducerStateManager;
  /** Producer state of written data only (for snapshots, rollback). */
  #state: ProducerStateManager;
  #queue: Pending[] = [];
  #writing = false;
  #idleWaiters: Array<() => void> = [];
  #offlineError: StorageError | null = null;
  #unflushedMessages = 0;
  #lastFlushMs: number;
  #listeners = new Set<(log: PartitionLog) => void>();
  /** Seals of rolled segments, in order: the recovery point may pass a segment only once sealed. */
  #sealChain: Promise<void> = Promise.resolve();
  #rollRequested = false;
  #closed = false;

  constructor(init: LogInit) {
    this.topic = init.topic;
    this.partition = init.partition;
    this.#config = init.config;
    this.#core = init.core;
    this.#store = init.store;
    this.#logger = init.logger;
    this.#clock = init.clock;
    this.#onCheckpointNeeded = init.onCheckpointNeeded;
    if (init.segments.length === 0) throw new Error('a log needs at least one segment');
    this.#segments = init.segments;
    const active = this.#active;
    this.#logEndOffset = active.nextOffset;
    this.#nextOffset = active.nextOffset;
    this.#logStartOffset = init.logStartOffset;
    this.#highWatermark = this.#logEndOffset;
    this.#recoveryPoint = init.recoveryPoint < this.#logEndOffset ? init.recoveryPoint : this.#logEndOffset;
    this.#state = init.producerState;
    this.#pendingState = init.producerState.clone();
    this.#lastFlushMs = init.clock();
    this.cleanerOffset = init.cleanerOffset ?? -1n;
  }

  /**
   * Where the next cleaning starts being dirty (Kafka's cleaner checkpoint): everything below was
   * cleaned. -1 when unknown (the whole log is dirty). Kept by the cleaner; persisted by the file engine.
   */
  cleanerOffset: bigint;

  // ---- accessors -------------------------------------------------------------------------

  get config(): Readonly<LogConfig> {
    return this.#config;
  }
  get logStartOffset(): bigint {
    return this.#logStartOffset;
  }
  get logEndOffset(): bigint {
    return this.#logEndOffset;
  }
  get highWatermark(): bigint {
    return this.#highWatermark;
  }
  get lastStableOffset(): bigint {
    const u = this.#state.firstUndecidedOffset();
    return u >= 0n && u < this.#highWatermark ? u : this.#highWatermark;
  }
  get recoveryPoint(): bigint {
    return this.#recoveryPoint;
  }
  get offline(): boolean {
    return this.#offlineError !== null;
  }
  get size(): number {
    let n = 0;
    for (const s of this.#segments) n += s.size;
    return n;
  }
  get segmentCount(): number {
    return this.#segments.length;
  }
  /** Segments, oldest first (engines and tests). */
  get segments(): readonly Segment[] {
    return this.#segments;
  }
  get #active(): Segment {
    return this.#segments[this.#segments.length - 1]!;
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.#config = resolveLogConfig({ ...this.#config, ...config });
  }

  producerState(producerId: bigint): Readonly<ProducerEntry> | undefined {
    return this.#state.get(producerId);
  }

  activeProducers(): Array<Readonly<ProducerEntry>> {
    return [...this.#state.producers.values()];
  }

  /** Committed producer state (engines persist it). */
  get producerStateManager(): ProducerStateManager {
    return this.#state;
  }

  onAppend(listener: (log: PartitionLog) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setHighWatermark(offset: bigint): void {
    this.#hwFollowsLeo = false;
    const hw = offset > this.#logEndOffset ? this.#logEndOffset : offset;
    this.#highWatermark = hw < this.#logStartOffset ? this.#logStartOffset : hw;
  }

  #assertUsable(): void {
    if (this.#offlineError) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `partition ${this.topic}-${this.partition} is offline: ${this.#offlineError.message}`, {
        cause: this.#offlineError,
      });
    }
    if (this.#closed) throw new StorageError('KAFKA_STORAGE_ERROR', `partition ${this.topic}-${this.partition} is closed`);
  }

  #goOffline(e: unknown, what: string): StorageError {
    const err = e instanceof StorageError ? e : ioError(what, e);
    if (!this.#offlineError) {
      this.#offlineError = err;
      this.#logger.error({ event: 'partition_offline', topic: this.topic, partition: this.partition, error: err.message }, 'partition taken offline after an I/O failure');
    }
    return err;
  }

  // ---- append --------------------------------------------------------------------------

  append(records: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    try {
      return this.#appendSync(records, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #appendSync(records: Uint8Array, options: AppendOptions): Promise<AppendResult> {
    this.#assertUsable();
    const prep = prepareAppend(
      { core: this.#core, config: this.#config, pendingState: this.#pendingState, nextOffset: this.#nextOffset, leaderEpoch: this.leaderEpoch, clock: this.#clock },
      records,
      options,
    );
    if (prep.duplicate) {
      const dup = prep.duplicate;
      const result: AppendResult = {
        baseOffset: dup.firstOffset,
        lastOffset: dup.lastOffset,
        logAppendTime: -1n,
        logStartOffset: this.#logStartOffset,
        recordCount: prep.recordCount,
        duplicate: true,
      };
      const inFlight = this.#queue.find((p) => p.firstOffset <= dup.firstOffset && dup.firstOffset <= p.lastOffset);
      return inFlight ? inFlight.promise.then(() => result) : Promise.resolve(result);
    }
    const { batches, recordCount, firstOffset, next, logAppendTime } = prep;
    this.#nextOffset = next;

    let resolve!: (r: AppendResult) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<AppendResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const p: Pending = {
      records,
      batches,
      firstOffset,
      lastOffset: next - 1n,
      recordCount,
      sync: options.sync === true || this.#config.fsyncPerAppend,
      controlType: options.controlType,
      result: { baseOffset: firstOffset, lastOffset: next - 1n, logAppendTime, logStartOffset: 0n, recordCount, duplicate: false },
      resolve,
      reject,
      promise,
    };
    this.#queue.push(p);
    if (!this.#writing) void this.#drain();
    return promise;
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        if (this.#offlineError) {
          this.#failQueued(this.#offlineError);
          break;
        }
        const first = this.#queue[0]!;
        if (shouldRoll(this.#active, this.#config, first.records.length, first.lastOffset, this.#rollRequested, this.#clock())) {
          try {
            await this.#roll(first.firstOffset);
          } catch (e) {
            this.#failAfterWriteError(ioError('segment roll failed', e));
            continue;
          }
        }
        const seg = this.#active;
        const { group, bytes } = nextGroup(this.#queue, seg, this.#config);
        const position = seg.size;
        try {
          await seg.write(
            group.map((p) => p.records),
            bytes,
          );
        } catch (e) {
          const err = ioError('append write failed', e);
          // Rewind offsets synchronously (appends arriving meanwhile get the right ones), cut the
          // file back, then answer: the caller never sees a failure while torn bytes remain.
          const failed = this.#rewind(err);
          try {
            await seg.truncate(position);
          } catch (e2) {
            this.#goOffline(e2, 'cutting back a failed append');
          }
          for (const p of failed) p.reject(err);
          continue;
        }
        // Written: index entries from the core's descriptors, committed producer state.
        const { aborted, messages } = indexWritten(seg, group, position, this.#config.indexIntervalBytes, this.#state);
        seg.size += bytes;
        const last = group[group.length - 1]!;
        seg.nextOffset = last.lastOffset + 1n;
        this.#queue.splice(0, group.length);
        this.#unflushedMessages += messages;
        try {
          // All at once: each entry must be in the index before the fetch that could pass its marker.
          await Promise.all(aborted.map((t) => seg.appendTxn(t)));
          if (group.some((p) => p.sync) || this.#unflushedMessages >= this.#config.flushMessages) {
            await seg.sync();
            this.#unflushedMessages = 0;
            this.#lastFlushMs = this.#clock();
            await this.#sealChain;
            if (this.#segments.includes(seg)) this.#recoveryPoint = seg.nextOffset;
          }
        } catch (e) {
          // The bytes are written but their durability is unknown (fsync failure): stop here.
          const err = this.#goOffline(e, 'fsync failed');
          for (const p of group) p.reject(err);
          this.#failQueued(err);
          break;
        }
        this.#logEndOffset = seg.nextOffset;
        if (this.#hwFollowsLeo) this.#highWatermark = this.#logEndOffset;
        for (const p of group) {
          p.result.logStartOffset = this.#logStartOffset;
          p.resolve(p.result);
        }
        for (const l of this.#listeners) {
          try {
            l(this);
          } catch {
            // listener errors are the listener's business
          }
        }
      }
    } finally {
      this.#writing = false;
      const w = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Takes every queued append out and rewinds offsets and producer state to what was written. */
  #rewind(err: StorageError): Pending[] {
    const failed = this.#queue;
    this.#queue = [];
    this.#nextOffset = this.#logEndOffset;
    this.#pendingState = this.#state.clone();
    this.#logger.warn({ event: 'append_failed', topic: this.topic, partition: this.partition, error: err.message }, 'append failed; queued appends rejected');
    return failed;
  }

  #failAfterWriteError(err: StorageError): void {
    for (const p of this.#rewind(err)) p.reject(err);
  }

  #failQueued(err: StorageError): void {
    const q = this.#queue;
    this.#queue = [];
    for (const p of q) p.reject(err);
  }

  /** Resolves once the writer has drained what is queued now. */
  #idle(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  async #roll(newBase: bigint): Promise<void> {
    this.#rollRequested = false;
    const old = this.#active;
    if (newBase < old.nextOffset) newBase = old.nextOffset;
    const seg = await this.#store.create(newBase);
    seg.createdMs = this.#clock();
    finishTimeIndex(old);
    this.#segments = [...this.#segments, seg];
    this.#logger.info({ event: 'segment_rolled', topic: this.topic, partition: this.partition, baseOffset: String(newBase) }, 'rolled segment');
    // Kafka flushes a rolled segment in the background; the recovery point follows once durable.
    const snapshot = this.#state.encodeSnapshot(this.#core);
    this.#sealChain = this.#sealChain.then(async () => {
      try {
        await old.seal();
        await this.#store.writeSnapshot(newBase, snapshot);
        if (this.#recoveryPoint < newBase) {
          this.#recoveryPoint = newBase;
          this.#onCheckpointNeeded?.();
        }
      } catch (e) {
        this.#goOffline(e, 'sealing a rolled segment');
      }
    });
  }

  // ---- read ----------------------------------------------------------------------------

  #emptyRead(next: bigint): ReadResult {
    return {
      records: [],
      size: 0,
      firstBatchOffset: -1n,
      nextOffset: next,
      logStartOffset: this.#logStartOffset,
      logEndOffset: this.#logEndOffset,
      highWatermark: this.#highWatermark,
      lastStableOffset: this.lastStableOffset,
    };
  }

  async read(offset: bigint, options: ReadOptions): Promise<ReadResult> {
    this.#assertUsable();
    const leo = this.#logEndOffset;
    if (offset < this.#logStartOffset || offset > leo) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} is outside [${this.#logStartOffset}, ${leo}] of ${this.topic}-${this.partition}`, {
        details: { logStartOffset: this.#logStartOffset, logEndOffset: leo },
      });
    }
    const maxOffset = options.maxOffset !== undefined && options.maxOffset < leo ? options.maxOffset : leo;
    if (offset >= maxOffset) return this.#emptyRead(offset);
    const segs = this.#segments;
    for (let i = floorSegment(this.#segments, offset); i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.nextOffset <= offset) continue;
      seg.pin();
      try {
        const r = await readWholeBatches(seg, offset, options.maxBytes, maxOffset, options.minOneBatch !== false, this.#config.indexIntervalBytes, options.buffer);
        if (r) {
          return {
            ...r,
            logStartOffset: this.#logStartOffset,
            logEndOffset: this.#logEndOffset,
            highWatermark: this.#highWatermark,
            lastStableOffset: this.lastStableOffset,
          };
        }
      } finally {
        seg.unpin();
      }
    }
    return this.#emptyRead(offset);
  }

  // ---- list offsets --------------------------------------------------------------------

  async listOffsets(timestamp: bigint): Promise<OffsetAndTimestamp | null> {
    this.#assertUsable();
    if (timestamp === ListOffsetsTimestamp.LATEST) return { offset: this.#highWatermark, timestamp: -1n, leaderEpoch: this.leaderEpoch };
    if (timestamp === ListOffsetsTimestamp.EARLIEST || timestamp === ListOffsetsTimestamp.EARLIEST_LOCAL) {
      return { offset: this.#logStartOffset, timestamp: -1n, leaderEpoch: this.leaderEpoch };
    }
    const lookup = { core: this.#core, segments: this.#segments, logStartOffset: this.#logStartOffset, logEndOffset: this.#logEndOffset, indexIntervalBytes: this.#config.indexIntervalBytes };
    if (timestamp === ListOffsetsTimestamp.MAX_TIMESTAMP) {
      // Kafka answers MAX_TIMESTAMP with the latest leader epoch, a lookup by time with the batch's.
      const found = await lookupMaxTimestamp(lookup);
      return found && { offset: found.offset, timestamp: found.timestamp, leaderEpoch: this.leaderEpoch };
    }
    if (timestamp < 0n) throw new StorageError('INVALID_REQUEST', `unsupported ListOffsets timestamp ${timestamp}`);
    const found = await lookupTimestamp(lookup, timestamp);
    return found && { offset: found.offset, timestamp: found.timestamp, leaderEpoch: found.batchLeaderEpoch };
  }

  // ---- transactions --------------------------------------------------------------------

  async appendAbortedTxn(txn: AbortedTxn): Promise<void> {
    this.#assertUsable();
    await this.#idle();
    const seg = this.#segments[floorSegment(this.#segments, txn.lastOffset)]!;
    await seg.loadSummary();
    try {
      await seg.appendTxn(txn);
    } catch (e) {
      throw ioError('writing the transaction index', e);
    }
  }

  async abortedTransactions(fetchOffset: bigint, upperBoundOffset: bigint): Promise<AbortedTxn[]> {
    this.#assertUsable();
    const out: AbortedTxn[] = [];
    const segs = this.#segments;
    for (let i = floorSegment(this.#segments, fetchOffset); i < segs.length; i++) {
      const seg = segs[i]!;
      if (seg.baseOffset >= upperBoundOffset) break;
      await seg.loadSummary();
      seg.txnIndex.collect(fetchOffset, upperBoundOffset, out);
    }
    return out;
  }

  // ---- truncation, retention, delete records -------------------------------------------

  async truncateTo(offset: bigint): Promise<void> {
    this.#assertUsable();
    if (offset >= this.#nextOffset) return;
    if (offset <= this.#segments[0]!.baseOffset) return this.truncateFullyAndStartAt(offset);
    await this.#acquireWriter();
    try {
      await this.#sealChain;
      if (offset >= this.#logEndOffset) return;
      const idx = floorSegment(this.#segments, offset);
      const seg = this.#segments[idx]!;
      const removed = this.#segments.slice(idx + 1);
      this.#segments = this.#segments.slice(0, idx + 1);
      await seg.activate();
      offset = await truncateSegmentAt(seg, offset, this.#config.indexIntervalBytes);
      for (const s of removed) await s.delete(0);
      this.#afterTruncation(offset);
      await this.#rebuildProducerState();
    } catch (e) {
      throw this.#goOffline(e, 'truncation failed');
    } finally {
      this.#releaseWriter();
    }
  }

  #afterTruncation(offset: bigint): void {
    this.#logEndOffset = offset;
    this.#nextOffset = offset;
    if (this.#highWatermark > offset) this.#highWatermark = offset;
    if (this.#recoveryPoint > offset) this.#recoveryPoint = offset;
    if (this.#logStartOffset > offset) this.#logStartOffset = offset;
    if (this.cleanerOffset > offset) this.cleanerOffset = offset;
    this.#onCheckpointNeeded?.();
  }

  async truncateFullyAndStartAt(offset: bigint): Promise<void> {
    this.#assertUsable();
    await this.#acquireWriter();
    try {
      await this.#sealChain;
      const old = this.#segments;
      const seg = await this.#store.create(offset);
      seg.createdMs = this.#clock();
      this.#segments = [seg];
      for (const s of old) await s.delete(0);
      this.#afterTruncation(offset);
      this.#logStartOffset = offset;
      this.#state = new ProducerStateManager();
      this.#pendingState = new ProducerStateManager();
      await this.#store.pruneSnapshots(offset + 1n, offset);
    } catch (e) {
      throw this.#goOffline(e, 'truncation failed');
    } finally {
      this.#releaseWriter();
    }
  }

  /** Producer state from the latest snapshot at or below the log end, then the log after it. */
  async #rebuildProducerState(): Promise<void> {
    const state = await rebuildProducerState(this.#core, this.#store, this.#segments, this.#logStartOffset, this.#logEndOffset);
    this.#state = state;
    this.#pendingState = state.clone();
  }

  async deleteRecords(offset: bigint): Promise<bigint> {
    this.#assertUsable();
    if (offset < 0n || offset > this.#highWatermark) {
      throw new StorageError('OFFSET_OUT_OF_RANGE', `cannot delete records before ${offset}: high watermark is ${this.#highWatermark}`);
    }
    if (offset > this.#logStartOffset) {
      this.#logStartOffset = offset;
      this.#onCheckpointNeeded?.();
      await this.#deleteSegments(deletablePrefix(this.#segments, this.#highWatermark, this.#logStartOffset, () => false));
    }
    return this.#logStartOffset;
  }

  async #deleteSegments(victims: Segment[]): Promise<{ count: number; bytes: number }> {
    if (victims.length === 0) return { count: 0, bytes: 0 };
    await this.#sealChain;
    const set = new Set(victims.filter((s) => this.#segments.includes(s)));
    victims = [...set];
    if (victims.length === 0) return { count: 0, bytes: 0 };
    this.#segments = this.#segments.filter((s) => !set.has(s));
    const newStart = this.#segments[0]!.baseOffset;
    if (newStart > this.#logStartOffset) this.#logStartOffset = newStart;
    this.#onCheckpointNeeded?.();
    let bytes = 0;
    for (const s of victims) bytes += s.size;
    this.#logger.info(
      { event: 'segments_deleted', topic: this.topic, partition: this.partition, count: victims.length, bytes, logStartOffset: String(this.#logStartOffset) },
      'deleted old segments',
    );
    const delay = this.#config.fileDeleteDelayMs;
    for (const s of victims) {
      try {
        await s.delete(delay);
      } catch (e) {
        this.#logger.warn({ event: 'segment_delete_failed', topic: this.topic, partition: this.partition, error: String(e) }, 'could not delete a segment');
      }
    }
    try {
      await this.#store.pruneSnapshots(this.#segments[0]!.baseOffset);
    } catch {
      // stale snapshots are harmless
    }
    return { count: victims.length, bytes };
  }

  async maintenance(nowMs: number = this.#clock()): Promise<MaintenanceReport> {
    this.#assertUsable();
    const report: MaintenanceReport = { deletedSegments: 0, deletedBytes: 0, logStartOffset: this.#logStartOffset, flushed: false, compacted: false };
    const c = this.#config;
    // flush.ms
    if (c.flushMs < Number.MAX_SAFE_INTEGER && this.#unflushedMessages > 0 && nowMs - this.#lastFlushMs >= c.flushMs) {
      await this.flush();
      report.flushed = true;
    }
    if (deletes(c)) {
      for (const s of this.#segments) await s.loadSummary();
      const active = this.#active;
      const expired = expiredBy(c, nowMs);
      // Everything expired, including the active segment: roll it so that it can go (as Kafka).
      if (c.retentionMs >= 0 && active.size > 0 && this.#segments.every(expired) && this.#logEndOffset <= this.#highWatermark) {
        this.#rollRequested = true;
        await this.#rollNowIfIdle();
      }
      const victims = retentionVictims(this.#segments, c, nowMs, this.#highWatermark, this.#logStartOffset);
      const r = await this.#deleteSegments(victims);
      report.deletedSegments = r.count;
      report.deletedBytes = r.bytes;
    } else {
      const r = await this.#deleteSegments(deletablePrefix(this.#segments, this.#highWatermark, this.#logStartOffset, () => false));
      report.deletedSegments = r.count;
      report.deletedBytes = r.bytes;
    }
    if (compacts(c) && this.compactor) {
      report.compacted = await this.compactor(this, nowMs);
    }
    this.#state.expire(nowMs, c.producerIdExpirationMs);
    this.#pendingState.expire(nowMs, c.producerIdExpirationMs);
    report.logStartOffset = this.#logStartOffset;
    return report;
  }

  /** Set by the engine: the log cleaner for cleanup.policy=compact. */
  compactor: ((log: Log, nowMs: number) => Promise<boolean>) | null = null;

  async #acquireWriter(): Promise<void> {
    while (this.#writing || this.#queue.length > 0) await this.#idle();
    this.#writing = true;
  }

  async #rollNowIfIdle(): Promise<void> {
    await this.#acquireWriter();
    if (!this.#rollRequested || this.#active.size === 0) {
      this.#releaseWriter();
      return;
    }
    try {
      await this.#roll(this.#logEndOffset);
    } catch (e) {
      this.#goOffline(e, 'segment roll failed');
    } finally {
      this.#releaseWriter();
    }
  }

  #releaseWriter(): void {
    this.#writing = false;
    if (this.#queue.length > 0) {
      void this.#drain();
      return;
    }
    const w = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const f of w) f();
  }

  /** Replaces closed segments with compacted ones (the cleaner's commit step). */
  replaceSegments(old: readonly Segment[], replacement: readonly Segment[]): void {
    const first = this.#segments.indexOf(old[0]!);
    if (first < 0 || this.#segments.slice(first, first + old.length).some((s, i) => s !== old[i])) {
      throw new Error('segments changed during cleaning');
    }
    this.#segments = [...this.#segments.slice(0, first), ...replacement, ...this.#segments.slice(first + old.length)];
  }

  /** Resolves once every rolled segment is sealed (indexes written, data durable): closed segments are then final. */
  sealed(): Promise<void> {
    return this.#sealChain;
  }

  /** Runs `fn` while no append is being written (the writer is held). */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquireWriter();
    try {
      return await fn();
    } finally {
      this.#releaseWriter();
    }
  }

  get core(): Core {
    return this.#core;
  }

  get store(): SegmentStore {
    return this.#store;
  }

  // ---- flush / close -------------------------------------------------------------------

  async flush(): Promise<void> {
    this.#assertUsable();
    await this.#idle();
    const seg = this.#active;
    const upTo = this.#logEndOffset;
    try {
      await seg.sync();
      await this.#sealChain;
    } catch (e) {
      throw this.#goOffline(e, 'fsync failed');
    }
    this.#unflushedMessages = 0;
    this.#lastFlushMs = this.#clock();
    if (this.#recoveryPoint < upTo) {
      this.#recoveryPoint = upTo;
      this.#onCheckpointNeeded?.();
    }
  }

  /** Drains, flushes, persists indexes and a producer snapshot at the log end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#idle();
    this.#closed = true;
    if (this.#offlineError) {
      for (const s of this.#segments) await s.close().catch(() => undefined);
      return;
    }
    await this.#sealChain;
    const seg = this.#active;
    finishTimeIndex(seg);
    await seg.sync();
    this.#recoveryPoint = this.#logEndOffset;
    await this.#store.writeSnapshot(this.#logEndOffset, this.#state.encodeSnapshot(this.#core));
    await this.#store.pruneSnapshots(this.#segments[0]!.baseOffset);
    for (const s of this.#segments) await s.close();
  }

  get closed(): boolean {
    return this.#closed;
  }
}
