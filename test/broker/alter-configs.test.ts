import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const TOPIC = 2;
const BROKER = 4;

async function describeOne(client: TestClient, resourceType: number, resourceName: string, key?: string) {
  const r = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType, resourceName, configurationKeys: key ? [key] : null }], includeSynonyms: true });
  expect(r.results[0]!.errorCode).toBe(0);
  return r.results[0]!.configs;
}

describe.each(['memory', 'file'] as const)('AlterConfigs (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, {
      topics: [{ name: 'alt', numPartitions: 2, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact' }] }],
      timeoutMs: 1000,
    });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const alter = (resources: Array<{ resourceType: number; resourceName: string; configs: Array<{ name: string; value: string | null }> }>, validateOnly = false, v = 2) =>
    client.send(ApiKey.AlterConfigs, v, { resources, validateOnly });

  it('replaces the whole override set of a topic and applies it to every partition log', async () => {
    const r = await alter([{ resourceType: TOPIC, resourceName: 'alt', configs: [{ name: 'segment.bytes', value: '2000000' }] }]);
    expect(r.responses).toMatchObject([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'alt' }]);
    const by = new Map((await describeOne(client, TOPIC, 'alt')).map((c) => [c.name, c]));
    expect(by.get('segment.bytes')).toMatchObject({ value: '2000000', configSource: 1 });
    expect(by.get('retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
    expect(by.get('cleanup.policy')).toMatchObject({ value: 'delete', configSource: 5 });
    for (const p of [0, 1]) {
      const log = broker.services.topics.partition('alt', p)!;
      expect(log.config).toMatchObject({ segmentBytes: 2000000, retentionMs: 604800000, cleanupPolicy: 'delete' });
    }
  });

  it('validateOnly checks without changing anything (v0 and v1 too)', async () => {
    for (const v of [0, 1]) {
      const r = await alter([{ resourceType: TOPIC, resourceName: 'alt', configs: [{ name: 'retention.ms', value: '5' }] }], true, v);
      expect(r.responses[0]!.errorCode).toBe(0);
    }
    expect((await describeOne(client, TOPIC, 'alt', 'retention.ms'))[0]).toMatchObject({ value: '604800000' });
    expect(broker.services.topics.partition('alt', 0)!.config.retentionMs).toBe(604800000);
  });

  it('answers Kafka error codes per resource and changes nothing on error', async () => {
    const r = await alter([
      { resourceType: TOPIC, resourceName: 'alt', configs: [{ name: 'retention.ms', value: 'soon' }] },
      { resourceType: TOPIC, resourceName: 'missing', configs: [{ name: 'retention.ms', value: '5' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.hours', value: '1' }] },
      { resourceType: BROKER, resourceName: '9', configs: [{ name: 'log.retention.ms', value: '1' }] },
      { resourceType: 32, resourceName: 'g', configs: [] },
    ]);
    expect(r.responses.map((x) => [x.resourceName, x.errorCode])).toEqual([
      ['alt', ErrorCode.INVALID_CONFIG],
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['', ErrorCode.INVALID_REQUEST],
      ['9', ErrorCode.INVALID_REQUEST],
      ['g', ErrorCode.INVALID_REQUEST],
    ]);
    expect(r.responses[2]!.errorMessage).toBe('Cannot update these configs dynamically: Set(log.retention.hours)');
    const more = await alter([
      { resourceType: TOPIC, resourceName: 'alt', configs: [{ name: 'no.such.config', value: '1' }] },
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: null }] },
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '3' }] },
    ]);
    expect(more.responses.map((x) => x.errorCode)).toEqual([ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
    expect(more.responses[0]!.errorMessage).toBe('Unknown topic config name: no.such.config');
    expect(more.responses[1]!.errorMessage).toBe('Each resource must appear at most once.');
    expect((await describeOne(client, TOPIC, 'alt', 'segment.bytes'))[0]).toMatchObject({ value: '2000000', configSource: 1 });
  });

  it('sets cluster-wide dynamic broker defaults that reach topics without overrides', async () => {
    const r = await alter([{ resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: '3600000' }, { name: 'num.partitions', value: '3' }] }]);
    expect(r.responses[0]!.errorCode).toBe(0);
    const defaults = await describeOne(client, BROKER, '');
    expect(defaults.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ['log.retention.ms', '3600000', 3],
      ['num.partitions', '3', 3],
    ]);
    const retention = (await describeOne(client, TOPIC, 'alt', 'retention.ms'))[0]!;
    expect(retention).toMatchObject({
      value: '3600000',
      configSource: 3,
      synonyms: [
        { name: 'log.retention.ms', value: '3600000', source: 3 },
        { name: 'log.retention.hours', value: '168', source: 5 },
      ],
    });
    expect(broker.services.topics.partition('alt', 1)!.config.retentionMs).toBe(3600000);
    // num.partitions is read when a topic is auto-created.
    const m = await client.send(ApiKey.Metadata, 12, { topics: [{ name: 'auto-after-alter' }], allowAutoTopicCreation: true });
    expect(m.topics[0]!.partitions).toHaveLength(3);
    // Replacing the set with an empty one removes them again.
    expect((await alter([{ resourceType: BROKER, resourceName: '', configs: [] }])).responses[0]!.errorCode).toBe(0);
    expect(await describeOne(client, BROKER, '')).toEqual([]);
    expect(broker.services.topics.partition('alt', 1)!.config.retentionMs).toBe(604800000);
  });
});

describe('AlterConfigs persistence (file storage)', () => {
  it('keeps topic overrides and dynamic broker configs across a restart', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const r = await client.send(ApiKey.AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'kept', configs: [{ name: 'retention.bytes', value: '12345' }] },
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: '7200000' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.segment.bytes', value: '4194304' }] },
      ],
      validateOnly: false,
    });
    expect(r.responses.map((x) => x.errorCode)).toEqual([0, 0, 0]);
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    const by = new Map((await describeOne(client, TOPIC, 'kept')).map((c) => [c.name, c]));
    expect(by.get('retention.bytes')).toMatchObject({ value: '12345', configSource: 1 });
    expect(by.get('retention.ms')).toMatchObject({ value: '7200000', configSource: 3 });
    expect(by.get('segment.bytes')).toMatchObject({ value: '4194304', configSource: 2 });
    expect(broker.services.topics.partition('kept', 0)!.config).toMatchObject({ retentionBytes: 12345, retentionMs: 7200000, segmentBytes: 4194304 });
    client.close();
    await broker.close();
  });
});
