// `kwasm groups` (list, describe, delete, reset-offsets) against an in-process broker, and the
// consumer lag metric.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { encodeAssignment, encodeSubscription } from '../../host/coordinator/group/consumer-protocol.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../cli/run-cli.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);
// Recent timestamps (retention would delete old ones while the suite runs).
const BASE = Math.floor(Date.now() / 1000) * 1000 - 60_000;

describe('kwasm groups', () => {
  let broker: TestBroker;
  let c: TestClient;
  let bs: string[];
  let liveMember = '';
  const committed = async (group: string) =>
    (await c.send(ApiKey.OffsetFetch, 6, { groupId: group, topics: [{ name: 'cli-t', partitionIndexes: [0, 1] }] })).topics[0]!.partitions.map((p) => p.committedOffset);

  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': 0 } });
    bs = ['--bootstrap-server', broker.bootstrap];
    c = await TestClient.connect(broker.port);
    await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'cli-t', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
    const batch = (n: number, ts: number) => core.encodeBatch(Array.from({ length: n }, (_, i) => ({ value: enc(`v${i}`), timestamp: ts + i })));
    await c.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'cli-t', partitionData: [{ index: 0, records: batch(10, BASE) }, { index: 1, records: batch(5, BASE) }] }] });
    // An inactive group with a commit on partition 0.
    await c.send(ApiKey.OffsetCommit, 8, { groupId: 'cli-g', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'cli-t', partitions: [{ partitionIndex: 0, committedOffset: 4n, committedMetadata: '' }] }] });
    // A live group with one member owning both partitions.
    let memberId = '';
    for (;;) {
      const j = await c.send(ApiKey.JoinGroup, 7, { groupId: 'live', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, memberId, protocolType: 'consumer', protocols: [{ name: 'range', metadata: encodeSubscription({ topics: ['cli-t'] }) }] }, 'cli-consumer');
      if (j.errorCode === 79) {
        memberId = j.memberId;
        continue;
      }
      liveMember = j.memberId;
      await c.send(ApiKey.SyncGroup, 5, { groupId: 'live', generationId: j.generationId, memberId: j.memberId, assignments: [{ memberId: j.memberId, assignment: encodeAssignment({ assignedPartitions: [{ topic: 'cli-t', partitions: [0, 1] }] }) }] }, 'cli-consumer');
      break;
    }
    await c.send(ApiKey.OffsetCommit, 8, { groupId: 'live', generationIdOrMemberEpoch: 1, memberId: liveMember, topics: [{ name: 'cli-t', partitions: [{ partitionIndex: 1, committedOffset: 5n, committedMetadata: '' }] }] }, 'cli-consumer');
  });
  afterAll(async () => {
    c.close();
    await broker.close();
  });

  it('lists groups, with states', async () => {
    const r = await runCli(['groups', ...bs, 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(['cli-g', 'live']);
    const s = await runCli(['groups', ...bs, 'list', '--state']);
    expect(s.stdout).toMatch(/^GROUP\s+STATE\n/);
    expect(s.stdout).toMatch(/cli-g\s+Empty\n/);
    expect(s.stdout).toMatch(/live\s+Stable\n/);
    const only = await runCli(['groups', ...bs, 'list', '--state', 'stable']);
    expect(only.stdout).not.toContain('cli-g');
  });

  it('describes offsets and lag, members and state', async () => {
    const r = await runCli(['groups', ...bs, 'describe', '--group', 'cli-g']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Consumer group 'cli-g' has no active members.");
    expect(r.stdout).toMatch(/GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID/);
    expect(r.stdout).toMatch(/cli-g\s+cli-t\s+0\s+4\s+10\s+6\s+-\s+-\s+-/);
    const live = await runCli(['groups', ...bs, 'describe', '--group', 'live']);
    expect(live.stdout).toMatch(new RegExp(`live\\s+cli-t\\s+0\\s+-\\s+10\\s+-\\s+${liveMember}\\s+/127\\.0\\.0\\.1\\s+cli-consumer`));
    expect(live.stdout).toMatch(new RegExp(`live\\s+cli-t\\s+1\\s+5\\s+5\\s+0\\s+${liveMember}`));
    const members = await runCli(['groups', ...bs, 'describe', '--group', 'live', '--members', '--verbose']);
    expect(members.stdout).toMatch(new RegExp(`live\\s+${liveMember}\\s+-\\s+/127\\.0\\.0\\.1\\s+cli-consumer\\s+2\\s+cli-t\\(0,1\\)`));
    const state = await runCli(['groups', ...bs, 'describe', '--group', 'live', '--state']);
    expect(state.stdout).toMatch(/live\s+127\.0\.0\.1:\d+ \(1\)\s+range\s+Stable\s+1/);
    const missing = await runCli(['groups', ...bs, 'describe', '--group', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Consumer group 'nope' does not exist.");
  });

  it('resets offsets: dry run by default, then --execute; refuses an active group', async () => {
    const dry = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'cli-g', '--topic', 'cli-t', '--to-earliest']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('WARN: No action will be performed');
    expect(dry.stdout).toMatch(/cli-g\s+cli-t\s+0\s+0\n/);
    expect(await committed('cli-g')).toEqual([4n, -1n]);
    const shift = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'cli-g', '--topic', 'cli-t:0', '--shift-by', '-2', '--execute']);
    expect(shift.stdout).toMatch(/cli-g\s+cli-t\s+0\s+2\n/);
    expect(await committed('cli-g')).toEqual([2n, -1n]);
    const to = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'cli-g', '--topic', 'cli-t', '--to-offset', '7', '--execute']);
    expect(to.code).toBe(0);
    expect(await committed('cli-g')).toEqual([7n, 5n]); // clamped to the log end of partition 1
    const latest = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'cli-g', '--all-topics', '--to-latest', '--execute']);
    expect(latest.code).toBe(0);
    expect(await committed('cli-g')).toEqual([10n, 5n]);
    const dt = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'cli-g', '--topic', 'cli-t', '--to-datetime', new Date(BASE + 3).toISOString(), '--execute']);
    expect(dt.code).toBe(0);
    expect(dt.stdout).toMatch(/cli-g\s+cli-t\s+0\s+3\n/);
    expect(await committed('cli-g')).toEqual([3n, 3n]);
    const active = await runCli(['groups', ...bs, 'reset-offsets', '--group', 'live', '--all-topics', '--to-earliest', '--execute']);
    expect(active.code).toBe(1);
    expect(active.stderr).toContain("Assignments can only be reset if the group 'live' is inactive, but the current state is Stable.");
  });

  it('exports consumer lag per group and partition', async () => {
    const text = await broker.services.metrics.text();
    expect(text).toContain('# TYPE kwasm_consumer_group_lag gauge');
    expect(text).toMatch(/kwasm_consumer_group_lag\{group="live",topic="cli-t",partition="1"\} 0/);
    expect(text).toMatch(/kwasm_consumer_group_lag\{group="cli-g",topic="cli-t",partition="0"\} 7/);
  });

  it('deletes inactive groups and refuses active ones', async () => {
    const r = await runCli(['groups', ...bs, 'delete', '--group', 'live', '--group', 'cli-g']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Deletion of requested consumer groups ('cli-g') was successful.");
    expect(r.stderr).toContain("* Group 'live' could not be deleted due to: NON_EMPTY_GROUP");
    const list = await runCli(['groups', ...bs, 'list']);
    expect(list.stdout.trim()).toBe('live');
  });
});
