// Produce for the tools: batches built by the WASM core (records.ts), sent to the partition's
// leader, pipelined on that leader's connection (responses come back in order, so batches to one
// partition keep their order). Partitioning follows Kafka's default: murmur2 of the key, and for
// records without a key a partition chosen per batch (the caller's choice, or round robin).
import { loadCore } from '../core/wasm.js';
import type { Core, RecordInput } from '../core/types.js';
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import type { Cluster, TopicInfo } from './cluster.js';
import { KafkaClientError, type KafkaConnection } from './connection.js';
import { buildBatch, type BatchOptions } from './records.js';

export interface ProducerOptions {
  /** 0 (no response), 1 (leader), -1 (all in-sync replicas). Default -1, as Kafka 3+. */
  acks?: 0 | 1 | -1;
  /** How long the broker may wait for replication. Default 30 s. */
  timeoutMs?: number;
  /** Codec id for batches built by send(). Default none. */
  compression?: number;
  /** Ask the broker to create unknown topics (it decides, by auto.create.topics.enable). */
  autoCreateTopics?: boolean;
  core?: Core;
}

export interface ProduceResult {
  partition: number;
  /** -1 with acks=0. */
  baseOffset: bigint;
  logAppendTime: bigint;
}

/** Errors after which the batch is known not to be written: refresh metadata and resend. */
const RESEND = new Set<number>([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NOT_LEADER_OR_FOLLOWER]);

export class Producer {
  readonly cluster: Cluster;
  readonly acks: 0 | 1 | -1;
  readonly timeoutMs: number;
  readonly compression: number;
  readonly core: Core;
  readonly autoCreateTopics: boolean;
  readonly #topics = new Map<string, TopicInfo>();
  #roundRobin = 0;

  constructor(cluster: Cluster, opts: ProducerOptions = {}) {
    this.cluster = cluster;
    this.acks = opts.acks ?? -1;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.compression = opts.compression ?? 0;
    this.core = opts.core ?? loadCore();
    this.autoCreateTopics = opts.autoCreateTopics ?? false;
  }

  /** The topic's metadata (cached; refreshed on errors). */
  async topic(name: string, refresh = false): Promise<TopicInfo> {
    let t = this.#topics.get(name);
    if (!t || refresh) {
      // A topic just created (or being auto-created) may not have a leader yet: ask again briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          t = await this.cluster.topic(name, this.autoCreateTopics);
          break;
        } catch (e) {
          const code = e instanceof KafkaClientError ? e.errorCode : undefined;
          if (attempt >= 20 || code === undefined || !(code === ErrorCode.LEADER_NOT_AVAILABLE || (this.autoCreateTopics && code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      this.#topics.set(name, t);
    }
    return t;
  }

  /** Kafka's default partitioner: murmur2(key) for keyed records, else round robin per batch. */
  async partitionFor(topic: string, key: Uint8Array | null | undefined): Promise<number> {
    const n = (await this.topic(topic)).partitions.length;
    if (key) return toPositive(murmur2(key)) % n;
    return this.#roundRobin++ % n;
  }

  /** Builds a batch of the records in the core and sends it. */
  async send(topic: string, partition: number, records: readonly RecordInput[], batch: BatchOptions = {}): Promise<ProduceResult> {
    const bytes = await buildBatch(this.core, records, { compression: this.compression, ...batch });
    return this.sendBatch(topic, partition, bytes);
  }

  /** The connection to the partition's leader. */
  async leader(topic: string, partition: number): Promise<KafkaConnection> {
    const t = await this.topic(topic);
    const p = t.partitions.find((x) => x.partition === partition);
    if (!p) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist`);
    return this.cluster.node(p.leader);
  }

  /** Sends one already built batch (or several concatenated) to a partition. */
  async sendBatch(topic: string, partition: number, records: Uint8Array, attempt = 0): Promise<ProduceResult> {
    const conn = await this.leader(topic, partition);
    const v = conn.version(ApiKey.Produce, 3, 11);
    const body = {
      acks: this.acks,
      timeoutMs: this.timeoutMs,
      topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
    };
    if (this.acks === 0) {
      conn.send(ApiKey.Produce, v, body);
      // Nothing comes back: wait until the socket takes more, so a fast caller cannot queue
      // unbounded bytes in the process.
      await conn.flushed();
      return { partition, baseOffset: -1n, logAppendTime: -1n };
    }
    const res = await conn.request(ApiKey.Produce, v, body);
    const p = res.responses[0]?.partitionResponses[0];
    if (!p) throw new KafkaClientError('BAD_RESPONSE', 'Produce: empty response');
    if (p.errorCode !== ErrorCode.NONE) {
      if (RESEND.has(p.errorCode) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
        await this.topic(topic, true);
        return this.sendBatch(topic, partition, records, attempt + 1);
      }
      throw KafkaClientError.fromCode(p.errorCode, `Produce ${topic}-${partition}`, p.errorMessage);
    }
    return { partition, baseOffset: p.baseOffset, logAppendTime: p.logAppendTimeMs };
  }
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) + ((data[i4 + 1]! & 0xff) << 8) + ((data[i4 + 2]! & 0xff) << 16) + ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length4 * 4;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
