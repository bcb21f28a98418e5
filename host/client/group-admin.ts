// Consumer group administration over the Kafka protocol (for `kwasm groups`): find a group's
// coordinator, list, describe (classic groups through DescribeGroups, KIP-848 groups through
// ConsumerGroupDescribe), committed offsets, commits outside group management (offset resets),
// and deletion.
import { ApiKey } from '../protocol/generated/index.js';
import { ErrorCode } from '../protocol/generated/errors.js';
import { parseAssignment } from '../coordinator/group/consumer-protocol.js';
import { Admin } from './admin.js';
import { check, KafkaClientError, type ConnectionOptions, type KafkaConnection } from './connection.js';

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
  type: string;
}

export interface GroupMemberInfo {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  host: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  type: 'classic' | 'consumer';
  protocolType: string;
  /** Classic: the chosen protocol (assignor); consumer groups: the server assignor. */
  assignor: string;
  coordinator: { nodeId: number; host: string; port: number };
  members: GroupMemberInfo[];
}

export class GroupAdmin {
  readonly admin: Admin;

  constructor(bootstrap: string, opts: ConnectionOptions = {}) {
    this.admin = new Admin(bootstrap, opts);
  }

  async coordinator(groupId: string): Promise<{ conn: KafkaConnection; nodeId: number; host: string; port: number }> {
    const c = await this.admin.cluster.connection();
    const v = c.version(ApiKey.FindCoordinator, 1, 4);
    const r = await c.request(ApiKey.FindCoordinator, v, v >= 4 ? { keyType: 0, coordinatorKeys: [groupId] } : { key: groupId, keyType: 0 });
    const at = v >= 4 ? r.coordinators[0]! : r;
    check(at.errorCode, `FindCoordinator ${groupId}`, at.errorMessage);
    await this.admin.cluster.metadata([]);
    return { conn: await this.admin.cluster.node(at.nodeId), nodeId: at.nodeId, host: at.host, port: at.port };
  }

  async listGroups(states: readonly string[] = []): Promise<GroupListing[]> {
    const md = await this.admin.cluster.metadata([]);
    const out: GroupListing[] = [];
    for (const b of md.brokers) {
      const c = await this.admin.cluster.node(b.nodeId);
      const v = c.version(ApiKey.ListGroups, 0, 5);
      const r = await c.request(ApiKey.ListGroups, v, { statesFilter: v >= 4 ? [...states] : [], typesFilter: [] });
      check(r.errorCode, 'ListGroups');
      for (const g of r.groups) {
        if (v < 4 && states.length > 0) continue;
        out.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState, type: g.groupType || 'classic' });
      }
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const co = await this.coordinator(groupId);
    const c = co.conn;
    const coordinator = { nodeId: co.nodeId, host: co.host, port: co.port };
    const v = c.version(ApiKey.DescribeGroups, 0, 5);
    const r = await c.request(ApiKey.DescribeGroups, v, { groups: [groupId], includeAuthorizedOperations: false });
    const g = r.groups[0]!;
    if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND && c.apiVersions.has(ApiKey.ConsumerGroupDescribe)) {
      const d = await c.request(ApiKey.ConsumerGroupDescribe, 0, { groupIds: [groupId], includeAuthorizedOperations: false });
      const cg = d.groups[0]!;
      check(cg.errorCode, `ConsumerGroupDescribe ${groupId}`, cg.errorMessage);
      return {
        groupId,
        state: cg.groupState,
        type: 'consumer',
        protocolType: 'consumer',
        assignor: cg.assignorName,
        coordinator,
        members: cg.members.map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: m.assignment.topicPartitions.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })),
        })),
      };
    }
    check(g.errorCode, `DescribeGroups ${groupId}`);
    return {
      groupId,
      state: g.groupState,
      type: 'classic',
      protocolType: g.protocolType,
      assignor: g.protocolData,
      coordinator,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        instanceId: m.groupInstanceId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment:
          g.protocolType === 'consumer'
            ? (parseAssignment(m.memberAssignment)?.assignedPartitions ?? []).map((t) => ({ topic: t.topic, partitions: [...t.partitions].sort((a, b) => a - b) }))
            : [],
      })),
    };
  }

  /** Committed offsets of a group: topic → partition → offset. */
  async committedOffsets(groupId: string): Promise<Map<string, Map<number, bigint>>> {
    const { conn } = await this.coordinator(groupId);
    const v = conn.version(ApiKey.OffsetFetch, 2, 7);
    const r = await conn.request(ApiKey.OffsetFetch, v, { groupId, topics: null, requireStable: v >= 7 ? true : undefined });
    check(r.errorCode, `OffsetFetch ${groupId}`);
    const out = new Map<string, Map<number, bigint>>();
    for (const t of r.topics) {
      const m = new Map<number, bigint>();
      for (const p of t.partitions) {
        check(p.errorCode, `OffsetFetch ${groupId} ${t.name}-${p.partitionIndex}`);
        if (p.committedOffset >= 0n) m.set(p.partitionIndex, p.committedOffset);
      }
      if (m.size > 0) out.set(t.name, m);
    }
    return out;
  }

  /** Commits offsets outside group management (generation -1): the group must have no members. */
  async commitOffsets(groupId: string, offsets: ReadonlyMap<string, ReadonlyMap<number, bigint>>): Promise<void> {
    const { conn } = await this.coordinator(groupId);
    const v = conn.version(ApiKey.OffsetCommit, 2, 8);
    const r = await conn.request(ApiKey.OffsetCommit, v, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [...offsets].map(([name, ps]) => ({
        name,
        partitions: [...ps].map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedMetadata: '' })),
      })),
    });
    for (const t of r.topics) for (const p of t.partitions) check(p.errorCode, `OffsetCommit ${groupId} ${t.name}-${p.partitionIndex}`);
  }

  async deleteGroups(groupIds: readonly string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    const out: Array<{ groupId: string; errorCode: number }> = [];
    for (const groupId of groupIds) {
      try {
        const { conn } = await this.coordinator(groupId);
        const v = conn.version(ApiKey.DeleteGroups, 0, 2);
        const r = await conn.request(ApiKey.DeleteGroups, v, { groupsNames: [groupId] });
        out.push({ groupId, errorCode: r.results[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR });
      } catch (e) {
        if (e instanceof KafkaClientError && e.code in ErrorCode) out.push({ groupId, errorCode: ErrorCode[e.code as keyof typeof ErrorCode] });
        else throw e;
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.admin.cluster.close();
  }
}
