// Admin APIs driven by KafkaJS's admin client (in process) against an in-process broker on file
// storage: describeConfigs/alterConfigs (DescribeConfigs and AlterConfigs as KafkaJS negotiates
// them), createPartitions, deleteTopicRecords with fetchTopicOffsets, describeCluster.
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();

describe('admin APIs through KafkaJS admin', () => {
  let broker: TestBroker;
  let client: TestClient;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file' });
    client = await TestClient.connect(broker.port);
    const kafka = new Kafka({ clientId: 'kwasm-admin-interop', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kj-cfg' }, { topic: 'kj-records', numPartitions: 2 }, { topic: 'kj-parts' }] });
    for (let i = 0; i < 3; i++) {
      const r = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'kj-records', partitionData: [{ index: 1, records: core.encodeBatch([{ value: new Uint8Array([i]) }, { value: new Uint8Array([i]) }]) }] }] });
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  });
  afterAll(async () => {
    await admin?.disconnect();
    client?.close();
    await broker?.close();
  });

  it('describes and alters topic configs', async () => {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj-cfg', configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
    expect(broker.services.topics.partition('kj-cfg', 0)!.config.retentionMs).toBe(86400000);
    const d = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj-cfg', configNames: ['retention.ms', 'segment.bytes'] }] });
    const res = d.resources[0]!;
    expect(res).toMatchObject({ errorCode: 0, resourceName: 'kj-cfg' });
    const by = Object.fromEntries(res.configEntries.map((c) => [c.configName, c]));
    expect(by['retention.ms']).toMatchObject({ configValue: '86400000', configSource: 1, readOnly: false, isDefault: false });
    expect(by['segment.bytes']).toMatchObject({ configValue: '1073741824', configSource: 5, isDefault: true });
    await expect(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kj-cfg', configEntries: [{ name: 'retention.ms', value: 'x' }] }] })).rejects.toThrow();
  });

  it('describes this broker', async () => {
    const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions', 'log.retention.hours'] }] });
    const by = Object.fromEntries(d.resources[0]!.configEntries.map((c) => [c.configName, c]));
    expect(by['num.partitions']).toMatchObject({ configValue: '1', readOnly: false });
    expect(by['log.retention.hours']).toMatchObject({ configValue: '168', readOnly: true });
  });

  it('creates partitions', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: 'kj-parts', count: 3 }] });
    expect(broker.services.topics.get('kj-parts')!.partitions).toHaveLength(3);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kj-parts', count: 3 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
  });

  it('deletes records; fetchTopicOffsets sees the new low watermark', async () => {
    await admin.deleteTopicRecords({ topic: 'kj-records', partitions: [{ partition: 1, offset: '4' }] });
    const offsets = await admin.fetchTopicOffsets('kj-records');
    expect(offsets.find((o) => o.partition === 1)).toMatchObject({ low: '4', high: '6' });
    // KafkaJS's -1 is "delete everything" (the high watermark).
    await admin.deleteTopicRecords({ topic: 'kj-records', partitions: [{ partition: 1, offset: '-1' }] });
    expect((await admin.fetchTopicOffsets('kj-records')).find((o) => o.partition === 1)).toMatchObject({ low: '6', high: '6' });
  });

  it('describes the cluster', async () => {
    const c = await admin.describeCluster();
    expect(c).toMatchObject({ clusterId: broker.services.metadata.clusterId, controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port }] });
  });
});
