// Transaction administration for the tools (what Kafka's Admin offers kafka-transactions.sh):
// ListTransactions on every broker, DescribeTransactions at each id's coordinator (FindCoordinator
// key type 1), DescribeProducers at a partition's leader, and aborting a hanging transaction by
// writing an ABORT marker to the partition (WriteTxnMarkers at the leader).
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import { Cluster } from './cluster.js';
import { check, KafkaClientError, type ConnectionOptions, type KafkaConnection } from './connection.js';

const TRANSACTION_KEY_TYPE = 1;

export interface TransactionListing {
  transactionalId: string;
  coordinatorId: number;
  producerId: bigint;
  state: string;
}

export interface TransactionDescription {
  coordinatorId: number;
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  state: string;
  transactionTimeoutMs: number;
  /** -1 when no transaction is in progress. */
  transactionStartTimeMs: bigint;
  topicPartitions: Array<{ topic: string; partition: number }>;
}

export interface ProducerStateInfo {
  producerId: bigint;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: bigint;
  coordinatorEpoch: number;
  /** -1 when the producer has no open transaction in the partition. */
  currentTxnStartOffset: bigint;
}

export interface AbortSpec {
  topic: string;
  partition: number;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
}

export class TransactionsAdmin {
  readonly cluster: Cluster;

  constructor(bootstrap: string | Cluster, opts: ConnectionOptions = {}) {
    this.cluster = typeof bootstrap === 'string' ? new Cluster(bootstrap, opts) : bootstrap;
  }

  /** ListTransactions on every broker of the cluster. */
  async listTransactions(filters: { states?: string[]; producerIds?: bigint[]; durationMs?: bigint } = {}): Promise<TransactionListing[]> {
    const md = await this.cluster.metadata([]);
    const out: TransactionListing[] = [];
    for (const b of md.brokers) {
      const c = await this.cluster.node(b.nodeId);
      const v = c.version(ApiKey.ListTransactions, 0, 1);
      if (filters.durationMs !== undefined && filters.durationMs >= 0n && v < 1) {
        throw new KafkaClientError('UNSUPPORTED_VERSION', `broker ${b.nodeId} does not support filtering transactions by duration`);
      }
      const r = await c.request(ApiKey.ListTransactions, v, {
        stateFilters: filters.states ?? [],
        producerIdFilters: filters.producerIds ?? [],
        ...(v >= 1 ? { durationFilter: filters.durationMs ?? -1n } : {}),
      });
      check(r.errorCode, `ListTransactions on broker ${b.nodeId}`);
      for (const s of r.transactionStates) out.push({ transactionalId: s.transactionalId, coordinatorId: b.nodeId, producerId: s.producerId, state: s.transactionState });
    }
    return out;
  }

  /** The coordinator of a transactional id and a connection to it. */
  async coordinator(transactionalId: string): Promise<{ nodeId: number; conn: KafkaConnection }> {
    const main = await this.cluster.connection();
    const v = main.version(ApiKey.FindCoordinator, 1, 4);
    const r = await main.request(ApiKey.FindCoordinator, v, v >= 4 ? { keyType: TRANSACTION_KEY_TYPE, coordinatorKeys: [transactionalId] } : { keyType: TRANSACTION_KEY_TYPE, key: transactionalId });
    const found = v >= 4 ? r.coordinators[0] : r;
    if (!found) throw new KafkaClientError('COORDINATOR_NOT_AVAILABLE', `no coordinator for transactional id ${transactionalId}`);
    check(found.errorCode, `FindCoordinator for transactional id ${transactionalId}`, found.errorMessage);
    await this.cluster.metadata([]);
    return { nodeId: found.nodeId, conn: await this.cluster.node(found.nodeId) };
  }

  async describeTransaction(transactionalId: string): Promise<TransactionDescription> {
    const { nodeId, conn } = await this.coordinator(transactionalId);
    const r = await conn.request(ApiKey.DescribeTransactions, conn.version(ApiKey.DescribeTransactions, 0, 0), { transactionalIds: [transactionalId] });
    const s = r.transactionStates.find((x) => x.transactionalId === transactionalId);
    if (!s) throw new KafkaClientError('UNKNOWN_SERVER_ERROR', `DescribeTransactions did not answer for ${transactionalId}`);
    check(s.errorCode, `transactional id ${transactionalId}`);
    return {
      coordinatorId: nodeId,
      transactionalId,
      producerId: s.producerId,
      producerEpoch: s.producerEpoch,
      state: s.transactionState,
      transactionTimeoutMs: s.transactionTimeoutMs,
      transactionStartTimeMs: s.transactionStartTimeMs,
      topicPartitions: s.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))),
    };
  }

  /** The partition's leader and a connection to it. */
  async #leader(topic: string, partition: number): Promise<KafkaConnection> {
    const t = await this.cluster.topic(topic);
    const p = t.partitions.find((x) => x.partition === partition);
    if (!p) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist`);
    check(p.errorCode, `${topic}-${partition}`);
    return this.cluster.node(p.leader);
  }

  async describeProducers(topic: string, partition: number): Promise<ProducerStateInfo[]> {
    const c = await this.#leader(topic, partition);
    const r = await c.request(ApiKey.DescribeProducers, c.version(ApiKey.DescribeProducers, 0, 0), { topics: [{ name: topic, partitionIndexes: [partition] }] });
    const p = r.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partitionIndex === partition);
    if (!p) throw new KafkaClientError('UNKNOWN_SERVER_ERROR', `DescribeProducers did not answer for ${topic}-${partition}`);
    check(p.errorCode, `${topic}-${partition}`, p.errorMessage);
    return p.activeProducers.map((s) => ({ ...s }));
  }

  /** The open transaction starting at `startOffset` in a partition, as an abort spec. */
  async abortSpecAt(topic: string, partition: number, startOffset: bigint): Promise<AbortSpec | null> {
    const producers = await this.describeProducers(topic, partition);
    const s = producers.find((x) => x.currentTxnStartOffset >= 0n && x.currentTxnStartOffset === startOffset);
    if (!s) return null;
    return { topic, partition, producerId: s.producerId, producerEpoch: s.producerEpoch, coordinatorEpoch: Math.max(0, s.coordinatorEpoch) };
  }

  /** Writes an ABORT marker for the producer's open transaction in the partition. */
  async abortTransaction(spec: AbortSpec): Promise<void> {
    const c = await this.#leader(spec.topic, spec.partition);
    const r = await c.request(ApiKey.WriteTxnMarkers, c.version(ApiKey.WriteTxnMarkers, 0, 1), {
      markers: [
        {
          producerId: spec.producerId,
          producerEpoch: spec.producerEpoch,
          transactionResult: false,
          coordinatorEpoch: spec.coordinatorEpoch,
          topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
        },
      ],
    });
    const code = r.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    check(code, `aborting the transaction of producer ${spec.producerId} on ${spec.topic}-${spec.partition}`);
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}
