// The consumer group protocol of KIP-848 (ConsumerGroupHeartbeat, ConsumerGroupDescribe): the
// coordinator owns the assignment. A heartbeat may change the member's subscription, which bumps
// the group epoch; a new group epoch gets a new target assignment from the server-side assignor;
// then each member moves towards its target one step per heartbeat: first it revokes what it must
// give up (UNREVOKED_PARTITIONS, epoch unchanged), then it takes the new epoch and the partitions
// nobody else still holds (UNRELEASED_PARTITIONS until they are all free), then it is STABLE.
// Members are fenced by epoch (FENCED_MEMBER_EPOCH), by session timeout, and by rebalance timeout
// when they do not revoke in time.
import type { ConsumerGroupDescribeResponse } from '../../protocol/generated/ConsumerGroupDescribeResponse.js';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/generated/ConsumerGroupHeartbeatRequest.js';
import type { ConsumerGroupHeartbeatResponse } from '../../protocol/generated/ConsumerGroupHeartbeatResponse.js';
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { Assignor } from './assignors.js';
import { ClassicGroup, ConsumerGroup, ConsumerMember, MemberState, type Assignment, type Group } from './groups.js';
import type { GroupRecord } from './records.js';
import type { Client, Plain, Resp, Shard } from './shard.js';

type HbResp = Resp<ConsumerGroupHeartbeatResponse>;
type DescribedGroup = Resp<ConsumerGroupDescribeResponse>['groups'][number];

const sessionKey = (g: string, m: string) => `cg-session\u0000${g}\u0000${m}`;
const revokeKey = (g: string, m: string) => `cg-revoke\u0000${g}\u0000${m}`;

/** Tombstones that remove a group's metadata (offsets are removed separately). */
export function groupTombstones(g: Group): GroupRecord[] {
  if (g instanceof ClassicGroup) return [{ kind: 'group', groupId: g.groupId, value: null }];
  const out: GroupRecord[] = [];
  for (const id of g.members.keys()) out.push(...memberTombstones(g.groupId, id));
  out.push(
    { kind: 'cgTargetMetadata', groupId: g.groupId, value: null },
    { kind: 'cgPartitionMetadata', groupId: g.groupId, value: null },
    { kind: 'cgMetadata', groupId: g.groupId, value: null },
  );
  return out;
}

function memberTombstones(groupId: string, memberId: string): GroupRecord[] {
  return [
    { kind: 'cgCurrentAssignment', groupId, memberId, value: null },
    { kind: 'cgTargetMember', groupId, memberId, value: null },
    { kind: 'cgMember', groupId, memberId, value: null },
  ];
}

export function assignmentToList(a: Assignment): Array<{ topicId: string; partitions: number[] }> {
  return [...a].filter(([, s]) => s.size > 0).map(([topicId, s]) => ({ topicId, partitions: [...s].sort((x, y) => x - y) }));
}

function listToAssignment(l: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): Assignment {
  const a: Assignment = new Map();
  for (const t of l) if (t.partitions.length > 0) a.set(t.topicId, new Set(t.partitions));
  return a;
}

function sameAssignment(a: Assignment, b: Assignment): boolean {
  let na = 0;
  for (const [t, s] of a) {
    if (s.size === 0) continue;
    na++;
    const o = b.get(t);
    if (!o || o.size !== s.size) return false;
    for (const p of s) if (!o.has(p)) return false;
  }
  let nb = 0;
  for (const s of b.values()) if (s.size > 0) nb++;
  return na === nb;
}

function minus(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, s] of a) {
    const o = b.get(t);
    const r = new Set([...s].filter((p) => !o?.has(p)));
    if (r.size > 0) out.set(t, r);
  }
  return out;
}

function intersect(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, s] of a) {
    const o = b.get(t);
    if (!o) continue;
    const r = new Set([...s].filter((p) => o.has(p)));
    if (r.size > 0) out.set(t, r);
  }
  return out;
}

function isSubset(owned: Assignment, of: Assignment): boolean {
  for (const [t, s] of owned) {
    const o = of.get(t);
    for (const p of s) if (!o?.has(p)) return false;
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((x, i) => x === sb[i]);
}

export class ConsumerProtocol {
  constructor(
    private readonly s: Shard,
    private readonly assignors: ReadonlyMap<string, Assignor>,
    private readonly listTopics: () => Iterable<string>,
  ) {}

  heartbeat(req: Plain<ConsumerGroupHeartbeatRequest>, client: Client): HbResp {
    const s = this.s;
    const v = client.apiVersion;
    const fail = (errorCode: number, errorMessage: string): HbResp => ({ errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    const regex = v >= 1 ? req.subscribedTopicRegex : null;
    // Request checks, as Kafka makes them.
    if (!req.groupId) return fail(ErrorCode.INVALID_REQUEST, 'GroupId can not be empty.');
    if (req.instanceId === '') return fail(ErrorCode.INVALID_REQUEST, 'InstanceId can not be empty.');
    if (req.rackId === '') return fail(ErrorCode.INVALID_REQUEST, 'RackId can not be empty.');
    if (req.memberEpoch < -2) return fail(ErrorCode.INVALID_REQUEST, `MemberEpoch ${req.memberEpoch} is invalid.`);
    if ((v >= 1 || req.memberEpoch !== 0) && req.memberId === '') return fail(ErrorCode.INVALID_REQUEST, 'MemberId can not be empty.');
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) return fail(ErrorCode.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided in first request.');
      if (req.topicPartitions === null || req.topicPartitions.length > 0) return fail(ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.');
      if (req.subscribedTopicNames === null && regex === null) return fail(ErrorCode.INVALID_REQUEST, 'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    }
    if (req.memberEpoch === -2 && req.instanceId === null) return fail(ErrorCode.INVALID_REQUEST, 'InstanceId can not be null.');
    if (req.serverAssignor !== null && !this.assignors.has(req.serverAssignor)) {
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${[...this.assignors.keys()].join(', ')}.`);
    }
    let compiled: RegExp | null = null;
    if (regex !== null && regex !== '') {
      try {
        compiled = new RegExp(`^(?:${regex})$`);
      } catch (e) {
        return fail(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex ${regex} is not a valid regular expression: ${(e as Error).message}`);
      }
    }

    let g = s.groups.get(req.groupId);
    if (g instanceof ClassicGroup) {
      if (!(g.is('Empty') && g.members.size === 0 && g.pendingJoinMembers.size === 0)) {
        return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`);
      }
      // An empty classic group (offsets only) becomes a consumer group, keeping its offsets.
      s.emit({ kind: 'group', groupId: g.groupId, value: null });
      const c = new ConsumerGroup(g.groupId);
      for (const [k, o] of g.offsets) c.offsets.set(k, o);
      s.groups.set(g.groupId, c);
      g = c;
    }

    if (req.memberEpoch === -1 || req.memberEpoch === -2) {
      const m = g?.members.get(req.memberId);
      if (!g || !m) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      if (req.memberEpoch === -1) this.#removeMember(g, m);
      else {
        // A static member leaving for a restart keeps its place (and partitions) until its session ends.
        m.memberEpoch = -2;
        this.#emitCurrent(g, m);
        s.cancel(revokeKey(g.groupId, m.memberId));
      }
      return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    }

    if (!g) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      g = new ConsumerGroup(req.groupId);
      s.groups.set(req.groupId, g);
    }
    const group = g;
    const owned = req.topicPartitions === null ? null : listToAssignment(req.topicPartitions);
    let m = req.memberId === '' ? undefined : group.members.get(req.memberId);
    let isNew = false;
    if (req.memberEpoch === 0) {
      const memberId = req.memberId || s.newId();
      if (req.instanceId !== null) {
        const existingId = group.staticMembers.get(req.instanceId);
        const existing = existingId === undefined ? undefined : group.members.get(existingId);
        if (existing && existing.memberId !== memberId) {
          if (existing.memberEpoch !== -2) {
            return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${existing.memberId} with instance id ${req.instanceId} is not released yet.`);
          }
          // The restarted static member takes over its predecessor's place and partitions.
          m = this.#replaceStatic(group, existing, memberId);
        }
      }
      if (!m) {
        m = group.members.get(memberId);
        if (!m) {
          if (group.members.size >= s.config.consumerMaxSize) return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${s.config.consumerMaxSize} members.`);
          m = new ConsumerMember(memberId);
          group.members.set(memberId, m);
          isNew = true;
        }
      }
    } else {
      if (!m) {
        if (group.members.size === 0 && s.groups.get(group.groupId) === group && group.offsets.size === 0 && group.groupEpoch === 0) s.groups.delete(group.groupId);
        return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      }
      if (req.memberEpoch > m.memberEpoch || (req.memberEpoch < m.memberEpoch && (req.memberEpoch !== m.previousMemberEpoch || (owned !== null && !isSubset(owned, m.assigned))))) {
        return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a different member epoch (${req.memberEpoch}) than the one known by the group coordinator (${m.memberEpoch}). The member must abandon all its partitions and rejoin.`);
      }
    }

    // Update the member; a new member or a new subscription bumps the group epoch.
    const before = { topics: m.subscribedTopicNames, regex: m.subscribedTopicRegex, assignor: m.serverAssignor, instance: m.instanceId, rack: m.rackId, rebalance: m.rebalanceTimeoutMs };
    if (req.instanceId !== null) m.instanceId = req.instanceId;
    if (req.rackId !== null) m.rackId = req.rackId;
    if (req.rebalanceTimeoutMs !== -1) m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.serverAssignor !== null) m.serverAssignor = req.serverAssignor;
    if (regex !== null) m.subscribedTopicRegex = regex === '' ? null : regex;
    if (req.subscribedTopicNames !== null) m.subscribedTopicNames = [...req.subscribedTopicNames];
    else if (compiled) m.subscribedTopicNames = [...this.listTopics()].filter((t) => compiled.test(t)).sort();
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    if (m.instanceId !== null) group.staticMembers.set(m.instanceId, m.memberId);
    const subscriptionChanged = !sameList(before.topics, m.subscribedTopicNames) || before.regex !== m.subscribedTopicRegex;
    if (isNew || subscriptionChanged || before.assignor !== m.serverAssignor || before.instance !== m.instanceId || before.rack !== m.rackId || before.rebalance !== m.rebalanceTimeoutMs) {
      s.emit(memberRecord(group.groupId, m));
    }
    let bump = isNew || subscriptionChanged;
    const metadata = this.#subscriptionMetadata(group);
    if (!sameMetadata(metadata, group.subscriptionMetadata)) {
      group.subscriptionMetadata = metadata;
      s.emit(partitionMetadataRecord(group));
      bump = true;
    }
    if (bump) {
      group.groupEpoch = Math.max(group.groupEpoch, group.assignmentEpoch) + 1;
      s.emit({ kind: 'cgMetadata', groupId: group.groupId, value: { epoch: group.groupEpoch } });
    }
    if (group.groupEpoch > group.assignmentEpoch) this.#computeTargetAssignment(group);

    const assignedBefore = m.assigned;
    const full = req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || regex !== null) && owned !== null;
    if (req.memberEpoch === 0) {
      // A (re)joining member owns nothing it did not just report.
      m.pendingRevocation = new Map();
    }
    this.#reconcile(group, m, owned);
    s.schedule(sessionKey(group.groupId, m.memberId), s.config.consumerSessionTimeoutMs, () => this.#expire(group, m!.memberId, 'session'));
    const send = req.memberEpoch === 0 || full || !sameAssignment(assignedBefore, m.assigned);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: m.memberId,
      memberEpoch: m.memberEpoch,
      heartbeatIntervalMs: s.config.consumerHeartbeatIntervalMs,
      assignment: send ? { topicPartitions: assignmentToList(m.assigned) } : null,
    };
  }

  #replaceStatic(g: ConsumerGroup, old: ConsumerMember, newId: string): ConsumerMember {
    const m = new ConsumerMember(newId);
    Object.assign(m, { ...old, memberId: newId });
    m.memberEpoch = old.previousMemberEpoch >= 0 && old.memberEpoch === -2 ? g.assignmentEpoch : old.memberEpoch;
    for (const r of memberTombstones(g.groupId, old.memberId)) this.s.emit(r);
    g.members.delete(old.memberId);
    this.s.cancel(sessionKey(g.groupId, old.memberId));
    this.s.cancel(revokeKey(g.groupId, old.memberId));
    const target = g.targetAssignment.get(old.memberId);
    g.targetAssignment.delete(old.memberId);
    g.members.set(newId, m);
    if (target) {
      g.targetAssignment.set(newId, target);
      this.s.emit({ kind: 'cgTargetMember', groupId: g.groupId, memberId: newId, value: { topicPartitions: assignmentToList(target) } });
    }
    this.s.emit(memberRecord(g.groupId, m));
    this.#emitCurrent(g, m);
    return m;
  }

  #subscriptionMetadata(g: ConsumerGroup): Map<string, { id: string; partitions: number }> {
    const out = new Map<string, { id: string; partitions: number }>();
    for (const name of [...g.subscribedTopicNames()].sort()) {
      const partitions = this.s.topics.partitions(name);
      const id = this.s.topics.topicId(name);
      if (partitions !== undefined && id !== undefined) out.set(name, { id, partitions });
    }
    return out;
  }

  #computeTargetAssignment(g: ConsumerGroup): void {
    const s = this.s;
    const assignorName = preferredAssignor(g) ?? s.config.consumerAssignors[0] ?? 'uniform';
    const assignor = this.assignors.get(assignorName) ?? [...this.assignors.values()][0]!;
    const topics = new Map<string, number>();
    for (const t of g.subscriptionMetadata.values()) topics.set(t.id, t.partitions);
    const members = [...g.members.values()].map((m) => ({
      memberId: m.memberId,
      topics: m.subscribedTopicNames.map((n) => g.subscriptionMetadata.get(n)?.id).filter((x): x is string => x !== undefined),
    }));
    const next = assignor.assign(members, topics, g.targetAssignment);
    for (const [id, a] of next) {
      const prev = g.targetAssignment.get(id);
      if (!prev || !sameAssignment(prev, a)) {
        s.emit({ kind: 'cgTargetMember', groupId: g.groupId, memberId: id, value: { topicPartitions: assignmentToList(a) } });
      }
      g.targetAssignment.set(id, a);
    }
    g.assignmentEpoch = g.groupEpoch;
    s.emit({ kind: 'cgTargetMetadata', groupId: g.groupId, value: { assignmentEpoch: g.assignmentEpoch } });
  }

  /** One reconciliation step of a member towards its target (Kafka's CurrentAssignmentBuilder). */
  #reconcile(g: ConsumerGroup, m: ConsumerMember, owned: Assignment | null): void {
    const before = { epoch: m.memberEpoch, prev: m.previousMemberEpoch, state: m.state, assigned: m.assigned, pending: m.pendingRevocation };
    const target = g.targetAssignment.get(m.memberId) ?? new Map();
    if (m.state === MemberState.UNREVOKED_PARTITIONS) {
      // Still waiting for the member to give up partitions: it must report owning none of them.
      if (owned === null || intersect(owned, m.pendingRevocation).size > 0) return this.#finishReconcile(g, m, before);
      m.pendingRevocation = new Map();
      m.state = MemberState.STABLE;
    }
    if (m.memberEpoch !== g.assignmentEpoch || m.state === MemberState.UNRELEASED_PARTITIONS) {
      const keep = intersect(m.assigned, target);
      const revoke = minus(m.assigned, target);
      if (revoke.size > 0) {
        m.assigned = keep;
        m.pendingRevocation = revoke;
        m.state = MemberState.UNREVOKED_PARTITIONS;
        this.s.schedule(revokeKey(g.groupId, m.memberId), Math.max(0, m.rebalanceTimeoutMs), () => this.#expire(g, m.memberId, 'revoke'));
        return this.#finishReconcile(g, m, before);
      }
      // Take the target's partitions that nobody else still holds.
      const held = this.#heldByOthers(g, m.memberId);
      const next: Assignment = new Map();
      let unreleased = false;
      for (const [t, parts] of target) {
        for (const p of parts) {
          if (keep.get(t)?.has(p) || !held.has(`${t}:${p}`)) {
            let set = next.get(t);
            if (!set) next.set(t, (set = new Set()));
            set.add(p);
          } else unreleased = true;
        }
      }
      if (m.memberEpoch !== g.assignmentEpoch) {
        m.previousMemberEpoch = m.memberEpoch;
        m.memberEpoch = g.assignmentEpoch;
      }
      m.assigned = next;
      m.pendingRevocation = new Map();
      m.state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
    }
    this.s.cancel(revokeKey(g.groupId, m.memberId));
    this.#finishReconcile(g, m, before);
  }

  #finishReconcile(g: ConsumerGroup, m: ConsumerMember, before: { epoch: number; prev: number; state: number; assigned: Assignment; pending: Assignment }): void {
    if (before.epoch !== m.memberEpoch || before.prev !== m.previousMemberEpoch || before.state !== m.state || !sameAssignment(before.assigned, m.assigned) || !sameAssignment(before.pending, m.pendingRevocation)) {
      this.#emitCurrent(g, m);
    }
  }

  #heldByOthers(g: ConsumerGroup, memberId: string): Set<string> {
    const held = new Set<string>();
    for (const o of g.members.values()) {
      if (o.memberId === memberId) continue;
      for (const a of [o.assigned, o.pendingRevocation]) for (const [t, parts] of a) for (const p of parts) held.add(`${t}:${p}`);
    }
    return held;
  }

  #emitCurrent(g: ConsumerGroup, m: ConsumerMember): void {
    this.s.emit({
      kind: 'cgCurrentAssignment',
      groupId: g.groupId,
      memberId: m.memberId,
      value: {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: m.state,
        assignedPartitions: assignmentToList(m.assigned),
        partitionsPendingRevocation: assignmentToList(m.pendingRevocation),
      },
    });
  }

  #expire(g: ConsumerGroup, memberId: string, why: 'session' | 'revoke'): void {
    if (this.s.groups.get(g.groupId) !== g) return;
    const m = g.members.get(memberId);
    if (!m) return;
    if (why === 'revoke' && m.state !== MemberState.UNREVOKED_PARTITIONS) return;
    this.#removeMember(g, m);
  }

  #removeMember(g: ConsumerGroup, m: ConsumerMember): void {
    const s = this.s;
    for (const r of memberTombstones(g.groupId, m.memberId)) s.emit(r);
    g.members.delete(m.memberId);
    g.targetAssignment.delete(m.memberId);
    if (m.instanceId !== null && g.staticMembers.get(m.instanceId) === m.memberId) g.staticMembers.delete(m.instanceId);
    s.cancel(sessionKey(g.groupId, m.memberId));
    s.cancel(revokeKey(g.groupId, m.memberId));
    const metadata = this.#subscriptionMetadata(g);
    if (!sameMetadata(metadata, g.subscriptionMetadata)) {
      g.subscriptionMetadata = metadata;
      s.emit(partitionMetadataRecord(g));
    }
    g.groupEpoch = Math.max(g.groupEpoch, g.assignmentEpoch) + 1;
    s.emit({ kind: 'cgMetadata', groupId: g.groupId, value: { epoch: g.groupEpoch } });
    this.#computeTargetAssignment(g);
  }

  /** Schedules the sessions of members loaded from the log. */
  scheduleLoaded(g: ConsumerGroup): void {
    for (const m of g.members.values()) {
      this.s.schedule(sessionKey(g.groupId, m.memberId), this.s.config.consumerSessionTimeoutMs, () => this.#expire(g, m.memberId, 'session'));
    }
  }

  forget(g: ConsumerGroup): void {
    for (const id of g.members.keys()) {
      this.s.cancel(sessionKey(g.groupId, id));
      this.s.cancel(revokeKey(g.groupId, id));
    }
  }

  describe(groupId: string): DescribedGroup {
    const g = this.s.groups.get(groupId);
    const base = { groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: -2147483648 };
    if (!groupId) return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'Group id can not be empty.' };
    if (!(g instanceof ConsumerGroup)) {
      return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: g ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.` };
    }
    const named = (a: Assignment) => ({
      topicPartitions: assignmentToList(a).map((t) => ({ topicId: t.topicId, topicName: this.s.topics.topicName(t.topicId) ?? '', partitions: t.partitions })),
    });
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: g.stateName,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignorName: preferredAssignor(g) ?? this.s.config.consumerAssignors[0] ?? 'uniform',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
        rackId: m.rackId,
        memberEpoch: m.memberEpoch,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: named(m.assigned),
        targetAssignment: named(g.targetAssignment.get(m.memberId) ?? new Map()),
      })),
      authorizedOperations: -2147483648,
    };
  }

  /** Rebuilds consumer group state from one record. */
  replay(r: GroupRecord): void {
    const s = this.s;
    if (!r.kind.startsWith('cg')) return;
    let g = s.groups.get(r.groupId);
    if (!(g instanceof ConsumerGroup)) {
      if (r.value === null) return;
      const c = new ConsumerGroup(r.groupId);
      if (g) for (const [k, o] of g.offsets) c.offsets.set(k, o);
      s.groups.set(r.groupId, c);
      g = c;
    }
    const member = (id: string) => {
      let m = g.members.get(id);
      if (!m) g.members.set(id, (m = new ConsumerMember(id)));
      return m;
    };
    switch (r.kind) {
      case 'cgMetadata':
        if (r.value === null) {
          if (g.members.size === 0) {
            if (g.offsets.size > 0) {
              const c = new ClassicGroup(g.groupId, 'Empty', s.now);
              for (const [k, o] of g.offsets) c.offsets.set(k, o);
              s.groups.set(g.groupId, c);
            } else s.groups.delete(g.groupId);
          }
        } else g.groupEpoch = r.value.epoch ?? 0;
        break;
      case 'cgPartitionMetadata':
        g.subscriptionMetadata = new Map((r.value?.topics ?? []).map((t) => [t.topicName ?? '', { id: t.topicId ?? '', partitions: t.numPartitions ?? 0 }]));
        break;
      case 'cgTargetMetadata':
        g.assignmentEpoch = r.value?.assignmentEpoch ?? 0;
        break;
      case 'cgMember': {
        if (r.value === null) {
          const m = g.members.get(r.memberId);
          g.members.delete(r.memberId);
          if (m?.instanceId != null && g.staticMembers.get(m.instanceId) === r.memberId) g.staticMembers.delete(m.instanceId);
          break;
        }
        const m = member(r.memberId);
        const v = r.value;
        m.instanceId = v.instanceId ?? null;
        m.rackId = v.rackId ?? null;
        m.clientId = v.clientId ?? '';
        m.clientHost = v.clientHost ?? '';
        m.subscribedTopicNames = [...(v.subscribedTopicNames ?? [])];
        m.subscribedTopicRegex = v.subscribedTopicRegex ?? null;
        m.rebalanceTimeoutMs = v.rebalanceTimeoutMs ?? -1;
        m.serverAssignor = v.serverAssignor ?? null;
        if (m.instanceId !== null) g.staticMembers.set(m.instanceId, m.memberId);
        break;
      }
      case 'cgTargetMember':
        if (r.value === null) g.targetAssignment.delete(r.memberId);
        else g.targetAssignment.set(r.memberId, listToAssignment((r.value.topicPartitions ?? []).map((t) => ({ topicId: t.topicId ?? '', partitions: t.partitions ?? [] }))));
        break;
      case 'cgCurrentAssignment': {
        if (r.value === null) break;
        const m = g.members.get(r.memberId);
        if (!m) break;
        const v = r.value;
        m.memberEpoch = v.memberEpoch ?? 0;
        m.previousMemberEpoch = v.previousMemberEpoch ?? -1;
        m.state = v.state ?? MemberState.STABLE;
        m.assigned = listToAssignment((v.assignedPartitions ?? []).map((t) => ({ topicId: t.topicId ?? '', partitions: t.partitions ?? [] })));
        m.pendingRevocation = listToAssignment((v.partitionsPendingRevocation ?? []).map((t) => ({ topicId: t.topicId ?? '', partitions: t.partitions ?? [] })));
        break;
      }
    }
  }
}

function preferredAssignor(g: ConsumerGroup): string | null {
  // The assignor most members ask for (Kafka: the one named by the members, else the default).
  const votes = new Map<string, number>();
  for (const m of g.members.values()) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  let best: string | null = null;
  for (const [n, c] of votes) if (best === null || c > votes.get(best)!) best = n;
  return best;
}

function memberRecord(groupId: string, m: ConsumerMember): GroupRecord {
  return {
    kind: 'cgMember',
    groupId,
    memberId: m.memberId,
    value: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignor,
    },
  };
}

function partitionMetadataRecord(g: ConsumerGroup): GroupRecord {
  return {
    kind: 'cgPartitionMetadata',
    groupId: g.groupId,
    value: { topics: [...g.subscriptionMetadata].map(([name, t]) => ({ topicId: t.id, topicName: name, numPartitions: t.partitions, partitionMetadata: [] })) },
  };
}

function sameMetadata(a: Map<string, { id: string; partitions: number }>, b: Map<string, { id: string; partitions: number }>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const o = b.get(k);
    if (!o || o.id !== v.id || o.partitions !== v.partitions) return false;
  }
  return true;
}
