// The storage interface the broker uses: a set of partition logs, each an append-only sequence of
// raw v2 record batches addressed by offset. Two engines implement it (file: Kafka's on-disk
// layout; memory: for embedding and tests) and one test suite runs against both.
//
// Threading model: single-threaded on purpose. Every state change (offset assignment, producer
// state, log start offset) happens synchronously inside the call; `await` only waits for I/O. Record
// data stays bytes: the host never parses or checksums batches in JS (the WASM core does).
import type { BatchDescriptor } from '../core/types.js';
import type { LogConfig } from './config.js';
import type { AppendOrigin, ProducerEntry } from './producer-state.js';
import type { AbortedTxn } from './txn-index.js';

export type { LogConfig } from './config.js';
export type { AbortedTxn } from './txn-index.js';
export type { AppendOrigin, ProducerEntry, ProducerBatch } from './producer-state.js';

/** ListOffsets special timestamps (Kafka's). */
export const ListOffsetsTimestamp = {
  LATEST: -1n,
  EARLIEST: -2n,
  MAX_TIMESTAMP: -3n,
  EARLIEST_LOCAL: -4n,
} as const;

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface AppendOptions {
  /** Written into every batch's partitionLeaderEpoch. Default: the log's current leader epoch. */
  leaderEpoch?: number;
  /**
   * 'client' (default): offsets assigned, producer sequences checked (duplicates answered with the
   * original offsets), control batches refused. 'coordinator': broker-internal writers (transaction
   * markers, __consumer_offsets). 'replication': offsets kept as given (must start at the log end).
   */
  origin?: AppendOrigin;
  /** For a control batch: 0 = ABORT marker, 1 = COMMIT marker (until the core reports it). */
  controlType?: number;
  /** Force an fsync before acknowledging, whatever the log's flush policy. */
  sync?: boolean;
  /**
   * Called with the validated batches (after the producer checks, duplicates excepted) in the same
   * synchronous step that assigns their offsets; throwing rejects the append with nothing changed.
   * Produce checks transactional batches with the transaction coordinator here (KIP-890).
   */
  verify?: (batches: readonly BatchDescriptor[]) => void;
}

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** Broker time written into the batches with message.timestamp.type=LogAppendTime, else -1n. */
  logAppendTime: bigint;
  logStartOffset: bigint;
  recordCount: number;
  /** True when the batch was a retry of an already-appended idempotent batch (nothing written). */
  duplicate: boolean;
}

export interface ReadOptions {
  /** Byte budget. At least one whole batch is returned even if larger (unless minOneBatch=false). */
  maxBytes: number;
  /** Exclusive upper bound on offsets served (the high watermark or last stable offset). */
  maxOffset?: bigint;
  minOneBatch?: boolean;
  /**
   * A buffer the caller owns and leaves alone until done with the result (as with fs.read): bytes
   * read from disk land in it and `records` are views of it, saving an allocation per read. Used
   * when at least 16 KiB; a read then covers at most its length (a larger first batch is still
   * returned whole, in a new buffer). Recent data may still come back as views of the tail cache.
   */
  buffer?: Uint8Array;
}

export interface ReadResult {
  /** Whole batches as views (not copies where avoidable), in order; write them as-is to the socket. */
  records: Uint8Array[];
  /** Total bytes in `records`. */
  size: number;
  /** Base offset of the first batch returned (may be below the requested offset), or -1n. */
  firstBatchOffset: bigint;
  /** Offset right after the last batch returned (where the next fetch should start). */
  nextOffset: bigint;
  logStartOffset: bigint;
  logEndOffset: bigint;
  highWatermark: bigint;
  lastStableOffset: bigint;
}

export interface OffsetAndTimestamp {
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

export interface MaintenanceReport {
  deletedSegments: number;
  deletedBytes: number;
  logStartOffset: bigint;
  flushed: boolean;
  compacted: boolean;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly config: Readonly<LogConfig>;
  /** First offset still readable. */
  readonly logStartOffset: bigint;
  /** Offset the next appended record gets, counting only data already written (readable). */
  readonly logEndOffset: bigint;
  readonly highWatermark: bigint;
  /** min(first open transaction offset, high watermark). */
  readonly lastStableOffset: bigint;
  /** Offset below which every byte is fsynced. */
  readonly recoveryPoint: bigint;
  /** True after an I/O failure that left the log in an unknown state: every call then fails. */
  readonly offline: boolean;
  /** Total bytes of all segments. */
  readonly size: number;
  readonly segmentCount: number;
  leaderEpoch: number;

  /**
   * Appends the raw v2 batches of a produce request. The WASM core validates them (CRC, lengths,
   * magic); offsets are assigned by patching each batch's base offset in place (the caller's
   * buffer is modified and retained). Resolves when written (and fsynced under the flush policy).
   * Errors: CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE, OUT_OF_ORDER_SEQUENCE_NUMBER,
   * INVALID_PRODUCER_EPOCH, KAFKA_STORAGE_ERROR.
   */
  append(records: Uint8Array, options?: AppendOptions): Promise<AppendResult>;

  /**
   * Whole batches from the one holding `offset`, up to maxBytes, from one segment. `offset` equal
   * to the log end gives an empty result; outside [logStartOffset, logEndOffset] throws
   * OFFSET_OUT_OF_RANGE.
   */
  read(offset: bigint, options: ReadOptions): Promise<ReadResult>;

  /**
   * ListOffsets: LATEST (-1), EARLIEST (-2), EARLIEST_LOCAL (-4), MAX_TIMESTAMP (-3: the first
   * record carrying the largest timestamp, with the latest leader epoch), or a timestamp: the first
   * record at or after it (offset >= log start), with its timestamp and its batch's leader epoch.
   * Record level, as Kafka: the one batch that answers is decoded. Null when no such record exists.
   */
  listOffsets(timestamp: bigint): Promise<OffsetAndTimestamp | null>;

  /** Replication hook: the leader sets the high watermark (never above the log end). */
  setHighWatermark(offset: bigint): void;
  /** Called after every append becomes readable (wake long-polling fetches). Returns unsubscribe. */
  onAppend(listener: (log: PartitionLog) => void): () => void;

  /** Removes every batch at or above `offset` (replication: follower truncation). */
  truncateTo(offset: bigint): Promise<void>;
  /** Removes everything and restarts the log at `offset`. */
  truncateFullyAndStartAt(offset: bigint): Promise<void>;
  /** DeleteRecords: moves the log start offset to `offset` (<= high watermark). Returns the new log start. */
  deleteRecords(offset: bigint): Promise<bigint>;

  /** fsync everything written so far. */
  flush(): Promise<void>;
  /** Retention, flush.ms, compaction and producer expiry; never blocks appends. */
  maintenance(nowMs?: number): Promise<MaintenanceReport>;

  producerState(producerId: bigint): Readonly<ProducerEntry> | undefined;
  /** Every producer with state in this partition (DescribeProducers), committed data only. */
  activeProducers(): Array<Readonly<ProducerEntry>>;
  /** Records an aborted transaction in the segment holding `txn.lastOffset` (the ABORT marker). */
  appendAbortedTxn(txn: AbortedTxn): Promise<void>;
  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset), for read_committed fetches. */
  abortedTransactions(fetchOffset: bigint, upperBoundOffset: bigint): Promise<AbortedTxn[]>;

  updateConfig(config: Partial<LogConfig>): void;
}

export interface RecoveredPartition {
  topic: string;
  partition: number;
  segmentsScanned: number;
  bytesScanned: number;
  /** Bytes cut off the log (torn or corrupt tail), 0 when nothing was lost. */
  truncatedBytes: number;
  /** Offset the log now ends at, after truncation. */
  logEndOffset: bigint;
  /** Why it was truncated: the core's status name (e.g. 'TRUNCATED', 'CRC_MISMATCH'). */
  reason?: string;
  deletedSegments: number;
  rebuiltIndexes: number;
  /** Wall time spent reading, validating and re-indexing this partition's segments. */
  durationMs?: number;
}

export interface OpenReport {
  partitions: number;
  /** True when every log dir had a clean shutdown marker. */
  clean: boolean;
  recovered: RecoveredPartition[];
  durationMs: number;
}

export interface Storage {
  readonly kind: 'file' | 'memory';
  /** Loads existing partitions (recovering after an unclean stop). Call once before use. */
  open(): Promise<OpenReport>;
  createPartition(topic: string, partition: number, config?: Partial<LogConfig>): Promise<PartitionLog>;
  getPartition(topic: string, partition: number): PartitionLog | undefined;
  deletePartition(topic: string, partition: number): Promise<void>;
  listPartitions(): TopicPartition[];
  /** Runs maintenance on every partition. */
  maintenance(nowMs?: number): Promise<void>;
  /** Writes the recovery-point and log-start-offset checkpoints. */
  checkpoint(): Promise<void>;
  /** Flushes, writes checkpoints and snapshots, trims indexes, leaves a clean shutdown marker. */
  close(): Promise<void>;
}

/** A structured logger (pino-compatible subset). */
export interface StorageLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: StorageLogger = { info() {}, warn() {}, error() {} };
