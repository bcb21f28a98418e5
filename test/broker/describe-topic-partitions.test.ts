import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { ZERO_UUID } from '../../host/protocol/uuid.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

describe.each(['memory', 'file'] as const)('DescribeTopicPartitions (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    // Created out of order: answers come sorted by name.
    await client.send(ApiKey.CreateTopics, 7, {
      topics: [
        { name: 'c', numPartitions: 1, replicationFactor: 1 },
        { name: 'a', numPartitions: 3, replicationFactor: 1 },
        { name: 'b', numPartitions: 2, replicationFactor: 1 },
      ],
      timeoutMs: 1000,
    });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  type Cursor = { topicName: string; partitionIndex: number } | null;
  const ask = (names: string[], responsePartitionLimit = 2000, cursor: Cursor = null) =>
    client.send(ApiKey.DescribeTopicPartitions, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor });
  const summary = (r: Awaited<ReturnType<typeof ask>>) => r.topics.map((t) => `${t.name}:${t.partitions.map((p) => p.partitionIndex).join(',')}`);

  it('describes every topic in name order with ids, leaders, epochs and replicas', async () => {
    const r = await ask([]);
    expect(summary(r)).toEqual(['a:0,1,2', 'b:0,1', 'c:0']);
    expect(r.nextCursor).toBeNull();
    const meta = broker.services.topics.get('a')!;
    expect(r.topics[0]).toMatchObject({ errorCode: 0, name: 'a', topicId: meta.id, isInternal: false });
    expect(r.topics[0]!.partitions[1]).toEqual(expect.objectContaining({ errorCode: 0, partitionIndex: 1, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] }));
    const m = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'b' }], allowAutoTopicCreation: false });
    expect(r.topics[1]!.topicId).toBe(m.topics[0]!.topicId);
  });

  it('pages by responsePartitionLimit with a cursor, as Kafka 3.7+', async () => {
    const p1 = await ask([], 2);
    expect(summary(p1)).toEqual(['a:0,1']);
    expect(p1.nextCursor).toMatchObject({ topicName: 'a', partitionIndex: 2 });
    const p2 = await ask([], 2, p1.nextCursor);
    expect(summary(p2)).toEqual(['a:2', 'b:0']);
    expect(p2.nextCursor).toMatchObject({ topicName: 'b', partitionIndex: 1 });
    const p3 = await ask([], 2, p2.nextCursor);
    expect(summary(p3)).toEqual(['b:1', 'c:0']);
    expect(p3.nextCursor).toBeNull();
    // A limit used up exactly at a topic's end points the cursor at the next topic.
    const exact = await ask([], 3);
    expect(summary(exact)).toEqual(['a:0,1,2']);
    expect(exact.nextCursor).toMatchObject({ topicName: 'b', partitionIndex: 0 });
    // Limits are clamped to 1..2000.
    expect(summary(await ask([], 0))).toEqual(['a:0']);
  });

  it('describes named topics only, with errors for unknown and illegal names', async () => {
    const r = await ask(['c', 'zz', 'a', 'bad/name']);
    expect(r.topics.map((t) => [t.name, t.errorCode, t.partitions.length])).toEqual([
      ['a', 0, 3],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['c', 0, 1],
      ['zz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
    ]);
    expect(r.topics[3]!.topicId).toBe(ZERO_UUID);
    const paged = await ask(['c', 'b'], 10, { topicName: 'b', partitionIndex: 1 });
    expect(summary(paged)).toEqual(['b:1', 'c:0']);
  });

  it('fails every named topic with INVALID_REQUEST for a cursor outside the list', async () => {
    const r = await ask(['a', 'b'], 10, { topicName: 'c', partitionIndex: 0 });
    expect(r.topics.map((t) => [t.name, t.errorCode])).toEqual([['a', ErrorCode.INVALID_REQUEST], ['b', ErrorCode.INVALID_REQUEST]]);
    const neg = await ask(['a'], 10, { topicName: 'a', partitionIndex: -1 });
    expect(neg.topics[0]!.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });
});
