// The transaction coordinator: a state machine over the transactional ids of one broker. Every
// request is an operation `(request, now) → { records, response }`: the records go to
// __transaction_state and the new state applies (and the response resolves) only once
// `appended()` says they are written. Marker work (COMMIT/ABORT control batches for every partition
// of a finished transaction) is queued as data (`takeMarkerJobs()`); once a job's markers are
// written, `completeTransaction(job)` is the operation that records CompleteCommit/CompleteAbort.
// Timers are the caller's: `poll(now)` aborts timed-out transactions and expires idle ids.
// `replay(record)` rebuilds the state from __transaction_state; `loaded()` re-queues the markers of
// transactions that were mid-commit. No I/O here: runtime.ts does it, tests drive a mock clock.
//
// Behaviour follows Kafka's TransactionCoordinator: epoch bumps and producer id rotation on
// InitProducerId (KIP-360 retries), fencing an ongoing transaction by aborting it with a bumped
// epoch (CONCURRENT_TRANSACTIONS to the caller meanwhile), EndTxn retries, and transaction
// version 2 (EndTxn v5+, KIP-890 part 2) where every EndTxn bumps the epoch.
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { TxnRecord } from './records.js';
import {
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  TxnMetadata,
  TxnState,
  addPartitions,
  copyPartitions,
  hasPartition,
  isEpochExhausted,
  partitionList,
  removePartition,
  stateByName,
  stateName,
  type TxnStateId,
  type TxnTransit,
} from './state.js';

export interface TxnCoordinatorConfig {
  /** transaction.max.timeout.ms */
  transactionMaxTimeoutMs: number;
  /** transactional.id.expiration.ms */
  transactionalIdExpirationMs: number;
  /** Leader epoch of the __transaction_state partitions, written into every marker. */
  coordinatorEpoch: number;
}

export const DEFAULT_TXN_CONFIG: TxnCoordinatorConfig = {
  transactionMaxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  coordinatorEpoch: 0,
};

export interface TxnResult<R> {
  /** Records to append to __transaction_state, in order. */
  readonly records: readonly TxnRecord[];
  /** The response; a promise when it waits for the records. */
  readonly response: R | Promise<R>;
  /** Call once the records are written, with the error when the write failed. */
  appended(error?: unknown): void;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** Markers to write for a transaction that reached PrepareCommit/PrepareAbort. */
export interface MarkerJob {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly coordinatorEpoch: number;
  /** 2: the marker's epoch is above every epoch the producer wrote data with (KIP-890 part 2). */
  readonly transactionVersion: number;
  readonly partitions: readonly TopicPartitionRef[];
}

export interface ProducerIdAndEpoch {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: bigint;
  producerId: bigint;
  producerEpoch: number;
  topics: Array<{ topic: string; partitions: number[] }>;
}

export interface ListedTxns {
  errorCode: number;
  unknownStateFilters: string[];
  transactionStates: Array<{ transactionalId: string; producerId: bigint; transactionState: string }>;
}

interface Write {
  meta: TxnMetadata;
  /** null: a tombstone (the id expires). */
  transit: TxnTransit | null;
  onWritten?: () => void;
}

const failed = (errorCode: number): ProducerIdAndEpoch => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });

function immediate<R>(response: R): TxnResult<R> {
  return { records: [], response, appended() {} };
}

/** An error code the coordinator returns when its records could not be written. */
export const WRITE_FAILED = ErrorCode.COORDINATOR_NOT_AVAILABLE;

export class TransactionCoordinator {
  readonly config: TxnCoordinatorConfig;
  readonly #txns = new Map<string, TxnMetadata>();
  readonly #allocateProducerId: () => bigint;
  #markerJobs: MarkerJob[] = [];

  constructor(opts: { config?: Partial<TxnCoordinatorConfig>; allocateProducerId: () => bigint }) {
    this.config = { ...DEFAULT_TXN_CONFIG, ...opts.config };
    this.#allocateProducerId = opts.allocateProducerId;
  }

  // ---- InitProducerId -------------------------------------------------------------------

  /**
   * InitProducerId with a transactional id. `expected` (v3+, KIP-360) is the producer id and epoch
   * the client had, or null.
   */
  initProducerId(transactionalId: string, timeoutMs: number, expected: { producerId: bigint; producerEpoch: number } | null, now: number): TxnResult<ProducerIdAndEpoch> {
    if (transactionalId === '') return immediate(failed(ErrorCode.INVALID_REQUEST));
    if (!(timeoutMs > 0 && timeoutMs <= this.config.transactionMaxTimeoutMs)) return immediate(failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
    let meta = this.#txns.get(transactionalId);
    if (!meta) {
      meta = new TxnMetadata(transactionalId, {
        producerId: this.#allocateProducerId(),
        previousProducerId: NO_PRODUCER_ID,
        nextProducerId: NO_PRODUCER_ID,
        producerEpoch: NO_PRODUCER_EPOCH,
        lastProducerEpoch: NO_PRODUCER_EPOCH,
        txnTimeoutMs: timeoutMs,
        state: TxnState.Empty,
        partitions: new Map(),
        txnStartTimestamp: -1,
        txnLastUpdateTimestamp: now,
        clientTransactionVersion: 0,
      });
      this.#txns.set(transactionalId, meta);
    }
    if (meta.pending !== null) return immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
    if (expected) {
      const valid =
        meta.producerEpoch === NO_PRODUCER_EPOCH ||
        expected.producerId === meta.producerId ||
        (expected.producerId === meta.previousProducerId && isEpochExhausted(expected.producerEpoch));
      if (!valid) return immediate(failed(ErrorCode.PRODUCER_FENCED));
    }
    switch (meta.state) {
      case TxnState.PrepareAbort:
      case TxnState.PrepareCommit:
        return immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
      case TxnState.Empty:
      case TxnState.CompleteAbort:
      case TxnState.CompleteCommit: {
        const fresh = { txnTimeoutMs: timeoutMs, state: TxnState.Empty, partitions: new Map(), txnStartTimestamp: -1, txnLastUpdateTimestamp: now } as const;
        let t: TxnTransit;
        if (meta.isEpochExhausted && (!expected || expected.producerEpoch === meta.producerEpoch)) {
          t = meta.prepare({
            ...fresh,
            producerId: this.#allocateProducerId(),
            previousProducerId: meta.producerId,
            nextProducerId: NO_PRODUCER_ID,
            producerEpoch: 0,
            lastProducerEpoch: expected ? meta.producerEpoch : NO_PRODUCER_EPOCH,
          });
        } else {
          let epoch: number;
          let last: number;
          if (!expected) {
            epoch = meta.producerEpoch + 1;
            last = NO_PRODUCER_EPOCH;
          } else if (meta.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === meta.producerEpoch) {
            epoch = meta.producerEpoch + 1;
            last = meta.producerEpoch;
          } else if (expected.producerEpoch === meta.lastProducerEpoch) {
            // A retry of a bump whose response was lost: the same epoch again.
            epoch = meta.producerEpoch;
            last = meta.lastProducerEpoch;
          } else {
            return immediate(failed(ErrorCode.PRODUCER_FENCED));
          }
          t = meta.prepare({ ...fresh, producerEpoch: epoch, lastProducerEpoch: last });
        }
        return this.#write([{ meta, transit: t }], (err) => (err ? failed(WRITE_FAILED) : { errorCode: ErrorCode.NONE, producerId: t.producerId, producerEpoch: t.producerEpoch }));
      }
      case TxnState.Ongoing:
        // Abort the ongoing transaction with a bumped epoch (which fences its producer) and let the
        // client retry: once the abort completes, the retry bumps the epoch once more.
        return this.#fenceAndAbort(meta, now, (err) => failed(err ? WRITE_FAILED : ErrorCode.CONCURRENT_TRANSACTIONS));
      default:
        return immediate(failed(ErrorCode.UNKNOWN_SERVER_ERROR));
    }
  }

  #fenceAndAbort<R>(meta: TxnMetadata, now: number, respond: (error: unknown) => R): TxnResult<R> {
    const t = meta.prepare({ producerEpoch: meta.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH, state: TxnState.PrepareAbort, txnLastUpdateTimestamp: now });
    return this.#write([{ meta, transit: t, onWritten: () => this.#queueMarkers(meta) }], respond);
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----------------------------------------------

  addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartitionRef[], now: number): TxnResult<number> {
    if (transactionalId === '') return immediate(ErrorCode.INVALID_REQUEST);
    const meta = this.#txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return immediate(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (meta.producerEpoch !== producerEpoch) return immediate(ErrorCode.PRODUCER_FENCED);
    if (meta.pending !== null) return immediate(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) return immediate(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (meta.state === TxnState.Ongoing && partitions.every((p) => hasPartition(meta.partitions, p.topic, p.partition))) return immediate(ErrorCode.NONE);
    const starting = meta.state === TxnState.Empty || meta.state === TxnState.CompleteCommit || meta.state === TxnState.CompleteAbort;
    const next = starting ? new Map() : copyPartitions(meta.partitions);
    for (const p of partitions) addPartitions(next, p.topic, [p.partition]);
    const t = meta.prepare({ state: TxnState.Ongoing, partitions: next, txnStartTimestamp: starting ? now : meta.txnStartTimestamp, txnLastUpdateTimestamp: now });
    return this.#write([{ meta, transit: t }], (err) => (err ? WRITE_FAILED : ErrorCode.NONE));
  }

  /**
   * AddPartitionsToTxn v4+ with verifyOnly (and the Produce path, KIP-890 part 1): is each
   * partition part of the ongoing transaction of this producer? Nothing is written.
   */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartitionRef[]): number[] {
    const all = (code: number) => partitions.map(() => code);
    if (transactionalId === '') return all(ErrorCode.INVALID_REQUEST);
    const meta = this.#txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (meta.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED);
    if (meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    return partitions.map((p) => (meta.state === TxnState.Ongoing && hasPartition(meta.partitions, p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE));
  }

  /** verifyPartitions for one partition (the Produce path). */
  verifyPartition(transactionalId: string, producerId: bigint, producerEpoch: number, topic: string, partition: number): number {
    return this.verifyPartitions(transactionalId, producerId, producerEpoch, [{ topic, partition }])[0]!;
  }

  // ---- EndTxn ---------------------------------------------------------------------------

  /**
   * EndTxn. `transactionVersion` 2 (EndTxn v5+) bumps the epoch at every end and returns the
   * producer id and epoch to use next; 0/1 keep the epoch. The response resolves once the
   * PrepareCommit/PrepareAbort record is written; markers follow (takeMarkerJobs).
   */
  endTxn(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean, transactionVersion: number, now: number): TxnResult<ProducerIdAndEpoch> {
    if (transactionalId === '') return immediate(failed(ErrorCode.INVALID_REQUEST));
    const meta = this.#txns.get(transactionalId);
    if (!meta) return immediate(failed(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
    const its = () => immediate(failed(ErrorCode.INVALID_TXN_STATE));
    const current = (errorCode: number) => immediate({ errorCode, producerId: meta.producerId, producerEpoch: meta.producerEpoch });
    if (transactionVersion < 2) {
      if (meta.producerId !== producerId) return immediate(failed(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
      if (meta.producerEpoch !== producerEpoch) return immediate(failed(ErrorCode.PRODUCER_FENCED));
      if (meta.pending !== null) return immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
      switch (meta.state) {
        case TxnState.Ongoing: {
          const t = meta.prepare({ state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, txnLastUpdateTimestamp: now, clientTransactionVersion: transactionVersion });
          return this.#write([{ meta, transit: t, onWritten: () => this.#queueMarkers(meta) }], (err) =>
            err ? failed(WRITE_FAILED) : { errorCode: ErrorCode.NONE, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH },
          );
        }
        case TxnState.CompleteCommit:
          return commit ? current(ErrorCode.NONE) : its();
        case TxnState.CompleteAbort:
          return commit ? its() : current(ErrorCode.NONE);
        case TxnState.PrepareCommit:
          return commit ? immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS)) : its();
        case TxnState.PrepareAbort:
          return commit ? its() : immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
        default:
          return its();
      }
    }
    // Transaction version 2: the epoch moves on at every end, so "same state, same epoch" means
    // the next transaction, and a retry is recognised by the epoch one below the current one.
    const retryOnOverflow = meta.previousProducerId === producerId && producerEpoch === 32766 && meta.producerEpoch === 0;
    const retryOnEpochBump = meta.producerEpoch === producerEpoch + 1;
    const isRetry = retryOnEpochBump || retryOnOverflow;
    let validEpoch: boolean;
    switch (meta.state) {
      case TxnState.PrepareCommit:
      case TxnState.PrepareAbort:
        validEpoch = retryOnEpochBump;
        break;
      case TxnState.CompleteCommit:
      case TxnState.CompleteAbort:
        validEpoch = isRetry || producerEpoch === meta.producerEpoch;
        break;
      default:
        validEpoch = producerEpoch === meta.producerEpoch;
    }
    if (meta.producerId !== producerId && !retryOnOverflow) return immediate(failed(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
    if (!validEpoch) return immediate(failed(ErrorCode.PRODUCER_FENCED));
    if (meta.pending !== null) return immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
    const end = (next: TxnStateId, noPartitionAdded: boolean): TxnResult<ProducerIdAndEpoch> => {
      const nextProducerId = meta.isEpochExhausted ? this.#allocateProducerId() : NO_PRODUCER_ID;
      const t = meta.prepare({
        state: next,
        producerEpoch: meta.producerEpoch + 1,
        lastProducerEpoch: meta.producerEpoch,
        nextProducerId,
        partitions: noPartitionAdded ? new Map() : copyPartitions(meta.partitions),
        txnStartTimestamp: noPartitionAdded ? now : meta.txnStartTimestamp,
        txnLastUpdateTimestamp: now,
        clientTransactionVersion: transactionVersion,
      });
      return this.#write([{ meta, transit: t, onWritten: () => this.#queueMarkers(meta) }], (err) => {
        if (err) return failed(WRITE_FAILED);
        return nextProducerId >= 0n
          ? { errorCode: ErrorCode.NONE, producerId: nextProducerId, producerEpoch: 0 }
          : { errorCode: ErrorCode.NONE, producerId: t.producerId, producerEpoch: t.producerEpoch };
      });
    };
    switch (meta.state) {
      case TxnState.Ongoing:
        return end(commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, false);
      case TxnState.CompleteCommit:
        if (commit) return isRetry ? current(ErrorCode.NONE) : its();
        return isRetry ? its() : end(TxnState.PrepareAbort, true);
      case TxnState.CompleteAbort:
        if (!commit) return isRetry ? current(ErrorCode.NONE) : end(TxnState.PrepareAbort, true);
        return its();
      case TxnState.PrepareCommit:
        return commit ? immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS)) : its();
      case TxnState.PrepareAbort:
        return commit ? its() : immediate(failed(ErrorCode.CONCURRENT_TRANSACTIONS));
      case TxnState.Empty:
        return commit ? its() : end(TxnState.PrepareAbort, true);
      default:
        return its();
    }
  }

  // ---- markers --------------------------------------------------------------------------

  #queueMarkers(meta: TxnMetadata): void {
    this.#markerJobs.push({
      transactionalId: meta.transactionalId,
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
      commit: meta.state === TxnState.PrepareCommit,
      coordinatorEpoch: this.config.coordinatorEpoch,
      transactionVersion: meta.clientTransactionVersion,
      partitions: partitionList(meta.partitions),
    });
  }

  /** Marker jobs queued since the last call (transactions that reached a Prepare state). */
  takeMarkerJobs(): MarkerJob[] {
    const jobs = this.#markerJobs;
    this.#markerJobs = [];
    return jobs;
  }

  /** One partition's marker is written: DescribeTransactions stops listing it. */
  markerWritten(job: MarkerJob, topic: string, partition: number): void {
    const meta = this.#current(job);
    if (meta) removePartition(meta.partitions, topic, partition);
  }

  #current(job: MarkerJob): TxnMetadata | undefined {
    const meta = this.#txns.get(job.transactionalId);
    if (!meta || meta.producerId !== job.producerId || meta.producerEpoch !== job.producerEpoch) return undefined;
    if (meta.state !== (job.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort)) return undefined;
    return meta;
  }

  /**
   * Every marker of `job` is written: records CompleteCommit/CompleteAbort. Resolves to NONE, or an
   * error code when the write failed (retry later) or the transaction moved on (nothing to do).
   */
  completeTransaction(job: MarkerJob, now: number): TxnResult<number> {
    const meta = this.#current(job);
    if (!meta) return immediate(ErrorCode.INVALID_TXN_STATE);
    if (meta.pending !== null) return immediate(ErrorCode.CONCURRENT_TRANSACTIONS);
    const rotate = meta.clientTransactionVersion >= 2 && meta.nextProducerId >= 0n;
    const t = meta.prepare({
      state: job.commit ? TxnState.CompleteCommit : TxnState.CompleteAbort,
      partitions: new Map(),
      txnLastUpdateTimestamp: now,
      ...(rotate ? { producerId: meta.nextProducerId, previousProducerId: meta.producerId, nextProducerId: NO_PRODUCER_ID, producerEpoch: 0 } : {}),
    });
    return this.#write([{ meta, transit: t }], (err) => (err ? WRITE_FAILED : ErrorCode.NONE));
  }

  // ---- timers ---------------------------------------------------------------------------

  /**
   * Aborts every ongoing transaction older than its timeout (fencing its producer with a bumped
   * epoch) and expires transactional ids idle for transactional.id.expiration.ms (tombstones).
   */
  poll(now: number): TxnResult<{ aborted: string[]; expired: string[] }> {
    const writes: Write[] = [];
    const aborted: string[] = [];
    const expired: string[] = [];
    for (const meta of this.#txns.values()) {
      if (meta.pending !== null) continue;
      if (meta.state === TxnState.Ongoing && meta.txnStartTimestamp + meta.txnTimeoutMs < now) {
        const t = meta.prepare({ producerEpoch: meta.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH, state: TxnState.PrepareAbort, txnLastUpdateTimestamp: now });
        writes.push({ meta, transit: t, onWritten: () => this.#queueMarkers(meta) });
        aborted.push(meta.transactionalId);
      } else if (
        (meta.state === TxnState.Empty || meta.state === TxnState.CompleteCommit || meta.state === TxnState.CompleteAbort) &&
        meta.txnLastUpdateTimestamp <= now - this.config.transactionalIdExpirationMs
      ) {
        meta.pending = TxnState.Dead;
        writes.push({ meta, transit: null, onWritten: () => this.#txns.delete(meta.transactionalId) });
        expired.push(meta.transactionalId);
      }
    }
    if (writes.length === 0) return immediate({ aborted, expired });
    return this.#write(writes, (err) => (err ? { aborted: [], expired: [] } : { aborted, expired }));
  }

  #write<R>(writes: Write[], respond: (error: unknown) => R): TxnResult<R> {
    const records: TxnRecord[] = writes.map((w) => ({ transactionalId: w.meta.transactionalId, value: w.transit }));
    let resolve!: (r: R) => void;
    const response = new Promise<R>((r) => (resolve = r));
    let done = false;
    return {
      records,
      response,
      appended: (error?: unknown) => {
        if (done) return;
        done = true;
        for (const w of writes) {
          if (error) {
            w.meta.pending = null;
            continue;
          }
          if (w.transit) w.meta.complete(w.transit);
          else w.meta.pending = null;
          w.onWritten?.();
        }
        resolve(respond(error));
      },
    };
  }

  // ---- state from the log ---------------------------------------------------------------

  /** Applies one record read back from __transaction_state (latest wins). */
  replay(r: TxnRecord): void {
    if (r.value === null) this.#txns.delete(r.transactionalId);
    else this.#txns.set(r.transactionalId, new TxnMetadata(r.transactionalId, r.value));
  }

  /** After replay: transactions left in PrepareCommit/PrepareAbort get their markers again. */
  loaded(): void {
    for (const meta of this.#txns.values()) {
      if (meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) this.#queueMarkers(meta);
    }
  }

  // ---- views ----------------------------------------------------------------------------

  get(transactionalId: string): Readonly<TxnMetadata> | undefined {
    return this.#txns.get(transactionalId);
  }

  transactionalIds(): string[] {
    return [...this.#txns.keys()];
  }

  describe(transactionalId: string): DescribedTxn {
    const base: DescribedTxn = {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: -1n,
      producerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      topics: [],
    };
    if (transactionalId === '') return { ...base, errorCode: ErrorCode.INVALID_REQUEST };
    const meta = this.#txns.get(transactionalId);
    if (!meta || meta.state === TxnState.Dead) return { ...base, errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND };
    const topics = new Map<string, number[]>();
    for (const { topic, partition } of partitionList(meta.partitions)) {
      let l = topics.get(topic);
      if (!l) topics.set(topic, (l = []));
      l.push(partition);
    }
    return {
      ...base,
      transactionState: stateName(meta.state),
      transactionTimeoutMs: meta.txnTimeoutMs,
      transactionStartTimeMs: BigInt(meta.txnStartTimestamp),
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  /** ListTransactions: filters by state name, producer id and (v1) minimum running time. */
  list(stateFilters: readonly string[], producerIdFilters: readonly bigint[], durationFilterMs: bigint, now: number): ListedTxns {
    const unknownStateFilters: string[] = [];
    const states = new Set<number>();
    for (const name of stateFilters) {
      const s = stateByName(name);
      if (s === undefined) unknownStateFilters.push(name);
      else states.add(s);
    }
    const pids = new Set(producerIdFilters);
    const out: ListedTxns['transactionStates'] = [];
    for (const meta of this.#txns.values()) {
      if (meta.state === TxnState.Dead) continue;
      if (pids.size > 0 && !pids.has(meta.producerId)) continue;
      if (stateFilters.length > 0 && !states.has(meta.state)) continue;
      if (durationFilterMs >= 0n && BigInt(now - meta.txnStartTimestamp) <= durationFilterMs) continue;
      out.push({ transactionalId: meta.transactionalId, producerId: meta.producerId, transactionState: stateName(meta.state) });
    }
    out.sort((a, b) => (a.transactionalId < b.transactionalId ? -1 : a.transactionalId > b.transactionalId ? 1 : 0));
    return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates: out };
  }
}
