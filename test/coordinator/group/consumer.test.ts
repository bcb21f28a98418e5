import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../host/protocol/generated/errors.js';
import { rangeAssignor, uniformAssignor } from '../../../host/coordinator/group/assignors.js';
import { Harness, TOPICS, client } from './helpers.js';

const ORDERS = TOPICS.get('orders')!.id;

function hbReq(memberId: string, memberEpoch: number, o: { topics?: string[] | null; owned?: number[] | null; assignor?: string | null; instance?: string | null } = {}) {
  return {
    groupId: 'cg',
    memberId,
    memberEpoch,
    instanceId: o.instance ?? null,
    rackId: null,
    rebalanceTimeoutMs: memberEpoch === 0 ? 5000 : -1,
    subscribedTopicNames: o.topics === undefined ? (memberEpoch === 0 ? ['orders'] : null) : o.topics,
    subscribedTopicRegex: null,
    serverAssignor: o.assignor ?? null,
    topicPartitions: o.owned === undefined ? (memberEpoch === 0 ? [] : null) : o.owned === null ? null : [{ topicId: ORDERS, partitions: o.owned }],
  };
}

const parts = (r: { assignment: { topicPartitions: Array<{ partitions: number[] }> } | null }) => r.assignment?.topicPartitions.flatMap((t) => t.partitions) ?? null;

describe('consumer group protocol (KIP-848)', () => {
  it('joins, gets a server-side assignment, and shares partitions with a second member after revocation', async () => {
    const h = new Harness({ consumerHeartbeatIntervalMs: 100 });
    const send = (req: ReturnType<typeof hbReq>) => h.apply(h.coordinator.consumerGroupHeartbeat(req, client(1), h.now));
    const a1 = await send(hbReq('A', 0));
    expect(a1).toMatchObject({ errorCode: 0, memberId: 'A', memberEpoch: 1, heartbeatIntervalMs: 100 });
    expect(parts(a1)).toEqual([0, 1, 2, 3, 4, 5]);
    const b1 = await send(hbReq('B', 0));
    // B is at epoch 2 but its partitions are still A's: it gets nothing yet.
    expect(b1).toMatchObject({ errorCode: 0, memberEpoch: 2 });
    expect(parts(b1)).toEqual([]);
    expect(h.coordinator.consumerGroupDescribe(['cg'])[0]!.groupState).toBe('Reconciling');
    // A must revoke half: its epoch stays 1 until it reports owning only what it keeps.
    const a2 = await send(hbReq('A', 1, { owned: [0, 1, 2, 3, 4, 5] }));
    expect(a2.memberEpoch).toBe(1);
    const kept = parts(a2)!;
    expect(kept).toHaveLength(3);
    const a3 = await send(hbReq('A', 1, { owned: kept }));
    expect(a3.memberEpoch).toBe(2);
    const b2 = await send(hbReq('B', 2, { owned: [] }));
    expect(parts(b2)!.sort()).toEqual([0, 1, 2, 3, 4, 5].filter((p) => !kept.includes(p)));
    const d = h.coordinator.consumerGroupDescribe(['cg'])[0]!;
    expect(d).toMatchObject({ groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
    expect(d.members.map((m) => m.assignment.topicPartitions[0]!.topicName)).toEqual(['orders', 'orders']);
    expect(h.log.some((r) => r.kind === 'cgTargetMember')).toBe(true);
  });

  it('fences wrong epochs and unknown members; leaving gives the partitions back', async () => {
    const h = new Harness();
    const send = (req: ReturnType<typeof hbReq>) => h.apply(h.coordinator.consumerGroupHeartbeat(req, client(0), h.now));
    await send(hbReq('A', 0));
    expect((await send(hbReq('A', 7))).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await send(hbReq('ghost', 3))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await send({ ...hbReq('A', 0), subscribedTopicNames: null })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await send(hbReq('A', 0, { assignor: 'nope' }))).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    await send(hbReq('B', 0));
    const leave = await send(hbReq('A', -1));
    expect(leave).toMatchObject({ errorCode: 0, memberEpoch: -1 });
    // B (epoch 2, waiting for A's partitions) takes them all at epoch 3.
    const b = await send(hbReq('B', 2, { owned: [] }));
    expect(b.memberEpoch).toBe(3);
    expect(parts(b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('expires members after the session timeout and when they do not revoke within the rebalance timeout', async () => {
    const h = new Harness({ consumerSessionTimeoutMs: 2000 });
    const send = (req: ReturnType<typeof hbReq>) => h.apply(h.coordinator.consumerGroupHeartbeat(req, client(0), h.now));
    await send(hbReq('A', 0));
    await send(hbReq('B', 0));
    await h.advance(1500);
    await send(hbReq('B', 2, { owned: [] }));
    await h.advance(1000);
    // A's session ended: B gets everything.
    expect([...h.coordinator.consumerGroupDescribe(['cg'])[0]!.members.map((m) => m.memberId)]).toEqual(['B']);
    const b = await send(hbReq('B', 2, { owned: [] }));
    expect(parts(b)).toEqual([0, 1, 2, 3, 4, 5]);
    // C joins; B is asked to revoke but never does (rebalance timeout 5 s): B is fenced.
    await send(hbReq('C', 0));
    const b2 = await send(hbReq('B', 3, { owned: [0, 1, 2, 3, 4, 5] }));
    expect(parts(b2)).toHaveLength(3);
    for (let t = 0; t < 4; t++) {
      await h.advance(1500);
      await send(hbReq('C', 4, { owned: [] }));
    }
    expect(h.coordinator.consumerGroupDescribe(['cg'])[0]!.members.map((m) => m.memberId)).toEqual(['C']);
  });

  it('commits with member epochs (OffsetCommit v9): STALE_MEMBER_EPOCH and UNKNOWN_MEMBER_ID', async () => {
    const h = new Harness();
    await h.apply(h.coordinator.consumerGroupHeartbeat(hbReq('A', 0), client(0), h.now));
    const commit = (memberId: string, epoch: number, version = 9) =>
      h.apply(h.coordinator.commitOffsets({ groupId: 'cg', generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] }, client(version), h.now));
    expect((await commit('A', 1)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await commit('A', 0)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await commit('A', 2)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await commit('Z', 1)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await commit('A', 1, 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(h.coordinator.fetchOffsets('cg', null, false, { memberId: 'A', memberEpoch: 0 }).errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(h.coordinator.fetchOffsets('cg', null, false, { memberId: 'A', memberEpoch: 1 }).topics[0]!.partitions[0]!.committedOffset).toBe(1n);
    expect(h.coordinator.listGroups([], ['consumer'])).toEqual([{ groupId: 'cg', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    expect(h.coordinator.describeGroups(['cg'])[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('a static member that leaves with epoch -2 and comes back keeps its partitions', async () => {
    const h = new Harness();
    const send = (req: ReturnType<typeof hbReq>) => h.apply(h.coordinator.consumerGroupHeartbeat(req, client(1), h.now));
    const a = await send(hbReq('A', 0, { instance: 'i1' }));
    expect((await send(hbReq('A2', 0, { instance: 'i1' }))).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    await send(hbReq('A', -2, { instance: 'i1' }));
    const back = await send(hbReq('A2', 0, { instance: 'i1' }));
    expect(back).toMatchObject({ errorCode: 0, memberId: 'A2', memberEpoch: a.memberEpoch });
    expect(parts(back)).toEqual(parts(a));
  });

  it('assignors: range gives contiguous ranges per topic, uniform balances and sticks', () => {
    const topics = new Map([['t1', 5], ['t2', 2]]);
    const members = [{ memberId: 'b', topics: ['t1', 't2'] }, { memberId: 'a', topics: ['t1', 't2'] }];
    const r = rangeAssignor.assign(members, topics, new Map());
    expect([...r.get('a')!.get('t1')!]).toEqual([0, 1, 2]);
    expect([...r.get('b')!.get('t1')!]).toEqual([3, 4]);
    expect([...r.get('a')!.get('t2')!]).toEqual([0]);
    const u1 = uniformAssignor.assign([{ memberId: 'a', topics: ['t1'] }, { memberId: 'b', topics: ['t1'] }], new Map([['t1', 6]]), new Map());
    const count = (m: Map<string, Map<string, Set<number>>>, id: string) => [...(m.get(id)?.values() ?? [])].reduce((n, s) => n + s.size, 0);
    expect([count(u1, 'a'), count(u1, 'b')]).toEqual([3, 3]);
    const u2 = uniformAssignor.assign([{ memberId: 'a', topics: ['t1'] }, { memberId: 'b', topics: ['t1'] }, { memberId: 'c', topics: ['t1'] }], new Map([['t1', 6]]), u1);
    expect([count(u2, 'a'), count(u2, 'b'), count(u2, 'c')]).toEqual([2, 2, 2]);
    // Sticky: a and b keep partitions they had.
    for (const id of ['a', 'b']) for (const p of u2.get(id)!.get('t1')!) expect(u1.get(id)!.get('t1')!.has(p)).toBe(true);
  });
});
