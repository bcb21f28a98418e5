// Admin APIs driven by @platformatic/kafka 1.x's Admin client (in process): DescribeConfigs v4,
// AlterConfigs, IncrementalAlterConfigs, CreatePartitions, DeleteRecords, DescribeLogDirs and
// ListOffsets, against an in-process broker on file storage. The client negotiates the versions
// from ApiVersions, so these run the newest versions kwasm serves.
import { Admin } from '@platformatic/kafka';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;

describe('admin APIs through @platformatic/kafka Admin', () => {
  let broker: TestBroker;
  let client: TestClient;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file' });
    client = await TestClient.connect(broker.port);
    admin = new Admin({ clientId: 'kwasm-admin-interop', bootstrapBrokers: [broker.bootstrap], retries: 0, timeout: 10_000 });
    await admin.createTopics({ topics: ['pk-cfg', 'pk-records', 'pk-parts'], partitions: 2, replicas: 1 });
    for (let i = 0; i < 4; i++) {
      const batch = core.encodeBatch([{ value: new Uint8Array(300) }, { value: new Uint8Array(300) }]);
      const r = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'pk-records', partitionData: [{ index: 0, records: batch }] }] });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  });
  afterAll(async () => {
    await admin?.close();
    client?.close();
    await broker?.close();
  });

  it('describes topic configs with synonyms (DescribeConfigs v4)', async () => {
    const [d] = await admin.describeConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'pk-cfg', configurationKeys: ['segment.bytes', 'cleanup.policy'] }], includeSynonyms: true });
    expect(d).toMatchObject({ resourceType: TOPIC, resourceName: 'pk-cfg' });
    const by = Object.fromEntries(d!.configs.map((c) => [c.name, c]));
    expect(by['segment.bytes']).toMatchObject({ value: '1073741824', configSource: 5, readOnly: false, configType: 3, synonyms: [{ name: 'log.segment.bytes', value: '1073741824', source: 5 }] });
    expect(by['cleanup.policy']).toMatchObject({ value: 'delete', configType: 7 });
  });

  it('edits a topic and this broker incrementally (IncrementalAlterConfigs v1), effective on the logs', async () => {
    await admin.incrementalAlterConfigs({
      resources: [
        { resourceType: TOPIC, resourceName: 'pk-cfg', configs: [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }, { name: 'retention.bytes', configOperation: SET, value: '1048576' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: SET, value: '600000' }] },
      ],
    });
    expect(broker.services.topics.partition('pk-cfg', 1)!.config).toMatchObject({ cleanupPolicy: 'compact,delete', retentionBytes: 1048576, retentionMs: 600000 });
    const [t] = await admin.describeConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'pk-cfg', configurationKeys: ['cleanup.policy', 'retention.ms'] }], includeSynonyms: true });
    const by = Object.fromEntries(t!.configs.map((c) => [c.name, c]));
    expect(by['cleanup.policy']).toMatchObject({ value: 'delete,compact', configSource: 1 });
    expect(by['retention.ms']).toMatchObject({ value: '600000', configSource: 2, synonyms: [{ name: 'log.retention.ms', value: '600000', source: 2 }, { name: 'log.retention.hours', value: '168', source: 5 }] });
    await admin.incrementalAlterConfigs({ resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: DELETE }] }] });
    expect(broker.services.topics.partition('pk-cfg', 1)!.config.retentionMs).toBe(604800000);
    await expect(
      admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'pk-cfg', configs: [{ name: 'retention.ms', configOperation: SET, value: 'forever' }] }] }),
    ).rejects.toThrow();
  });

  it('replaces a topic override set (AlterConfigs)', async () => {
    await admin.alterConfigs({ resources: [{ resourceType: TOPIC, resourceName: 'pk-cfg', configs: [{ name: 'segment.ms', value: '3600000' }] }] });
    expect(broker.services.topics.get('pk-cfg')!.configs).toEqual(new Map([['segment.ms', '3600000']]));
    expect(broker.services.topics.partition('pk-cfg', 0)!.config).toMatchObject({ segmentMs: 3600000, cleanupPolicy: 'delete', retentionBytes: -1 });
  });

  it('creates partitions', async () => {
    await admin.createPartitions({ topics: [{ name: 'pk-parts', count: 5 }] });
    expect(broker.services.topics.get('pk-parts')!.partitions).toHaveLength(5);
    await expect(admin.createPartitions({ topics: [{ name: 'pk-parts', count: 3 }] })).rejects.toThrow();
  });

  it('deletes records and lists the new earliest offset', async () => {
    const deleted = await admin.deleteRecords({ topics: [{ name: 'pk-records', partitions: [{ partition: 0, offset: 5n }] }] });
    expect(deleted).toEqual([{ name: 'pk-records', partitions: [{ partition: 0, lowWatermark: 5n }] }]);
    const [earliest] = await admin.listOffsets({ topics: [{ name: 'pk-records', partitions: [{ partitionIndex: 0, timestamp: -2n }] }] });
    expect(earliest!.partitions[0]).toMatchObject({ partitionIndex: 0, offset: 5n });
    const hw = await admin.deleteRecords({ topics: [{ name: 'pk-records', partitions: [{ partition: 0, offset: -1n }] }] });
    expect(hw[0]!.partitions[0]!.lowWatermark).toBe(8n);
    await expect(admin.deleteRecords({ topics: [{ name: 'pk-records', partitions: [{ partition: 0, offset: 99n }] }] })).rejects.toThrow();
  });

  it('describes log dirs with partition sizes and capacity (DescribeLogDirs v4)', async () => {
    const dirs = await admin.describeLogDirs({ topics: [{ name: 'pk-records', partitions: [0, 1] }] });
    expect(dirs).toHaveLength(1);
    expect(dirs[0]!.broker).toBe(1);
    const [res] = dirs[0]!.results;
    expect(res!.logDir).toBe(path.resolve(broker.dataDir!));
    expect(res!.totalBytes).toBeGreaterThan(0n);
    expect(res!.usableBytes).toBeGreaterThan(0n);
    const topic = res!.topics.find((t) => t.name === 'pk-records')!;
    const sizes = Object.fromEntries(topic.partitions.map((p) => [p.partitionIndex, p.partitionSize]));
    expect(sizes).toEqual({ 0: BigInt(broker.services.topics.partition('pk-records', 0)!.size), 1: 0n });
  });
});
