// `kwasm transactions` (like kafka-transactions.sh) against an in-process broker: list, describe,
// describe-producers, and abort of a hanging transaction by its start offset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../cli/run-cli.js';
import { READ_COMMITTED, addPartitions, fetchPartition, initTxn, produceTxn, type RawTxnProducer } from './helpers.js';

let broker: TestBroker;
let client: TestClient;
let p: RawTxnProducer;

/** Rows of a table printed as Kafka's tools print them (cells padded, each followed by a tab). */
const rows = (out: string) => out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t').slice(0, -1).map((c) => c.trim()));

beforeAll(async () => {
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': 3 } });
  client = await TestClient.connect(broker.port);
  await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'cli', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
  p = await initTxn(client, 'cli-app', 45_000);
  await addPartitions(client, p, [['cli', 0], ['cli', 1]]);
  await produceTxn(client, broker.services.core, p, 'cli', 0, ['x', 'y']);
  await initTxn(client, 'cli-idle');
});

afterAll(async () => {
  client?.close();
  await broker?.close();
});

describe('kwasm transactions', () => {
  it('list and describe', async () => {
    const l = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'list']);
    expect(l.stderr).toBe('');
    expect(l.code).toBe(0);
    const lr = rows(l.stdout);
    expect(lr[0]).toEqual(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
    const node = String(broker.services.config.nodeId());
    expect(lr.slice(1)).toEqual([
      ['cli-app', node, String(p.producerId), 'Ongoing'],
      ['cli-idle', node, String(p.producerId + 1n), 'Empty'],
    ]);
    expect(l.stdout.split('\n')[0]).toBe('TransactionalId\tCoordinator\tProducerId\tTransactionState\t');

    const d = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'cli-app']);
    expect(d.code).toBe(0);
    const dr = rows(d.stdout);
    expect(dr[0]).toEqual(['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions']);
    expect(dr[1]!.slice(0, 6)).toEqual([node, 'cli-app', String(p.producerId), '0', 'Ongoing', '45000']);
    expect(Number(dr[1]![6])).toBeGreaterThan(0);
    expect(Number(dr[1]![7])).toBeGreaterThanOrEqual(0);
    expect(dr[1]![8]).toBe('cli-0,cli-1');

    const idle = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'cli-idle']);
    expect(rows(idle.stdout)[1]!.slice(4, 9)).toEqual(['Empty', '60000', 'None', 'None', '']);
    const none = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'describe', '--transactional-id', 'nope']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/Failed to describe transaction state of transactional-id `nope`: .*TRANSACTIONAL_ID_NOT_FOUND/);
  });

  it('describe-producers, then abort the hanging transaction by its start offset', async () => {
    const dp = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'describe-producers', '--topic', 'cli', '--partition', '0']);
    expect(dp.code).toBe(0);
    const r = rows(dp.stdout);
    expect(r[0]).toEqual(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
    expect(r[1]![0]).toBe(String(p.producerId));
    expect(r[1]![3]).toBe('1');
    expect(r[1]![5]).toBe('0');

    const wrong = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'abort', '--topic', 'cli', '--partition', '0', '--start-offset', '5']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Could not find any open transactions starting at offset 5 on partition cli-0/);
    expect((await fetchPartition(client, broker.services.core, 'cli', 0, READ_COMMITTED)).lastStableOffset).toBe(0n);

    const ok = await runCli(['transactions', '--bootstrap-server', broker.bootstrap, 'abort', '--topic', 'cli', '--partition', '0', '--start-offset', '0']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const f = await fetchPartition(client, broker.services.core, 'cli', 0, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(3n);
    expect(f.records).toEqual([]);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
  });
});
