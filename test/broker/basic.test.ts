import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);

describe.each(['memory', 'file'] as const)('broker basics (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('lists every registered API in ApiVersions', async () => {
    const r = await client.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
    expect(r.errorCode).toBe(0);
    const keys = r.apiKeys.map((k) => k.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(r.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)).toMatchObject({ minVersion: 0, maxVersion: 4 });
    expect(r.apiKeys.find((k) => k.apiKey === ApiKey.Produce)).toMatchObject({ minVersion: 0, maxVersion: 11 });
  });

  it('answers an unknown ApiVersions version with UNSUPPORTED_VERSION and its range, in v0', async () => {
    // A v9 ApiVersions request (header v2) the broker cannot decode as such.
    const frame = Buffer.from([0, 0, 0, 14, 0, 18, 0, 9, 0, 0, 0, 77, 0, 4, 0x74, 0x65, 0x73, 0x74, 0]);
    const resp = await client.sendFrame(frame.subarray(0, 4 + 14), 77);
    expect(resp.readInt32BE(0)).toBe(77);
    expect(resp.readInt16BE(4)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('creates a topic, produces and fetches it back byte for byte', async () => {
    const created = await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'basic', numPartitions: 3, replicationFactor: 1 }], timeoutMs: 1000 });
    expect(created.topics[0]).toMatchObject({ name: 'basic', errorCode: 0, numPartitions: 3, replicationFactor: 1 });
    const batch = core.encodeBatch([{ key: enc('k'), value: enc('v1') }, { value: enc('v2'), headers: [{ key: 'h', value: enc('x') }] }]);
    const sent = Uint8Array.from(batch);
    // The broker writes its leader epoch (0) into partitionLeaderEpoch, which the CRC does not cover.
    new DataView(sent.buffer).setInt32(12, 0);
    const p = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'basic', partitionData: [{ index: 1, records: batch }] }] });
    expect(p.responses[0]!.partitionResponses[0]).toMatchObject({ index: 1, errorCode: 0, baseOffset: 0n });
    const f = await client.send(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'basic', partitions: [{ partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    const part = f.responses[0]!.partitions[0]!;
    expect(part.errorCode).toBe(0);
    expect(part.highWatermark).toBe(2n);
    expect(Buffer.from(part.records!)).toEqual(Buffer.from(sent));
    const recs = core.decodeRecords(part.records!);
    expect(recs.map((r) => new TextDecoder().decode(r.value!))).toEqual(['v1', 'v2']);
  });

  it('lists earliest and latest offsets', async () => {
    const r = await client.send(ApiKey.ListOffsets, 7, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: 'basic', partitions: [{ partitionIndex: 1, timestamp: -2n }, { partitionIndex: 1, timestamp: -1n }, { partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(r.topics[0]!.partitions.map((p) => [p.errorCode, p.offset])).toEqual([[0, 0n], [0, 2n], [0, 0n]]);
  });

  it('waits for data up to max.wait.ms when below min.bytes, and wakes on append', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'poll', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const t0 = Date.now();
    const empty = await client.send(ApiKey.Fetch, 12, {
      maxWaitMs: 200, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [{ topic: 'poll', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    expect(empty.responses[0]!.partitions[0]!.records?.length ?? 0).toBe(0);
    const other = await TestClient.connect(broker.port);
    const t1 = Date.now();
    const waiting = client.send(ApiKey.Fetch, 12, {
      maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [{ topic: 'poll', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    setTimeout(() => {
      void other.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'poll', partitionData: [{ index: 0, records: core.encodeBatch([{ value: enc('wake') }]) }] }] });
    }, 50);
    const got = await waiting;
    expect(Date.now() - t1).toBeLessThan(2000);
    expect(got.responses[0]!.partitions[0]!.records!.length).toBeGreaterThan(0);
    other.close();
  });

  it('rejects a CRC-corrupted batch with CORRUPT_MESSAGE and writes nothing', async () => {
    const batch = core.encodeBatch([{ value: enc('good') }]);
    batch[batch.length - 1]! ^= 0xff;
    const p = await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'basic', partitionData: [{ index: 2, records: batch }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const r = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, topics: [{ name: 'basic', partitions: [{ partitionIndex: 2, timestamp: -1n }] }] });
    expect(r.topics[0]!.partitions[0]!.offset).toBe(0n);
  });

  it('answers unknown topics with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const p = await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'nope', partitionData: [{ index: 0, records: core.encodeBatch([{ value: enc('x') }]) }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('auto-creates topics named in Metadata', async () => {
    const m = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'auto1' }], allowAutoTopicCreation: true });
    expect(m.topics[0]).toMatchObject({ name: 'auto1', errorCode: 0 });
    expect(m.topics[0]!.partitions).toHaveLength(1);
    expect(m.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: broker.port })]);
    expect(m.controllerId).toBe(1);
  });
});

describe('broker restart (file storage)', () => {
  it('keeps topics, topic ids and records', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'durable', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
    await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'durable', partitionData: [{ index: 0, records: core.encodeBatch([{ value: enc('a') }, { value: enc('b') }]) }] }] });
    const before = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'durable' }] });
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const after = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'durable' }], allowAutoTopicCreation: false });
    expect(after.topics[0]!.topicId).toBe(before.topics[0]!.topicId);
    expect(after.topics[0]!.partitions).toHaveLength(2);
    const r = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, topics: [{ name: 'durable', partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    expect(r.topics[0]!.partitions[0]!.offset).toBe(2n);
    client.close();
    await broker.close();
  });
});
