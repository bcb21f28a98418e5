// Committed offsets: OffsetCommit (with Kafka's generation / member epoch checks), OffsetFetch
// (requireStable), OffsetDelete, and expiry after offsets.retention.minutes. A commit is applied
// when its records are written; until then its partitions count as pending (requireStable answers
// UNSTABLE_OFFSET_COMMIT for them).
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { OffsetCommitRequest } from '../../protocol/generated/OffsetCommitRequest.js';
import type { OffsetCommitResponse } from '../../protocol/generated/OffsetCommitResponse.js';
import type { OffsetDeleteRequest } from '../../protocol/generated/OffsetDeleteRequest.js';
import type { OffsetDeleteResponse } from '../../protocol/generated/OffsetDeleteResponse.js';
import { Deferred } from './deferred.js';
import { ClassicGroup, ConsumerGroup, splitTpKey, tpKey, type CommittedOffset, type Group } from './groups.js';
import type { GroupRecord } from './records.js';
import type { Client, Plain, Resp, Shard } from './shard.js';

type CommitResp = Resp<OffsetCommitResponse>;
type DeleteResp = Resp<OffsetDeleteResponse>;

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface FetchedGroup {
  errorCode: number;
  topics: Array<{ name: string; partitions: FetchedPartition[] }>;
}

const encoder = new TextEncoder();

export class OffsetManager {
  constructor(
    private readonly s: Shard,
    /** Removes a group that has nothing left (tombstones emitted by the caller). */
    private readonly dropGroup: (g: Group) => void,
    private readonly groupTombstones: (g: Group) => GroupRecord[],
  ) {}

  /** Applies an offset record (live after a write, or replayed from the log). */
  apply(g: Group, topic: string, partition: number, value: CommittedOffset | null): void {
    if (value === null) g.offsets.delete(tpKey(topic, partition));
    else g.offsets.set(tpKey(topic, partition), value);
  }

  commit(req: Plain<OffsetCommitRequest>, client: Client): CommitResp | Deferred<CommitResp> {
    const s = this.s;
    const v = client.apiVersion;
    const all = (code: number): CommitResp => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
    });
    if (!req.groupId) return all(ErrorCode.INVALID_GROUP_ID);
    const generation = v >= 1 ? req.generationIdOrMemberEpoch : -1;
    const memberId = v >= 1 ? req.memberId : '';
    let g = s.groups.get(req.groupId);
    if (!g) {
      if (generation >= 0) return all(v >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
      // A commit outside group management (admin tools, assign()): a "simple" group.
      g = new ClassicGroup(req.groupId, 'Empty', s.now);
      s.groups.set(req.groupId, g);
    }
    const err = g instanceof ClassicGroup ? validateClassicCommit(g, memberId, req.groupInstanceId, generation) : validateConsumerCommit(g, memberId, generation, v);
    if (err !== ErrorCode.NONE) return all(err);

    const now = BigInt(s.now);
    const expire = v >= 2 && v <= 4 && req.retentionTimeMs !== -1n ? now + req.retentionTimeMs : -1n;
    const results = new Map<string, number>();
    const written: Array<[string, number, CommittedOffset]> = [];
    for (const t of req.topics) {
      const count = s.topics.partitions(t.name);
      for (const p of t.partitions) {
        const k = tpKey(t.name, p.partitionIndex);
        if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) {
          results.set(k, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        } else if (p.committedMetadata !== null && encoder.encode(p.committedMetadata).length > s.config.offsetMetadataMaxBytes) {
          results.set(k, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        } else {
          const value: CommittedOffset = {
            offset: p.committedOffset,
            leaderEpoch: v >= 6 ? p.committedLeaderEpoch : -1,
            metadata: p.committedMetadata ?? '',
            commitTimestamp: now,
            expireTimestamp: expire,
          };
          written.push([t.name, p.partitionIndex, value]);
          results.set(k, ErrorCode.NONE);
        }
      }
    }
    const respond = (fallback: number | null): CommitResp => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const code = results.get(tpKey(t.name, p.partitionIndex))!;
          return { partitionIndex: p.partitionIndex, errorCode: code === ErrorCode.NONE && fallback !== null ? fallback : code };
        }),
      })),
    });
    if (written.length === 0) return respond(null);
    const group = g;
    for (const [topic, partition, value] of written) {
      s.emit({ kind: 'offset', groupId: group.groupId, topic, partition, value });
      const k = tpKey(topic, partition);
      group.pendingOffsets.set(k, (group.pendingOffsets.get(k) ?? 0) + 1);
    }
    const d = new Deferred<CommitResp>();
    s.after((error) => {
      for (const [topic, partition, value] of written) {
        const k = tpKey(topic, partition);
        const n = (group.pendingOffsets.get(k) ?? 1) - 1;
        if (n <= 0) group.pendingOffsets.delete(k);
        else group.pendingOffsets.set(k, n);
        if (!error) this.apply(group, topic, partition, value);
      }
      d.resolve(respond(error ? ErrorCode.COORDINATOR_NOT_AVAILABLE : null));
    });
    return d;
  }

  /**
   * OffsetFetch for one group. `topics` null: every committed partition. `member` (v9, consumer
   * groups): the member id and epoch to check.
   */
  fetch(
    groupId: string,
    topics: ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null,
    requireStable: boolean,
    member: { memberId: string | null; memberEpoch: number } | null,
  ): FetchedGroup {
    const g = this.s.groups.get(groupId);
    const none = (partitionIndex: number, errorCode: number = ErrorCode.NONE): FetchedPartition => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode });
    const fail = (errorCode: number): FetchedGroup => ({ errorCode, topics: [] });
    if (g instanceof ClassicGroup && g.is('Dead')) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    if (g instanceof ConsumerGroup && member && (member.memberId !== null || member.memberEpoch >= 0)) {
      const m = member.memberId === null ? undefined : g.members.get(member.memberId);
      if (!m) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      if (m.memberEpoch !== member.memberEpoch) return fail(ErrorCode.STALE_MEMBER_EPOCH);
    }
    const one = (topic: string, partition: number): FetchedPartition => {
      const k = tpKey(topic, partition);
      if (requireStable && g?.pendingOffsets.has(k)) return none(partition, ErrorCode.UNSTABLE_OFFSET_COMMIT);
      const o = g?.offsets.get(k);
      if (!o) return none(partition);
      return { partitionIndex: partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
    };
    if (topics !== null) {
      return { errorCode: ErrorCode.NONE, topics: topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => one(t.name, p)) })) };
    }
    const byTopic = new Map<string, FetchedPartition[]>();
    if (g) {
      const keys = new Set([...g.offsets.keys(), ...(requireStable ? g.pendingOffsets.keys() : [])]);
      for (const k of [...keys].sort()) {
        const [topic, partition] = splitTpKey(k);
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push(one(topic, partition));
      }
    }
    return { errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
  }

  deleteOffsets(req: Plain<OffsetDeleteRequest>): DeleteResp | Deferred<DeleteResp> {
    const s = this.s;
    const top = (errorCode: number): DeleteResp => ({ errorCode, topics: [] });
    if (!req.groupId) return top(ErrorCode.INVALID_GROUP_ID);
    const g = s.groups.get(req.groupId);
    if (!g || (g instanceof ClassicGroup && g.is('Dead'))) return top(ErrorCode.GROUP_ID_NOT_FOUND);
    if (g instanceof ClassicGroup && !g.is('Empty') && !g.usesConsumerProtocol()) return top(ErrorCode.NON_EMPTY_GROUP);
    const deleted: Array<[string, number]> = [];
    const topics = req.topics.map((t) => {
      const count = s.topics.partitions(t.name);
      return {
        name: t.name,
        partitions: t.partitions.map((p) => {
          let errorCode: number = ErrorCode.NONE;
          if (count === undefined || p.partitionIndex < 0 || p.partitionIndex >= count) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          else if (g.isSubscribedToTopic(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
          else if (g.offsets.has(tpKey(t.name, p.partitionIndex))) deleted.push([t.name, p.partitionIndex]);
          return { partitionIndex: p.partitionIndex, errorCode };
        }),
      };
    });
    if (deleted.length === 0) return { errorCode: ErrorCode.NONE, topics };
    for (const [topic, partition] of deleted) {
      s.emit({ kind: 'offset', groupId: g.groupId, topic, partition, value: null });
      this.apply(g, topic, partition, null);
    }
    const d = new Deferred<DeleteResp>();
    s.after((error) => d.resolve(error ? top(ErrorCode.COORDINATOR_NOT_AVAILABLE) : { errorCode: ErrorCode.NONE, topics }));
    return d;
  }

  /** Tombstones for expired offsets; groups left empty with no offsets are deleted. */
  expire(): number {
    const s = this.s;
    const now = BigInt(s.now);
    const retention = BigInt(s.config.offsetsRetentionMs);
    let expired = 0;
    for (const g of [...s.groups.values()]) {
      const base = expiryBase(g);
      if (base === null) continue;
      for (const [k, o] of [...g.offsets]) {
        const [topic, partition] = splitTpKey(k);
        if (g.pendingOffsets.has(k) || g.isSubscribedToTopic(topic)) continue;
        const isExpired = o.expireTimestamp !== -1n ? now >= o.expireTimestamp : now - base(o) >= retention;
        if (!isExpired) continue;
        s.emit({ kind: 'offset', groupId: g.groupId, topic, partition, value: null });
        this.apply(g, topic, partition, null);
        expired++;
      }
      if (g.offsets.size === 0 && g.pendingOffsets.size === 0 && g.isEmpty && !(g instanceof ClassicGroup && g.pendingJoinMembers.size > 0)) {
        for (const r of this.groupTombstones(g)) s.emit(r);
        this.dropGroup(g);
      }
    }
    return expired;
  }
}

/** Kafka's offset expiration condition: what an offset's age is measured from, or null (never). */
function expiryBase(g: Group): ((o: CommittedOffset) => bigint) | null {
  if (g instanceof ConsumerGroup) return (o) => o.commitTimestamp;
  if (g.protocolType === null) return (o) => o.commitTimestamp;
  if (g.is('Empty')) return () => BigInt(g.currentStateTimestamp);
  if (g.usesConsumerProtocol() && g.subscribedTopics !== null && g.is('Stable')) return (o) => o.commitTimestamp;
  return null;
}

function validateClassicCommit(g: ClassicGroup, memberId: string, instanceId: string | null, generation: number): number {
  if (g.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  // Generation -1 from an empty group: admin tools and consumers outside group management.
  if (generation < 0 && g.is('Empty')) return ErrorCode.NONE;
  if (generation >= 0 || memberId !== '' || instanceId !== null) {
    if (instanceId !== null) {
      const existing = g.staticMembers.get(instanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!g.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!g.is('Empty')) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (g.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

function validateConsumerCommit(g: ConsumerGroup, memberId: string, epoch: number, version: number): number {
  if (epoch < 0 && g.members.size === 0) return ErrorCode.NONE;
  const m = g.members.get(memberId);
  if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (version < 9) return ErrorCode.UNSUPPORTED_VERSION;
  if (epoch > m.memberEpoch) return ErrorCode.FENCED_MEMBER_EPOCH;
  if (epoch < m.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
  return ErrorCode.NONE;
}
