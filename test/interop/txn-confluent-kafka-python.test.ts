// confluent-kafka-python (librdkafka) transactions against kwasm: committed transactions are seen
// by a read_committed consumer, aborted ones never, read_uncommitted sees both, also after the
// broker restarts; a second producer with the same transactional id fences the first.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { killChildren, PYTHON, runJson, SCRIPTS } from './harness.js';

const SCRIPT = path.join(SCRIPTS, 'txn_confluent_kafka.py');
let broker: TestBroker;

const py = <T>(req: Record<string, unknown>, timeoutMs = 30_000) => runJson<T>(PYTHON, [SCRIPT], { bootstrap: broker.bootstrap, ...req }, timeoutMs);

type Consumed = { records: Array<[number, number, string]> };

beforeAll(async () => {
  broker = await startTestBroker({ storage: 'file', config: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3 } });
  const c = await TestClient.connect(broker.port);
  await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'txn-py', numPartitions: 2, replicationFactor: 1 }, { name: 'txn-py-fence', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
  c.close();
});

afterAll(async () => {
  killChildren();
  await broker?.close();
});

describe('confluent-kafka-python transactions', () => {
  it('read_committed sees committed transactions only, read_uncommitted sees all, before and after a restart', async () => {
    const txns = [
      { commit: true, records: [0, 1, 2, 3].map((i) => ({ partition: i % 2, value: `c1-${i}` })) },
      { commit: false, records: [0, 1, 2].map((i) => ({ partition: i % 2, value: `ab-${i}` })) },
      { commit: true, records: [{ partition: 1, value: 'c2-0' }] },
      { commit: false, records: [{ partition: 0, value: 'ab-last' }] },
    ];
    expect(await py<{ ok: boolean }>({ op: 'transactions', topic: 'txn-py', transactionalId: 'py-app', txns })).toEqual({ ok: true });
    const committed = ['c1-0', 'c1-1', 'c1-2', 'c1-3', 'c2-0'];
    const all = [...committed, 'ab-0', 'ab-1', 'ab-2', 'ab-last'];
    const check = async () => {
      const rc = await py<Consumed>({ op: 'consume', topic: 'txn-py', partitions: [0, 1], isolation: 'read_committed', count: committed.length });
      expect(rc.records.map((r) => r[2]).sort()).toEqual([...committed].sort());
      const ru = await py<Consumed>({ op: 'consume', topic: 'txn-py', partitions: [0, 1], isolation: 'read_uncommitted', count: all.length });
      expect(ru.records.map((r) => r[2]).sort()).toEqual([...all].sort());
      // Offsets: partition 0 holds c1-0 c1-2 [COMMIT] ab-0 ab-2 [ABORT] ab-last [ABORT].
      expect(rc.records.filter((r) => r[0] === 0).map((r) => [r[1], r[2]])).toEqual([[0, 'c1-0'], [1, 'c1-2']]);
    };
    await check();
    broker = await broker.restart();
    await check();
  });

  it('a second producer with the same transactional id fences the first', async () => {
    const r = await py<{ fenced: boolean; error: string | null }>({ op: 'fence', topic: 'txn-py-fence', transactionalId: 'py-fence' });
    expect(r.fenced).toBe(true);
    expect(r.error).toMatch(/FENCED|EPOCH/);
    const rc = await py<Consumed>({ op: 'consume', topic: 'txn-py-fence', partitions: [0], isolation: 'read_committed', count: 1 });
    expect(rc.records.map((x) => x[2])).toEqual(['fresh']);
  });
});
