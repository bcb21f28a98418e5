import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const rec = (s: string) => ({ value: new TextEncoder().encode(s) });

describe.each(['memory', 'file'] as const)('DeleteRecords (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  const produce = async (topic: string, partition: number, n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: core.encodeBatch([rec(`a${i}`), rec(`b${i}`)]) }] }] });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  };
  const del = async (topic: string, partitions: Array<[number, bigint]>, v = 2) =>
    (await client.send(ApiKey.DeleteRecords, v, { topics: [{ name: topic, partitions: partitions.map(([partitionIndex, offset]) => ({ partitionIndex, offset })) }], timeoutMs: 1000 })).topics[0]!.partitions;
  const earliest = async (topic: string, partition: number) =>
    (await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -2n }] }] })).topics[0]!.partitions[0]!.offset;

  beforeAll(async () => {
    // Small segments, so that deleting records also deletes whole segment files.
    broker = await startTestBroker({ storage, config: { 'log.segment.bytes': 200 } });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, {
      topics: [{ name: 'dr', numPartitions: 2, replicationFactor: 1 }, { name: 'compacted', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
      timeoutMs: 1000,
    });
    await produce('dr', 0, 10);
    await produce('dr', 1, 3);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('moves the log start offset and answers the low watermark; fetches below it are out of range', async () => {
    const before = broker.services.topics.partition('dr', 0)!.segmentCount;
    expect(await del('dr', [[0, 7n]])).toEqual([expect.objectContaining({ partitionIndex: 0, lowWatermark: 7n, errorCode: 0 })]);
    expect(await earliest('dr', 0)).toBe(7n);
    if (storage === 'file') expect(broker.services.topics.partition('dr', 0)!.segmentCount).toBeLessThan(before);
    const f = await client.send(ApiKey.Fetch, 12, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1, topics: [{ topic: 'dr', partitions: [{ partition: 0, fetchOffset: 2n, partitionMaxBytes: 1 << 20 }] }] });
    expect(f.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    // A lower offset than the current start changes nothing.
    expect((await del('dr', [[0, 3n]], 0))[0]).toMatchObject({ lowWatermark: 7n, errorCode: 0 });
  });

  it('takes -1 as the high watermark', async () => {
    expect((await del('dr', [[1, -1n]], 1))[0]).toMatchObject({ partitionIndex: 1, lowWatermark: 6n, errorCode: 0 });
    expect(await earliest('dr', 1)).toBe(6n);
  });

  it('answers OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION and POLICY_VIOLATION', async () => {
    const r = await del('dr', [[0, 21n], [0, -5n], [9, 0n]]);
    expect(r.map((p) => [p.partitionIndex, p.errorCode, p.lowWatermark])).toEqual([
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1n],
      [0, ErrorCode.OFFSET_OUT_OF_RANGE, -1n],
      [9, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n],
    ]);
    expect((await del('missing', [[0, 0n]]))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await del('compacted', [[0, 0n]]))[0]!.errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    expect(await earliest('dr', 0)).toBe(7n);
  });
});

describe('DeleteRecords persistence (file storage)', () => {
  it('keeps the new log start offset across a restart', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'k', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'k', partitionData: [{ index: 0, records: core.encodeBatch([rec('1'), rec('2'), rec('3')]) }] }] });
    const r = await client.send(ApiKey.DeleteRecords, 2, { topics: [{ name: 'k', partitions: [{ partitionIndex: 0, offset: 2n }] }], timeoutMs: 1000 });
    expect(r.topics[0]!.partitions[0]).toMatchObject({ lowWatermark: 2n, errorCode: 0 });
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const o = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, topics: [{ name: 'k', partitions: [{ partitionIndex: 0, timestamp: -2n }, { partitionIndex: 0, timestamp: -1n }] }] });
    expect(o.topics[0]!.partitions.map((p) => p.offset)).toEqual([2n, 3n]);
    client.close();
    await broker.close();
  });
});
