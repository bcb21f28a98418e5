import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();

async function fill(client: TestClient, topic: string, partition: number, bytes: number) {
  const r = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records: core.encodeBatch([{ value: new Uint8Array(bytes) }]) }] }] });
  expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
}

describe.each(['memory', 'file'] as const)('DescribeLogDirs (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'x', numPartitions: 2, replicationFactor: 1 }, { name: 'y', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    await fill(client, 'x', 0, 1000);
    await fill(client, 'x', 1, 10);
    await fill(client, 'y', 0, 500);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const expectedDir = () => (storage === 'file' ? path.resolve(broker.dataDir!) : 'memory');

  it('lists every partition with its size, lag 0, and the dir capacity (v4)', async () => {
    const r = await client.send(ApiKey.DescribeLogDirs, 4, { topics: null });
    expect(r.errorCode).toBe(0);
    expect(r.results).toHaveLength(1);
    const dir = r.results[0]!;
    expect(dir).toMatchObject({ errorCode: 0, logDir: expectedDir() });
    const sizes = Object.fromEntries(dir.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.partitionSize])));
    for (const [topic, partition] of [['x', 0], ['x', 1], ['y', 0]] as const) {
      expect(sizes[`${topic}-${partition}`]).toBe(BigInt(broker.services.topics.partition(topic, partition)!.size));
    }
    expect(sizes['x-0']!).toBeGreaterThan(1000n);
    expect(dir.topics.flatMap((t) => t.partitions).every((p) => p.offsetLag === 0n && p.isFutureKey === false)).toBe(true);
    if (storage === 'file') {
      const st = statfsSync(broker.dataDir!);
      expect(dir.totalBytes).toBe(BigInt(st.blocks * st.bsize));
      expect(dir.usableBytes).toBeGreaterThan(0n);
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes);
    } else {
      expect([dir.totalBytes, dir.usableBytes]).toEqual([-1n, -1n]);
    }
  });

  it('filters partitions, keeping the other topics of the dir with none listed (as Kafka)', async () => {
    const r = await client.send(ApiKey.DescribeLogDirs, 2, { topics: [{ topic: 'x', partitions: [1, 5] }] });
    const topics = Object.fromEntries(r.results[0]!.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]));
    expect(topics).toEqual({ x: [1], y: [] });
  });

  it('serves v0 and v1 (no totals)', async () => {
    for (const v of [0, 1, 3]) {
      const r = await client.send(ApiKey.DescribeLogDirs, v, { topics: null });
      expect(r.results[0]).toMatchObject({ errorCode: 0, logDir: expectedDir(), totalBytes: -1n, usableBytes: -1n });
      expect(r.results[0]!.topics.map((t) => t.name).sort()).toEqual(['x', 'y']);
    }
  });
});

describe('DescribeLogDirs with several log dirs (file storage)', () => {
  it('reports each partition in the dir that holds it', async () => {
    const dirs = [0, 1].map(() => mkdtempSync(path.join(tmpdir(), 'kwasm-logdirs-')));
    const broker = await startTestBroker({ storage: 'file', config: { 'log.dirs': dirs.join(',') } });
    const client = await TestClient.connect(broker.port);
    try {
      await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'spread', numPartitions: 4, replicationFactor: 1 }], timeoutMs: 1000 });
      const r = await client.send(ApiKey.DescribeLogDirs, 4, { topics: null });
      expect(r.results.map((d) => d.logDir)).toEqual(dirs.map((d) => path.resolve(d)));
      const where = r.results.map((d) => d.topics.flatMap((t) => t.partitions.map((p) => p.partitionIndex)).sort());
      // Kafka's placement: the least loaded dir each time, so two partitions in each.
      expect(where.map((w) => w.length)).toEqual([2, 2]);
      expect([...where[0]!, ...where[1]!].sort()).toEqual([0, 1, 2, 3]);
    } finally {
      client.close();
      await broker.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
