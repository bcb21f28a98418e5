// confluent-kafka-go (Go over librdkafka, Debian 0.11.6) consuming transactional data: records of
// committed transactions are delivered at read_committed, aborted ones never (also when an aborted
// transaction interleaves with a committed one), read_uncommitted delivers both. The Debian
// confluent-kafka-go predates its transactional producer API, so the transactions are written
// over the wire by the test's own transactional producer (test/txn/helpers.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { addPartitions, endTxn, initTxn, produceTxn } from '../txn/helpers.js';
import { goBinary, killChildren, runJson } from './harness.js';

let broker: TestBroker;
let bin: string;
type Consumed = { records: Array<[number, number, string]> };

beforeAll(async () => {
  bin = (await goBinary('txn-confluent-kafka-go')).path;
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': 3 } });
}, 600_000);

afterAll(async () => {
  killChildren();
  await broker?.close();
});

describe('confluent-kafka-go read_committed', () => {
  it('delivers committed transactions only; read_uncommitted delivers everything', async () => {
    const c = await TestClient.connect(broker.port);
    const core = broker.services.core;
    await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'txn-ckg', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
    const a = await initTxn(c, 'ckg-a');
    const b = await initTxn(c, 'ckg-b');
    // Interleaved on partition 0: a (aborted) and b (committed).
    await addPartitions(c, a, [['txn-ckg', 0], ['txn-ckg', 1]]);
    await addPartitions(c, b, [['txn-ckg', 0]]);
    await produceTxn(c, core, a, 'txn-ckg', 0, ['a1', 'a2']);
    await produceTxn(c, core, b, 'txn-ckg', 0, ['b1']);
    await produceTxn(c, core, a, 'txn-ckg', 1, ['a3']);
    await produceTxn(c, core, a, 'txn-ckg', 0, ['a4']);
    await produceTxn(c, core, b, 'txn-ckg', 0, ['b2']);
    expect((await endTxn(c, a, false)).errorCode).toBe(0);
    expect((await endTxn(c, b, true)).errorCode).toBe(0);
    await addPartitions(c, a, [['txn-ckg', 1]]);
    await produceTxn(c, core, a, 'txn-ckg', 1, ['a5']);
    expect((await endTxn(c, a, true)).errorCode).toBe(0);
    c.close();

    const rc = await runJson<Consumed>(bin, [], { op: 'consume', bootstrap: broker.bootstrap, topic: 'txn-ckg', partitions: [0, 1], isolation: 'read_committed', count: 3, timeoutMs: 10000 });
    expect(rc.records.map((r) => r[2]).sort()).toEqual(['a5', 'b1', 'b2']);
    expect(rc.records.filter((r) => r[0] === 0).map((r) => [r[1], r[2]])).toEqual([[2, 'b1'], [4, 'b2']]);
    const ru = await runJson<Consumed>(bin, [], { op: 'consume', bootstrap: broker.bootstrap, topic: 'txn-ckg', partitions: [0, 1], isolation: 'read_uncommitted', count: 7, timeoutMs: 10000 });
    expect(ru.records.map((r) => r[2]).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2']);
  });
});
