import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../host/protocol/generated/errors.js';
import { javaStringHashCode, partitionForGroup } from '../../../host/coordinator/group/hash.js';
import { decodeGroupRecord, encodeGroupRecord } from '../../../host/coordinator/group/records.js';
import { Harness, client, joinReq, subscription } from './helpers.js';

const commitReq = (groupId: string, parts: Array<[string, number, bigint]>, o: { generation?: number; memberId?: string; retention?: bigint; metadata?: string } = {}) => ({
  groupId,
  generationIdOrMemberEpoch: o.generation ?? -1,
  memberId: o.memberId ?? '',
  groupInstanceId: null,
  retentionTimeMs: o.retention ?? -1n,
  topics: [...new Set(parts.map((p) => p[0]))].map((name) => ({
    name,
    partitions: parts.filter((p) => p[0] === name).map(([, partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: 3, commitTimestamp: -1n, committedMetadata: o.metadata ?? 'm' })),
  })),
});

describe('committed offsets', () => {
  it('commits (simple group), writes OffsetCommit records, and fetches them back', async () => {
    const h = new Harness();
    const r = await h.apply(h.coordinator.commitOffsets(commitReq('g', [['orders', 0, 10n], ['orders', 1, 20n], ['nope', 0, 1n], ['orders', 9, 1n]]), client(8), h.now));
    expect(r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode))).toEqual([0, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(h.log.map((x) => x.kind)).toEqual(['offset', 'offset']);
    expect(h.log[0]).toMatchObject({ groupId: 'g', topic: 'orders', partition: 0, value: { offset: 10n, leaderEpoch: 3, metadata: 'm', commitTimestamp: BigInt(h.now), expireTimestamp: -1n } });
    const f = h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0, 1, 2] }], false);
    expect(f.topics[0]!.partitions.map((p) => [p.committedOffset, p.committedLeaderEpoch])).toEqual([[10n, 3], [20n, 3], [-1n, -1]]);
    const all = h.coordinator.fetchOffsets('g', null, false);
    expect(all.topics).toEqual([{ name: 'orders', partitions: [expect.objectContaining({ partitionIndex: 0 }), expect.objectContaining({ partitionIndex: 1 })] }]);
    expect(h.coordinator.fetchOffsets('unknown', [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]!.partitions[0]!.committedOffset).toBe(-1n);
    expect(h.coordinator.listGroups([], [])).toEqual([{ groupId: 'g', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  });

  it('answers the commit only after its records are written; requireStable sees it as pending until then', async () => {
    const h = new Harness();
    const res = h.coordinator.commitOffsets(commitReq('g', [['orders', 0, 5n]]), client(8), h.now);
    expect(res.records).toHaveLength(1);
    let answered = false;
    void Promise.resolve(res.response).then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    expect(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }], true).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }], false).topics[0]!.partitions[0]!.committedOffset).toBe(-1n);
    res.appended();
    await res.response;
    expect(answered).toBe(true);
    expect(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }], true).topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, committedOffset: 5n });
  });

  it('a failed write answers COORDINATOR_NOT_AVAILABLE and changes nothing', async () => {
    const h = new Harness();
    const res = h.coordinator.commitOffsets(commitReq('g', [['orders', 0, 5n]]), client(8), h.now);
    res.appended(new Error('disk full'));
    expect((await res.response).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.coordinator.fetchOffsets('g', [{ name: 'orders', partitionIndexes: [0] }], true).topics[0]!.partitions[0]!.committedOffset).toBe(-1n);
  });

  it('rejects metadata over offset.metadata.max.bytes and unknown groups with a generation', async () => {
    const h = new Harness({ offsetMetadataMaxBytes: 4 });
    const r = await h.apply(h.coordinator.commitOffsets(commitReq('g', [['orders', 0, 5n]], { metadata: 'too long' }), client(8), h.now));
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const v8 = await h.apply(h.coordinator.commitOffsets(commitReq('nogroup', [['orders', 0, 5n]], { generation: 3, memberId: 'm' }), client(8), h.now));
    expect(v8.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const v9 = await h.apply(h.coordinator.commitOffsets(commitReq('nogroup', [['orders', 0, 5n]], { generation: 3, memberId: 'm' }), client(9), h.now));
    expect(v9.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('expires offsets: by retention time (v2–4) and offsets.retention after the group went empty; then the group', async () => {
    const h = new Harness({ offsetsRetentionMs: 60_000 });
    await h.apply(h.coordinator.commitOffsets(commitReq('short', [['orders', 0, 1n]], { retention: 1000n }), client(2), h.now));
    expect(h.log.at(-1)).toMatchObject({ value: { expireTimestamp: BigInt(h.now + 1000) } });
    expect(encodeGroupRecord(h.log.at(-1)!).value![1]).toBe(1); // OffsetCommitValue v1 carries expireTimestamp
    await h.apply(h.coordinator.commitOffsets(commitReq('long', [['orders', 0, 1n]]), client(8), h.now));
    h.now += 1000;
    expect(await h.apply(h.coordinator.expireOffsets(h.now))).toBe(1);
    expect(h.log.at(-1)).toMatchObject({ kind: 'group', groupId: 'short', value: null });
    expect(h.coordinator.groupIds()).toEqual(['long']);
    h.now += 59_000;
    expect(await h.apply(h.coordinator.expireOffsets(h.now))).toBe(1);
    expect(h.coordinator.groupIds()).toEqual([]);
    expect(h.log.slice(-2)).toMatchObject([{ kind: 'offset', groupId: 'long', value: null }, { kind: 'group', groupId: 'long', value: null }]);
  });

  it('deletes groups (NON_EMPTY_GROUP while members remain) and offsets (GROUP_SUBSCRIBED_TO_TOPIC)', async () => {
    const h = new Harness();
    const first = h.applyNow(h.coordinator.joinGroup(joinReq('busy', '', { protocols: [['range', subscription(['orders'])]] }), client(9), h.now)) as { memberId: string };
    const joined = h.apply(h.coordinator.joinGroup(joinReq('busy', first.memberId), client(9), h.now));
    await h.advance(0);
    const j = await joined;
    await h.apply(h.coordinator.syncGroup({ groupId: 'busy', generationId: 1, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] }, client(3), h.now));
    await h.apply(h.coordinator.commitOffsets(commitReq('busy', [['orders', 0, 1n], ['audit', 0, 2n]], { generation: 1, memberId: j.memberId }), client(8), h.now));
    await h.apply(h.coordinator.commitOffsets(commitReq('idle', [['orders', 0, 1n]]), client(8), h.now));
    const del = await h.apply(h.coordinator.deleteGroups(['busy', 'idle', 'ghost', ''], h.now));
    expect(del.map((r) => r.errorCode)).toEqual([ErrorCode.NON_EMPTY_GROUP, 0, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.INVALID_GROUP_ID]);
    expect(h.log.slice(-2)).toMatchObject([{ kind: 'offset', groupId: 'idle', value: null }, { kind: 'group', groupId: 'idle', value: null }]);
    const od = await h.apply(h.coordinator.deleteOffsets({ groupId: 'busy', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'audit', partitions: [{ partitionIndex: 0 }] }] }, h.now));
    expect(od.errorCode).toBe(0);
    expect(od.topics!.map((t) => t.partitions[0]!.errorCode)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
    expect(h.coordinator.hasOffset('busy', 'audit', 0)).toBe(false);
    expect(h.coordinator.hasOffset('busy', 'orders', 0)).toBe(true);
    const none = await h.apply(h.coordinator.deleteOffsets({ groupId: 'ghost', topics: [] }, h.now));
    expect(none.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('filters ListGroups by state and type; DescribeGroups shows Stable members with metadata and unknown groups as Dead', async () => {
    const h = new Harness();
    const first = h.applyNow(h.coordinator.joinGroup(joinReq('g', ''), client(9, 'cli'), h.now)) as { memberId: string };
    const joined = h.apply(h.coordinator.joinGroup(joinReq('g', first.memberId), client(9, 'cli'), h.now));
    await h.advance(0);
    const j = await joined;
    await h.apply(h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: j.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: j.memberId, assignment: Uint8Array.of(1, 2) }] }, client(3), h.now));
    await h.apply(h.coordinator.commitOffsets(commitReq('simple', [['orders', 0, 1n]]), client(8), h.now));
    expect(h.coordinator.listGroups(['stable'], []).map((g) => g.groupId)).toEqual(['g']);
    expect(h.coordinator.listGroups(['Empty'], ['classic']).map((g) => g.groupId)).toEqual(['simple']);
    expect(h.coordinator.listGroups([], ['consumer'])).toEqual([]);
    const [d, dead] = h.coordinator.describeGroups(['g', 'nope']);
    expect(d).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(d!.members[0]).toMatchObject({ memberId: j.memberId, clientId: 'cli', clientHost: '/127.0.0.1', memberAssignment: Uint8Array.of(1, 2) });
    expect(dead).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
  });
});

describe('__consumer_offsets records and placement', () => {
  it("places groups with Java's String.hashCode, as Kafka does", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
    expect(partitionForGroup('my-group', 50)).toBe(Math.abs(javaStringHashCode('my-group')) % 50);
    expect(partitionForGroup('console-consumer-12345', 50)).toBeLessThan(50);
  });

  it('encodes keys and values in Kafka’s formats and decodes them back', () => {
    const off = encodeGroupRecord({ kind: 'offset', groupId: 'g', topic: 't', partition: 7, value: { offset: 42n, leaderEpoch: 1, metadata: '', commitTimestamp: 5n, expireTimestamp: -1n } });
    // key: int16 type 1, then group, topic (int16-length strings) and the partition
    expect([...off.key]).toEqual([0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 7]);
    expect([...off.value!.subarray(0, 2)]).toEqual([0, 3]);
    expect(decodeGroupRecord(off.key, off.value)).toMatchObject({ kind: 'offset', groupId: 'g', topic: 't', partition: 7, value: { offset: 42n, leaderEpoch: 1 } });
    const tomb = encodeGroupRecord({ kind: 'group', groupId: 'g', value: null });
    expect(tomb.value).toBeNull();
    expect(decodeGroupRecord(tomb.key, null)).toEqual({ kind: 'group', groupId: 'g', value: null });
    const cg = encodeGroupRecord({ kind: 'cgMetadata', groupId: 'g', value: { epoch: 4 } });
    expect([...cg.key.subarray(0, 2)]).toEqual([0, 3]);
    expect(decodeGroupRecord(cg.key, cg.value)).toMatchObject({ kind: 'cgMetadata', value: { epoch: 4 } });
    // Share group records (type 10) are read and skipped.
    const share = Uint8Array.of(0, 10, 0, 1, 0x67, 0, 1, 0x6d);
    expect(decodeGroupRecord(share, null)).toBeNull();
  });
});
