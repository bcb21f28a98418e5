import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../host/protocol/generated/errors.js';
import { Harness, client, joinReq, settled, subscription } from './helpers.js';
import { ClassicGroup } from '../../../host/coordinator/group/groups.js';

const V = 9;

/** First join (MEMBER_ID_REQUIRED) then the real one; returns the pending JoinGroup. */
function join(h: Harness, groupId: string, o: Parameters<typeof joinReq>[2] & { version?: number; clientId?: string } = {}) {
  const c = client(o.version ?? V, o.clientId ?? 'c');
  const first = h.applyNow(h.coordinator.joinGroup(joinReq(groupId, '', o), c, h.now));
  if (o.instance) return Promise.resolve(first); // static members join at once
  if (first instanceof Promise) throw new Error('first join should answer at once');
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  return Promise.resolve(h.applyNow(h.coordinator.joinGroup(joinReq(groupId, first.memberId, o), c, h.now)));
}

async function sync(h: Harness, groupId: string, memberId: string, generationId: number, assignments: Array<[string, string]> = []) {
  return h.apply(
    h.coordinator.syncGroup(
      { groupId, generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: null, assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: new TextEncoder().encode(a) })) },
      client(5),
      h.now,
    ),
  );
}

const hb = (h: Harness, groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null) =>
  h.apply(h.coordinator.heartbeat({ groupId, generationId, memberId, groupInstanceId }, client(4), h.now));

/** Forms a stable group of n dynamic members; returns [leader, ...followers] ids and the generation. */
async function stableGroup(h: Harness, groupId: string, n: number) {
  const pending = [];
  for (let i = 0; i < n; i++) pending.push(join(h, groupId));
  await h.advance(0);
  const resps = await Promise.all(pending);
  const leader = resps.find((r) => r.leader === r.memberId)!;
  const syncs = resps.map((r) => sync(h, groupId, r.memberId, r.generationId, r === leader ? resps.map((x) => [x.memberId, `a-${x.memberId}`]) : []));
  const out = await Promise.all(syncs);
  for (const s of out) expect(s.errorCode).toBe(0);
  return { leader: leader.memberId, members: resps.map((r) => r.memberId), generation: leader.generationId };
}

describe('classic group protocol', () => {
  it('requires a member id on the first join (v4+), then completes the join after the initial delay', async () => {
    const h = new Harness({ initialRebalanceDelayMs: 3000 });
    const first = await h.apply(h.coordinator.joinGroup(joinReq('g', ''), client(V, 'app'), h.now));
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
    expect(first.memberId).toMatch(/^app-id\d+$/);
    const p = h.apply(h.coordinator.joinGroup(joinReq('g', first.memberId), client(V), h.now));
    expect((await settled(p)).done).toBe(false);
    expect(h.coordinator.group('g')!.stateName).toBe('PreparingRebalance');
    await h.advance(2999);
    expect((await settled(p)).done).toBe(false);
    await h.advance(1);
    const r = await p;
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: first.memberId, memberId: first.memberId, skipAssignment: false });
    expect(r.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(h.coordinator.group('g')!.stateName).toBe('CompletingRebalance');
  });

  it('extends the initial delay while new members keep joining, up to the rebalance timeout', async () => {
    const h = new Harness({ initialRebalanceDelayMs: 100 });
    const a = join(h, 'g', { rebalance: 250 });
    await h.advance(90);
    const b = join(h, 'g', { rebalance: 250 });
    await h.advance(20); // first delay expired, but a member was added: extended by 100
    expect((await settled(a)).done).toBe(false);
    await h.advance(100);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });

  it('leader sync writes the group metadata, then every member gets its assignment', async () => {
    const h = new Harness();
    const a = join(h, 'g');
    const b = join(h, 'g');
    await h.advance(0);
    const [ra, rb] = await Promise.all([a, b]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    expect(leader.members).toHaveLength(2);
    expect(follower.members).toHaveLength(0);
    const fs = sync(h, 'g', follower.memberId, 1);
    expect((await settled(fs)).done).toBe(false);
    const before = h.log.length;
    const ls = await sync(h, 'g', leader.memberId, 1, [[leader.memberId, 'L'], [follower.memberId, 'F']]);
    expect(new TextDecoder().decode(ls.assignment)).toBe('L');
    expect(new TextDecoder().decode((await fs).assignment)).toBe('F');
    const rec = h.log.slice(before).find((r) => r.kind === 'group')!;
    expect(rec.value).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader: leader.memberId });
    expect(h.coordinator.group('g')!.stateName).toBe('Stable');
  });

  it('a new member triggers a rebalance: heartbeats answer REBALANCE_IN_PROGRESS, generation moves on', async () => {
    const h = new Harness();
    const g = await stableGroup(h, 'g', 2);
    expect(await hb(h, 'g', g.members[0]!, g.generation)).toBe(0);
    const c = join(h, 'g');
    expect(await hb(h, 'g', g.members[0]!, g.generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // Old members rejoin with their ids; the rebalance completes when all have.
    const rejoins = g.members.map((m) => h.apply(h.coordinator.joinGroup(joinReq('g', m), client(V), h.now)));
    const all = await Promise.all([c, ...rejoins]);
    expect(new Set(all.map((r) => r.generationId))).toEqual(new Set([g.generation + 1]));
    expect(await hb(h, 'g', g.members[0]!, g.generation)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('removes a member whose session expires and rebalances the rest', async () => {
    const h = new Harness();
    const g = await stableGroup(h, 'g', 2);
    const [a, b] = g.members as [string, string];
    for (let t = 0; t < 2; t++) {
      await h.advance(4000);
      expect(await hb(h, 'g', a, g.generation)).toBe(0);
    }
    // b never heartbeated: its 10 s session ends.
    await h.advance(3000);
    expect(h.coordinator.group('g')!.stateName).toBe('PreparingRebalance');
    expect(await hb(h, 'g', a, g.generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(await hb(h, 'g', b, g.generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const r = await h.apply(h.coordinator.joinGroup(joinReq('g', a), client(V), h.now));
    expect(r).toMatchObject({ errorCode: 0, generationId: g.generation + 1, leader: a });
    expect(r.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('drops members that do not rejoin within the rebalance timeout (max.poll.interval)', async () => {
    const h = new Harness();
    const g = await stableGroup(h, 'g', 2);
    const [a, b] = g.members as [string, string];
    const ra = h.apply(h.coordinator.joinGroup(joinReq('g', a), client(V), h.now));
    // b keeps heartbeating (its session is fine) but does not rejoin within the 30 s rebalance
    // timeout: its poll loop is stuck.
    for (let t = 0; t < 10; t++) {
      await h.advance(3000);
      if (t < 9) expect(await hb(h, 'g', b, g.generation)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const r = await ra;
    expect(r.members.map((m) => m.memberId)).toEqual([a]);
    expect(await hb(h, 'g', b, g.generation)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('selects the protocol all members support by vote', async () => {
    const h = new Harness();
    const sub = subscription(['orders']);
    const a = join(h, 'g', { protocols: [['cooperative-sticky', sub], ['range', sub]] });
    const b = join(h, 'g', { protocols: [['range', sub], ['cooperative-sticky', sub]] });
    const c = join(h, 'g', { protocols: [['range', sub], ['roundrobin', sub]] });
    await h.advance(0);
    const all = await Promise.all([a, b, c]);
    // Only `range` is supported by all three.
    expect(all.map((r) => r.protocolName)).toEqual(['range', 'range', 'range']);
    // A member supporting none of the group's protocols is refused.
    const bad = await h.apply(h.coordinator.joinGroup(joinReq('g', '', { protocols: [['roundrobin', sub]] }), client(V), h.now));
    expect(bad.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('protocol vote: the most preferred common protocol wins', async () => {
    const h = new Harness();
    const sub = subscription(['orders']);
    const joins = [
      join(h, 'g', { protocols: [['sticky', sub], ['range', sub]] }),
      join(h, 'g', { protocols: [['sticky', sub], ['range', sub]] }),
      join(h, 'g', { protocols: [['range', sub], ['sticky', sub]] }),
    ];
    await h.advance(0);
    expect((await Promise.all(joins)).map((r) => r.protocolName)).toEqual(['sticky', 'sticky', 'sticky']);
  });

  it('static members: a restart within the session timeout causes no rebalance; the old id is fenced', async () => {
    const h = new Harness();
    const a = join(h, 'g', { instance: 'i-a' });
    const b = join(h, 'g', { instance: 'i-b' });
    await h.advance(0);
    const [ra, rb] = await Promise.all([a, b]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    const followerInstance = follower === ra ? 'i-a' : 'i-b';
    await Promise.all([sync(h, 'g', leader.memberId, 1, [[leader.memberId, 'L'], [follower.memberId, 'F']]), sync(h, 'g', follower.memberId, 1)]);
    // The follower restarts: joins with no member id but its instance id.
    const again = await h.apply(h.coordinator.joinGroup(joinReq('g', '', { instance: followerInstance }), client(V), h.now));
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId, skipAssignment: false });
    expect(again.memberId).not.toBe(follower.memberId);
    expect(h.coordinator.group('g')!.stateName).toBe('Stable');
    expect(h.log.at(-1)).toMatchObject({ kind: 'group' });
    const s = await sync(h, 'g', again.memberId, 1);
    expect(new TextDecoder().decode(s.assignment)).toBe('F');
    expect(await hb(h, 'g', follower.memberId, 1, followerInstance)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(await hb(h, 'g', again.memberId, 1, followerInstance)).toBe(0);
    expect(await hb(h, 'g', leader.memberId, 1)).toBe(0);
  });

  it('static leader rejoining with v9 is told to skip the assignment; with v8 the group rebalances', async () => {
    const h = new Harness();
    const a = join(h, 'g', { instance: 'i-a' });
    await h.advance(0);
    const ra = await a;
    await sync(h, 'g', ra.memberId, 1, [[ra.memberId, 'A']]);
    const v9 = await h.apply(h.coordinator.joinGroup(joinReq('g', '', { instance: 'i-a' }), client(9), h.now));
    expect(v9).toMatchObject({ errorCode: 0, skipAssignment: true, generationId: 1 });
    expect(v9.members.map((m) => m.memberId)).toEqual([v9.memberId]);
    const v8 = h.apply(h.coordinator.joinGroup(joinReq('g', '', { instance: 'i-a' }), client(8), h.now));
    await h.advance(0);
    expect(await v8).toMatchObject({ errorCode: 0, generationId: 2 });
  });

  it('fences stale generations and unknown members on commit and sync', async () => {
    const h = new Harness();
    const g = await stableGroup(h, 'g', 1);
    const commit = (generation: number, memberId: string, version = 8) =>
      h.apply(
        h.coordinator.commitOffsets(
          { groupId: 'g', generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, retentionTimeMs: -1n, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }] },
          client(version),
          h.now,
        ),
      );
    expect((await commit(g.generation, g.leader)).topics[0]!.partitions[0]!.errorCode).toBe(0);
    expect((await commit(g.generation + 5, g.leader)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await commit(g.generation, 'nobody')).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // v0 (no member, no generation) is only accepted while the group is empty.
    expect((await commit(-1, '', 0)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync(h, 'g', g.leader, g.generation + 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync(h, 'g', 'nobody', g.generation)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await hb(h, 'nogroup', 'x', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('leaves in a batch (v3+), including by instance id; the last leave empties the group and writes it', async () => {
    const h = new Harness();
    const a = join(h, 'g', { instance: 'i-a' });
    const b = join(h, 'g');
    await h.advance(0);
    const [ra, rb] = await Promise.all([a, b]);
    const r = await h.apply(
      h.coordinator.leaveGroup(
        { groupId: 'g', memberId: '', members: [{ memberId: '', groupInstanceId: 'i-a', reason: null }, { memberId: rb.memberId, groupInstanceId: null, reason: 'bye' }, { memberId: 'ghost', groupInstanceId: null, reason: null }] },
        client(5),
        h.now,
      ),
    );
    expect(r.errorCode).toBe(0);
    expect(r.members!.map((m) => m.errorCode)).toEqual([0, 0, ErrorCode.UNKNOWN_MEMBER_ID]);
    void ra;
    await h.advance(30_000);
    const g = h.coordinator.group('g') as ClassicGroup;
    expect(g.state).toBe('Empty');
    expect(g.generationId).toBe(2);
    expect(h.log.at(-1)).toMatchObject({ kind: 'group', value: { generation: 2, members: [] } });
    const v0 = await h.apply(h.coordinator.leaveGroup({ groupId: 'g', memberId: 'ghost', members: [] }, client(0), h.now));
    expect(v0.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rejects session timeouts outside the broker bounds and groups over group.max.size', async () => {
    const h = new Harness({ minSessionTimeoutMs: 6000, maxGroupSize: 1 });
    const r = await h.apply(h.coordinator.joinGroup(joinReq('g', '', { session: 1000 }), client(V), h.now));
    expect(r.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    void join(h, 'g');
    const second = await h.apply(h.coordinator.joinGroup(joinReq('g', ''), client(V), h.now));
    expect(second.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('a v3 join (no MEMBER_ID_REQUIRED) joins at once', async () => {
    const h = new Harness();
    const p = h.apply(h.coordinator.joinGroup(joinReq('g', ''), client(3), h.now));
    await h.advance(0);
    const r = await p;
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
  });

  it('members that never sync are removed after the rebalance timeout', async () => {
    const h = new Harness();
    const a = join(h, 'g', { rebalance: 2000 });
    const b = join(h, 'g', { rebalance: 2000 });
    await h.advance(0);
    const [ra, rb] = await Promise.all([a, b]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    const ls = sync(h, 'g', leader.memberId, 1, [[leader.memberId, 'L']]);
    await ls;
    await h.advance(2000);
    const g = h.coordinator.group('g') as ClassicGroup;
    expect(g.members.has(follower.memberId)).toBe(false);
    expect(g.state).toBe('PreparingRebalance');
  });
});
