// Transactional offsets over the group coordinator's public surface (participant.ts): the
// TxnOffsetCommit side of exactly-once consume-transform-produce.
//
//   TxnOffsetCommit  the member is checked as Kafka's validateOffsetCommit does for transactional
//                    commits, then the offsets are written to the group's __consumer_offsets
//                    partition as ONE transactional batch (the producer's id and epoch, no
//                    sequence): the partition's producer state holds the transaction open, and
//                    the offsets stay pending for that producer (OffsetFetch with requireStable
//                    answers UNSTABLE_OFFSET_COMMIT for them).
//   marker written   COMMIT: the pending offsets become the group's committed offsets (through the
//                    coordinator's replay path, no new record: the marker commits the records
//                    already in the log); ABORT: they are dropped.
//   broker start     GroupService hands every transactional batch of __consumer_offsets to
//                    `replayBatch` in log order while it replays: offset records wait for their
//                    marker (applied at the marker's position, so later plain commits still win),
//                    and whatever is still open at the end stays pending for its marker.
import { Attr, ControlType, type BatchDescriptor, type Core } from '../../core/types.js';
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { TxnOffsetCommitRequest } from '../../protocol/generated/TxnOffsetCommitRequest.js';
import type { TxnOffsetCommitResponse } from '../../protocol/generated/TxnOffsetCommitResponse.js';
import type { Init } from '../../protocol/types.js';
import type { TopicManager } from '../../broker/topics.js';
import { kafkaErrorCode } from '../../broker/errors.js';
import { ClassicGroup, ConsumerGroup, tpKey, type Group } from '../group/groups.js';
import { OFFSETS_TOPIC, decodeGroupRecord, encodeGroupRecord, type GroupRecord } from '../group/records.js';
import type { GroupService } from '../group/runtime.js';
import type { TxnOffsetClient, TxnOffsetParticipant } from './participant.js';

type OffsetRecord = Extract<GroupRecord, { kind: 'offset' }>;

interface Pending {
  producerId: bigint;
  /** __consumer_offsets partition. */
  partition: number;
  records: OffsetRecord[];
}

const encoder = new TextEncoder();

export class GroupTxnOffsets implements TxnOffsetParticipant {
  /** Open transactional offset commits by producer id (one producer: one transaction at a time). */
  readonly #pending = new Map<bigint, Pending[]>();

  constructor(
    private readonly groups: GroupService,
    private readonly deps: { core: Core; topics: TopicManager; now: () => number },
  ) {}

  partitionFor(groupId: string): number {
    return this.groups.partitionFor(groupId);
  }

  /** Offsets waiting for their transaction's marker (views, tests). */
  pendingFor(producerId: bigint): ReadonlyArray<Readonly<OffsetRecord>> {
    return (this.#pending.get(producerId) ?? []).flatMap((p) => p.records);
  }

  async commitTransactionalOffsets(req: TxnOffsetCommitRequest, client: TxnOffsetClient): Promise<Init<TxnOffsetCommitResponse>> {
    const v = client.apiVersion;
    const results = new Map<string, number>();
    const respond = (fallback: number | null) => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const code = results.get(tpKey(t.name, p.partitionIndex)) ?? ErrorCode.NONE;
          return { partitionIndex: p.partitionIndex, errorCode: code === ErrorCode.NONE && fallback !== null ? fallback : code };
        }),
      })),
    });
    const group = this.groups.coordinator.group(req.groupId) as Group | undefined;
    const err = group ? validate(group, v >= 3 ? req.generationId : -1, v >= 3 ? req.memberId : '', v >= 3 ? req.groupInstanceId : null) : ErrorCode.NONE;
    if (err !== ErrorCode.NONE) return respond(err);

    const now = BigInt(this.deps.now());
    const maxMetadata = this.groups.coordinator.config.offsetMetadataMaxBytes;
    const records: OffsetRecord[] = [];
    for (const t of req.topics) {
      const meta = this.deps.topics.get(t.name);
      for (const p of t.partitions) {
        const k = tpKey(t.name, p.partitionIndex);
        if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions.length) results.set(k, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else if (p.committedMetadata !== null && encoder.encode(p.committedMetadata).length > maxMetadata) results.set(k, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        else {
          records.push({
            kind: 'offset',
            groupId: req.groupId,
            topic: t.name,
            partition: p.partitionIndex,
            value: { offset: p.committedOffset, leaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: -1n },
          });
        }
      }
    }
    if (records.length === 0) return respond(null);
    if (!group) {
      // As Kafka, a transactional commit to an unknown group creates it (empty, in memory only): its
      // pending offsets must answer requireStable fetches.
      this.groups.coordinator.replay({ kind: 'group', groupId: req.groupId, value: { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: now, members: [] } }, Number(now));
    }
    const partition = this.partitionFor(req.groupId);
    try {
      await this.groups.ensureOffsetsTopic();
      const log = this.deps.topics.partition(OFFSETS_TOPIC, partition);
      if (!log) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      const ts = Number(now);
      const batch = this.deps.core.encodeBatch(
        records.map((r) => ({ ...encodeGroupRecord(r), timestamp: ts })),
        { transactional: true, producerId: req.producerId, producerEpoch: req.producerEpoch, baseSequence: -1, baseTimestamp: ts, maxTimestamp: ts },
      );
      await log.append(batch, { origin: 'coordinator' });
    } catch (e) {
      const code = kafkaErrorCode(e);
      return respond(code === ErrorCode.INVALID_PRODUCER_EPOCH ? code : ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    this.#hold({ producerId: req.producerId, partition, records });
    return respond(null);
  }

  #hold(p: Pending): void {
    let list = this.#pending.get(p.producerId);
    if (!list) this.#pending.set(p.producerId, (list = []));
    list.push(p);
    for (const r of p.records) {
      const g = this.groups.coordinator.group(r.groupId);
      if (!g) continue;
      const k = tpKey(r.topic, r.partition);
      g.pendingOffsets.set(k, (g.pendingOffsets.get(k) ?? 0) + 1);
    }
  }

  completeTransaction(partition: number, producerId: bigint, _producerEpoch: number, commit: boolean): void {
    const list = this.#pending.get(producerId);
    if (!list) return;
    const done = list.filter((p) => p.partition === partition);
    const rest = list.filter((p) => p.partition !== partition);
    if (rest.length > 0) this.#pending.set(producerId, rest);
    else this.#pending.delete(producerId);
    const now = this.deps.now();
    for (const p of done) {
      for (const r of p.records) {
        const g = this.groups.coordinator.group(r.groupId);
        if (g) {
          const k = tpKey(r.topic, r.partition);
          const n = (g.pendingOffsets.get(k) ?? 1) - 1;
          if (n <= 0) g.pendingOffsets.delete(k);
          else g.pendingOffsets.set(k, n);
        }
        if (commit) this.groups.coordinator.replay(r, now);
      }
    }
  }

  /**
   * GroupService's replay hands over each transactional batch of __consumer_offsets in log order:
   * offset records are held for their producer, its COMMIT marker applies them, ABORT drops them.
   */
  replayBatch(partition: number, d: BatchDescriptor, batch: Uint8Array): void {
    const { core } = this.deps;
    if ((d.attributes & Attr.CONTROL) !== 0) {
      const type = core.readControl(batch).type;
      if (type !== ControlType.COMMIT && type !== ControlType.ABORT) return;
      const list = this.#pending.get(d.producerId);
      if (!list) return;
      const done = list.filter((p) => p.partition === partition);
      const rest = list.filter((p) => p.partition !== partition);
      if (rest.length > 0) this.#pending.set(d.producerId, rest);
      else this.#pending.delete(d.producerId);
      if (type === ControlType.COMMIT) for (const p of done) for (const r of p.records) this.groups.coordinator.replay(r, this.deps.now());
      return;
    }
    if ((d.attributes & Attr.COMPRESSION_MASK) !== 0) throw new Error(`${OFFSETS_TOPIC}-${partition}: compressed transactional batch at offset ${d.baseOffset}`);
    const records: OffsetRecord[] = [];
    for (const r of core.decodeRecords(batch)) {
      if (!r.key) continue;
      const rec = decodeGroupRecord(r.key, r.value);
      if (rec?.kind === 'offset') records.push(rec);
    }
    if (records.length === 0) return;
    let list = this.#pending.get(d.producerId);
    if (!list) this.#pending.set(d.producerId, (list = []));
    list.push({ producerId: d.producerId, partition, records });
  }

  /** After replay: offsets of transactions still open count as pending in their groups. */
  loaded(): void {
    for (const list of this.#pending.values()) {
      for (const p of list) {
        for (const r of p.records) {
          const g = this.groups.coordinator.group(r.groupId);
          if (!g) continue;
          const k = tpKey(r.topic, r.partition);
          g.pendingOffsets.set(k, (g.pendingOffsets.get(k) ?? 0) + 1);
        }
      }
    }
  }
}

/** Kafka's validateOffsetCommit for a transactional commit. */
function validate(g: Group, generationId: number, memberId: string, groupInstanceId: string | null): number {
  if (g instanceof ClassicGroup) {
    if (g.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && memberId === '' && groupInstanceId === null) return ErrorCode.NONE;
    if (groupInstanceId !== null) {
      const existing = g.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!g.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }
  if (g instanceof ConsumerGroup) {
    if (generationId < 0 && memberId === '') return ErrorCode.NONE;
    const m = g.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== m.memberEpoch) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }
  return ErrorCode.NONE;
}
