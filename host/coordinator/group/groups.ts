// The groups a coordinator holds: classic groups (JoinGroup/SyncGroup, the client-side assignment
// protocol) and consumer groups (KIP-848, ConsumerGroupHeartbeat with server-side assignors). Both
// carry the group's committed offsets. Plain data with small helpers; the protocols that change
// them live in classic.ts and consumer.ts.
import type { JoinGroupResponse } from '../../protocol/generated/JoinGroupResponse.js';
import type { SyncGroupResponse } from '../../protocol/generated/SyncGroupResponse.js';
import { CONSUMER_PROTOCOL_TYPE, parseSubscription } from './consumer-protocol.js';
import type { Deferred } from './deferred.js';
import type { Resp } from './shard.js';

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: bigint;
  /** -1n unless the commit carried a retention time (OffsetCommit v2–4). */
  expireTimestamp: bigint;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
export const splitTpKey = (k: string): [string, number] => {
  const i = k.lastIndexOf('\u0000');
  return [k.slice(0, i), Number(k.slice(i + 1))];
};

abstract class GroupBase {
  readonly offsets = new Map<string, CommittedOffset>();
  /** Commits written but not yet acknowledged by the log, per partition (requireStable). */
  readonly pendingOffsets = new Map<string, number>();
  constructor(readonly groupId: string) {}
  abstract readonly type: 'classic' | 'consumer';
  abstract get stateName(): string;
  abstract get isEmpty(): boolean;
  abstract isSubscribedToTopic(topic: string): boolean;
}

// ---- classic groups ----

export type ClassicState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<ClassicState, readonly ClassicState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface Protocol {
  name: string;
  metadata: Uint8Array;
}

export class ClassicMember {
  assignment: Uint8Array = new Uint8Array(0);
  awaitingJoin: { d: Deferred<Resp<JoinGroupResponse>>; version: number } | null = null;
  awaitingSync: Deferred<Resp<SyncGroupResponse>> | null = null;
  /** Joined in the current rebalance and never completed a join (NEW_MEMBER_JOIN_TIMEOUT applies). */
  isNew = false;
  heartbeatSatisfied = false;
  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  metadata(protocol: string | null): Uint8Array {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? new Uint8Array(0);
  }

  /** Same protocols with the same metadata, in the same order. */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    for (let i = 0; i < protocols.length; i++) {
      const a = protocols[i]!;
      const b = this.protocols[i]!;
      if (a.name !== b.name || !bytesEqual(a.metadata, b.metadata)) return false;
    }
    return true;
  }

  /** The member's first listed protocol among the candidates (its preference order). */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.protocols.find((x) => candidates.has(x.name));
    if (!p) throw new Error(`member ${this.memberId} does not support any of the candidate protocols`);
    return p.name;
  }
}

export class ClassicGroup extends GroupBase {
  readonly type = 'classic' as const;
  state: ClassicState;
  previousState: ClassicState = 'Dead';
  currentStateTimestamp: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  readonly staticMembers = new Map<string, string>();
  readonly pendingJoinMembers = new Set<string>();
  readonly pendingSyncMembers = new Set<string>();
  readonly supportedProtocols = new Map<string, number>();
  numMembersAwaitingJoin = 0;
  newMemberAdded = false;
  /** Which join timer runs in PreparingRebalance: the initial delay (time only) or the rebalance timeout. */
  joinTimer: 'initial' | 'rebalance' | null = null;
  subscribedTopics: Set<string> | null = null;

  constructor(groupId: string, state: ClassicState, now: number) {
    super(groupId);
    this.state = state;
    this.currentStateTimestamp = now;
  }

  get stateName(): string {
    return this.state;
  }
  get isEmpty(): boolean {
    return this.state === 'Empty';
  }
  is(s: ClassicState): boolean {
    return this.state === s;
  }
  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  transitionTo(s: ClassicState, now: number): void {
    if (!VALID_PREVIOUS[s].includes(this.state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${s}`);
    this.previousState = this.state;
    this.state = s;
    this.currentStateTimestamp = now;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  add(m: ClassicMember, join: ClassicMember['awaitingJoin']): void {
    if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId);
    if (this.members.size === 0) this.protocolType = m.protocolType;
    if (this.leaderId === null) this.leaderId = m.memberId;
    this.members.set(m.memberId, m);
    this.#count(m, 1);
    m.awaitingJoin = join;
    if (join) this.numMembersAwaitingJoin++;
    this.pendingJoinMembers.delete(m.memberId);
  }

  remove(memberId: string): void {
    const m = this.members.get(memberId);
    if (m) {
      this.members.delete(memberId);
      this.#count(m, -1);
      if (m.awaitingJoin) this.numMembersAwaitingJoin--;
      if (m.groupInstanceId !== null) this.staticMembers.delete(m.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  updateMember(m: ClassicMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, join: ClassicMember['awaitingJoin']): void {
    this.#count(m, -1);
    m.protocols = protocols;
    this.#count(m, 1);
    m.rebalanceTimeoutMs = rebalanceTimeoutMs;
    m.sessionTimeoutMs = sessionTimeoutMs;
    if (join && !m.awaitingJoin) this.numMembersAwaitingJoin++;
    else if (!join && m.awaitingJoin) this.numMembersAwaitingJoin--;
    m.awaitingJoin = join;
  }

  #count(m: ClassicMember, delta: number): void {
    for (const p of m.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingJoinMembers.size === 0;
  }

  /** The largest rebalance timeout of the members. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  supportsProtocols(protocolType: string, names: readonly string[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && names.length > 0;
    return this.protocolType === protocolType && names.some((n) => (this.supportedProtocols.get(n) ?? 0) === this.members.size);
  }

  /** Each member votes for its preferred protocol among those all members support; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, n] of this.supportedProtocols) if (n === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best!;
  }

  isStaticMemberFenced(groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false;
    const existing = this.staticMembers.get(groupInstanceId);
    return existing !== undefined && existing !== memberId;
  }

  /** If the leader has not rejoined, the first member that has becomes leader. False when none did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.awaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', now);
    }
    this.pendingSyncMembers.clear();
  }

  usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const all = new Set<string>();
    for (const m of this.members.values()) {
      const s = parseSubscription(m.metadata(this.protocolName));
      if (!s) return null;
      for (const t of s.topics) all.add(t);
    }
    return all;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics ? this.subscribedTopics.has(topic) : this.usesConsumerProtocol();
  }
}

// ---- consumer groups (KIP-848) ----

/** Partitions by topic id. */
export type Assignment = Map<string, Set<number>>;

/** Kafka's MemberState byte values, as written in ConsumerGroupCurrentMemberAssignmentValue.State. */
export const MemberState = { STABLE: 1, UNREVOKED_PARTITIONS: 2, UNRELEASED_PARTITIONS: 3 } as const;

export class ConsumerMember {
  instanceId: string | null = null;
  rackId: string | null = null;
  clientId = '';
  clientHost = '';
  subscribedTopicNames: string[] = [];
  subscribedTopicRegex: string | null = null;
  serverAssignor: string | null = null;
  rebalanceTimeoutMs = -1;
  memberEpoch = 0;
  previousMemberEpoch = -1;
  state: number = MemberState.STABLE;
  assigned: Assignment = new Map();
  pendingRevocation: Assignment = new Map();
  constructor(readonly memberId: string) {}
}

export class ConsumerGroup extends GroupBase {
  readonly type = 'consumer' as const;
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  readonly staticMembers = new Map<string, string>();
  readonly targetAssignment = new Map<string, Assignment>();
  /** Subscribed topics' metadata when the group epoch was last bumped: name → [id, partitions]. */
  subscriptionMetadata = new Map<string, { id: string; partitions: number }>();
  dead = false;

  get stateName(): string {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return 'Reconciling';
    }
    return 'Stable';
  }
  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  subscribedTopicNames(): Set<string> {
    const s = new Set<string>();
    for (const m of this.members.values()) for (const t of m.subscribedTopicNames) s.add(t);
    return s;
  }

  isSubscribedToTopic(topic: string): boolean {
    for (const m of this.members.values()) if (m.subscribedTopicNames.includes(topic)) return true;
    return false;
  }
}

export type Group = ClassicGroup | ConsumerGroup;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
