// The coordinator rebuilt from its own records equals the live one, for the state Kafka persists.
import { describe, expect, it } from 'vitest';
import { Harness, client, joinReq, TOPICS } from './helpers.js';
import type { GroupCoordinator } from '../../../host/coordinator/group/coordinator.js';

function snapshot(c: GroupCoordinator) {
  const ids = c.groupIds().sort();
  return {
    list: c.listGroups([], []).sort((a, b) => (a.groupId < b.groupId ? -1 : 1)),
    classic: c.describeGroups(ids),
    consumer: c.consumerGroupDescribe(ids),
    offsets: ids.map((id) => c.fetchOffsets(id, null, false)),
  };
}

describe('replay', () => {
  it('rebuilds classic groups, consumer groups and offsets equal to the live state', async () => {
    const h = new Harness();
    // A classic group of two, stable, with commits.
    const f = [0, 1].map(() => h.applyNow(h.coordinator.joinGroup(joinReq('classic', '', { instance: null }), client(9), h.now)) as { memberId: string });
    const joins = f.map((x) => h.apply(h.coordinator.joinGroup(joinReq('classic', x.memberId), client(9), h.now)));
    await h.advance(0);
    const js = await Promise.all(joins);
    const leader = js.find((j) => j.leader === j.memberId)!;
    await Promise.all(
      js.map((j) =>
        h.apply(h.coordinator.syncGroup({ groupId: 'classic', generationId: 1, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: j === leader ? js.map((x, i) => ({ memberId: x.memberId, assignment: Uint8Array.of(i) })) : [] }, client(3), h.now)),
      ),
    );
    await h.apply(h.coordinator.commitOffsets({ groupId: 'classic', generationIdOrMemberEpoch: 1, memberId: leader.memberId, groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, committedOffset: 9n, committedLeaderEpoch: 0, commitTimestamp: -1n, committedMetadata: 'x' }] }] }, client(8), h.now));
    // An emptied group, a simple group and a deleted one.
    await h.apply(h.coordinator.commitOffsets({ groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'audit', partitions: [{ partitionIndex: 1, committedOffset: 3n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] }, client(8), h.now));
    await h.apply(h.coordinator.commitOffsets({ groupId: 'gone', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'audit', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] }, client(8), h.now));
    await h.apply(h.coordinator.deleteGroups(['gone'], h.now));
    // A consumer group of two, reconciled.
    const cg = (memberId: string, memberEpoch: number, owned: number[] | null) =>
      h.apply(h.coordinator.consumerGroupHeartbeat({ groupId: 'kip848', memberId, memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: memberEpoch === 0 ? 1000 : -1, subscribedTopicNames: memberEpoch === 0 ? ['orders', 'audit'] : null, subscribedTopicRegex: null, serverAssignor: 'range', topicPartitions: owned === null ? null : owned.length === 0 ? [] : [{ topicId: TOPICS.get('orders')!.id, partitions: owned }] }, client(1), h.now));
    await cg('A', 0, []);
    await cg('B', 0, []);
    const a = await cg('A', 1, [0, 1, 2, 3, 4, 5]);
    await cg('A', 1, a.assignment!.topicPartitions.find((t) => t.topicId === TOPICS.get('orders')!.id)!.partitions);
    await cg('B', 2, []);

    const live = snapshot(h.coordinator);
    const rebuilt = snapshot(h.replayed());
    expect(rebuilt).toEqual(live);
    expect(live.list.map((g) => `${g.groupId}:${g.groupState}`)).toEqual(['classic:Stable', 'kip848:Stable', 'simple:Empty']);
  });
});
