import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const TOPIC = 2;
const BROKER = 4;
const S = { TOPIC: 1, DYNAMIC_BROKER: 2, DYNAMIC_DEFAULT: 3, STATIC: 4, DEFAULT: 5 };

describe.each(['memory', 'file'] as const)('DescribeConfigs (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage, config: { 'log.segment.bytes': 1048576, 'log.cleanup.policy': 'delete' } });
    client = await TestClient.connect(broker.port);
    const r = await client.send(ApiKey.CreateTopics, 7, {
      topics: [
        { name: 'plain', numPartitions: 1, replicationFactor: 1 },
        { name: 'custom', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'retention.ms', value: '1000' }, { name: 'cleanup.policy', value: 'compact' }] },
      ],
      timeoutMs: 1000,
    });
    expect(r.topics.map((t) => t.errorCode)).toEqual([0, 0]);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const describeTopic = async (name: string, v = 4, keys: string[] | null = null, includeSynonyms = true) => {
    const r = await client.send(ApiKey.DescribeConfigs, v, { resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys }], includeSynonyms: v >= 1 && includeSynonyms, includeDocumentation: v >= 3 });
    return r.results[0]!;
  };

  it('describes a topic with defaults: values, sources and Kafka synonym chains', async () => {
    const r = await describeTopic('plain');
    expect(r).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'plain' });
    const by = new Map(r.configs.map((c) => [c.name, c]));
    // Kafka drops the hours synonym that comes before log.retention.ms itself: `synonyms={}`.
    expect(by.get('retention.ms')).toMatchObject({ value: '604800000', configSource: S.DEFAULT, readOnly: false, isSensitive: false, synonyms: [], configType: 5, documentation: null });
    expect(by.get('segment.bytes')).toMatchObject({
      value: '1048576',
      configSource: S.STATIC,
      configType: 3,
      synonyms: [
        { name: 'log.segment.bytes', value: '1048576', source: S.STATIC },
        { name: 'log.segment.bytes', value: '1073741824', source: S.DEFAULT },
      ],
    });
    expect(by.get('cleanup.policy')).toMatchObject({ value: 'delete', configType: 7, configSource: S.STATIC });
    expect(by.get('segment.ms')).toMatchObject({ value: '604800000', synonyms: [] });
    expect(by.get('flush.ms')).toMatchObject({ value: '9223372036854775807', configSource: S.DEFAULT });
    expect(by.get('max.message.bytes')).toMatchObject({ value: '1048588', synonyms: [{ name: 'message.max.bytes', value: '1048588', source: S.DEFAULT }] });
  });

  it('puts a topic override first, before the broker chain', async () => {
    const r = await describeTopic('custom');
    const by = new Map(r.configs.map((c) => [c.name, c]));
    expect(by.get('retention.ms')).toMatchObject({ value: '1000', configSource: S.TOPIC, synonyms: [{ name: 'retention.ms', value: '1000', source: S.TOPIC }] });
    expect(by.get('cleanup.policy')!.synonyms).toMatchObject([
      { name: 'cleanup.policy', value: 'compact', source: S.TOPIC },
      { name: 'log.cleanup.policy', value: 'delete', source: S.STATIC },
      { name: 'log.cleanup.policy', value: 'delete', source: S.DEFAULT },
    ]);
  });

  it('filters by configurationKeys, ignoring unknown names, and omits synonyms unless asked', async () => {
    const r = await describeTopic('custom', 4, ['retention.ms', 'no.such.key'], false);
    expect(r.errorCode).toBe(0);
    expect(r.configs).toHaveLength(1);
    expect(r.configs[0]).toMatchObject({ name: 'retention.ms', value: '1000', synonyms: [] });
  });

  it('answers v0 with isDefault and v1/v2 with sources', async () => {
    const v0 = await describeTopic('custom', 0, ['retention.ms', 'preallocate']);
    expect(Object.fromEntries(v0.configs.map((c) => [c.name, c.isDefault]))).toEqual({ 'retention.ms': false, preallocate: true });
    expect(v0.configs.every((c) => c.configSource === -1)).toBe(true);
    const v2 = await describeTopic('custom', 2, ['retention.ms']);
    expect(v2.configs[0]).toMatchObject({ configSource: S.TOPIC, synonyms: [{ name: 'retention.ms', source: S.TOPIC }] });
  });

  it('reports unknown and invalid topics per resource', async () => {
    const r = await client.send(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'missing', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad/name', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'plain', configurationKeys: ['retention.ms'] },
      ],
    });
    expect(r.results.map((x) => [x.resourceName, x.errorCode, x.configs.length])).toEqual([
      ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
      ['plain', 0, 1],
    ]);
  });

  it('describes this broker: every key, read-only unless dynamic, with static and default synonyms', async () => {
    const r = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: null }], includeSynonyms: true });
    const res = r.results[0]!;
    expect(res.errorCode).toBe(0);
    const by = new Map(res.configs.map((c) => [c.name, c]));
    expect(by.get('log.segment.bytes')).toMatchObject({ value: '1048576', readOnly: false, configSource: S.STATIC, synonyms: [{ source: S.STATIC }, { source: S.DEFAULT }] });
    expect(by.get('log.retention.hours')).toMatchObject({ value: '168', readOnly: true, configSource: S.DEFAULT, synonyms: [{ name: 'log.retention.hours', value: '168', source: S.DEFAULT }] });
    // As in Kafka: a key left to derive from another reports its own (null) value.
    expect(by.get('log.retention.ms')).toMatchObject({ value: null, readOnly: false, configSource: S.DEFAULT, synonyms: [] });
    expect(by.get('node.id')).toMatchObject({ value: '1', readOnly: true });
    expect(by.get('broker.id')).toMatchObject({ value: '1' });
    expect(by.get('num.partitions')).toMatchObject({ value: '1', readOnly: false, configType: 3 });
  });

  it('describes the cluster default (only what is set) and refuses another broker id', async () => {
    const r = await client.send(ApiKey.DescribeConfigs, 4, {
      resources: [
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER, resourceName: '7', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'x', configurationKeys: null },
        { resourceType: 8, resourceName: '1', configurationKeys: null },
      ],
    });
    expect(r.results.map((x) => [x.resourceName, x.errorCode, x.configs.length])).toEqual([
      ['', 0, 0],
      ['7', ErrorCode.INVALID_REQUEST, 0],
      ['x', ErrorCode.INVALID_REQUEST, 0],
      ['1', ErrorCode.INVALID_REQUEST, 0],
    ]);
    expect(r.results[1]!.errorMessage).toContain('Unexpected broker id');
  });
});
