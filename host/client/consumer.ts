// Fetch for the tools: a set of assigned partitions with positions, fetched from their leaders
// (sessionless full fetches, long polling), decoded by the WASM core (records.ts). Offsets are the
// caller's: no group, no commits (see group-admin.ts for groups).
import { loadCore } from '../core/wasm.js';
import type { Core } from '../core/types.js';
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import { OffsetSpec } from './admin.js';
import type { Cluster, TopicInfo } from './cluster.js';
import { check, KafkaClientError } from './connection.js';
import { decodeFetched, scanBatches, type ConsumedRecord, type ScannedBatches } from './records.js';

export interface ConsumerOptions {
  maxWaitMs?: number;
  minBytes?: number;
  /** fetch.max.bytes. Default 50 MiB, as Kafka. */
  maxBytes?: number;
  /** max.partition.fetch.bytes. Default 1 MiB, as Kafka. */
  partitionMaxBytes?: number;
  /** 0 read_uncommitted, 1 read_committed. */
  isolationLevel?: 0 | 1;
  /** Where to start when a position is out of range: 'earliest' or 'latest' (default). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  core?: Core;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  /** The position the fetch started at. */
  fetchOffset: bigint;
  highWatermark: bigint;
  /** The whole record batches returned (views into the response). */
  records: Uint8Array;
  /** What the core found in them (batches, record counts), null when nothing came back. */
  scan: ScannedBatches | null;
}

export interface Position {
  topic: string;
  partition: number;
  offset: bigint;
}

export class Consumer {
  readonly cluster: Cluster;
  readonly core: Core;
  readonly #opts: Required<Omit<ConsumerOptions, 'core'>>;
  readonly #positions = new Map<string, Position>();
  readonly #topics = new Map<string, TopicInfo>();

  constructor(cluster: Cluster, opts: ConsumerOptions = {}) {
    this.cluster = cluster;
    this.core = opts.core ?? loadCore();
    this.#opts = {
      maxWaitMs: opts.maxWaitMs ?? 500,
      minBytes: opts.minBytes ?? 1,
      maxBytes: opts.maxBytes ?? 50 * 1024 * 1024,
      partitionMaxBytes: opts.partitionMaxBytes ?? 1024 * 1024,
      isolationLevel: opts.isolationLevel ?? 0,
      autoOffsetReset: opts.autoOffsetReset ?? 'latest',
    };
  }

  async topic(name: string): Promise<TopicInfo> {
    let t = this.#topics.get(name);
    if (!t) {
      t = await this.cluster.topic(name);
      this.#topics.set(name, t);
    }
    return t;
  }

  /**
   * Assigns partitions of a topic (all when `partitions` is undefined) starting at `offset`: a
   * number, or 'earliest' / 'latest' (resolved with ListOffsets).
   */
  async assign(topic: string, start: bigint | 'earliest' | 'latest', partitions?: readonly number[]): Promise<Position[]> {
    const t = await this.topic(topic);
    const ps = partitions ?? t.partitions.map((p) => p.partition);
    for (const p of ps) {
      if (!t.partitions.some((x) => x.partition === p)) throw new KafkaClientError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${p} does not exist`);
    }
    const resolved = typeof start === 'bigint' ? new Map(ps.map((p) => [p, start])) : await this.#listOffsets(topic, ps, start);
    const out: Position[] = [];
    for (const p of ps) {
      const pos = { topic, partition: p, offset: resolved.get(p)! };
      this.#positions.set(`${topic}\u0000${p}`, pos);
      out.push({ ...pos });
    }
    return out;
  }

  positions(): Position[] {
    return [...this.#positions.values()].map((p) => ({ ...p }));
  }

  /** One Fetch round over every assigned partition; advances positions past what came back. */
  async fetch(): Promise<FetchedPartition[]> {
    const byLeader = new Map<number, Position[]>();
    for (const pos of this.#positions.values()) {
      const t = await this.topic(pos.topic);
      const leader = t.partitions.find((x) => x.partition === pos.partition)!.leader;
      const list = byLeader.get(leader) ?? [];
      list.push(pos);
      byLeader.set(leader, list);
    }
    const rounds = await Promise.all([...byLeader].map(([leader, list]) => this.#fetchFrom(leader, list)));
    return rounds.flat();
  }

  /** Fetches and decodes records (control batches skipped), advancing positions. */
  async poll(): Promise<Array<ConsumedRecord & { topic: string; partition: number }>> {
    const out: Array<ConsumedRecord & { topic: string; partition: number }> = [];
    for (const f of await this.fetch()) {
      const { records } = await decodeFetched(this.core, f.records, f.fetchOffset);
      for (const r of records) out.push({ ...r, topic: f.topic, partition: f.partition });
    }
    return out;
  }

  async #fetchFrom(leader: number, list: Position[]): Promise<FetchedPartition[]> {
    const conn = await this.cluster.node(leader);
    const v = conn.version(ApiKey.Fetch, 4, 12);
    const byTopic = new Map<string, Position[]>();
    for (const p of list) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const res = await conn.request(ApiKey.Fetch, v, {
      replicaId: -1,
      maxWaitMs: this.#opts.maxWaitMs,
      minBytes: this.#opts.minBytes,
      maxBytes: this.#opts.maxBytes,
      isolationLevel: this.#opts.isolationLevel,
      sessionId: 0,
      sessionEpoch: v >= 7 ? -1 : undefined,
      topics: [...byTopic].map(([topic, ps]) => ({
        topic,
        partitions: ps.map((p) => ({
          partition: p.partition,
          fetchOffset: p.offset,
          partitionMaxBytes: this.#opts.partitionMaxBytes,
          currentLeaderEpoch: -1,
          logStartOffset: -1n,
        })),
      })),
    });
    check(res.errorCode, 'Fetch');
    const out: FetchedPartition[] = [];
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const pos = this.#positions.get(`${t.topic}\u0000${p.partitionIndex}`);
        if (!pos) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && this.#opts.autoOffsetReset !== 'none') {
          const reset = await this.#listOffsets(t.topic, [p.partitionIndex], this.#opts.autoOffsetReset);
          pos.offset = reset.get(p.partitionIndex)!;
          continue;
        }
        check(p.errorCode, `Fetch ${t.topic}-${p.partitionIndex}`);
        const records = p.records ?? new Uint8Array(0);
        const fetchOffset = pos.offset;
        if (records.length > 0) {
          const scan = scanBatches(this.core, records);
          if (scan.nextOffset !== null && scan.nextOffset > pos.offset) pos.offset = scan.nextOffset;
          out.push({ topic: t.topic, partition: p.partitionIndex, fetchOffset, highWatermark: p.highWatermark, records: records.subarray(0, scan.bytes), scan });
        } else {
          out.push({ topic: t.topic, partition: p.partitionIndex, fetchOffset, highWatermark: p.highWatermark, records, scan: null });
        }
      }
    }
    return out;
  }

  async #listOffsets(topic: string, partitions: readonly number[], spec: 'earliest' | 'latest'): Promise<Map<number, bigint>> {
    const t = await this.topic(topic);
    const out = new Map<number, bigint>();
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = t.partitions.find((x) => x.partition === p)!.leader;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    for (const [leader, ps] of byLeader) {
      const conn = await this.cluster.node(leader);
      const v = conn.version(ApiKey.ListOffsets, 1, 10);
      const res = await conn.request(ApiKey.ListOffsets, v, {
        replicaId: -1,
        isolationLevel: v >= 2 ? this.#opts.isolationLevel : undefined,
        topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, timestamp: spec === 'earliest' ? OffsetSpec.EARLIEST : OffsetSpec.LATEST, currentLeaderEpoch: -1 })) }],
      });
      for (const rt of res.topics) {
        for (const rp of rt.partitions) {
          check(rp.errorCode, `ListOffsets ${topic}-${rp.partitionIndex}`);
          out.set(rp.partitionIndex, rp.offset);
        }
      }
    }
    return out;
  }
}
