// Admin requests for the tools: topics (create, delete, add partitions), configs (describe, alter,
// incremental alter) and offsets (ListOffsets). Each method negotiates its version on the
// connection and returns per-resource results; errors are returned, not thrown, where a request
// covers several resources, so the caller can report each one as Kafka's tools do.
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import { Cluster, type TopicInfo } from './cluster.js';
import { check, KafkaClientError, type ConnectionOptions } from './connection.js';

export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;
export const ConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
/** ListOffsets special timestamps. */
export const OffsetSpec = { LATEST: -1n, EARLIEST: -2n, MAX_TIMESTAMP: -3n } as const;

export interface NewTopic {
  name: string;
  /** -1: the broker's num.partitions. */
  numPartitions?: number;
  /** -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface ResourceResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  source: number;
  isSensitive: boolean;
}

/** DescribeConfigs' configSource values. */
export const ConfigSource = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG', 'GROUP_CONFIG'] as const;

export class Admin {
  readonly cluster: Cluster;
  readonly timeoutMs: number;

  constructor(bootstrap: string | Cluster, opts: ConnectionOptions & { timeoutMs?: number } = {}) {
    this.cluster = typeof bootstrap === 'string' ? new Cluster(bootstrap, opts) : bootstrap;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async listTopics(includeInternal = false): Promise<TopicInfo[]> {
    const md = await this.cluster.metadata();
    return md.topics.filter((t) => includeInternal || !t.isInternal).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTopics(names?: readonly string[]): Promise<TopicInfo[]> {
    return (await this.cluster.metadata(names)).topics;
  }

  async createTopics(topics: readonly NewTopic[], validateOnly = false): Promise<ResourceResult[]> {
    const c = await this.cluster.connection();
    const v = c.version(ApiKey.CreateTopics, 0, 7);
    const res = await c.request(ApiKey.CreateTopics, v, {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: this.timeoutMs,
      validateOnly: v >= 1 ? validateOnly : undefined,
    });
    return res.topics.map((t) => ({ name: t.name, errorCode: t.errorCode, errorMessage: t.errorMessage }));
  }

  async deleteTopics(names: readonly string[]): Promise<ResourceResult[]> {
    const c = await this.cluster.connection();
    const v = c.version(ApiKey.DeleteTopics, 0, 6);
    const res = await c.request(
      ApiKey.DeleteTopics,
      v,
      v >= 6 ? { topics: names.map((name) => ({ name })), timeoutMs: this.timeoutMs } : { topicNames: [...names], timeoutMs: this.timeoutMs },
    );
    return res.responses.map((r) => ({ name: r.name ?? r.topicId, errorCode: r.errorCode, errorMessage: r.errorMessage }));
  }

  /** Raises the partition count of topics to `count` (Kafka never lowers it). */
  async createPartitions(topics: ReadonlyArray<{ name: string; count: number }>, validateOnly = false): Promise<ResourceResult[]> {
    const c = await this.cluster.connection();
    const v = c.version(ApiKey.CreatePartitions, 0, 3);
    const res = await c.request(ApiKey.CreatePartitions, v, {
      topics: topics.map((t) => ({ name: t.name, count: t.count, assignments: null })),
      timeoutMs: this.timeoutMs,
      validateOnly,
    });
    return res.results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage }));
  }

  /** Configs of one resource (all keys when `keys` is undefined). Throws the resource's error. */
  async describeConfigs(resourceType: number, name: string, keys?: readonly string[]): Promise<ConfigEntry[]> {
    const c = await this.cluster.connection();
    const v = c.version(ApiKey.DescribeConfigs, 0, 4);
    const res = await c.request(ApiKey.DescribeConfigs, v, {
      resources: [{ resourceType, resourceName: name, configurationKeys: keys ? [...keys] : null }],
      includeSynonyms: v >= 1 ? false : undefined,
    });
    const r = res.results[0];
    if (!r) throw new KafkaClientError('BAD_RESPONSE', 'DescribeConfigs: empty response');
    check(r.errorCode, `DescribeConfigs ${name}`, r.errorMessage);
    return r.configs.map((e) => ({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      // v0 has isDefault; v1+ has configSource (DEFAULT_CONFIG = 5).
      isDefault: v === 0 ? e.isDefault : e.configSource === 5,
      source: v === 0 ? (e.isDefault ? 5 : 0) : e.configSource,
      isSensitive: e.isSensitive,
    }));
  }

  /**
   * Sets (value) or removes (null) config keys of one resource. Uses IncrementalAlterConfigs when
   * the broker has it, else AlterConfigs — which replaces the whole set, so the current dynamic
   * values are read first and carried over.
   */
  async alterConfigs(resourceType: number, name: string, changes: Record<string, string | null>, validateOnly = false): Promise<void> {
    const c = await this.cluster.connection();
    if (c.supports(ApiKey.IncrementalAlterConfigs)) {
      const v = c.version(ApiKey.IncrementalAlterConfigs, 0, 1);
      const res = await c.request(ApiKey.IncrementalAlterConfigs, v, {
        resources: [
          {
            resourceType,
            resourceName: name,
            configs: Object.entries(changes).map(([k, value]) => ({ name: k, configOperation: value === null ? ConfigOp.DELETE : ConfigOp.SET, value })),
          },
        ],
        validateOnly,
      });
      const r = res.responses[0];
      if (!r) throw new KafkaClientError('BAD_RESPONSE', 'IncrementalAlterConfigs: empty response');
      check(r.errorCode, `IncrementalAlterConfigs ${name}`, r.errorMessage);
      return;
    }
    const v = c.version(ApiKey.AlterConfigs, 0, 2);
    const current = await this.describeConfigs(resourceType, name);
    const dynamicSource = resourceType === ResourceType.TOPIC ? 1 : 2;
    const merged = new Map<string, string | null>();
    for (const e of current) if (e.source === dynamicSource) merged.set(e.name, e.value);
    for (const [k, value] of Object.entries(changes)) {
      if (value === null) merged.delete(k);
      else merged.set(k, value);
    }
    const res = await c.request(ApiKey.AlterConfigs, v, {
      resources: [{ resourceType, resourceName: name, configs: [...merged].map(([k, value]) => ({ name: k, value })) }],
      validateOnly,
    });
    const r = res.responses[0];
    if (!r) throw new KafkaClientError('BAD_RESPONSE', 'AlterConfigs: empty response');
    check(r.errorCode, `AlterConfigs ${name}`, r.errorMessage);
  }

  /** Offsets by timestamp spec (OffsetSpec.* or a timestamp in ms) for partitions of a topic. */
  async listOffsets(topic: string, partitions: readonly number[], spec: bigint): Promise<Map<number, { offset: bigint; timestamp: bigint }>> {
    const t = await this.cluster.topic(topic);
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const info = t.partitions.find((x) => x.partition === p);
      if (!info) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${p} does not exist`);
      const list = byLeader.get(info.leader) ?? [];
      list.push(p);
      byLeader.set(info.leader, list);
    }
    const out = new Map<number, { offset: bigint; timestamp: bigint }>();
    for (const [leader, ps] of byLeader) {
      const c = await this.cluster.node(leader);
      const v = c.version(ApiKey.ListOffsets, spec === OffsetSpec.MAX_TIMESTAMP ? 7 : 1, 10);
      const res = await c.request(ApiKey.ListOffsets, v, {
        replicaId: -1,
        topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, timestamp: spec, currentLeaderEpoch: -1 })) }],
      });
      for (const rt of res.topics) {
        for (const rp of rt.partitions) {
          check(rp.errorCode, `ListOffsets ${topic}-${rp.partitionIndex}`);
          out.set(rp.partitionIndex, { offset: rp.offset, timestamp: rp.timestamp });
        }
      }
    }
    return out;
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}

export { ErrorCode };
