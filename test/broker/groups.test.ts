// Consumer groups over the wire (raw protocol client): coordinator lookup, the classic protocol,
// offsets, admin APIs, KIP-848 heartbeats, and state that survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { encodeSubscription } from '../../host/coordinator/group/consumer-protocol.js';
import { partitionForGroup } from '../../host/coordinator/group/hash.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const CONFIG = { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 500, 'offsets.topic.num.partitions': 5 };
const sub = encodeSubscription({ topics: ['gt'], userData: null });

async function joinAndSync(c: TestClient, groupId: string, instance: string | null = null) {
  let memberId = '';
  for (;;) {
    const j = await c.send(ApiKey.JoinGroup, 9, { groupId, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 5000, memberId, groupInstanceId: instance, protocolType: 'consumer', protocols: [{ name: 'range', metadata: sub }], reason: null });
    if (j.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      memberId = j.memberId;
      continue;
    }
    expect(j.errorCode).toBe(0);
    const s = await c.send(ApiKey.SyncGroup, 5, {
      groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: instance, protocolType: 'consumer', protocolName: j.protocolName,
      assignments: j.leader === j.memberId ? j.members.map((m) => ({ memberId: m.memberId, assignment: Uint8Array.of(7) })) : [],
    });
    expect(s.errorCode).toBe(0);
    return { memberId: j.memberId, generationId: j.generationId, assignment: s.assignment };
  }
}

describe('consumer groups over the wire', () => {
  let broker: TestBroker;
  let c: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file', config: CONFIG });
    c = await TestClient.connect(broker.port);
    await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'gt', numPartitions: 3, replicationFactor: 1 }], timeoutMs: 1000 });
  });
  afterAll(async () => {
    c.close();
    await broker.close();
  });

  it('FindCoordinator answers this node (v0–3 single, v4+ batched) and creates __consumer_offsets', async () => {
    const v0 = await c.send(ApiKey.FindCoordinator, 0, { key: 'g1' });
    expect(v0).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: broker.port });
    const v3 = await c.send(ApiKey.FindCoordinator, 3, { key: 'txn', keyType: 1 });
    expect(v3).toMatchObject({ errorCode: 0, nodeId: 1 });
    const v4 = await c.send(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(v4.coordinators.map((x) => [x.key, x.errorCode, x.port])).toEqual([['a', 0, broker.port], ['b', 0, broker.port]]);
    const bad = await c.send(ApiKey.FindCoordinator, 4, { keyType: 7, coordinatorKeys: ['a'] });
    expect(bad.coordinators[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const md = await c.send(ApiKey.Metadata, 12, { topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    expect(md.topics[0]).toMatchObject({ name: '__consumer_offsets', isInternal: true, errorCode: 0 });
    expect(md.topics[0]!.partitions).toHaveLength(5);
    const cfg = await c.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: '__consumer_offsets', configurationKeys: ['cleanup.policy'] }], includeSynonyms: false, includeDocumentation: false });
    expect(cfg.results[0]!.configs[0]!.value).toBe('compact');
  });

  it('joins, syncs, heartbeats, commits and fetches; the commit lands in the group’s partition', async () => {
    const m = await joinAndSync(c, 'wire');
    expect([...m.assignment]).toEqual([7]);
    const hb = await c.send(ApiKey.Heartbeat, 4, { groupId: 'wire', generationId: m.generationId, memberId: m.memberId, groupInstanceId: null });
    expect(hb.errorCode).toBe(0);
    const commit = await c.send(ApiKey.OffsetCommit, 8, {
      groupId: 'wire', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: null,
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 0, committedOffset: 11n, committedLeaderEpoch: 0, committedMetadata: 'meta' }, { partitionIndex: 1, committedOffset: 12n, committedLeaderEpoch: 0, committedMetadata: null }] }],
    });
    expect(commit.topics[0]!.partitions.map((p) => p.errorCode)).toEqual([0, 0]);
    const log = broker.services.topics.partition('__consumer_offsets', partitionForGroup('wire', 5))!;
    expect(log.logEndOffset).toBeGreaterThanOrEqual(3n); // group metadata + two offsets
    const v1 = await c.send(ApiKey.OffsetFetch, 1, { groupId: 'wire', topics: [{ name: 'gt', partitionIndexes: [0, 1, 2] }] });
    expect(v1.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([11n, 12n, -1n]);
    const v7 = await c.send(ApiKey.OffsetFetch, 7, { groupId: 'wire', topics: null, requireStable: true });
    expect(v7.errorCode).toBe(0);
    expect(v7.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.metadata])).toEqual([[0, 11n, 0, 'meta'], [1, 12n, 0, '']]);
    const v8 = await c.send(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'wire', topics: [{ name: 'gt', partitionIndexes: [0] }] }, { groupId: 'none', topics: null }], requireStable: false });
    expect(v8.groups.map((g) => [g.groupId, g.errorCode, g.topics.map((t) => t.partitions.map((p) => p.committedOffset))])).toEqual([['wire', 0, [[11n]]], ['none', 0, []]]);
  });

  it('lists, describes and deletes groups; OffsetDelete refuses subscribed topics', async () => {
    const m = await joinAndSync(c, 'admin');
    const list = await c.send(ApiKey.ListGroups, 5, { statesFilter: ['Stable'], typesFilter: [] });
    expect(list.groups.map((g) => g.groupId).sort()).toEqual(['admin', 'wire']);
    const d = await c.send(ApiKey.DescribeGroups, 5, { groups: ['admin'], includeAuthorizedOperations: false });
    expect(d.groups[0]).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d.groups[0]!.members[0]).toMatchObject({ memberId: m.memberId, clientId: 'kwasm-test', clientHost: '/127.0.0.1' });
    const del = await c.send(ApiKey.DeleteGroups, 2, { groupsNames: ['admin'] });
    expect(del.results[0]!.errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    const od = await c.send(ApiKey.OffsetDelete, 0, { groupId: 'admin', topics: [{ name: 'gt', partitions: [{ partitionIndex: 0 }] }] });
    expect(od.errorCode).toBe(0);
    expect(od.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    const leave = await c.send(ApiKey.LeaveGroup, 5, { groupId: 'admin', members: [{ memberId: m.memberId, groupInstanceId: null, reason: 'test' }] });
    expect(leave.members[0]!.errorCode).toBe(0);
    const del2 = await c.send(ApiKey.DeleteGroups, 2, { groupsNames: ['admin'] });
    expect(del2.results[0]!.errorCode).toBe(0);
  });

  it('KIP-848: ConsumerGroupHeartbeat assigns every partition; ConsumerGroupDescribe shows it', async () => {
    const r = await c.send(ApiKey.ConsumerGroupHeartbeat, 0, { groupId: 'new-proto', memberId: '', memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: ['gt'], topicPartitions: [] });
    expect(r).toMatchObject({ errorCode: 0, memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(r.assignment!.topicPartitions[0]!.partitions).toEqual([0, 1, 2]);
    const d = await c.send(ApiKey.ConsumerGroupDescribe, 0, { groupIds: ['new-proto'], includeAuthorizedOperations: false });
    expect(d.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 1, assignorName: 'uniform' });
    expect(d.groups[0]!.members[0]!.assignment.topicPartitions[0]).toMatchObject({ topicName: 'gt', partitions: [0, 1, 2] });
    const leave = await c.send(ApiKey.ConsumerGroupHeartbeat, 0, { groupId: 'new-proto', memberId: r.memberId!, memberEpoch: -1 });
    expect(leave.errorCode).toBe(0);
  });

  it('committed offsets and group metadata survive a restart', async () => {
    const m = await joinAndSync(c, 'durable', 'static-1');
    await c.send(ApiKey.OffsetCommit, 8, {
      groupId: 'durable', generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, groupInstanceId: 'static-1',
      topics: [{ name: 'gt', partitions: [{ partitionIndex: 2, committedOffset: 99n, committedLeaderEpoch: 0, committedMetadata: null }] }],
    });
    c.close();
    broker = await broker.restart();
    c = await TestClient.connect(broker.port);
    const f = await c.send(ApiKey.OffsetFetch, 6, { groupId: 'durable', topics: [{ name: 'gt', partitionIndexes: [2] }] });
    expect(f.topics[0]!.partitions[0]!.committedOffset).toBe(99n);
    const w = await c.send(ApiKey.OffsetFetch, 6, { groupId: 'wire', topics: [{ name: 'gt', partitionIndexes: [0] }] });
    expect(w.topics[0]!.partitions[0]!.committedOffset).toBe(11n);
    const d = await c.send(ApiKey.DescribeGroups, 5, { groups: ['durable'], includeAuthorizedOperations: false });
    expect(d.groups[0]).toMatchObject({ groupState: 'Stable' });
    expect(d.groups[0]!.members[0]).toMatchObject({ memberId: m.memberId, groupInstanceId: 'static-1' });
    // The member's session restarted at load: it may heartbeat with its generation.
    const hb = await c.send(ApiKey.Heartbeat, 4, { groupId: 'durable', generationId: m.generationId, memberId: m.memberId, groupInstanceId: 'static-1' });
    expect(hb.errorCode).toBe(0);
    const list = await c.send(ApiKey.ListGroups, 4, { statesFilter: [] });
    expect(list.groups.map((g) => g.groupId)).not.toContain('admin');
  });
});
