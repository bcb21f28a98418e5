// The group coordinator in a running broker: owns the __consumer_offsets topic (created on first
// use, compacted, internal), appends each operation's records there as v2 batches built by the
// WASM core before answering, arms one real timer for the coordinator's next deadline, expires
// offsets every offsets.retention.check.interval.ms, and rebuilds the coordinator at start by
// replaying every partition of __consumer_offsets.
import type { BrokerConfig } from '../../config/config.js';
import { Attr, type BatchDescriptor, type Core } from '../../core/types.js';
import type { Codecs } from '../../broker/convert.js';
import type { TopicManager } from '../../broker/topics.js';
import type { Logger } from '../../observability/log.js';
import { GroupCoordinator, type CoordinatorConfig, type CoordinatorResult } from './coordinator.js';
import { partitionForGroup } from './hash.js';
import { OFFSETS_TOPIC, decodeGroupRecord, encodeGroupRecord, type GroupRecord } from './records.js';

export interface GroupServiceDeps {
  config: BrokerConfig;
  topics: TopicManager;
  core: Core;
  codecs: Codecs;
  log: Logger;
  now: () => number;
}

export function coordinatorConfig(config: BrokerConfig): CoordinatorConfig {
  return {
    initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
    maxGroupSize: config.int('group.max.size'),
    offsetsRetentionMs: config.int('offsets.retention.minutes') * 60_000,
    offsetMetadataMaxBytes: config.int('offset.metadata.max.bytes'),
    consumerHeartbeatIntervalMs: config.int('group.consumer.heartbeat.interval.ms'),
    consumerSessionTimeoutMs: config.int('group.consumer.session.timeout.ms'),
    consumerMaxSize: config.int('group.consumer.max.size'),
    consumerAssignors: config.list('group.consumer.assignors'),
  };
}

export class GroupService {
  readonly coordinator: GroupCoordinator;
  /**
   * Transactional batches of __consumer_offsets (TxnOffsetCommit records and their markers), handed
   * over in log order during replay: their offsets count only once committed (coordinator/txn).
   */
  transactionalBatches: ((partition: number, batch: BatchDescriptor, bytes: Uint8Array) => void) | null = null;
  readonly #d: GroupServiceDeps;
  readonly #numPartitions: number;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;
  #expiry: NodeJS.Timeout | null = null;
  #closed = false;
  /** Appends in flight, so close() can wait for them. */
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(deps: GroupServiceDeps) {
    this.#d = deps;
    this.#numPartitions = deps.config.int('offsets.topic.num.partitions');
    const topics = deps.topics;
    this.coordinator = new GroupCoordinator({
      config: coordinatorConfig(deps.config),
      topics: {
        partitions: (t) => topics.get(t)?.partitions.length,
        topicId: (t) => topics.get(t)?.id,
        topicName: (id) => topics.byId(id)?.name,
      },
      listTopics: () => [...topics.all()].filter((t) => !t.internal).map((t) => t.name),
    });
  }

  /** __consumer_offsets partition of a group (Kafka's hash). */
  partitionFor(groupId: string): number {
    const t = this.#d.topics.get(OFFSETS_TOPIC);
    return partitionForGroup(groupId, t ? t.partitions.length : this.#numPartitions);
  }

  /** Replays __consumer_offsets (if it exists) and starts the expiry timer. */
  async load(): Promise<{ records: number; groups: number; durationMs: number }> {
    const t0 = Date.now();
    let records = 0;
    const now = this.#d.now();
    const meta = this.#d.topics.get(OFFSETS_TOPIC);
    if (meta) {
      for (const p of meta.partitions) {
        const log = this.#d.topics.partition(OFFSETS_TOPIC, p.index);
        if (!log) continue;
        let offset = log.logStartOffset;
        while (offset < log.logEndOffset) {
          const res = await log.read(offset, { maxBytes: 1 << 20 });
          if (res.records.length === 0 || res.nextOffset <= offset) break;
          for (const chunk of res.records) records += await this.#replayChunk(chunk, offset, now, p.index);
          offset = res.nextOffset;
        }
      }
    }
    this.coordinator.loaded(now);
    this.#arm();
    const every = this.#d.config.long('offsets.retention.check.interval.ms');
    this.#expiry = setInterval(() => {
      this.execute(this.coordinator.expireOffsets(this.#d.now())).then(
        (n) => n > 0 && this.#d.log.info({ expired: n }, 'expired committed offsets'),
        (err) => this.#d.log.error({ err }, 'offset expiry failed'),
      );
    }, Math.min(every, 2 ** 31 - 1));
    this.#expiry.unref();
    const stats = { records, groups: this.coordinator.groupIds().length, durationMs: Date.now() - t0 };
    if (meta) this.#d.log.info(stats, 'loaded consumer groups from __consumer_offsets');
    return stats;
  }

  async #replayChunk(chunk: Uint8Array, from: bigint, now: number, partition: number): Promise<number> {
    const { core, codecs } = this.#d;
    const scan = core.validateBatches(chunk);
    let n = 0;
    for (const b of scan.batches) {
      const batch = chunk.subarray(b.position, b.position + b.size);
      if ((b.attributes & Attr.TRANSACTIONAL) !== 0 && this.transactionalBatches) {
        if (b.baseOffset >= from) this.transactionalBatches(partition, b, batch);
        continue;
      }
      if ((b.attributes & Attr.CONTROL) !== 0) continue;
      const codec = b.attributes & Attr.COMPRESSION_MASK;
      // Kafka may compress this topic (offsets.topic.compression.codec); the records section
      // starts after the 61-byte batch header.
      const recs =
        codec === 0
          ? core.decodeRecords(batch)
          : core.decodeRecordsSection(await codecs.decompress(codec, batch.subarray(61)), b.recordCount, b.lastOffsetDelta);
      for (const r of recs) {
        if (b.baseOffset + BigInt(r.offsetDelta) < from || !r.key) continue;
        const rec = decodeGroupRecord(r.key, r.value);
        if (rec) {
          this.coordinator.replay(rec, now);
          n++;
        }
      }
    }
    return n;
  }

  /** Creates __consumer_offsets on first use, as Kafka does (compacted, internal). */
  ensureOffsetsTopic(): Promise<void> {
    const { topics, config } = this.#d;
    return topics.ensureInternal(
      OFFSETS_TOPIC,
      this.#numPartitions,
      Math.min(config.int('offsets.topic.replication.factor'), 1),
      new Map([
        ['cleanup.policy', 'compact'],
        ['compression.type', 'producer'],
        ['segment.bytes', String(config.int('offsets.topic.segment.bytes'))],
      ]),
    );
  }

  /** Writes an operation's records, then lets it answer; re-arms the timer. */
  async execute<R>(result: CoordinatorResult<R>): Promise<R> {
    if (result.records.length > 0) {
      const p = this.#append(result.records);
      this.#inflight.add(p);
      try {
        await p;
        result.appended();
      } catch (err) {
        this.#d.log.error({ err }, 'writing to __consumer_offsets failed');
        result.appended(err);
      } finally {
        this.#inflight.delete(p);
      }
    } else {
      result.appended();
    }
    this.#arm();
    return result.response;
  }

  async #append(records: readonly GroupRecord[]): Promise<void> {
    await this.ensureOffsetsTopic();
    const byPartition = new Map<number, GroupRecord[]>();
    for (const r of records) {
      const p = this.partitionFor(r.groupId);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(r);
    }
    const now = this.#d.now();
    const writes: Array<Promise<unknown>> = [];
    for (const [p, list] of byPartition) {
      const log = this.#d.topics.partition(OFFSETS_TOPIC, p);
      if (!log) throw Object.assign(new Error(`${OFFSETS_TOPIC}-${p} is not available`), { code: 'COORDINATOR_NOT_AVAILABLE' });
      const batch = this.#d.core.encodeBatch(
        list.map((r) => ({ ...encodeGroupRecord(r), timestamp: now })),
        { baseTimestamp: now, maxTimestamp: now },
      );
      writes.push(log.append(batch, { origin: 'coordinator' }));
    }
    await Promise.all(writes);
  }

  /** Keeps one real timer armed for the coordinator's earliest deadline. */
  #arm(): void {
    if (this.#closed) return;
    const next = this.coordinator.nextDeadline();
    if (next === undefined) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = Infinity;
      return;
    }
    if (this.#timer && this.#timerAt <= next) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.execute(this.coordinator.poll(this.#d.now())).catch((err) => this.#d.log.error({ err }, 'group coordinator timer failed'));
    }, Math.max(0, next - this.#d.now()));
    this.#timer.unref();
  }

  /** Committed offset and lag (high watermark − committed) of every group and partition. */
  *lag(): IterableIterator<{ group: string; topic: string; partition: number; committed: bigint; lag: bigint }> {
    for (const c of this.coordinator.committed()) {
      const log = this.#d.topics.partition(c.topic, c.partition);
      if (!log) continue;
      const hw = log.highWatermark;
      yield { group: c.groupId, topic: c.topic, partition: c.partition, committed: c.offset, lag: hw > c.offset ? hw - c.offset : 0n };
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#expiry) clearInterval(this.#expiry);
    await Promise.allSettled([...this.#inflight]);
  }
}
