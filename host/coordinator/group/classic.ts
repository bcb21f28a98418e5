// The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) as Kafka's group
// coordinator runs it: Empty → PreparingRebalance → CompletingRebalance → Stable, a generation per
// rebalance, the leader computing the assignment, MEMBER_ID_REQUIRED on a first join (v4+), static
// members (group.instance.id) that rejoin without a rebalance, the initial rebalance delay for new
// groups, and timers for sessions, rebalances, new members and pending syncs.
//
// The group's metadata is written (GroupMetadata record) when the leader's assignment is accepted,
// when a static member is replaced in a Stable group, and when a rebalance leaves the group Empty.
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { HeartbeatRequest } from '../../protocol/generated/HeartbeatRequest.js';
import type { JoinGroupRequest } from '../../protocol/generated/JoinGroupRequest.js';
import type { JoinGroupResponse } from '../../protocol/generated/JoinGroupResponse.js';
import type { LeaveGroupRequest } from '../../protocol/generated/LeaveGroupRequest.js';
import type { LeaveGroupResponse } from '../../protocol/generated/LeaveGroupResponse.js';
import type { SyncGroupRequest } from '../../protocol/generated/SyncGroupRequest.js';
import type { SyncGroupResponse } from '../../protocol/generated/SyncGroupResponse.js';
import { Deferred } from './deferred.js';
import { ClassicGroup, ClassicMember, ConsumerGroup, type Protocol } from './groups.js';
import { groupTombstones } from './consumer.js';
import type { Client, Plain, Resp, Shard } from './shard.js';

export type JoinResp = Resp<JoinGroupResponse>;
export type SyncResp = Resp<SyncGroupResponse>;
type JoinReq = Plain<JoinGroupRequest>;

/** How long a new member's JoinGroup may wait before the member is dropped (Kafka's constant). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

const hbKey = (g: string, m: string) => `hb\u0000${g}\u0000${m}`;
const joinKey = (g: string) => `join\u0000${g}`;
const syncKey = (g: string) => `sync\u0000${g}`;

/** Builds a JoinGroup response valid for the request version (nullable protocol name from v7, SkipAssignment from v9). */
export function joinResponse(version: number, r: Partial<JoinResp> & { errorCode: number; memberId: string }): JoinResp {
  return {
    errorCode: r.errorCode,
    generationId: r.generationId ?? -1,
    protocolType: r.protocolType ?? null,
    protocolName: r.protocolName ?? (version >= 7 ? null : ''),
    leader: r.leader ?? '',
    skipAssignment: version >= 9 ? (r.skipAssignment ?? false) : false,
    memberId: r.memberId,
    members: r.members ?? [],
  };
}

function syncError(errorCode: number): SyncResp {
  return { errorCode, protocolType: null, protocolName: null, assignment: new Uint8Array(0) };
}

export class ClassicProtocol {
  constructor(private readonly s: Shard) {}

  // ---- JoinGroup ----

  join(req: JoinReq, client: Client): JoinResp | Deferred<JoinResp> {
    const s = this.s;
    const v = client.apiVersion;
    const fail = (code: number, memberId = req.memberId) => joinResponse(v, { errorCode: code, memberId });
    if (!req.groupId) return fail(ErrorCode.INVALID_GROUP_ID);
    const session = req.sessionTimeoutMs;
    if (session < s.config.minSessionTimeoutMs || session > s.config.maxSessionTimeoutMs) return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    const isUnknown = req.memberId === '';
    let g = s.groups.get(req.groupId);
    if (g instanceof ConsumerGroup) {
      if (!g.isEmpty) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      // An empty consumer group (offsets only) becomes a classic group, keeping its offsets.
      for (const r of groupTombstones(g)) s.emit(r);
      const c = new ClassicGroup(g.groupId, 'Empty', s.now);
      for (const [k, o] of g.offsets) c.offsets.set(k, o);
      s.groups.set(g.groupId, c);
      g = c;
    }
    if (!g) {
      if (!isUnknown) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      g = new ClassicGroup(req.groupId, 'Empty', s.now);
      s.groups.set(req.groupId, g);
    }
    const known = !isUnknown && (g.members.has(req.memberId) || g.pendingJoinMembers.has(req.memberId));
    let out: JoinResp | Deferred<JoinResp>;
    if (!known && g.members.size >= s.config.maxGroupSize) out = fail(ErrorCode.GROUP_MAX_SIZE_REACHED);
    else out = isUnknown ? this.#joinNew(g, req, client) : this.#joinExisting(g, req, client);
    this.#maybeCompleteJoin(g);
    // A group created by a join that failed holds nothing worth keeping.
    if (g.is('Empty') && g.members.size === 0 && g.pendingJoinMembers.size === 0 && g.generationId === 0 && g.offsets.size === 0 && g.pendingOffsets.size === 0) {
      s.groups.delete(g.groupId);
    }
    return out;
  }

  #rebalanceTimeout(req: JoinReq, v: number): number {
    return v >= 1 && req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
  }

  #joinNew(g: ClassicGroup, req: JoinReq, client: Client): JoinResp | Deferred<JoinResp> {
    const v = client.apiVersion;
    if (g.is('Dead')) return joinResponse(v, { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: '' });
    if (!g.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return joinResponse(v, { errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: '' });
    }
    const newMemberId = `${req.groupInstanceId ?? client.clientId}-${this.s.newId()}`;
    if (req.groupInstanceId !== null) {
      const existing = g.staticMembers.get(req.groupInstanceId);
      if (existing === undefined) return this.#addMemberAndRebalance(g, newMemberId, req, client);
      return this.#updateStaticMemberAndRebalance(g, existing, newMemberId, req, client);
    }
    if (v >= 4) {
      // KIP-394: the member must come back with the id it is given; until then it is pending.
      g.pendingJoinMembers.add(newMemberId);
      this.#scheduleHeartbeat(g, newMemberId, req.sessionTimeoutMs);
      return joinResponse(v, { errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: newMemberId });
    }
    return this.#addMemberAndRebalance(g, newMemberId, req, client);
  }

  #joinExisting(g: ClassicGroup, req: JoinReq, client: Client): JoinResp | Deferred<JoinResp> {
    const v = client.apiVersion;
    const memberId = req.memberId;
    const fail = (code: number) => joinResponse(v, { errorCode: code, memberId });
    if (g.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!g.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (g.pendingJoinMembers.has(memberId)) {
      if (req.groupInstanceId !== null) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      return this.#addMemberAndRebalance(g, memberId, req, client);
    }
    if (g.isStaticMemberFenced(req.groupInstanceId, memberId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const m = g.members.get(memberId);
    if (!m || (req.groupInstanceId !== null && !g.staticMembers.has(req.groupInstanceId))) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    const protocols = toProtocols(req);
    const current = (members: boolean): JoinResp =>
      joinResponse(v, {
        errorCode: ErrorCode.NONE,
        memberId,
        generationId: g.generationId,
        protocolType: g.protocolType,
        protocolName: g.protocolName,
        leader: g.leaderId ?? '',
        members: members ? this.#currentMembers(g) : [],
      });
    switch (g.state) {
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(g, m, protocols, req, v);
      case 'CompletingRebalance':
        // Same metadata: the member probably lost the JoinGroup response; answer it again.
        if (m.matches(protocols)) return current(g.isLeader(memberId));
        return this.#updateMemberAndRebalance(g, m, protocols, req, v);
      case 'Stable':
        // A rejoining leader forces a rebalance (it may have seen metadata changes); so does
        // changed metadata. A follower with nothing new just gets the current generation.
        if (g.isLeader(memberId) || !m.matches(protocols)) return this.#updateMemberAndRebalance(g, m, protocols, req, v);
        return current(false);
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  #addMemberAndRebalance(g: ClassicGroup, memberId: string, req: JoinReq, client: Client): Deferred<JoinResp> {
    const m = new ClassicMember(
      memberId,
      req.groupInstanceId,
      client.clientId,
      client.clientHost,
      this.#rebalanceTimeout(req, client.apiVersion),
      req.sessionTimeoutMs,
      req.protocolType,
      toProtocols(req),
    );
    m.isNew = true;
    if (g.is('PreparingRebalance') && g.generationId === 0) g.newMemberAdded = true;
    const d = new Deferred<JoinResp>();
    g.add(m, { d, version: client.apiVersion });
    // A new member cannot heartbeat yet; its JoinGroup is bounded by this timeout instead.
    this.#scheduleHeartbeat(g, memberId, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.#maybePrepareRebalance(g);
    return d;
  }

  #updateMemberAndRebalance(g: ClassicGroup, m: ClassicMember, protocols: Protocol[], req: JoinReq, v: number): Deferred<JoinResp> {
    const d = new Deferred<JoinResp>();
    this.#failJoin(m, ErrorCode.REBALANCE_IN_PROGRESS);
    g.updateMember(m, protocols, this.#rebalanceTimeout(req, v), req.sessionTimeoutMs, { d, version: v });
    this.#maybePrepareRebalance(g);
    return d;
  }

  #updateStaticMemberAndRebalance(g: ClassicGroup, oldMemberId: string, newMemberId: string, req: JoinReq, client: Client): Deferred<JoinResp> {
    const s = this.s;
    const v = client.apiVersion;
    const old = g.members.get(oldMemberId)!;
    const before = { protocols: old.protocols, rebalance: old.rebalanceTimeoutMs, session: old.sessionTimeoutMs };
    const m = this.#replaceStaticMember(g, req.groupInstanceId!, oldMemberId, newMemberId);
    m.clientId = client.clientId;
    m.clientHost = client.clientHost;
    s.cancel(hbKey(g.groupId, oldMemberId));
    this.#scheduleHeartbeat(g, newMemberId, req.sessionTimeoutMs);
    const d = new Deferred<JoinResp>();
    g.updateMember(m, toProtocols(req), this.#rebalanceTimeout(req, v), req.sessionTimeoutMs, { d, version: v });
    switch (g.state) {
      case 'Stable': {
        const isLeader = g.isLeader(newMemberId);
        // The same protocol would be chosen: persist the new member id and hand back the current
        // generation without a rebalance. A rejoining leader learns the members and is told to
        // skip the assignment (v9+); older leaders cannot be told that, so they get a rebalance.
        if (g.selectProtocol() === g.protocolName && (!isLeader || v >= 9)) {
          s.emit(groupRecord(g, null));
          const generation = g.generationId;
          s.after((error) => {
            if (error) {
              // Revert to the old member id and let the new one retry.
              const back = this.#replaceStaticMember(g, req.groupInstanceId!, newMemberId, oldMemberId);
              g.updateMember(back, before.protocols, before.rebalance, before.session, null);
              d.resolve(joinResponse(v, { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: '' }));
              return;
            }
            const resp = joinResponse(v, {
              errorCode: ErrorCode.NONE,
              memberId: newMemberId,
              generationId: generation,
              protocolType: g.protocolType,
              protocolName: g.protocolName,
              leader: g.leaderId ?? '',
              skipAssignment: isLeader,
              members: isLeader ? this.#currentMembers(g) : [],
            });
            const cur = g.members.get(newMemberId);
            if (cur?.awaitingJoin?.d === d) {
              cur.awaitingJoin = null;
              g.numMembersAwaitingJoin--;
            }
            d.resolve(resp);
          });
        } else {
          this.#maybePrepareRebalance(g);
        }
        break;
      }
      case 'CompletingRebalance':
        // The leader may be assigning to the old member id: start over.
        this.#prepareRebalance(g);
        break;
      default:
        // PreparingRebalance: the join completes with the others.
        break;
    }
    return d;
  }

  /** A static member's new member id takes over its place; whoever waits on the old id is fenced. */
  #replaceStaticMember(g: ClassicGroup, instanceId: string, oldId: string, newId: string): ClassicMember {
    const old = g.members.get(oldId)!;
    g.members.delete(oldId);
    if (old.awaitingJoin) {
      g.numMembersAwaitingJoin--;
      this.s.complete(old.awaitingJoin.d, joinResponse(old.awaitingJoin.version, { errorCode: ErrorCode.FENCED_INSTANCE_ID, memberId: oldId }));
      old.awaitingJoin = null;
    }
    if (old.awaitingSync) {
      this.s.complete(old.awaitingSync, syncError(ErrorCode.FENCED_INSTANCE_ID));
      old.awaitingSync = null;
    }
    const m = new ClassicMember(newId, old.groupInstanceId, old.clientId, old.clientHost, old.rebalanceTimeoutMs, old.sessionTimeoutMs, old.protocolType, old.protocols);
    m.assignment = old.assignment;
    g.members.set(newId, m);
    if (g.pendingSyncMembers.delete(oldId)) g.pendingSyncMembers.add(newId);
    if (g.isLeader(oldId)) g.leaderId = newId;
    g.staticMembers.set(instanceId, newId);
    return m;
  }

  #currentMembers(g: ClassicGroup) {
    return [...g.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(g.protocolName) }));
  }

  /** A member that sends another JoinGroup while one waits: the earlier one is answered with `code`. */
  #failJoin(m: ClassicMember, code: number): void {
    if (m.awaitingJoin) m.awaitingJoin.d.resolve(joinResponse(m.awaitingJoin.version, { errorCode: code, memberId: m.memberId }));
  }

  #maybePrepareRebalance(g: ClassicGroup): void {
    if (g.canRebalance()) this.#prepareRebalance(g);
  }

  #prepareRebalance(g: ClassicGroup): void {
    const s = this.s;
    if (g.is('CompletingRebalance')) this.#resetAndPropagateAssignmentError(g, ErrorCode.REBALANCE_IN_PROGRESS);
    s.cancel(syncKey(g.groupId));
    const wasEmpty = g.is('Empty');
    g.transitionTo('PreparingRebalance', s.now);
    if (wasEmpty) {
      const delay = s.config.initialRebalanceDelayMs;
      this.#scheduleInitialJoin(g, delay, Math.max(g.rebalanceTimeoutMs() - delay, 0));
    } else {
      s.schedule(joinKey(g.groupId), g.rebalanceTimeoutMs(), () => this.#completeJoin(g));
      g.joinTimer = 'rebalance';
      this.#maybeCompleteJoin(g);
    }
  }

  /** group.initial.rebalance.delay.ms: a new group waits for more members, extended while they keep coming. */
  #scheduleInitialJoin(g: ClassicGroup, delay: number, remaining: number): void {
    g.joinTimer = 'initial';
    this.s.schedule(joinKey(g.groupId), delay, () => {
      if (g.newMemberAdded && remaining !== 0) {
        g.newMemberAdded = false;
        const next = Math.min(this.s.config.initialRebalanceDelayMs, remaining);
        this.#scheduleInitialJoin(g, next, Math.max(remaining - next, 0));
      } else {
        this.#completeJoin(g);
      }
    });
  }

  #maybeCompleteJoin(g: ClassicGroup): void {
    if (g.is('PreparingRebalance') && g.joinTimer === 'rebalance' && g.hasAllMembersJoined()) {
      this.s.cancel(joinKey(g.groupId));
      this.#completeJoin(g);
    }
  }

  #completeJoin(g: ClassicGroup): void {
    const s = this.s;
    g.joinTimer = null;
    if (!g.is('PreparingRebalance')) return;
    // Dynamic members that did not rejoin in time are dropped; static ones wait for their session.
    for (const m of [...g.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        g.remove(m.memberId);
        s.cancel(hbKey(g.groupId, m.memberId));
      }
    }
    if (!g.maybeElectNewJoinedLeader() && g.members.size > 0) {
      // Nobody rejoined: wait another rebalance timeout for sessions to expire.
      s.schedule(joinKey(g.groupId), g.rebalanceTimeoutMs(), () => this.#completeJoin(g));
      g.joinTimer = 'rebalance';
      return;
    }
    g.initNextGeneration(s.now);
    if (g.is('Empty')) {
      s.emit(groupRecord(g, new Map()));
      return;
    }
    const members = this.#currentMembers(g);
    for (const m of g.members.values()) {
      if (m.awaitingJoin) {
        const { d, version } = m.awaitingJoin;
        m.awaitingJoin = null;
        g.numMembersAwaitingJoin--;
        s.complete(
          d,
          joinResponse(version, {
            errorCode: ErrorCode.NONE,
            memberId: m.memberId,
            generationId: g.generationId,
            protocolType: g.protocolType,
            protocolName: g.protocolName,
            leader: g.leaderId ?? '',
            members: g.isLeader(m.memberId) ? members : [],
          }),
        );
      }
      this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
      m.isNew = false;
      g.pendingSyncMembers.add(m.memberId);
    }
    const generation = g.generationId;
    s.schedule(syncKey(g.groupId), g.rebalanceTimeoutMs(), () => this.#expirePendingSync(g, generation));
  }

  #expirePendingSync(g: ClassicGroup, generation: number): void {
    if (generation !== g.generationId) return;
    if ((g.is('CompletingRebalance') || g.is('Stable')) && g.pendingSyncMembers.size > 0) {
      for (const id of [...g.pendingSyncMembers]) {
        g.remove(id);
        this.s.cancel(hbKey(g.groupId, id));
      }
      this.#prepareRebalance(g);
    }
  }

  // ---- heartbeats and sessions ----

  #scheduleHeartbeat(g: ClassicGroup, memberId: string, timeoutMs: number): void {
    this.s.schedule(hbKey(g.groupId, memberId), timeoutMs, () => this.#expireHeartbeat(g, memberId));
  }

  #expireHeartbeat(g: ClassicGroup, memberId: string): void {
    if (this.s.groups.get(g.groupId) !== g || g.is('Dead')) return;
    if (g.pendingJoinMembers.has(memberId)) {
      g.pendingJoinMembers.delete(memberId);
      if (g.is('PreparingRebalance')) this.#maybeCompleteJoin(g);
      return;
    }
    const m = g.members.get(memberId);
    if (!m) return;
    // Members waiting in a rebalance satisfy the heartbeat; new members do not.
    if (!m.isNew && (m.awaitingJoin || m.awaitingSync)) return;
    this.#removeMemberAndUpdateGroup(g, m);
  }

  /** Loads a member from the log: its session starts now. */
  scheduleLoadedMember(g: ClassicGroup, m: ClassicMember): void {
    this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
  }

  #removeMemberAndUpdateGroup(g: ClassicGroup, m: ClassicMember): void {
    if (m.awaitingJoin) {
      this.s.complete(m.awaitingJoin.d, joinResponse(m.awaitingJoin.version, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: m.memberId }));
    }
    g.remove(m.memberId);
    this.s.cancel(hbKey(g.groupId, m.memberId));
    switch (g.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.#maybePrepareRebalance(g);
        break;
      case 'PreparingRebalance':
        this.#maybeCompleteJoin(g);
        break;
      default:
        break;
    }
  }

  heartbeat(req: Plain<HeartbeatRequest>): number {
    const g = this.s.groups.get(req.groupId);
    if (!g || g instanceof ConsumerGroup) return g ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.UNKNOWN_MEMBER_ID;
    if (g.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const m = g.members.get(req.memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== g.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (g.state) {
      case 'CompletingRebalance':
      case 'Stable':
        this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
        return ErrorCode.NONE;
      case 'PreparingRebalance':
        this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  // ---- SyncGroup ----

  sync(req: Plain<SyncGroupRequest>): SyncResp | Deferred<SyncResp> {
    const s = this.s;
    const g = s.groups.get(req.groupId);
    if (!req.groupId) return syncError(ErrorCode.INVALID_GROUP_ID);
    if (!g || g instanceof ConsumerGroup) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (g.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (g.isStaticMemberFenced(req.groupInstanceId, req.memberId)) return syncError(ErrorCode.FENCED_INSTANCE_ID);
    const m = g.members.get(req.memberId);
    if (!m) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== g.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if ((req.protocolType !== null && req.protocolType !== g.protocolType) || (req.protocolName !== null && req.protocolName !== g.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (g.state) {
      case 'Empty':
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        g.pendingSyncMembers.delete(m.memberId);
        this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
        return { errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: m.assignment };
      case 'CompletingRebalance': {
        const d = new Deferred<SyncResp>();
        if (m.awaitingSync) m.awaitingSync.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        m.awaitingSync = d;
        g.pendingSyncMembers.delete(m.memberId);
        if (g.isLeader(m.memberId)) {
          const assignment = new Map<string, Uint8Array>();
          for (const a of req.assignments) if (g.members.has(a.memberId)) assignment.set(a.memberId, a.assignment);
          for (const id of g.members.keys()) if (!assignment.has(id)) assignment.set(id, new Uint8Array(0));
          s.emit(groupRecord(g, assignment));
          const generation = g.generationId;
          s.after((error) => {
            // Another member may have started a rebalance while the write was in flight.
            if (!g.is('CompletingRebalance') || generation !== g.generationId) return;
            if (error) {
              this.#resetAndPropagateAssignmentErrorNow(g, ErrorCode.COORDINATOR_NOT_AVAILABLE);
              return;
            }
            for (const mm of g.members.values()) mm.assignment = assignment.get(mm.memberId) ?? new Uint8Array(0);
            g.transitionTo('Stable', s.now);
            for (const mm of g.members.values()) {
              if (mm.awaitingSync) {
                mm.awaitingSync.resolve({ errorCode: ErrorCode.NONE, protocolType: g.protocolType, protocolName: g.protocolName, assignment: mm.assignment });
                mm.awaitingSync = null;
              }
            }
          });
          // Sessions restart once the assignment goes out (expiries while waiting were ignored).
          for (const mm of g.members.values()) this.#scheduleHeartbeat(g, mm.memberId, mm.sessionTimeoutMs);
        }
        return d;
      }
      default:
        return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  }

  #resetAndPropagateAssignmentError(g: ClassicGroup, code: number): void {
    for (const m of g.members.values()) {
      m.assignment = new Uint8Array(0);
      if (m.awaitingSync) {
        this.s.complete(m.awaitingSync, syncError(code));
        m.awaitingSync = null;
      }
      this.#scheduleHeartbeat(g, m.memberId, m.sessionTimeoutMs);
    }
  }

  /** The same, from an after-append callback (outside an operation). */
  #resetAndPropagateAssignmentErrorNow(g: ClassicGroup, code: number): void {
    for (const m of g.members.values()) {
      m.assignment = new Uint8Array(0);
      m.awaitingSync?.resolve(syncError(code));
      m.awaitingSync = null;
    }
  }

  // ---- LeaveGroup ----

  leave(req: Plain<LeaveGroupRequest>, version: number): Resp<LeaveGroupResponse> {
    const leaving = version >= 3 ? req.members : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const g = this.s.groups.get(req.groupId);
    if (!g || g instanceof ConsumerGroup) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    if (g.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results = leaving.map((l) => ({ memberId: l.memberId, groupInstanceId: l.groupInstanceId, errorCode: this.#leaveOne(g, l.memberId, l.groupInstanceId) }));
    if (version < 3) return { errorCode: results[0]!.errorCode, members: [] };
    return { errorCode: ErrorCode.NONE, members: results };
  }

  #leaveOne(g: ClassicGroup, memberId: string, instanceId: string | null): number {
    if (memberId === '' && instanceId !== null) {
      // Removal by instance id (an admin removing a static member).
      const id = g.staticMembers.get(instanceId);
      const m = id === undefined ? undefined : g.members.get(id);
      if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.#removeMemberAndUpdateGroup(g, m);
      return ErrorCode.NONE;
    }
    if (g.pendingJoinMembers.has(memberId)) {
      g.pendingJoinMembers.delete(memberId);
      this.s.cancel(hbKey(g.groupId, memberId));
      if (g.is('PreparingRebalance')) this.#maybeCompleteJoin(g);
      return ErrorCode.NONE;
    }
    if (g.isStaticMemberFenced(instanceId, memberId)) return ErrorCode.FENCED_INSTANCE_ID;
    const m = g.members.get(memberId);
    if (!m) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.#removeMemberAndUpdateGroup(g, m);
    return ErrorCode.NONE;
  }

  /** Drops every timer of a group that is being deleted. */
  forget(g: ClassicGroup): void {
    this.s.cancel(joinKey(g.groupId));
    this.s.cancel(syncKey(g.groupId));
    for (const id of g.members.keys()) this.s.cancel(hbKey(g.groupId, id));
    for (const id of g.pendingJoinMembers) this.s.cancel(hbKey(g.groupId, id));
  }
}

function toProtocols(req: JoinReq): Protocol[] {
  return req.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
}

/**
 * The GroupMetadata record of a classic group: its generation, protocol, leader and members, with
 * the given assignment (null: the members' current assignments).
 */
export function groupRecord(g: ClassicGroup, assignment: Map<string, Uint8Array> | null) {
  return {
    kind: 'group' as const,
    groupId: g.groupId,
    value: {
      protocolType: g.protocolType ?? '',
      generation: g.generationId,
      protocol: g.protocolName,
      leader: g.leaderId,
      currentStateTimestamp: BigInt(g.currentStateTimestamp),
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.metadata(g.protocolName),
        assignment: assignment ? (assignment.get(m.memberId) ?? new Uint8Array(0)) : m.assignment,
      })),
    },
  };
}
