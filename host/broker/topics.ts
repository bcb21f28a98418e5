// Topic lifecycle on one broker: metadata (ids, partitions, config overrides) plus the storage
// partitions behind them. State changes are decided synchronously (a name is taken before the
// first await), so concurrent requests cannot create the same topic twice.
import type { BrokerConfig } from '../config/config.js';
import { TopicConfig } from '../config/config.js';
import type { Logger } from '../observability/log.js';
import { logConfigFrom, type LogConfig, type PartitionLog, type Storage } from '../storage/index.js';
import { KafkaError } from './errors.js';
import { checkTopicName, type ClusterMetadata, type TopicMeta } from './metadata.js';

export const MAX_PARTITIONS = 100_000;

export interface CreateTopicSpec {
  name: string;
  /** -1: num.partitions */
  numPartitions: number;
  /** -1: default.replication.factor */
  replicationFactor: number;
  configs: Map<string, string>;
  validateOnly?: boolean;
  internal?: boolean;
}

export class TopicManager {
  readonly #config: BrokerConfig;
  readonly #metadata: ClusterMetadata;
  readonly #storage: Storage;
  readonly #log: Logger;
  readonly #topicConfigs = new Map<string, TopicConfig>();
  readonly #creating = new Map<string, Promise<TopicMeta>>();
  readonly #internal = new Map<string, Promise<void>>();

  constructor(config: BrokerConfig, metadata: ClusterMetadata, storage: Storage, log: Logger) {
    this.#config = config;
    this.#metadata = metadata;
    this.#storage = storage;
    this.#log = log;
  }

  /** Brings storage in line with metadata: opens or creates every partition, drops strays. */
  async open(): Promise<void> {
    const wanted = new Set<string>();
    for (const t of this.#metadata.topics.values()) {
      for (const p of t.partitions) {
        wanted.add(`${t.name}\u0000${p.index}`);
        const log = this.#storage.getPartition(t.name, p.index);
        if (log) log.updateConfig(this.logConfig(t.name));
        else await this.#storage.createPartition(t.name, p.index, this.logConfig(t.name));
      }
    }
    for (const tp of this.#storage.listPartitions()) {
      if (!wanted.has(`${tp.topic}\u0000${tp.partition}`)) {
        this.#log.warn({ topic: tp.topic, partition: tp.partition }, 'deleting partition not in cluster metadata');
        await this.#storage.deletePartition(tp.topic, tp.partition);
      }
    }
  }

  get(name: string): TopicMeta | undefined {
    return this.#metadata.topics.get(name);
  }

  byId(id: string): TopicMeta | undefined {
    return this.#metadata.topicById(id);
  }

  all(): IterableIterator<TopicMeta> {
    return this.#metadata.topics.values();
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.#storage.getPartition(topic, partition);
  }

  topicConfig(name: string): TopicConfig {
    let tc = this.#topicConfigs.get(name);
    const meta = this.#metadata.topics.get(name);
    if (!tc || tc.overrides !== meta?.configs) {
      tc = new TopicConfig(this.#config, meta?.configs ?? new Map());
      this.#topicConfigs.set(name, tc);
    }
    return tc;
  }

  logConfig(name: string): LogConfig {
    const tc = this.topicConfig(name);
    return logConfigFrom((k) => (k === 'producer.id.expiration.ms' ? this.#config.get(k) : tc.get(k)));
  }

  /** Validates a creation request; returns the resolved partition and replica counts. */
  check(spec: CreateTopicSpec): { partitions: number; replicationFactor: number } {
    const nameErr = checkTopicName(spec.name);
    if (nameErr) throw new KafkaError('INVALID_TOPIC_EXCEPTION', nameErr);
    if (spec.name.startsWith('__') && !spec.internal && (spec.name === '__consumer_offsets' || spec.name === '__transaction_state')) {
      throw new KafkaError('INVALID_TOPIC_EXCEPTION', `${spec.name} is an internal topic`);
    }
    if (this.#metadata.topics.has(spec.name) || this.#creating.has(spec.name)) {
      throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    }
    const partitions = spec.numPartitions === -1 ? this.#config.int('num.partitions') : spec.numPartitions;
    if (!(partitions >= 1) || partitions > MAX_PARTITIONS) {
      throw new KafkaError('INVALID_PARTITIONS', `Number of partitions must be between 1 and ${MAX_PARTITIONS}.`);
    }
    const rf = spec.replicationFactor === -1 ? this.#config.int('default.replication.factor') : spec.replicationFactor;
    if (!(rf >= 1)) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    const brokers = this.#metadata.brokers.length;
    if (rf > brokers) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `Replication factor: ${rf} larger than available brokers: ${brokers}.`);
    }
    for (const [k, v] of spec.configs) {
      const err = TopicConfig.check(k, v);
      if (err) throw new KafkaError('INVALID_CONFIG', `Invalid value ${v} for configuration ${k}: ${err}`);
    }
    return { partitions, replicationFactor: rf };
  }

  async create(spec: CreateTopicSpec): Promise<TopicMeta> {
    const { partitions } = this.check(spec);
    const t = this.#metadata.createTopic(spec.name, partitions, new Map(spec.configs), spec.internal ?? false);
    const work = (async () => {
      for (const p of t.partitions) await this.#storage.createPartition(t.name, p.index, this.logConfig(t.name));
      this.#log.info({ topic: t.name, partitions, topicId: t.id }, 'created topic');
      return t;
    })();
    this.#creating.set(spec.name, work);
    try {
      return await work;
    } finally {
      this.#creating.delete(spec.name);
    }
  }

  /** Waits for a topic that is being created (its partitions may not exist yet). */
  async ready(name: string): Promise<TopicMeta | undefined> {
    const pending = this.#creating.get(name);
    if (pending) return pending.catch(() => undefined);
    return this.#metadata.topics.get(name);
  }

  /** Creates the topic with broker defaults if auto.create.topics.enable allows it. */
  async autoCreate(name: string): Promise<TopicMeta | null> {
    const existing = await this.ready(name);
    if (existing) return existing;
    if (!this.#config.bool('auto.create.topics.enable') || checkTopicName(name) !== null) return null;
    try {
      return await this.create({ name, numPartitions: -1, replicationFactor: -1, configs: new Map() });
    } catch (e) {
      if (e instanceof KafkaError && e.code === 'TOPIC_ALREADY_EXISTS') return (await this.ready(name)) ?? null;
      throw e;
    }
  }

  /**
   * Creates an internal topic (`__consumer_offsets`, `__transaction_state`) on first use, once;
   * an attempt that fails is forgotten, so the next caller tries again.
   */
  ensureInternal(name: string, numPartitions: number, replicationFactor: number, configs: Map<string, string>): Promise<void> {
    let ready = this.#internal.get(name);
    if (!ready) {
      ready = (async () => {
        if (await this.ready(name)) return;
        await this.create({ name, numPartitions, replicationFactor, configs, internal: true });
      })().catch((e: unknown) => {
        this.#internal.delete(name);
        throw e;
      });
      this.#internal.set(name, ready);
    }
    return ready;
  }

  async delete(name: string): Promise<TopicMeta> {
    if (!this.#config.bool('delete.topic.enable')) throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
    await this.#creating.get(name)?.catch(() => undefined);
    const t = this.#metadata.topics.get(name);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
    if (t.internal) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Cannot delete internal topic ${name}`);
    this.#metadata.deleteTopic(name);
    this.#topicConfigs.delete(name);
    for (const p of t.partitions) await this.#storage.deletePartition(name, p.index);
    this.#log.info({ topic: name, topicId: t.id }, 'deleted topic');
    return t;
  }

  /** CreatePartitions: grows a topic to `total` partitions. */
  async addPartitions(name: string, total: number, validateOnly: boolean): Promise<void> {
    const t = await this.ready(name);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
    const current = t.partitions.length;
    if (total < current) {
      throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${total}.`);
    }
    if (total === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partitions.`);
    if (total > MAX_PARTITIONS) throw new KafkaError('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS}.`);
    if (validateOnly) return;
    this.#metadata.addPartitions(name, total);
    for (let i = current; i < total; i++) await this.#storage.createPartition(name, i, this.logConfig(name));
    this.#log.info({ topic: name, from: current, to: total }, 'added partitions');
  }

  /** Replaces a topic's config overrides (after validation) and applies them to its logs. */
  setConfigs(name: string, overrides: Map<string, string>, validateOnly: boolean): void {
    const t = this.#metadata.topics.get(name);
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
    for (const [k, v] of overrides) {
      const err = TopicConfig.check(k, v);
      if (err) throw new KafkaError('INVALID_CONFIG', `Invalid value ${v} for configuration ${k}: ${err}`);
    }
    if (validateOnly) return;
    t.configs = overrides;
    this.#metadata.persist();
    this.applyConfigs(name);
  }

  /** Re-applies the effective configs of a topic (or of all topics) to their logs. */
  applyConfigs(name?: string): void {
    const names = name === undefined ? [...this.#metadata.topics.keys()] : [name];
    for (const n of names) {
      const t = this.#metadata.topics.get(n);
      if (!t) continue;
      this.#topicConfigs.delete(n);
      const cfg = this.logConfig(n);
      for (const p of t.partitions) this.#storage.getPartition(n, p.index)?.updateConfig(cfg);
    }
  }
}
