// The transaction coordinator in a running broker: owns __transaction_state (created on first use:
// transaction.state.log.num.partitions partitions, compacted, uncompressed, internal), appends each
// operation's records there (one v2 batch per partition, built by the WASM core) before answering,
// writes the COMMIT/ABORT markers of finished transactions as control batches through
// PartitionLog.append (origin 'coordinator'; an ABORT marker also fills the partition's aborted-
// transaction index) and then records the completion, aborts timed-out transactions every
// transaction.abort.timed.out.transaction.cleanup.interval.ms, and rebuilds the coordinator at start
// by replaying __transaction_state, finishing any transaction that was mid-commit.
//
// Markers are written in-process (one broker leads every partition): what Kafka does with
// WriteTxnMarkers requests to partition leaders. A marker that cannot be written yet (a partition
// offline after an I/O error) is retried with backoff until it is; a partition whose topic was
// deleted needs none.
import type { BrokerConfig } from '../../config/config.js';
import { Attr, ControlType, type Core } from '../../core/types.js';
import type { TopicManager } from '../../broker/topics.js';
import { kafkaErrorCode } from '../../broker/errors.js';
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { Logger } from '../../observability/log.js';
import { Counter, Gauge, type Registry } from 'prom-client';
import { STATE_NAMES } from './state.js';
import { javaStringHashCode, kafkaAbs } from '../group/hash.js';
import { TransactionCoordinator, type MarkerJob, type TxnResult } from './coordinator.js';
import type { TxnOffsetParticipant } from './participant.js';
import { TRANSACTION_STATE_TOPIC, decodeTxnRecord, encodeTxnRecord, type TxnRecord } from './records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;

export interface TxnServiceDeps {
  config: BrokerConfig;
  topics: TopicManager;
  core: Core;
  log: Logger;
  now: () => number;
  allocateProducerId: () => bigint;
  /** Prometheus registry for the coordinator's metrics (the broker's). */
  registry?: Registry;
}

export interface MarkerResult {
  topic: string;
  partition: number;
  errorCode: number;
}

export class TransactionService {
  readonly coordinator: TransactionCoordinator;
  readonly #d: TxnServiceDeps;
  readonly #numPartitions: number;
  #groups: TxnOffsetParticipant | null = null;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Transactions whose markers are being written → resolves when CompleteX is recorded. */
  readonly #completing = new Map<string, Promise<void>>();
  readonly #ended: Counter<'result'> | null = null;

  constructor(deps: TxnServiceDeps) {
    this.#d = deps;
    this.#numPartitions = deps.config.int('transaction.state.log.num.partitions');
    this.coordinator = new TransactionCoordinator({
      config: {
        transactionMaxTimeoutMs: deps.config.int('transaction.max.timeout.ms'),
        transactionalIdExpirationMs: deps.config.int('transactional.id.expiration.ms'),
        coordinatorEpoch: 0,
      },
      allocateProducerId: deps.allocateProducerId,
    });
    if (deps.registry) {
      const coordinator = this.coordinator;
      this.#ended = new Counter({ name: 'kwasm_transactions_completed_total', help: 'Transactions completed (markers written), by result', labelNames: ['result'], registers: [deps.registry] });
      new Gauge<'state'>({
        name: 'kwasm_transactional_ids',
        help: 'Transactional ids known to the transaction coordinator, by state',
        labelNames: ['state'],
        registers: [deps.registry],
        collect() {
          const counts = new Map<string, number>(STATE_NAMES.map((n) => [n, 0]));
          for (const id of coordinator.transactionalIds()) {
            const name = STATE_NAMES[coordinator.get(id)!.state]!;
            counts.set(name, counts.get(name)! + 1);
          }
          for (const [state, n] of counts) this.set({ state }, n);
        },
      });
    }
  }

  /** The group coordinator's side of TxnOffsetCommit (see participant.ts). */
  setGroupParticipant(p: TxnOffsetParticipant | null): void {
    this.#groups = p;
  }

  get groups(): TxnOffsetParticipant | null {
    return this.#groups;
  }

  /** __transaction_state partition of a transactional id (Kafka's hash). */
  partitionFor(transactionalId: string): number {
    const t = this.#d.topics.get(TRANSACTION_STATE_TOPIC);
    return kafkaAbs(javaStringHashCode(transactionalId)) % (t ? t.partitions.length : this.#numPartitions);
  }

  /** __consumer_offsets partition of a group. */
  offsetsPartitionFor(groupId: string): number {
    if (this.#groups) return this.#groups.partitionFor(groupId);
    const t = this.#d.topics.get(OFFSETS_TOPIC);
    return kafkaAbs(javaStringHashCode(groupId)) % (t ? t.partitions.length : this.#d.config.int('offsets.topic.num.partitions'));
  }

  get verificationEnabled(): boolean {
    return this.#d.config.bool('transaction.partition.verification.enable');
  }

  // ---- start / stop ---------------------------------------------------------------------

  /** Replays __transaction_state (if it exists), finishes interrupted commits, starts the timers. */
  async load(): Promise<{ records: number; transactionalIds: number; durationMs: number }> {
    const t0 = Date.now();
    let records = 0;
    const meta = this.#d.topics.get(TRANSACTION_STATE_TOPIC);
    if (meta) {
      for (const p of meta.partitions) {
        const log = this.#d.topics.partition(TRANSACTION_STATE_TOPIC, p.index);
        if (!log) continue;
        let offset = log.logStartOffset;
        while (offset < log.logEndOffset) {
          const res = await log.read(offset, { maxBytes: 1 << 20 });
          if (res.records.length === 0 || res.nextOffset <= offset) break;
          for (const chunk of res.records) records += this.#replayChunk(chunk, offset);
          offset = res.nextOffset;
        }
      }
    }
    this.coordinator.loaded();
    this.#runMarkerJobs();
    const abortEvery = this.#d.config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms');
    const expireEvery = this.#d.config.int('transaction.remove.expired.transaction.cleanup.interval.ms');
    const every = Math.min(abortEvery, expireEvery, 2 ** 31 - 1);
    const timer = setInterval(() => {
      this.execute(this.coordinator.poll(this.#d.now())).then(
        (r) => {
          if (r.aborted.length > 0) this.#d.log.info({ transactionalIds: r.aborted }, 'aborting timed-out transactions');
          if (r.expired.length > 0) this.#d.log.info({ transactionalIds: r.expired }, 'expired transactional ids');
        },
        (err) => this.#d.log.error({ err }, 'transaction timeout check failed'),
      );
    }, every);
    timer.unref();
    this.#timers.push(timer);
    const stats = { records, transactionalIds: this.coordinator.transactionalIds().length, durationMs: Date.now() - t0 };
    if (meta) this.#d.log.info(stats, 'loaded transactions from __transaction_state');
    return stats;
  }

  #replayChunk(chunk: Uint8Array, from: bigint): number {
    const { core } = this.#d;
    const scan = core.validateBatches(chunk);
    let n = 0;
    for (const b of scan.batches) {
      if ((b.attributes & Attr.CONTROL) !== 0) continue;
      // The topic is written uncompressed (as Kafka enforces for it).
      if ((b.attributes & Attr.COMPRESSION_MASK) !== 0) throw new Error(`${TRANSACTION_STATE_TOPIC}: compressed batch at offset ${b.baseOffset}`);
      const batch = chunk.subarray(b.position, b.position + b.size);
      for (const r of core.decodeRecords(batch)) {
        if (b.baseOffset + BigInt(r.offsetDelta) < from || !r.key) continue;
        const rec = decodeTxnRecord(r.key, r.value);
        if (rec) {
          this.coordinator.replay(rec);
          n++;
        }
      }
    }
    return n;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await Promise.allSettled([...this.#inflight]);
  }

  // ---- operations -----------------------------------------------------------------------

  /** Creates __transaction_state on first use, as Kafka does (compacted, uncompressed, internal). */
  ensureTopic(): Promise<void> {
    const { topics, config } = this.#d;
    return topics.ensureInternal(
      TRANSACTION_STATE_TOPIC,
      this.#numPartitions,
      Math.min(config.int('transaction.state.log.replication.factor'), 1),
      new Map([
        ['cleanup.policy', 'compact'],
        ['compression.type', 'uncompressed'],
        ['segment.bytes', String(config.int('transaction.state.log.segment.bytes'))],
      ]),
    );
  }

  /** Writes an operation's records, lets it answer, then starts any marker work it queued. */
  async execute<R>(result: TxnResult<R>): Promise<R> {
    if (result.records.length > 0) {
      const p = this.#append(result.records);
      this.#inflight.add(p);
      try {
        await p;
        result.appended();
      } catch (err) {
        this.#d.log.error({ err }, `writing to ${TRANSACTION_STATE_TOPIC} failed`);
        result.appended(err);
      } finally {
        this.#inflight.delete(p);
      }
    } else {
      result.appended();
    }
    this.#runMarkerJobs();
    return result.response;
  }

  /**
   * Resolves once the transaction's markers are written and its completion recorded, or after
   * `maxWaitMs` (EndTxn answers once the decision is durable; waiting a little longer spares the
   * client CONCURRENT_TRANSACTIONS retries when it begins the next transaction right away).
   */
  async whenCompleted(transactionalId: string, maxWaitMs: number): Promise<void> {
    const p = this.#completing.get(transactionalId);
    if (!p) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, maxWaitMs)))]);
    clearTimeout(timer);
  }

  async #append(records: readonly TxnRecord[]): Promise<void> {
    await this.ensureTopic();
    const byPartition = new Map<number, TxnRecord[]>();
    for (const r of records) {
      const p = this.partitionFor(r.transactionalId);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(r);
    }
    const now = this.#d.now();
    const writes: Array<Promise<unknown>> = [];
    for (const [p, list] of byPartition) {
      const log = this.#d.topics.partition(TRANSACTION_STATE_TOPIC, p);
      if (!log) throw Object.assign(new Error(`${TRANSACTION_STATE_TOPIC}-${p} is not available`), { code: 'COORDINATOR_NOT_AVAILABLE' });
      const batch = this.#d.core.encodeBatch(
        list.map((r) => ({ ...encodeTxnRecord(r), timestamp: now })),
        { baseTimestamp: now, maxTimestamp: now },
      );
      writes.push(log.append(batch, { origin: 'coordinator' }));
    }
    await Promise.all(writes);
  }

  // ---- markers --------------------------------------------------------------------------

  #runMarkerJobs(): void {
    for (const job of this.coordinator.takeMarkerJobs()) {
      const p = this.#finish(job).finally(() => {
        if (this.#completing.get(job.transactionalId) === p) this.#completing.delete(job.transactionalId);
        this.#inflight.delete(p);
      });
      this.#completing.set(job.transactionalId, p);
      this.#inflight.add(p);
    }
  }

  /** Writes every marker of a job (retrying), then records the completion (retrying). */
  async #finish(job: MarkerJob): Promise<void> {
    const { log } = this.#d;
    let delay = RETRY_MIN_MS;
    let todo = [...job.partitions];
    while (todo.length > 0) {
      const results = await Promise.all(todo.map((tp) => this.writeMarker(job, tp.topic, tp.partition)));
      const retry: typeof todo = [];
      results.forEach((r, i) => {
        const tp = todo[i]!;
        if (r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          this.coordinator.markerWritten(job, tp.topic, tp.partition);
        } else if (r.errorCode === ErrorCode.INVALID_PRODUCER_EPOCH) {
          // A newer epoch already wrote to this partition: this marker would be stale there.
          log.warn({ transactionalId: job.transactionalId, ...tp, producerId: String(job.producerId), epoch: job.producerEpoch }, 'transaction marker rejected as stale');
          this.coordinator.markerWritten(job, tp.topic, tp.partition);
        } else {
          retry.push(tp);
        }
      });
      todo = retry;
      if (todo.length > 0) {
        if (this.#closed) return;
        log.warn({ transactionalId: job.transactionalId, partitions: todo, retryInMs: delay }, 'transaction markers not written yet; retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
    delay = RETRY_MIN_MS;
    for (;;) {
      const code = await this.execute(this.coordinator.completeTransaction(job, this.#d.now()));
      if (code === ErrorCode.NONE) this.#ended?.inc({ result: job.commit ? 'commit' : 'abort' });
      if (code !== ErrorCode.COORDINATOR_NOT_AVAILABLE && code !== ErrorCode.CONCURRENT_TRANSACTIONS) return;
      if (this.#closed) return;
      await sleep(delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  /**
   * Writes one COMMIT/ABORT marker to a partition (also the WriteTxnMarkers path). For a
   * __consumer_offsets partition the group coordinator then applies or drops the offsets.
   */
  async writeMarker(
    m: { producerId: bigint; producerEpoch: number; commit: boolean; coordinatorEpoch: number; transactionVersion?: number },
    topic: string,
    partition: number,
  ): Promise<MarkerResult> {
    const { topics, core, log } = this.#d;
    const plog = (await topics.ready(topic)) ? topics.partition(topic, partition) : undefined;
    if (!plog) return { topic, partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    // Transaction version 2 ends every transaction with a bumped epoch: a marker whose epoch is not
    // above the producer's epoch in this partition belongs to a transaction that already ended
    // here (a late or repeated marker) and must not end the next one.
    const state = plog.producerState(m.producerId);
    if ((m.transactionVersion ?? 0) >= 2 && state && state.epoch >= m.producerEpoch) {
      return { topic, partition, errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    }
    const controlType = m.commit ? ControlType.COMMIT : ControlType.ABORT;
    const batch = core.encodeControlBatch({
      type: controlType,
      coordinatorEpoch: m.coordinatorEpoch,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      timestamp: this.#d.now(),
    });
    try {
      await plog.append(batch, { origin: 'coordinator', controlType });
    } catch (err) {
      const errorCode = kafkaErrorCode(err);
      if (errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) log.error({ err, topic, partition }, 'writing a transaction marker failed');
      return { topic, partition, errorCode };
    }
    if (topic === OFFSETS_TOPIC && this.#groups) {
      try {
        await this.#groups.completeTransaction(partition, m.producerId, m.producerEpoch, m.commit);
      } catch (err) {
        log.error({ err, partition, producerId: String(m.producerId) }, 'completing transactional offsets failed');
        return { topic, partition, errorCode: kafkaErrorCode(err) };
      }
    }
    return { topic, partition, errorCode: ErrorCode.NONE };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
