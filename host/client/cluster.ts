// The cluster as the tools see it: a bootstrap connection, Metadata, and one connection per
// broker node (opened on first use) so requests for a partition go to its leader.
import { ApiKey } from '../protocol/generated/index.js';
import type { MetadataResponse } from '../protocol/generated/MetadataResponse.js';
import { ZERO_UUID } from '../protocol/uuid.js';
import { check, KafkaClientError, KafkaConnection, parseBootstrap, type ConnectionOptions, type HostPort } from './connection.js';

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  partitions: PartitionInfo[];
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  topics: TopicInfo[];
}

export class Cluster {
  readonly options: ConnectionOptions;
  readonly #bootstrap: HostPort[];
  #main: KafkaConnection | null = null;
  readonly #nodes = new Map<number, Promise<KafkaConnection>>();
  #brokers = new Map<number, HostPort>();

  constructor(bootstrap: string | HostPort[], options: ConnectionOptions = {}) {
    this.#bootstrap = typeof bootstrap === 'string' ? parseBootstrap(bootstrap) : bootstrap;
    this.options = options;
  }

  /** Connects to the first reachable bootstrap server. */
  async connection(): Promise<KafkaConnection> {
    if (this.#main && !this.#main.closed) return this.#main;
    let last: unknown;
    for (const at of this.#bootstrap) {
      try {
        this.#main = await KafkaConnection.connect(at, this.options);
        return this.#main;
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new KafkaClientError('NETWORK_EXCEPTION', 'no bootstrap server reachable');
  }

  /**
   * Metadata for the given topics (all topics when undefined). Auto-creation is off unless asked:
   * the tools create topics explicitly, as Kafka's do.
   */
  async metadata(topics?: readonly string[], allowAutoTopicCreation = false): Promise<ClusterMetadata> {
    const c = await this.connection();
    const v = c.version(ApiKey.Metadata, 1, 12);
    const body: MetadataResponse = await c.request(ApiKey.Metadata, v, {
      topics: topics === undefined ? null : topics.map((name) => ({ name, topicId: ZERO_UUID })),
      allowAutoTopicCreation: v >= 4 ? allowAutoTopicCreation : undefined,
    });
    this.#brokers = new Map(body.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    return {
      clusterId: body.clusterId,
      controllerId: body.controllerId,
      brokers: body.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      topics: body.topics.map((t) => ({
        name: t.name ?? '',
        topicId: t.topicId,
        isInternal: t.isInternal,
        errorCode: t.errorCode,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offline: p.offlineReplicas,
            errorCode: p.errorCode,
          }))
          .sort((a, b) => a.partition - b.partition),
      })),
    };
  }

  /** One topic's metadata; throws its error (UNKNOWN_TOPIC_OR_PARTITION…). */
  async topic(name: string, allowAutoTopicCreation = false): Promise<TopicInfo> {
    const md = await this.metadata([name], allowAutoTopicCreation);
    const t = md.topics.find((x) => x.name === name);
    if (!t) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${name} not in the metadata response`);
    check(t.errorCode, `topic ${name}`);
    return t;
  }

  /** The connection to a broker node (the bootstrap connection when it is that node). */
  node(nodeId: number): Promise<KafkaConnection> {
    const existing = this.#nodes.get(nodeId);
    if (existing) return existing;
    const at = this.#brokers.get(nodeId);
    if (!at) return Promise.reject(new KafkaClientError('BROKER_NOT_AVAILABLE', `node ${nodeId} is not in the metadata`));
    const p = (async () => {
      const main = await this.connection();
      if (main.host === at.host && main.port === at.port) return main;
      return KafkaConnection.connect(at, this.options);
    })();
    this.#nodes.set(nodeId, p);
    p.catch(() => this.#nodes.delete(nodeId));
    return p;
  }

  /** A new, separate connection to a node (for pipelines that should not share a socket). */
  async dedicated(nodeId: number): Promise<KafkaConnection> {
    const at = this.#brokers.get(nodeId);
    if (!at) throw new KafkaClientError('BROKER_NOT_AVAILABLE', `node ${nodeId} is not in the metadata`);
    return KafkaConnection.connect(at, this.options);
  }

  async close(): Promise<void> {
    const conns = new Set<KafkaConnection>();
    if (this.#main) conns.add(this.#main);
    for (const p of this.#nodes.values()) {
      try {
        conns.add(await p);
      } catch {
        // never connected
      }
    }
    for (const c of conns) c.close();
    this.#nodes.clear();
    this.#main = null;
  }
}
