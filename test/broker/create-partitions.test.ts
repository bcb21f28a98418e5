import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();

describe.each(['memory', 'file'] as const)('CreatePartitions (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'grow', numPartitions: 2, replicationFactor: 1 }, { name: 'other', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const partitions = async (name: string) => (await client.send(ApiKey.Metadata, 12, { topics: [{ name }], allowAutoTopicCreation: false })).topics[0]!.partitions.length;

  it('grows a topic; the new partitions take writes at once', async () => {
    const r = await client.send(ApiKey.CreatePartitions, 3, { topics: [{ name: 'grow', count: 4, assignments: null }], timeoutMs: 1000, validateOnly: false });
    expect(r.results).toMatchObject([{ name: 'grow', errorCode: 0, errorMessage: null }]);
    expect(await partitions('grow')).toBe(4);
    const p = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'grow', partitionData: [{ index: 3, records: core.encodeBatch([{ value: new Uint8Array([1]) }]) }] }] });
    expect(p.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
  });

  it('validateOnly checks and creates nothing (v0)', async () => {
    const r = await client.send(ApiKey.CreatePartitions, 0, { topics: [{ name: 'grow', count: 10, assignments: null }], timeoutMs: 1000, validateOnly: true });
    expect(r.results[0]!.errorCode).toBe(0);
    expect(await partitions('grow')).toBe(4);
  });

  it('takes a manual assignment naming this broker', async () => {
    const r = await client.send(ApiKey.CreatePartitions, 2, { topics: [{ name: 'other', count: 3, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] }], timeoutMs: 1000, validateOnly: false });
    expect(r.results[0]!.errorCode).toBe(0);
    expect(await partitions('other')).toBe(3);
  });

  it('answers Kafka errors and messages per topic', async () => {
    const r = await client.send(ApiKey.CreatePartitions, 3, {
      topics: [
        { name: 'grow', count: 4, assignments: null },
        { name: 'other', count: 2, assignments: null },
        { name: 'missing', count: 2, assignments: null },
        { name: 'other', count: 5, assignments: [{ brokerIds: [1] }] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.results.map((x) => [x.name, x.errorCode, x.errorMessage])).toEqual([
      ['grow', ErrorCode.INVALID_PARTITIONS, 'Topic already has 4 partition(s).'],
      ['other', ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, expect.any(String)],
      ['other', ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
    ]);
    const bad = async (count: number, assignments: number[][] | null) =>
      (await client.send(ApiKey.CreatePartitions, 3, { topics: [{ name: 'other', count, assignments: assignments?.map((brokerIds) => ({ brokerIds })) ?? null }], timeoutMs: 1000, validateOnly: false })).results[0]!;
    expect(await bad(2, null)).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: 'The topic other currently has 3 partition(s); 2 would not be an increase.' });
    expect(await bad(5, [[1]])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.' });
    expect(await bad(4, [[2]])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes broker 2, but no such broker is registered.' });
    expect(await bad(4, [[1, 1]])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes the broker 1 more than once.' });
    expect(await bad(4, [[]])).toMatchObject({ errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: 'The manual partition assignment includes an empty replica list.' });
    expect(await bad(200_000, null)).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS });
    expect(await partitions('other')).toBe(3);
  });
});

describe('CreatePartitions persistence (file storage)', () => {
  it('keeps added partitions and their data across a restart', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'g', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    expect((await client.send(ApiKey.CreatePartitions, 3, { topics: [{ name: 'g', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false })).results[0]!.errorCode).toBe(0);
    await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'g', partitionData: [{ index: 2, records: core.encodeBatch([{ value: new Uint8Array([7]) }, { value: new Uint8Array([8]) }]) }] }] });
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const m = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'g' }], allowAutoTopicCreation: false });
    expect(m.topics[0]!.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1, 2]);
    const o = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, topics: [{ name: 'g', partitions: [{ partitionIndex: 2, timestamp: -1n }] }] });
    expect(o.topics[0]!.partitions[0]!.offset).toBe(2n);
    client.close();
    await broker.close();
  });
});
