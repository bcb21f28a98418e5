// sarama (Go, Debian 1.22) and transactions: sarama 1.22 has no transactional producer, so its
// helper runs the transaction protocol with sarama's own request codecs (FindCoordinator type 1,
// InitProducerID v0, AddPartitionsToTxn v0, AddOffsetsToTxn v0, Produce v3 with transactional
// batches, EndTxn v0); sarama's consumer then reads at ReadCommitted and ReadUncommitted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { goBinary, killChildren, runJson } from './harness.js';

let broker: TestBroker;
let bin: string;
type Consumed = { records: Array<[number, number, string]> };

beforeAll(async () => {
  bin = (await goBinary('txn-sarama')).path;
  broker = await startTestBroker({ config: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3 } });
  const c = await TestClient.connect(broker.port);
  await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'txn-go', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
  c.close();
}, 600_000);

afterAll(async () => {
  killChildren();
  await broker?.close();
});

describe('sarama transactions', () => {
  it('runs the transaction protocol with sarama codecs; ReadCommitted hides aborted records', async () => {
    const txns = [
      { commit: true, records: [{ partition: 0, value: 's-c1' }, { partition: 1, value: 's-c2' }, { partition: 0, value: 's-c3' }] },
      { commit: false, records: [{ partition: 0, value: 's-a1' }, { partition: 1, value: 's-a2' }] },
      { commit: true, records: [{ partition: 1, value: 's-c4' }] },
    ];
    const r = await runJson<{ producerId: number; epoch: number; baseOffsets: Array<[number, number]> }>(bin, [], {
      op: 'transactions',
      bootstrap: broker.bootstrap,
      topic: 'txn-go',
      transactionalId: 'sarama-app',
      group: 'sarama-group',
      txns,
    });
    expect(r.epoch).toBe(0);
    // partition 0: s-c1 s-c3 [COMMIT] s-a1 [ABORT]; partition 1: s-c2 [COMMIT] s-a2 [ABORT] s-c4 [COMMIT]
    expect(r.baseOffsets).toEqual([[0, 0], [1, 0], [0, 3], [1, 2], [1, 4]]);
    const d = broker.services.transactions!.coordinator.describe('sarama-app');
    expect(d.transactionState).toBe('CompleteCommit');
    const rc = await runJson<Consumed>(bin, [], { op: 'consume', bootstrap: broker.bootstrap, topic: 'txn-go', partitions: [0, 1], isolation: 'read_committed', count: 4, timeoutMs: 8000 });
    expect(rc.records.map((x) => x[2]).sort()).toEqual(['s-c1', 's-c2', 's-c3', 's-c4']);
    expect(rc.records.filter((x) => x[0] === 1).map((x) => [x[1], x[2]])).toEqual([[0, 's-c2'], [4, 's-c4']]);
    const ru = await runJson<Consumed>(bin, [], { op: 'consume', bootstrap: broker.bootstrap, topic: 'txn-go', partitions: [0, 1], isolation: 'read_uncommitted', count: 6, timeoutMs: 8000 });
    expect(ru.records.map((x) => x[2]).sort()).toEqual(['s-a1', 's-a2', 's-c1', 's-c2', 's-c3', 's-c4']);
  });
});
