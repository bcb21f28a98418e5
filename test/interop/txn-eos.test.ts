// Exactly-once consume-transform-produce with confluent-kafka-python (librdkafka): a consumer in a
// group reads `eos-in` at read_committed, a transactional producer writes each value upper-cased to
// `eos-out` and commits the consumed offsets in the same transaction (send_offsets_to_transaction →
// AddOffsetsToTxn + TxnOffsetCommit). The processor is killed three times — once between
// transactions, twice with a transaction open whose records and offsets are already written (the
// next instance takes over on the running broker; then the broker restarts first). Every input record must come out exactly once at
// read_committed, and the group's committed offsets must end at the input's end.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { enc } from '../txn/helpers.js';
import { killChildren, PYTHON, run, runJson, SCRIPTS } from './harness.js';

const SCRIPT = path.join(SCRIPTS, 'txn_confluent_kafka.py');
const N = 120;
let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker({
    storage: 'file',
    config: {
      'transaction.state.log.num.partitions': 3,
      'offsets.topic.num.partitions': 3,
      'group.initial.rebalance.delay.ms': 0,
      'group.min.session.timeout.ms': 500,
    },
  });
  const c = await TestClient.connect(broker.port);
  await c.send(ApiKey.CreateTopics, 7, {
    topics: [
      { name: 'eos-in', numPartitions: 2, replicationFactor: 1 },
      { name: 'eos-out', numPartitions: 2, replicationFactor: 1 },
    ],
    timeoutMs: 1000,
  });
  const core = broker.services.core;
  for (let part = 0; part < 2; part++) {
    const values = Array.from({ length: N / 2 }, (_, i) => ({ value: enc(`in-${part}-${i}`) }));
    const r = await c.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'eos-in', partitionData: [{ index: part, records: core.encodeBatch(values) }] }] });
    expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  }
  c.close();
});

afterAll(async () => {
  killChildren();
  await broker?.close();
});

const eosReq = (extra: Record<string, unknown>) =>
  JSON.stringify({ op: 'eos', bootstrap: broker.bootstrap, input: 'eos-in', output: 'eos-out', group: 'eos-group', transactionalId: 'eos-app', sessionTimeoutMs: 1500, batchSize: 7, ...extra });

describe('exactly-once consume-transform-produce (confluent-kafka-python)', () => {
  it('processes every input record exactly once across processor crashes and a broker restart', async () => {
    // 1. Dies after two committed transactions.
    const r1 = await run(PYTHON, [SCRIPT], { input: eosReq({ crashAfter: 2 }), timeoutMs: 60_000 });
    expect(r1.code, r1.stderr).toBe(3);
    // 2. Dies with its second transaction open (records and offsets written, no EndTxn); the next
    //    instance takes over on the same broker.
    const r2 = await run(PYTHON, [SCRIPT], { input: eosReq({ crashBeforeCommit: 1 }), timeoutMs: 60_000 });
    expect(r2.code, r2.stderr).toBe(3);
    expect(broker.services.transactions!.coordinator.describe('eos-app').transactionState).toBe('Ongoing');
    // 2b. Once more, and this time the broker restarts while the transaction is open.
    const r2b = await run(PYTHON, [SCRIPT], { input: eosReq({ crashBeforeCommit: 1 }), timeoutMs: 60_000 });
    expect(r2b.code, r2b.stderr).toBe(3);
    const txn = broker.services.transactions!;
    expect(txn.coordinator.describe('eos-app').transactionState).toBe('Ongoing');
    expect(txn.coordinator.describe('eos-app').topics.map((t) => t.topic).sort()).toEqual(['__consumer_offsets', 'eos-out']);
    // 3. The broker restarts while that transaction is open: its offsets must stay pending.
    broker = await broker.restart();
    const st = broker.services.transactions!.coordinator.describe('eos-app');
    expect(st.transactionState).toBe('Ongoing');
    // 4. A new instance fences the open transaction (aborting it) and finishes the work.
    const r3 = await runJson<{ transactions: number; processed: number }>(PYTHON, [SCRIPT], JSON.parse(eosReq({ idleMs: 1500 })), 90_000);
    expect(r3.processed).toBeGreaterThan(0);

    const consume = (isolation: string, count: number) =>
      runJson<{ records: Array<[number, number, string]> }>(PYTHON, [SCRIPT], { op: 'consume', bootstrap: broker.bootstrap, topic: 'eos-out', partitions: [0, 1], isolation, count, timeoutMs: 15_000 });
    const committed = (await consume('read_committed', N)).records.map((r) => r[2]);
    const expected = Array.from({ length: N }, (_, i) => `IN-${i < N / 2 ? 0 : 1}-${i % (N / 2)}`);
    const dup = committed.filter((v, i) => committed.indexOf(v) !== i);
    expect(dup, 'duplicates at read_committed').toEqual([]);
    expect([...committed].sort()).toEqual([...expected].sort());
    // The aborted attempt's records are in the log, visible only to read_uncommitted.
    const all = (await consume('read_uncommitted', N + 1)).records.map((r) => r[2]);
    expect(all.length).toBeGreaterThan(N);

    // The group's committed offsets: the end of the input.
    const c = await TestClient.connect(broker.port);
    const f = await c.send(ApiKey.OffsetFetch, 8, { groups: [{ groupId: 'eos-group', topics: null }], requireStable: true });
    const parts = f.groups[0]!.topics.find((t) => t.name === 'eos-in')!.partitions;
    expect(parts.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])).toEqual([
      [0, BigInt(N / 2), 0],
      [1, BigInt(N / 2), 0],
    ]);
    c.close();
  });
});
