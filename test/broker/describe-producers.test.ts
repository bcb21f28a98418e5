import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const recs = (n: number, ts: number) => Array.from({ length: n }, (_, i) => ({ value: new Uint8Array([i]), timestamp: BigInt(ts) }));

async function idempotentProducer(client: TestClient) {
  const r = await client.send(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
  expect(r.errorCode).toBe(0);
  return { producerId: r.producerId, producerEpoch: r.producerEpoch };
}

async function produce(client: TestClient, topic: string, partition: number, batch: Uint8Array) {
  const r = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] });
  expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
}

const describeProducers = async (client: TestClient, topic: string, partitionIndexes: number[]) =>
  (await client.send(ApiKey.DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes }] })).topics[0]!.partitions;

describe.each(['memory', 'file'] as const)('DescribeProducers (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'dp', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('lists the idempotent producers of a partition with their last sequence and timestamp', async () => {
    const a = await idempotentProducer(client);
    const b = await idempotentProducer(client);
    await produce(client, 'dp', 0, core.encodeBatch(recs(3, 1000), { ...a, baseSequence: 0 }));
    await produce(client, 'dp', 0, core.encodeBatch(recs(2, 2000), { ...a, baseSequence: 3 }));
    await produce(client, 'dp', 0, core.encodeBatch(recs(1, 3000), { ...b, baseSequence: 0 }));
    await produce(client, 'dp', 1, core.encodeBatch(recs(1, 4000)));
    const [p0, p1] = await describeProducers(client, 'dp', [0, 1]);
    expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, errorMessage: null });
    const byId = new Map(p0!.activeProducers.map((s) => [s.producerId, s]));
    expect(byId.get(a.producerId)).toMatchObject({ producerEpoch: a.producerEpoch, lastSequence: 4, lastTimestamp: 2000n, coordinatorEpoch: -1, currentTxnStartOffset: -1n });
    expect(byId.get(b.producerId)).toMatchObject({ lastSequence: 0, lastTimestamp: 3000n });
    expect(p0!.activeProducers).toHaveLength(2);
    // Non-idempotent writes leave no producer state.
    expect(p1).toMatchObject({ partitionIndex: 1, errorCode: 0, activeProducers: [] });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for unknown partitions and topics', async () => {
    expect(await describeProducers(client, 'dp', [5])).toEqual([expect.objectContaining({ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, activeProducers: [] })]);
    expect((await describeProducers(client, 'nope', [0]))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('DescribeProducers after a restart (file storage)', () => {
  it('reports producer state rebuilt from snapshots and the log', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'r', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const a = await idempotentProducer(client);
    await produce(client, 'r', 0, core.encodeBatch(recs(4, 5000), { ...a, baseSequence: 0 }));
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const [p] = await describeProducers(client, 'r', [0]);
    expect(p!.activeProducers).toEqual([expect.objectContaining({ producerId: a.producerId, producerEpoch: a.producerEpoch, lastSequence: 3, lastTimestamp: 5000n })]);
    client.close();
    await broker.close();
  });
});
