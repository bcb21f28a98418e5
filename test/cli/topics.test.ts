// `kwasm topics` against an in-process broker: create, list, describe, alter, delete, with
// kafka-topics.sh's output and exit codes; the broker's own state is checked alongside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from './run-cli.js';

describe('kwasm topics', () => {
  let broker: TestBroker;
  let bs: string[];
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
    bs = ['--bootstrap-server', broker.bootstrap];
  });
  afterAll(() => broker.close());

  it('creates a topic with partitions and configs, and refuses a second create', async () => {
    const r = await runCli(['topics', ...bs, '--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Created topic orders.\n');
    expect(r.code).toBe(0);
    expect(broker.services.storage.listPartitions().filter((p) => p.topic === 'orders')).toHaveLength(3);

    const again = await runCli(['topics', ...bs, '--create', '--topic', 'orders']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Error while executing topic command : Topic 'orders' already exists.");
    const quiet = await runCli(['topics', ...bs, '--create', '--topic', 'orders', '--if-not-exists']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
  });

  it('lists topics, one per line, sorted, and filters with --topic as a regular expression', async () => {
    await runCli(['topics', ...bs, '--create', '--topic', 'audit', '--partitions', '1']);
    const r = await runCli(['topics', ...bs, '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(expect.arrayContaining(['audit', 'orders']));
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toEqual([...lines].sort());
    const only = await runCli(['topics', ...bs, '--list', '--topic', 'ord.*']);
    expect(only.stdout).toBe('orders\n');
  });

  it("describes a topic in kafka-topics.sh's layout with its non-default configs", async () => {
    const r = await runCli(['topics', ...bs, '--describe', '--topic', 'orders']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    const head = lines[0]!.split('\t');
    expect(head[0]).toBe('Topic: orders');
    expect(head[1]).toMatch(/^TopicId: [A-Za-z0-9_-]{22}$/);
    expect(head.slice(2, 4)).toEqual(['PartitionCount: 3', 'ReplicationFactor: 1']);
    expect(head[4]).toMatch(/^Configs: /);
    expect(head[4]!.slice('Configs: '.length).split(',').sort()).toEqual(['cleanup.policy=compact', 'retention.ms=3600000']);
    for (let p = 0; p < 3; p++) {
      expect(lines[1 + p]).toBe(`\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`);
    }
    const missing = await runCli(['topics', ...bs, '--describe', '--topic', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Topic 'nope' does not exist as expected");
  });

  it('alters partitions and configs', async () => {
    const r = await runCli(['topics', ...bs, '--alter', '--topic', 'orders', '--partitions', '5', '--config', 'retention.ms=7200000', '--delete-config', 'cleanup.policy']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(broker.services.storage.listPartitions().filter((p) => p.topic === 'orders')).toHaveLength(5);
    const d = await runCli(['topics', ...bs, '--describe', '--topic', 'orders']);
    const head = d.stdout.split('\n')[0]!;
    expect(head).toContain('PartitionCount: 5');
    expect(head).toMatch(/Configs: retention\.ms=7200000$/);
    const lower = await runCli(['topics', ...bs, '--alter', '--topic', 'orders', '--partitions', '2']);
    expect(lower.code).toBe(1);
    expect(lower.stderr).toContain('INVALID_PARTITIONS');
  });

  it('deletes topics and reports unknown ones', async () => {
    const r = await runCli(['topics', ...bs, '--delete', '--topic', 'audit']);
    expect(r.code).toBe(0);
    const list = await runCli(['topics', ...bs, '--list']);
    expect(list.stdout.split('\n')).not.toContain('audit');
    expect(list.stdout.split('\n')).toContain('orders');
    const again = await runCli(['topics', ...bs, '--delete', '--topic', 'audit']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("Topic 'audit' does not exist as expected");
    expect((await runCli(['topics', ...bs, '--delete', '--topic', 'audit', '--if-exists'])).code).toBe(0);
  });

  it('needs exactly one action and reports an unreachable broker', async () => {
    const none = await runCli(['topics', ...bs, '--topic', 'x']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('exactly one action');
    const down = await runCli(['topics', '--bootstrap-server', '127.0.0.1:1', '--list']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});
