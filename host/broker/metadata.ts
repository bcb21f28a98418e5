// Cluster metadata of a single-node cluster: cluster id, brokers, topics (ids, partitions,
// leader epochs, config overrides). Changes are synchronous in memory and then persisted.
//
// On disk (first log dir):
//   meta.properties         Kafka's format: version=1, cluster.id, node.id (a text file)
//   __kwasm_metadata.json   {"version":1,"topics":[{"name","id"(base64url),"partitions":[{"leaderEpoch"}],
//                           "configs":{k:v},"internal"}],"brokerConfigs":{k:v},"nodeConfigs":{k:v}}
//                           (brokerConfigs: cluster-wide dynamic defaults; nodeConfigs: this node's own)
//                           written to a temp file, fsynced, then renamed over the old one.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { uuidFromBytes, ZERO_UUID } from '../protocol/uuid.js';

export { ZERO_UUID };

export interface PartitionMeta {
  index: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface TopicMeta {
  name: string;
  /** Kafka's text form of the topic id (22 characters of base64url). */
  id: string;
  partitions: PartitionMeta[];
  configs: Map<string, string>;
  internal: boolean;
}

export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export type TopicNameError = 'INVALID_TOPIC_EXCEPTION';

const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME = 249;

export function checkTopicName(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return 'topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME) return `topic name is longer than ${MAX_TOPIC_NAME} characters`;
  if (!LEGAL.test(name)) return 'topic name may only contain ASCII alphanumerics, ".", "_" and "-"';
  return null;
}


export class ClusterMetadata {
  readonly clusterId: string;
  readonly nodeId: number;
  readonly brokers: BrokerEndpoint[];
  readonly topics = new Map<string, TopicMeta>();
  readonly #byId = new Map<string, TopicMeta>();
  readonly #dir: string | null;
  /** Dynamic broker configs set for the cluster default (AlterConfigs on broker ""). */
  brokerConfigs = new Map<string, string>();
  /** Dynamic broker configs set for this node id; they win over the cluster default. */
  nodeConfigs = new Map<string, string>();
  /** Producer ids are handed out from blocks; the block's end is persisted before use. */
  #nextProducerId = 0n;
  #producerIdBlockEnd = 0n;

  private constructor(dir: string | null, clusterId: string, nodeId: number, brokers: BrokerEndpoint[]) {
    this.#dir = dir;
    this.clusterId = clusterId;
    this.nodeId = nodeId;
    this.brokers = brokers;
  }

  /** In-memory metadata (memory storage, tests). */
  static memory(nodeId: number, brokers: BrokerEndpoint[], clusterId = newClusterId()): ClusterMetadata {
    return new ClusterMetadata(null, clusterId, nodeId, brokers);
  }

  /** Loads (or initialises) the metadata kept in `dir`. */
  static open(dir: string, nodeId: number, brokers: BrokerEndpoint[], clusterIdHint?: string | null): ClusterMetadata {
    fs.mkdirSync(dir, { recursive: true });
    const metaPath = path.join(dir, 'meta.properties');
    let clusterId = clusterIdHint ?? null;
    if (fs.existsSync(metaPath)) {
      const text = fs.readFileSync(metaPath, 'utf8');
      const m = /^cluster\.id=(.*)$/m.exec(text);
      const n = /^node\.id=(.*)$/m.exec(text);
      if (n && Number(n[1]) !== nodeId) {
        throw Object.assign(new Error(`log dir ${dir} belongs to node.id ${n[1]}, not ${nodeId}`), { code: 'INCONSISTENT_NODE_ID' });
      }
      if (m) clusterId = m[1]!.trim();
    }
    clusterId ??= newClusterId();
    if (!fs.existsSync(metaPath)) {
      writeAtomic(metaPath, `#\n#kwasm meta.properties\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
    }
    const md = new ClusterMetadata(dir, clusterId, nodeId, brokers);
    const file = path.join(dir, '__kwasm_metadata.json');
    if (fs.existsSync(file)) {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedDoc;
      for (const t of doc.topics) {
        md.#add({
          name: t.name,
          id: t.id,
          internal: t.internal,
          configs: new Map(Object.entries(t.configs)),
          partitions: t.partitions.map((p, index) => ({
            index,
            leader: nodeId,
            leaderEpoch: p.leaderEpoch,
            replicas: [nodeId],
            isr: [nodeId],
          })),
        });
      }
      md.brokerConfigs = new Map(Object.entries(doc.brokerConfigs ?? {}));
      md.nodeConfigs = new Map(Object.entries(doc.nodeConfigs ?? {}));
      md.#nextProducerId = BigInt(doc.producerIdBlockEnd ?? '0');
      md.#producerIdBlockEnd = md.#nextProducerId;
    }
    return md;
  }

  /** A producer id never handed out before, not even before a restart. */
  allocateProducerId(): bigint {
    if (this.#nextProducerId >= this.#producerIdBlockEnd) {
      this.#producerIdBlockEnd = this.#nextProducerId + 1000n;
      this.persist();
    }
    return this.#nextProducerId++;
  }

  topicById(id: string): TopicMeta | undefined {
    return this.#byId.get(id);
  }

  createTopic(name: string, partitions: number, configs: Map<string, string>, internal = false): TopicMeta {
    const t: TopicMeta = {
      name,
      id: newTopicId(),
      internal,
      configs,
      partitions: Array.from({ length: partitions }, (_, index) => this.#newPartition(index)),
    };
    this.#add(t);
    this.persist();
    return t;
  }

  deleteTopic(name: string): TopicMeta | undefined {
    const t = this.topics.get(name);
    if (!t) return undefined;
    this.topics.delete(name);
    this.#byId.delete(t.id);
    this.persist();
    return t;
  }

  addPartitions(name: string, total: number): void {
    const t = this.topics.get(name)!;
    for (let i = t.partitions.length; i < total; i++) t.partitions.push(this.#newPartition(i));
    this.persist();
  }

  persist(): void {
    if (this.#dir === null) return;
    const doc: PersistedDoc = {
      version: 1,
      topics: [...this.topics.values()].map((t) => ({
        name: t.name,
        id: t.id,
        internal: t.internal,
        configs: Object.fromEntries(t.configs),
        partitions: t.partitions.map((p) => ({ leaderEpoch: p.leaderEpoch })),
      })),
      brokerConfigs: Object.fromEntries(this.brokerConfigs),
      nodeConfigs: Object.fromEntries(this.nodeConfigs),
      producerIdBlockEnd: String(this.#producerIdBlockEnd),
    };
    writeAtomic(path.join(this.#dir, '__kwasm_metadata.json'), JSON.stringify(doc));
  }

  #newPartition(index: number): PartitionMeta {
    return { index, leader: this.nodeId, leaderEpoch: 0, replicas: [this.nodeId], isr: [this.nodeId] };
  }

  #add(t: TopicMeta): void {
    this.topics.set(t.name, t);
    this.#byId.set(t.id, t);
  }
}

interface PersistedDoc {
  version: 1;
  topics: Array<{
    name: string;
    id: string;
    internal: boolean;
    configs: Record<string, string>;
    partitions: Array<{ leaderEpoch: number }>;
  }>;
  brokerConfigs?: Record<string, string>;
  nodeConfigs?: Record<string, string>;
  producerIdBlockEnd?: string;
}

function newTopicId(): string {
  // Kafka reserves the all-zero id and the id with only the lowest bit set (the metadata topic).
  for (;;) {
    const id = uuidFromBytes(randomBytes(16));
    if (id !== ZERO_UUID && id !== 'AAAAAAAAAAAAAAAAAAAAAQ' && !id.startsWith('-')) return id;
  }
}

function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(path.dirname(file), 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
  } catch {
    // Directory fsync is not supported everywhere; the rename is still atomic.
  }
}
