// Static membership with a real client (confluent-kafka-python, group.instance.id): a member that
// is killed and restarts within its session timeout gets its partitions back with no rebalance
// (same generation); a second process claiming a live instance id is fenced or replaces it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ClassicGroup } from '../../host/coordinator/group/groups.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { PYTHON, SCRIPTS } from './harness.js';
import { Member, TOPIC, waitFor } from './groups-suite.js';

const SESSION = 6000;
const client = (instance: string) => ({
  name: `static-${instance}`,
  command: PYTHON,
  args: (bootstrap: string, group: string, topic: string, session: number) => [`${SCRIPTS}/group_consumer.py`, 'confluent', bootstrap, group, topic, String(session), instance],
  sessionMs: SESSION,
});

describe('static membership with confluent-kafka-python', () => {
  let broker: TestBroker;
  const members: Member[] = [];
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': 300, 'group.min.session.timeout.ms': 1000 } });
    const c = await TestClient.connect(broker.port);
    await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 4, replicationFactor: 1 }], timeoutMs: 1000 });
    c.close();
  });
  afterAll(async () => {
    for (const m of members) if (!m.exited) m.child.kill('SIGKILL');
    await broker.close();
  });

  it('restarts within the session timeout without a rebalance', async () => {
    const group = 'static-g';
    const a = new Member('a', client('inst-a'), broker.bootstrap, group);
    const b = new Member('b', client('inst-b'), broker.bootstrap, group);
    members.push(a, b);
    const g = () => broker.services.groups!.coordinator.group(group) as ClassicGroup | undefined;
    await waitFor(() => g()?.state === 'Stable' && a.assigned.length === 2 && b.assigned.length === 2, 30_000, () => `a stable group of two: ${g()?.state} a=${a.assigned} b=${b.assigned}`);
    const generation = g()!.generationId;
    // Restart the follower (a leader rejoining with JoinGroup < v9, as librdkafka 2.0 sends, gets
    // a rebalance so it can assign again).
    const leaderInstance = [...g()!.staticMembers].find(([, id]) => id === g()!.leaderId)![0];
    const [stay, victim, instance] = leaderInstance === 'inst-a' ? [a, b, 'inst-b'] : [b, a, 'inst-a'];
    const before = [...victim.assigned];
    const oldId = g()!.staticMembers.get(instance);
    await victim.kill9();
    const again = new Member('again', client(instance), broker.bootstrap, group);
    members.push(again);
    await waitFor(() => again.assigned.length === 2, 30_000, () => `the restarted member's partitions: ${again.assigned} ${again.log.join(' ')}`);
    expect(again.assigned).toEqual(before);
    expect(g()!.generationId).toBe(generation);
    expect(g()!.state).toBe('Stable');
    expect(g()!.staticMembers.get(instance)).not.toBe(oldId);
    expect(stay.assigned).toHaveLength(2);
    await Promise.all([stay.stop(), again.stop()]);
  }, 60_000);
});
