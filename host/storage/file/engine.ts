// The file engine: Kafka's on-disk layout under one or more log dirs.
//
//   <log.dir>/
//     recovery-point-offset-checkpoint   (checkpoint.ts: flushed-up-to offset per partition)
//     log-start-offset-checkpoint        (checkpoint.ts)
//     cleaner-offset-checkpoint          (checkpoint.ts: compacted partitions' first dirty offset)
//     .kafka_cleanshutdown               (empty file: present only while the broker is stopped cleanly)
//     <topic>-<partition>/
//       <20-digit base>.log / .index / .timeindex / .txnindex   (file/segment.ts and friends)
//       <20-digit offset>.snapshot                              (producer-state.ts)
//
// Start-up: with the clean shutdown marker, logs load from checkpoints, index files and snapshots
// without reading any segment data. Without it, every segment from the one holding the recovery
// point onward is scanned and validated by the WASM core; the log is truncated at the first torn or
// corrupt batch, later segments are deleted, indexes rebuilt, and the result is reported (structured
// log line `log_recovered` + OpenReport). Long recoveries log `log_recovery_progress`.
import type { Core } from '../../core/types.js';
import {
  CLEANER_OFFSET_CHECKPOINT,
  CLEAN_SHUTDOWN_MARKER,
  LOG_START_OFFSET_CHECKPOINT,
  RECOVERY_POINT_CHECKPOINT,
  readCheckpoint,
  tpKey,
  writeCheckpoints,
  type OffsetMap,
} from '../checkpoint.js';
import { resolveLogConfig, type LogConfig } from '../config.js';
import { StorageError, ioError } from '../errors.js';
import { nodeFs, readWholeFile, writeFileAtomic, type StorageFs } from '../fs.js';
import { defaultCompactor } from '../cleaner.js';
import { Log, controlTypeOf, replayProducerState } from '../log.js';
import { ProducerStateManager } from '../producer-state.js';
import { TxnIndex, type AbortedTxn } from '../txn-index.js';
import type { SegmentStore } from '../segment.js';
import {
  silentLogger,
  type OpenReport,
  type PartitionLog,
  type RecoveredPartition,
  type Storage,
  type StorageLogger,
  type TopicPartition,
} from '../types.js';
import { IndexCache } from './index-cache.js';
import { releaseScanBuffers, scanSegment } from './recovery.js';
import { FileSegment, pad20, type FileSegmentContext } from './segment.js';

export interface FileStorageOptions {
  logDirs: string[];
  core: Core;
  fs?: StorageFs;
  logger?: StorageLogger;
  clock?: () => number;
  defaultConfig?: Partial<LogConfig>;
  /** Topic-level overrides applied when partitions are loaded at open(). */
  topicConfig?: (topic: string) => Partial<LogConfig> | undefined;
  /** Bytes of the active segment's tail kept in memory per partition (default 1 MiB). */
  tailCacheBytes?: number;
  /**
   * Closed segments (of all partitions) whose indexes stay loaded in the WASM core, least recently
   * used first out (default 64); active segments' indexes are always loaded. See index-cache.ts.
   */
  indexCacheSegments?: number;
  /** Checkpoint write period (Kafka: log.flush.offset.checkpoint.interval.ms = 60000); 0 = manual. */
  checkpointIntervalMs?: number;
  /** Background maintenance period (Kafka: log.retention.check.interval.ms, default 300000); 0 = only when called. */
  maintenanceIntervalMs?: number;
  /** Minimum time between two recovery progress log lines. */
  progressIntervalMs?: number;
  compactor?: (log: Log, nowMs: number) => Promise<boolean>;
}

interface Entry {
  log: Log;
  logDir: string;
  dir: string;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
const PARTITION_DIR = /^(.+)-(\d+)$/;
const SEGMENT_FILE = /^(\d{20})\.log$/;
const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

class FileSegmentStore implements SegmentStore {
  constructor(
    readonly ctx: FileSegmentContext,
    readonly fs: StorageFs,
    readonly dir: string,
  ) {}

  create(baseOffset: bigint): Promise<FileSegment> {
    return FileSegment.create(this.ctx, baseOffset);
  }

  createReplacement(baseOffset: bigint): Promise<FileSegment> {
    return FileSegment.create(this.ctx, baseOffset, '.cleaned');
  }

  async commitReplacement(old: readonly FileSegment[], replacement: FileSegment): Promise<FileSegment> {
    return replacement.commitAsReplacement(old.slice(1).map((s) => s.baseOffset));
  }

  async writeSnapshot(offset: bigint, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(this.fs, this.dir, `${pad20(offset)}.snapshot`, bytes);
  }

  async #list(): Promise<bigint[]> {
    const names = await this.fs.readdir(this.dir);
    const out: bigint[] = [];
    for (const n of names) {
      const m = SNAPSHOT_FILE.exec(n);
      if (m) out.push(BigInt(m[1]!));
    }
    return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async readSnapshot(maxOffset: bigint): Promise<{ offset: bigint; bytes: Uint8Array } | null> {
    const all = (await this.#list()).filter((o) => o <= maxOffset);
    const o = all[all.length - 1];
    if (o === undefined) return null;
    const bytes = await readWholeFile(this.fs, `${this.dir}/${pad20(o)}.snapshot`);
    return bytes ? { offset: o, bytes } : null;
  }

  async pruneSnapshots(below: bigint, above?: bigint): Promise<void> {
    for (const o of await this.#list()) {
      if (o < below || (above !== undefined && o > above)) await this.fs.unlink(`${this.dir}/${pad20(o)}.snapshot`);
    }
  }
}

export class FileStorage implements Storage {
  readonly kind = 'file' as const;
  readonly #o: FileStorageOptions;
  readonly #fs: StorageFs;
  readonly #logger: StorageLogger;
  readonly #clock: () => number;
  readonly #logs = new Map<string, Entry>();
  #defaultCompactor: ((log: Log, nowMs: number) => Promise<boolean>) | undefined;
  readonly #indexCache: IndexCache;
  #timers: NodeJS.Timeout[] = [];
  #opened = false;
  #closed = false;
  #maintaining = false;

  constructor(options: FileStorageOptions) {
    if (options.logDirs.length === 0) throw new RangeError('at least one log dir is needed');
    this.#o = options;
    this.#fs = options.fs ?? nodeFs;
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
    this.#indexCache = new IndexCache(options.indexCacheSegments ?? 64);
  }

  /** The LRU bound on loaded closed-segment indexes (metrics, tests). */
  get indexCache(): IndexCache {
    return this.#indexCache;
  }

  #config(topic: string, extra?: Partial<LogConfig>): LogConfig {
    return resolveLogConfig({ ...(this.#o.defaultConfig ?? {}), ...(this.#o.topicConfig?.(topic) ?? {}), ...(extra ?? {}) });
  }

  #ctx(dir: string, getLog: () => Log | undefined, config: LogConfig): FileSegmentContext {
    const core = this.#o.core;
    return {
      fs: this.#fs,
      core,
      dir,
      indexBytes: () => getLog()?.config.segmentIndexBytes ?? config.segmentIndexBytes,
      tailCacheBytes: this.#o.tailCacheBytes ?? 1024 * 1024,
      indexCache: this.#indexCache,
      rebuildIndexes: async (seg) => {
        this.#logger.warn({ event: 'index_rebuild', dir, baseOffset: String(seg.baseOffset) }, 'rebuilding damaged or missing index files');
        const r = await scanSegment(seg, core, getLog()?.config.indexIntervalBytes ?? config.indexIntervalBytes, seg.size, seg.baseOffset);
        if (r.reason !== 'OK') {
          throw new StorageError('KAFKA_STORAGE_ERROR', `segment ${seg.path('.log')} below the recovery point is corrupt (${r.reason} at ${r.validBytes})`);
        }
        await seg.persistIndexes();
      },
    };
  }

  async open(): Promise<OpenReport> {
    if (this.#opened) throw new Error('already opened');
    this.#opened = true;
    const t0 = this.#clock();
    const report: OpenReport = { partitions: 0, clean: true, recovered: [], durationMs: 0 };
    const progress = { total: 0, done: 0, last: 0 };
    const plans: Array<() => Promise<void>> = [];
    for (const logDir of this.#o.logDirs) {
      await this.#fs.mkdir(logDir);
      const clean = (await this.#fs.stat(`${logDir}/${CLEAN_SHUTDOWN_MARKER}`)) !== null;
      if (!clean) report.clean = false;
      const rps = await this.#readCheckpointSafe(logDir, RECOVERY_POINT_CHECKPOINT);
      const lsos = await this.#readCheckpointSafe(logDir, LOG_START_OFFSET_CHECKPOINT);
      const cleaned = await this.#readCheckpointSafe(logDir, CLEANER_OFFSET_CHECKPOINT);
      for (const name of await this.#fs.readdir(logDir)) {
        if (name.endsWith('-delete')) {
          await this.#fs.rmdir(`${logDir}/${name}`);
          continue;
        }
        const m = PARTITION_DIR.exec(name);
        if (!m) continue;
        const st = await this.#fs.stat(`${logDir}/${name}`);
        if (!st?.isDirectory) continue;
        const topic = m[1]!;
        const partition = Number(m[2]);
        const k = tpKey(topic, partition);
        const plan = await this.#planPartition(logDir, topic, partition, clean && rps !== null && rps.has(k), rps?.get(k), lsos?.get(k), cleaned?.get(k));
        progress.total += plan.bytesToScan;
        plans.push(async () => {
          const r = await plan.load((bytes) => {
            progress.done += bytes;
            const now = this.#clock();
            if (now - progress.last >= (this.#o.progressIntervalMs ?? 2000)) {
              progress.last = now;
              this.#logger.info(
                { event: 'log_recovery_progress', bytesDone: progress.done, bytesTotal: progress.total, percent: Math.floor((progress.done * 100) / Math.max(1, progress.total)) },
                'recovering logs',
              );
            }
          });
          if (r) report.recovered.push(r);
        });
      }
    }
    try {
      for (const p of plans) await p();
    } finally {
      releaseScanBuffers();
    }
    report.partitions = this.#logs.size;
    for (const logDir of this.#o.logDirs) {
      // The marker goes first; the checkpoints' directory fsync makes both durable.
      await this.#fs.unlink(`${logDir}/${CLEAN_SHUTDOWN_MARKER}`);
      await this.#writeCheckpoints(logDir);
    }
    this.#startTimers();
    report.durationMs = this.#clock() - t0;
    return report;
  }

  async #readCheckpointSafe(logDir: string, name: string): Promise<OffsetMap | null> {
    try {
      return await readCheckpoint(this.#fs, logDir, name);
    } catch (e) {
      this.#logger.warn({ event: 'checkpoint_unreadable', logDir, file: name, error: String(e) }, 'ignoring an unreadable checkpoint');
      return null;
    }
  }

  /** Lists a partition's files and decides what must be scanned (for progress totals). */
  async #planPartition(
    logDir: string,
    topic: string,
    partition: number,
    clean: boolean,
    recoveryPoint: bigint | undefined,
    logStartCheckpoint: bigint | undefined,
    cleanerOffset: bigint | undefined,
  ): Promise<{ bytesToScan: number; load: (progress: (bytes: number) => void) => Promise<RecoveredPartition | null> }> {
    const fs = this.#fs;
    const dir = `${logDir}/${topic}-${partition}`;
    const names = await fs.readdir(dir);
    for (const n of names) {
      if (n.endsWith('.deleted') || n.endsWith('.tmp') || n.endsWith('.cleaned')) await fs.unlink(`${dir}/${n}`);
    }
    await this.#completeSwaps(dir, names);
    const bases = (await fs.readdir(dir))
      .map((n) => SEGMENT_FILE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => BigInt(m[1]!))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const sizes: number[] = [];
    for (const b of bases) sizes.push((await fs.stat(`${dir}/${pad20(b)}.log`))?.size ?? 0);
    const rp = recoveryPoint ?? -1n;
    let recoverFrom: number;
    if (bases.length === 0) recoverFrom = 0;
    else if (clean && rp >= bases[bases.length - 1]!) recoverFrom = bases.length;
    else {
      recoverFrom = 0;
      for (let i = 0; i < bases.length; i++) if (bases[i]! <= rp) recoverFrom = i;
    }
    let bytesToScan = 0;
    for (let i = recoverFrom; i < bases.length; i++) bytesToScan += sizes[i]!;
    return {
      bytesToScan,
      load: (progress) => this.#loadPartition(logDir, dir, topic, partition, bases, recoverFrom, rp, logStartCheckpoint, cleanerOffset, progress),
    };
  }

  /** Finishes a compaction swap interrupted by a crash (see swap.ts for the protocol). */
  async #completeSwaps(dir: string, names: string[]): Promise<void> {
    const swaps = names.filter((n) => n.endsWith('.swap'));
    if (swaps.length === 0) return;
    const { completeSwap } = await import('./swap.js');
    await completeSwap(this.#fs, dir, swaps);
  }

  async #loadPartition(
    logDir: string,
    dir: string,
    topic: string,
    partition: number,
    bases: bigint[],
    recoverFrom: number,
    rp: bigint,
    logStartCheckpoint: bigint | undefined,
    cleanerOffset: bigint | undefined,
    progress: (bytes: number) => void,
  ): Promise<RecoveredPartition | null> {
    const config = this.#config(topic);
    let log: Log | undefined;
    const ctx = this.#ctx(dir, () => log, config);
    const store = new FileSegmentStore(ctx, this.#fs, dir);
    const core = this.#o.core;
    const segments: FileSegment[] = [];
    let report: RecoveredPartition | null = null;
    if (bases.length === 0) {
      const start = logStartCheckpoint ?? (rp > 0n ? rp : 0n);
      segments.push(await FileSegment.create(ctx, start));
    } else {
      for (let i = 0; i < recoverFrom; i++) {
        const seg = await FileSegment.open(ctx, bases[i]!);
        seg.nextOffset = i + 1 < bases.length ? bases[i + 1]! : rp;
        segments.push(seg);
      }
    }
    // Producer state: the latest snapshot at or below where recovery starts, then the log after it.
    const recoveryStart = recoverFrom < bases.length ? bases[recoverFrom]! : segments[segments.length - 1]!.nextOffset;
    let state = new ProducerStateManager();
    let replayFrom = logStartCheckpoint ?? (bases[0] ?? 0n);
    for (;;) {
      const snap = await store.readSnapshot(recoveryStart);
      if (!snap) break;
      try {
        state = ProducerStateManager.decodeSnapshot(core, snap.bytes);
        replayFrom = snap.offset;
        break;
      } catch (e) {
        this.#logger.warn({ event: 'snapshot_corrupt', topic, partition, offset: String(snap.offset), error: String(e) }, 'deleting a corrupt producer snapshot');
        await this.#fs.unlink(`${dir}/${pad20(snap.offset)}.snapshot`);
      }
    }
    if (replayFrom < recoveryStart) await replayProducerState(core, segments, replayFrom, recoveryStart, state);

    if (recoverFrom < bases.length) {
      const scanStart = performance.now();
      report = {
        topic,
        partition,
        segmentsScanned: 0,
        bytesScanned: 0,
        truncatedBytes: 0,
        logEndOffset: 0n,
        deletedSegments: 0,
        rebuiltIndexes: 0,
      };
      let expected = segments.length > 0 ? segments[segments.length - 1]!.nextOffset : 0n;
      // ABORT markers met while rescanning: the .txnindex of a rescanned segment is rebuilt from them
      // (as Kafka's segment recovery does), since its entries are written after the marker itself.
      const aborted: AbortedTxn[] = [];
      const replay = (d: Parameters<typeof controlTypeOf>[0]) => {
        const done = state.apply(d, controlTypeOf(d));
        if (done?.isAborted) {
          const lso = state.firstUndecidedOffset();
          aborted.push({ producerId: done.producerId, firstOffset: done.firstOffset, lastOffset: done.lastOffset, lastStableOffset: lso >= 0n ? lso : done.lastOffset + 1n });
        }
      };
      for (let i = recoverFrom; i < bases.length; i++) {
        const seg = await FileSegment.open(ctx, bases[i]!);
        const fileSize = seg.size;
        const scan = await scanSegment(seg, core, config.indexIntervalBytes, fileSize, expected, replay, progress);
        report.segmentsScanned++;
        report.bytesScanned += scan.validBytes;
        report.rebuiltIndexes++;
        segments.push(seg);
        if (scan.reason !== 'OK') {
          report.reason = scan.reason;
          report.truncatedBytes += fileSize - scan.validBytes;
          await seg.truncate(scan.validBytes);
          for (let j = i + 1; j < bases.length; j++) {
            const doomed = await FileSegment.open(ctx, bases[j]!);
            report.truncatedBytes += doomed.size;
            report.deletedSegments++;
            await doomed.delete(0);
          }
          break;
        }
        expected = seg.nextOffset;
      }
      // An empty recovered segment that is not the first is dropped (Kafka never keeps one
      // behind the active segment); the last one stays as the active segment.
      for (let i = segments.length - 2; i >= 0; i--) {
        if (segments[i]!.size === 0 && i >= recoverFrom) {
          await segments[i]!.delete(0);
          segments.splice(i, 1);
        }
      }
      // No fsync here: the recovery point stays where it was, so an OS crash before the next flush
      // simply means these segments are validated again on the next start.
      for (let i = recoverFrom; i < segments.length; i++) {
        const seg = segments[i]!;
        seg.txnIndex = new TxnIndex(aborted.filter((t) => t.lastOffset >= seg.baseOffset && t.lastOffset < seg.nextOffset));
        await seg.rewriteTxnIndex();
        if (i < segments.length - 1) await seg.persistIndexes();
      }
      report.durationMs = performance.now() - scanStart;
    }
    const active = segments[segments.length - 1]!;
    const logEndOffset = active.nextOffset;
    await active.activate();
    await store.pruneSnapshots(0n, logEndOffset);
    let logStartOffset = segments[0]!.baseOffset;
    if (logStartCheckpoint !== undefined && logStartCheckpoint > logStartOffset) logStartOffset = logStartCheckpoint;
    if (logStartOffset > logEndOffset) logStartOffset = logEndOffset;
    log = new Log({
      topic,
      partition,
      config,
      core,
      store,
      segments,
      logStartOffset,
      recoveryPoint: rp < 0n ? 0n : rp,
      producerState: state,
      logger: this.#logger,
      clock: this.#clock,
      cleanerOffset,
    });
    log.compactor = this.#o.compactor ?? (this.#defaultCompactor ??= defaultCompactor(this.#logger));
    this.#logs.set(key(topic, partition), { log, logDir, dir });
    if (report) {
      report.logEndOffset = logEndOffset;
      const fields = { event: 'log_recovered', ...report, logEndOffset: String(logEndOffset) };
      if (report.truncatedBytes > 0) this.#logger.warn(fields, `recovered ${topic}-${partition}: truncated ${report.truncatedBytes} bytes (${report.reason})`);
      else this.#logger.info(fields, `recovered ${topic}-${partition}`);
    }
    return report;
  }

  #startTimers(): void {
    const ci = this.#o.checkpointIntervalMs ?? 60000;
    if (ci > 0) {
      const t = setInterval(() => void this.checkpoint().catch((e) => this.#logger.warn({ event: 'checkpoint_failed', error: String(e) }, 'checkpoint failed')), ci);
      t.unref();
      this.#timers.push(t);
    }
    const mi = this.#o.maintenanceIntervalMs ?? 300000;
    if (mi > 0) {
      const t = setInterval(() => void this.maintenance().catch((e) => this.#logger.warn({ event: 'maintenance_failed', error: String(e) }, 'maintenance failed')), mi);
      t.unref();
      this.#timers.push(t);
    }
  }

  async createPartition(topic: string, partition: number, config?: Partial<LogConfig>): Promise<PartitionLog> {
    if (!this.#opened || this.#closed) throw new StorageError('KAFKA_STORAGE_ERROR', 'storage is not open');
    const k = key(topic, partition);
    if (this.#logs.has(k)) throw new StorageError('TOPIC_ALREADY_EXISTS', `partition ${topic}-${partition} exists`);
    if (!/^[a-zA-Z0-9._-]+$/.test(topic) || topic.length > 249 || !Number.isInteger(partition) || partition < 0) {
      throw new StorageError('INVALID_REQUEST', `invalid topic partition ${topic}-${partition}`);
    }
    // The least loaded log dir, as Kafka picks.
    const counts = new Map(this.#o.logDirs.map((d) => [d, 0]));
    for (const e of this.#logs.values()) counts.set(e.logDir, (counts.get(e.logDir) ?? 0) + 1);
    const logDir = [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0];
    const dir = `${logDir}/${topic}-${partition}`;
    const cfg = this.#config(topic, config);
    let log: Log | undefined;
    try {
      await this.#fs.mkdir(dir);
      await this.#fs.syncDir(logDir);
      const ctx = this.#ctx(dir, () => log, cfg);
      const seg = await FileSegment.create(ctx, 0n);
      seg.createdMs = this.#clock();
      log = new Log({
        topic,
        partition,
        config: cfg,
        core: this.#o.core,
        store: new FileSegmentStore(ctx, this.#fs, dir),
        segments: [seg],
        logStartOffset: 0n,
        recoveryPoint: 0n,
        producerState: new ProducerStateManager(),
        logger: this.#logger,
        clock: this.#clock,
      });
    } catch (e) {
      throw ioError(`creating ${dir}`, e);
    }
    log.compactor = this.#o.compactor ?? (this.#defaultCompactor ??= defaultCompactor(this.#logger));
    this.#logs.set(k, { log, logDir, dir });
    return log;
  }

  getPartition(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(key(topic, partition))?.log;
  }

  /** The Log object (engines, cleaner and tests). */
  getLog(topic: string, partition: number): Log | undefined {
    return this.#logs.get(key(topic, partition))?.log;
  }

  async deletePartition(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    const e = this.#logs.get(k);
    if (!e) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`);
    this.#logs.delete(k);
    try {
      await e.log.close();
    } catch {
      for (const s of e.log.segments) await (s as FileSegment).abandon();
    }
    const doomed = `${e.dir}.${this.#clock()}-delete`;
    await this.#fs.rename(e.dir, doomed);
    await this.#fs.syncDir(e.logDir);
    await this.#fs.rmdir(doomed);
    await this.#writeCheckpoints(e.logDir);
  }

  listPartitions(): TopicPartition[] {
    return [...this.#logs.values()].map((e) => ({ topic: e.log.topic, partition: e.log.partition }));
  }

  async maintenance(nowMs?: number): Promise<void> {
    if (this.#maintaining) return;
    this.#maintaining = true;
    try {
      for (const e of this.#logs.values()) {
        if (e.log.offline || e.log.closed) continue;
        try {
          const r = await e.log.maintenance(nowMs ?? this.#clock());
          // Kafka checkpoints the cleaner offset after each cleaning.
          if (r.compacted) await this.#writeCheckpoints(e.logDir);
        } catch (err) {
          this.#logger.warn({ event: 'maintenance_failed', topic: e.log.topic, partition: e.log.partition, error: String(err) }, 'maintenance failed');
        }
      }
    } finally {
      this.#maintaining = false;
    }
  }

  async #writeCheckpoints(logDir: string): Promise<void> {
    const rps: OffsetMap = new Map();
    const lsos: OffsetMap = new Map();
    const cleaned: OffsetMap = new Map();
    for (const e of this.#logs.values()) {
      if (e.logDir !== logDir || e.log.offline) continue;
      const k = tpKey(e.log.topic, e.log.partition);
      rps.set(k, e.log.recoveryPoint);
      lsos.set(k, e.log.logStartOffset);
      if (e.log.cleanerOffset >= 0n) cleaned.set(k, e.log.cleanerOffset);
    }
    await writeCheckpoints(this.#fs, logDir, [
      [RECOVERY_POINT_CHECKPOINT, rps],
      [LOG_START_OFFSET_CHECKPOINT, lsos],
      [CLEANER_OFFSET_CHECKPOINT, cleaned],
    ]);
  }

  async checkpoint(): Promise<void> {
    for (const d of this.#o.logDirs) await this.#writeCheckpoints(d);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    let clean = true;
    for (const e of this.#logs.values()) {
      try {
        await e.log.close();
      } catch (err) {
        clean = false;
        this.#logger.error({ event: 'close_failed', topic: e.log.topic, partition: e.log.partition, error: String(err) }, 'closing a log failed');
      }
      if (e.log.offline) clean = false;
    }
    for (const d of this.#o.logDirs) {
      await this.#writeCheckpoints(d);
      // The marker says "every log here was closed cleanly": never written after a failure.
      if (clean) await writeFileAtomic(this.#fs, d, CLEAN_SHUTDOWN_MARKER, new Uint8Array(0));
    }
    this.#logs.clear();
  }
}
