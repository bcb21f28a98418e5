// Admin APIs driven by real Python clients: kafka-python's KafkaAdminClient and
// confluent-kafka-python's AdminClient (librdkafka) run as child processes against an in-process
// broker (file storage). Each call is one script run (test/interop/scripts/admin_*.py) that prints
// the broker's answer as decoded by the client; the broker's own state is checked alongside.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));
/** Debian's python sees python3-kafka and python3-confluent-kafka (not a pyenv shim). */
const PYTHON = '/usr/bin/python3';

/** Runs a helper script with a JSON request on stdin; resolves with its last stdout line as JSON. */
function py<T = unknown>(script: string, request: object, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(SCRIPTS, script)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} ${JSON.stringify(request)} exited ${code ?? signal}\n${err.slice(-3000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

const TOPIC = 2;
const BROKER = 4;

describe('admin APIs through real Python clients', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file', config: { 'log.segment.bytes': 1048576 } });
    client = await TestClient.connect(broker.port);
    const r = await client.send(ApiKey.CreateTopics, 7, {
      topics: ['kp-cfg', 'kp-parts', 'ck-cfg', 'ck-parts'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1 })),
      timeoutMs: 1000,
    });
    expect(r.topics.map((t) => t.errorCode)).toEqual([0, 0, 0, 0]);
  });
  afterAll(async () => {
    client.close();
    await broker?.close();
  });

  describe('kafka-python KafkaAdminClient', () => {
    const run = <T>(req: object) => py<T>('admin_kafka_python.py', { bootstrap: broker.bootstrap, ...req });
    type Synonym = { config_name: string; config_value: string | null; config_source: number };
    type Row = { config_names: string; config_value: string | null; read_only: boolean; config_source: number; is_sensitive: boolean; config_synonyms: Synonym[] };
    type Res = { error_code: number; error_message: string | null; resource_type: number; resource_name: string; config_entries: Row[] };
    type DescribeOut = Array<{ version: number; resources: Res[] }>;
    const rows = (r: Res) => Object.fromEntries(r.config_entries.map((e) => [e.config_names, e]));
    const syn = (name: string, value: string | null, source: number): Synonym => ({ config_name: name, config_value: value, config_source: source });

    it('describes topic and broker configs with synonyms (DescribeConfigs v2)', async () => {
      const out = await run<DescribeOut>({
        op: 'describe_configs',
        synonyms: true,
        resources: [{ type: 'broker', name: '1', keys: ['log.segment.bytes', 'num.partitions'] }, { type: 'topic', name: 'kp-cfg' }],
      });
      expect(out.map((r) => r.version)).toEqual([2, 2]);
      const brokerRes = out[0]!.resources[0]!;
      expect(brokerRes).toMatchObject({ error_code: 0, error_message: null, resource_type: BROKER, resource_name: '1' });
      expect(brokerRes.config_entries).toHaveLength(2);
      expect(rows(brokerRes)['log.segment.bytes']).toEqual({
        config_names: 'log.segment.bytes', config_value: '1048576', read_only: false, config_source: 4, is_sensitive: false,
        config_synonyms: [syn('log.segment.bytes', '1048576', 4), syn('log.segment.bytes', '1073741824', 5)],
      });
      expect(rows(brokerRes)['num.partitions']).toMatchObject({ config_value: '1', read_only: false, config_source: 5 });
      const topicRes = out[1]!.resources[0]!;
      expect(topicRes).toMatchObject({ error_code: 0, resource_type: TOPIC, resource_name: 'kp-cfg' });
      expect(rows(topicRes)['retention.ms']).toMatchObject({ config_value: '604800000', read_only: false, config_source: 5, config_synonyms: [] });
      expect(rows(topicRes)['segment.bytes']!.config_synonyms).toEqual([syn('log.segment.bytes', '1048576', 4), syn('log.segment.bytes', '1073741824', 5)]);
    });

    it('alters topic configs (AlterConfigs v1) and the partition log picks them up', async () => {
      type AlterOut = { version: number; resources: Array<{ error_code: number; error_message: string | null; resource_type: number; resource_name: string }> };
      const out = await run<AlterOut>({ op: 'alter_configs', resources: [{ type: 'topic', name: 'kp-cfg', configs: { 'retention.ms': '120000', 'cleanup.policy': 'compact' } }] });
      expect(out.version).toBe(1);
      expect(out.resources).toEqual([{ error_code: 0, error_message: null, resource_type: TOPIC, resource_name: 'kp-cfg' }]);
      expect(broker.services.topics.partition('kp-cfg', 0)!.config).toMatchObject({ retentionMs: 120000, cleanupPolicy: 'compact' });
      const back = await run<DescribeOut>({ op: 'describe_configs', resources: [{ type: 'topic', name: 'kp-cfg', keys: ['retention.ms'] }] });
      expect(back[0]!.resources[0]!.config_entries).toEqual([{ config_names: 'retention.ms', config_value: '120000', read_only: false, config_source: 1, is_sensitive: false, config_synonyms: [] }]);
      const bad = await run<AlterOut>({ op: 'alter_configs', resources: [{ type: 'topic', name: 'kp-cfg', configs: { 'retention.ms': 'never' } }] });
      expect(bad.resources[0]!.error_code).toBe(40); // INVALID_CONFIG
      expect(broker.services.topics.partition('kp-cfg', 0)!.config.retentionMs).toBe(120000);
    });

    it('creates partitions (CreatePartitions v1), and reports INVALID_PARTITIONS', async () => {
      type Out = { version: number; topic_errors: Array<{ topic: string; error_code: number; error_message: string | null }> };
      const ok = await run<Out>({ op: 'create_partitions', topic: 'kp-parts', count: 3 });
      expect(ok.version).toBe(1);
      expect(ok.topic_errors).toEqual([{ topic: 'kp-parts', error_code: 0, error_message: null }]);
      expect(broker.services.topics.get('kp-parts')!.partitions).toHaveLength(3);
      const again = await run<{ error: number; message: string }>({ op: 'create_partitions', topic: 'kp-parts', count: 2 });
      expect(again.error).toBe(37);
      expect(again.message).toContain("error_message='The topic kp-parts currently has 3 partition(s); 2 would not be an increase.'");
    });
  });

  describe('confluent-kafka-python AdminClient (librdkafka)', () => {
    const run = <T>(req: object) => py<T>('admin_confluent_kafka.py', { bootstrap: broker.bootstrap, ...req });
    type Entry = { value: string | null; source: number; read_only: boolean; default: boolean; sensitive: boolean; synonyms: Array<[string, string | null, number]> };
    type Outcome<T> = { ok: T } | { error: number; name: string; message: string };

    it('describes topic and broker configs with sources and synonyms', async () => {
      const [topic, brokerCfg, missing] = await run<Array<Outcome<Record<string, Entry>>>>({
        op: 'describe_configs',
        resources: [{ type: 'topic', name: 'ck-cfg' }, { type: 'broker', name: '1' }, { type: 'topic', name: 'no-such-topic' }],
      });
      const t = (topic as { ok: Record<string, Entry> }).ok;
      expect(t['retention.ms']).toMatchObject({ value: '604800000', source: 5, read_only: false, default: true });
      expect(t['segment.bytes']).toMatchObject({ value: '1048576', source: 4, default: false });
      const b = (brokerCfg as { ok: Record<string, Entry> }).ok;
      expect(b['log.segment.bytes']).toMatchObject({ value: '1048576', source: 4, read_only: false });
      expect(b['log.retention.hours']).toMatchObject({ value: '168', source: 5, read_only: true });
      expect(missing).toMatchObject({ error: 3, name: 'UNKNOWN_TOPIC_OR_PART' });
    });

    it('alters topic and broker configs; validate_only changes nothing', async () => {
      const [t, b] = await run<Array<Outcome<true>>>({
        op: 'alter_configs',
        resources: [{ type: 'topic', name: 'ck-cfg', configs: { 'max.message.bytes': '2000000' } }, { type: 'broker', name: '1', configs: { 'log.retention.ms': '86400000' } }],
      });
      expect([t, b]).toEqual([{ ok: true }, { ok: true }]);
      expect(broker.services.topics.partition('ck-cfg', 0)!.config).toMatchObject({ maxMessageBytes: 2000000, retentionMs: 86400000 });
      const [desc] = await run<Array<Outcome<Record<string, Entry>>>>({ op: 'describe_configs', resources: [{ type: 'topic', name: 'ck-cfg' }] });
      const cfg = (desc as { ok: Record<string, Entry> }).ok;
      expect(cfg['retention.ms']).toMatchObject({ value: '86400000', source: 2 });
      expect(cfg['max.message.bytes']).toMatchObject({ value: '2000000', source: 1 });
      const [dry] = await run<Array<Outcome<true>>>({ op: 'alter_configs', validate_only: true, resources: [{ type: 'topic', name: 'ck-cfg', configs: { 'max.message.bytes': '5' } }] });
      expect(dry).toEqual({ ok: true });
      expect(broker.services.topics.partition('ck-cfg', 0)!.config.maxMessageBytes).toBe(2000000);
      const [refused] = await run<Array<Outcome<true>>>({ op: 'alter_configs', resources: [{ type: 'broker', name: '1', configs: { 'log.dirs': '/elsewhere' } }] });
      expect(refused).toMatchObject({ error: 42, message: expect.stringContaining('Cannot update these configs dynamically') });
    });

    it('creates partitions, validate_only first', async () => {
      expect(await run({ op: 'create_partitions', topic: 'ck-parts', count: 4, validate_only: true })).toEqual([{ ok: true }]);
      expect(broker.services.topics.get('ck-parts')!.partitions).toHaveLength(1);
      expect(await run({ op: 'create_partitions', topic: 'ck-parts', count: 4 })).toEqual([{ ok: true }]);
      expect(broker.services.topics.get('ck-parts')!.partitions).toHaveLength(4);
      const [again] = await run<Array<Outcome<true>>>({ op: 'create_partitions', topic: 'ck-parts', count: 4 });
      expect(again).toMatchObject({ error: 37, message: 'Topic already has 4 partition(s).' });
    });
  });
});
