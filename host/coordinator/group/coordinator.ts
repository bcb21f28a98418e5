// The group coordinator: a state machine over the groups of one broker. Every request is an
// operation `(request, now) → { records, response }` (see shard.ts); timers fire through
// `poll(now)`; `replay(record)` rebuilds the state from __consumer_offsets at start. No I/O here:
// runtime.ts appends the records and arms the timers; tests drive it with a mock clock.
import { randomUUID } from 'node:crypto';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/generated/ConsumerGroupHeartbeatRequest.js';
import type { DescribeGroupsResponse } from '../../protocol/generated/DescribeGroupsResponse.js';
import { ErrorCode } from '../../protocol/generated/errors.js';
import type { HeartbeatRequest } from '../../protocol/generated/HeartbeatRequest.js';
import type { JoinGroupRequest } from '../../protocol/generated/JoinGroupRequest.js';
import type { LeaveGroupRequest } from '../../protocol/generated/LeaveGroupRequest.js';
import type { ListGroupsResponse } from '../../protocol/generated/ListGroupsResponse.js';
import type { OffsetCommitRequest } from '../../protocol/generated/OffsetCommitRequest.js';
import type { OffsetDeleteRequest } from '../../protocol/generated/OffsetDeleteRequest.js';
import type { SyncGroupRequest } from '../../protocol/generated/SyncGroupRequest.js';
import { ASSIGNORS, type Assignor } from './assignors.js';
import { ClassicProtocol } from './classic.js';
import { ConsumerProtocol, groupTombstones } from './consumer.js';
import { Deferred } from './deferred.js';
import { ClassicGroup, ClassicMember, ConsumerGroup, tpKey, type Group } from './groups.js';
import { OffsetManager } from './offsets.js';
import type { GroupRecord } from './records.js';
import { DEFAULT_CONFIG, Shard, type Client, type CoordinatorConfig, type CoordinatorResult, type Plain, type Resp, type TopicView } from './shard.js';

export type { Client, CoordinatorConfig, CoordinatorResult, Plain, Resp, TopicView } from './shard.js';

type DescribedGroup = Resp<DescribeGroupsResponse>['groups'][number];
type ListedGroup = Resp<ListGroupsResponse>['groups'][number];

export interface GroupCoordinatorOptions {
  config?: Partial<CoordinatorConfig>;
  topics: TopicView;
  /** Names of the topics a regex subscription may match (non-internal). */
  listTopics?: () => Iterable<string>;
  /** Member id suffixes (UUIDs); a seam for tests. */
  newId?: () => string;
  assignors?: ReadonlyMap<string, Assignor>;
}

export class GroupCoordinator {
  readonly #s: Shard;
  readonly #classic: ClassicProtocol;
  readonly #consumer: ConsumerProtocol;
  readonly #offsets: OffsetManager;

  constructor(opts: GroupCoordinatorOptions) {
    const config = { ...DEFAULT_CONFIG, ...opts.config };
    const assignors = new Map<string, Assignor>();
    for (const name of config.consumerAssignors) {
      const a = (opts.assignors ?? ASSIGNORS).get(name);
      if (a) assignors.set(name, a);
    }
    if (assignors.size === 0) for (const [n, a] of opts.assignors ?? ASSIGNORS) assignors.set(n, a);
    this.#s = new Shard(config, opts.topics, opts.newId ?? randomUUID);
    this.#classic = new ClassicProtocol(this.#s);
    this.#consumer = new ConsumerProtocol(this.#s, assignors, opts.listTopics ?? (() => []));
    this.#offsets = new OffsetManager(this.#s, (g) => this.#drop(g), groupTombstones);
  }

  get config(): Readonly<CoordinatorConfig> {
    return this.#s.config;
  }

  // ---- classic protocol ----

  joinGroup(req: Plain<JoinGroupRequest>, client: Client, now: number) {
    return this.#s.run(now, () => this.#classic.join(req, client));
  }

  syncGroup(req: Plain<SyncGroupRequest>, client: Client, now: number) {
    return this.#s.run(now, () => this.#classic.sync(req));
  }

  heartbeat(req: Plain<HeartbeatRequest>, _client: Client, now: number): CoordinatorResult<number> {
    return this.#s.run(now, () => this.#classic.heartbeat(req));
  }

  leaveGroup(req: Plain<LeaveGroupRequest>, client: Client, now: number) {
    return this.#s.run(now, () => this.#classic.leave(req, client.apiVersion));
  }

  // ---- consumer protocol (KIP-848) ----

  consumerGroupHeartbeat(req: Plain<ConsumerGroupHeartbeatRequest>, client: Client, now: number) {
    return this.#s.run(now, () => this.#consumer.heartbeat(req, client));
  }

  consumerGroupDescribe(groupIds: readonly string[]) {
    return groupIds.map((id) => this.#consumer.describe(id));
  }

  // ---- offsets ----

  commitOffsets(req: Plain<OffsetCommitRequest>, client: Client, now: number) {
    return this.#s.run(now, () => this.#offsets.commit(req, client));
  }

  fetchOffsets(
    groupId: string,
    topics: ReadonlyArray<{ name: string; partitionIndexes: readonly number[] }> | null,
    requireStable: boolean,
    member: { memberId: string | null; memberEpoch: number } | null = null,
  ) {
    return this.#offsets.fetch(groupId, topics, requireStable, member);
  }

  deleteOffsets(req: Plain<OffsetDeleteRequest>, now: number) {
    return this.#s.run(now, () => this.#offsets.deleteOffsets(req));
  }

  /** Expires offsets older than offsets.retention.minutes; deletes groups left with nothing. */
  expireOffsets(now: number): CoordinatorResult<number> {
    return this.#s.run(now, () => this.#offsets.expire());
  }

  // ---- admin ----

  describeGroups(groupIds: readonly string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const g = this.#s.groups.get(groupId);
      const base = { errorCode: ErrorCode.NONE, groupId, protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 };
      if (!groupId) return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID, groupState: '' };
      if (!g) return { ...base, groupState: 'Dead' };
      if (g instanceof ConsumerGroup) return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, groupState: '' };
      const stable = g.is('Stable');
      return {
        ...base,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadata(g.protocolName) : new Uint8Array(0),
          memberAssignment: stable ? m.assignment : new Uint8Array(0),
        })),
      };
    });
  }

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    const out: ListedGroup[] = [];
    for (const g of this.#s.groups.values()) {
      const state = g.stateName;
      if (state === 'Dead') continue;
      if (states.size > 0 && !states.has(state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(g.type)) continue;
      out.push({ groupId: g.groupId, protocolType: g instanceof ClassicGroup ? (g.protocolType ?? '') : 'consumer', groupState: state, groupType: g.type });
    }
    return out;
  }

  deleteGroups(groupIds: readonly string[], now: number): CoordinatorResult<Array<{ groupId: string; errorCode: number }>> {
    const s = this.#s;
    return s.run(now, () => {
      const results = groupIds.map((groupId): { groupId: string; errorCode: number } => {
        if (!groupId) return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
        const g = s.groups.get(groupId);
        if (!g || (g instanceof ClassicGroup && g.is('Dead'))) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
        if (!g.isEmpty || (g instanceof ClassicGroup && g.pendingJoinMembers.size > 0)) return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
        for (const k of g.offsets.keys()) {
          const i = k.lastIndexOf('\u0000');
          s.emit({ kind: 'offset', groupId, topic: k.slice(0, i), partition: Number(k.slice(i + 1)), value: null });
        }
        for (const r of groupTombstones(g)) s.emit(r);
        this.#drop(g);
        return { groupId, errorCode: ErrorCode.NONE };
      });
      if (!results.some((r) => r.errorCode === ErrorCode.NONE)) return results;
      const d = new Deferred<typeof results>();
      s.after((error) => d.resolve(error ? results.map((r) => (r.errorCode === ErrorCode.NONE ? { ...r, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE } : r)) : results));
      return d;
    });
  }

  #drop(g: Group): void {
    if (g instanceof ClassicGroup) {
      this.#classic.forget(g);
      g.state = 'Dead';
    } else {
      this.#consumer.forget(g);
      g.dead = true;
    }
    this.#s.groups.delete(g.groupId);
  }

  // ---- timers ----

  /** Fires the timers due at `now` (sessions, rebalances, revocations). */
  poll(now: number): CoordinatorResult<void> {
    return this.#s.poll(now);
  }

  /** When the next timer is due, or undefined. */
  nextDeadline(): number | undefined {
    return this.#s.timers.next();
  }

  // ---- state from the log ----

  /** Applies one record read back from __consumer_offsets. Call `loaded(now)` after the last one. */
  replay(r: GroupRecord, now: number): void {
    const s = this.#s;
    s.now = now;
    if (r.kind === 'offset') {
      let g = s.groups.get(r.groupId);
      if (!g) {
        if (r.value === null) return;
        g = new ClassicGroup(r.groupId, 'Empty', now);
        s.groups.set(r.groupId, g);
      }
      const v = r.value;
      this.#offsets.apply(
        g,
        r.topic,
        r.partition,
        v === null
          ? null
          : { offset: v.offset ?? 0n, leaderEpoch: v.leaderEpoch ?? -1, metadata: v.metadata ?? '', commitTimestamp: v.commitTimestamp ?? 0n, expireTimestamp: v.expireTimestamp ?? -1n },
      );
      return;
    }
    if (r.kind === 'group') {
      const prev = s.groups.get(r.groupId);
      if (r.value === null) {
        if (prev instanceof ClassicGroup) {
          if (prev.offsets.size > 0) {
            const c = new ClassicGroup(r.groupId, 'Empty', now);
            for (const [k, o] of prev.offsets) c.offsets.set(k, o);
            s.groups.set(r.groupId, c);
          } else s.groups.delete(r.groupId);
        }
        return;
      }
      const v = r.value;
      const members = v.members ?? [];
      const g = new ClassicGroup(r.groupId, members.length > 0 ? 'Stable' : 'Empty', Number(v.currentStateTimestamp ?? -1n) >= 0 ? Number(v.currentStateTimestamp) : now);
      if (prev) for (const [k, o] of prev.offsets) g.offsets.set(k, o);
      g.protocolType = v.protocolType ? v.protocolType : null;
      g.generationId = v.generation ?? 0;
      g.protocolName = v.protocol ?? null;
      g.leaderId = v.leader ?? null;
      for (const mm of members) {
        const m = new ClassicMember(
          mm.memberId ?? '',
          mm.groupInstanceId ?? null,
          mm.clientId ?? '',
          mm.clientHost ?? '',
          mm.rebalanceTimeout ?? -1,
          mm.sessionTimeout ?? 0,
          g.protocolType ?? '',
          [{ name: g.protocolName ?? '', metadata: (mm.subscription ?? new Uint8Array(0)) as Uint8Array }],
        );
        m.assignment = (mm.assignment ?? new Uint8Array(0)) as Uint8Array;
        g.add(m, null);
      }
      if (members.length === 0) g.leaderId = null;
      else g.leaderId = v.leader ?? g.leaderId;
      g.subscribedTopics = g.computeSubscribedTopics();
      s.groups.set(r.groupId, g);
      return;
    }
    this.#consumer.replay(r);
  }

  /** After replay: members' sessions start now. */
  loaded(now: number): void {
    const s = this.#s;
    s.now = now;
    for (const g of s.groups.values()) {
      if (g instanceof ClassicGroup) for (const m of g.members.values()) this.#classic.scheduleLoadedMember(g, m);
      else this.#consumer.scheduleLoaded(g);
    }
  }

  // ---- views (CLI, metrics, tests) ----

  groupIds(): string[] {
    return [...this.#s.groups.keys()];
  }

  group(groupId: string): Readonly<Group> | undefined {
    return this.#s.groups.get(groupId);
  }

  /** Committed offsets of every group (for lag metrics). */
  *committed(): IterableIterator<{ groupId: string; topic: string; partition: number; offset: bigint }> {
    for (const g of this.#s.groups.values()) {
      for (const [k, o] of g.offsets) {
        const i = k.lastIndexOf('\u0000');
        yield { groupId: g.groupId, topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset: o.offset };
      }
    }
  }

  hasOffset(groupId: string, topic: string, partition: number): boolean {
    return this.#s.groups.get(groupId)?.offsets.has(tpKey(topic, partition)) ?? false;
  }
}
