import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

type Op = { name: string; configOperation: number; value: string | null };

describe.each(['memory', 'file'] as const)('IncrementalAlterConfigs (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'inc', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'retention.bytes', value: '999' }] }], timeoutMs: 1000 });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const alter = (resourceType: number, resourceName: string, configs: Op[], validateOnly = false, v = 1) =>
    client.send(ApiKey.IncrementalAlterConfigs, v, { resources: [{ resourceType, resourceName, configs }], validateOnly }).then((r) => r.responses[0]!);
  const topicConfig = async (key: string) => {
    const r = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'inc', configurationKeys: [key] }], includeSynonyms: true });
    return r.results[0]!.configs[0]!;
  };
  const log = () => broker.services.topics.partition('inc', 0)!;

  it('SETs and DELETEs single keys, keeping the other overrides', async () => {
    expect(await alter(TOPIC, 'inc', [{ name: 'retention.ms', configOperation: SET, value: '60000' }])).toMatchObject({ errorCode: 0, errorMessage: null });
    expect(await topicConfig('retention.ms')).toMatchObject({ value: '60000', configSource: 1 });
    expect(await topicConfig('retention.bytes')).toMatchObject({ value: '999', configSource: 1 });
    expect(log().config).toMatchObject({ retentionMs: 60000, retentionBytes: 999 });
    expect(await alter(TOPIC, 'inc', [{ name: 'retention.bytes', configOperation: DELETE, value: null }, { name: 'flush.messages', configOperation: DELETE, value: null }], false, 0)).toMatchObject({ errorCode: 0 });
    expect(await topicConfig('retention.bytes')).toMatchObject({ value: '-1', configSource: 5 });
    expect(log().config).toMatchObject({ retentionMs: 60000, retentionBytes: -1 });
  });

  it('APPENDs to and SUBTRACTs from list keys, starting from the default', async () => {
    expect((await alter(TOPIC, 'inc', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).errorCode).toBe(0);
    expect(await topicConfig('cleanup.policy')).toMatchObject({ value: 'delete,compact', configSource: 1 });
    expect(log().config.cleanupPolicy).toBe('compact,delete');
    expect((await alter(TOPIC, 'inc', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).errorCode).toBe(0);
    expect((await topicConfig('cleanup.policy')).value).toBe('delete,compact');
    expect((await alter(TOPIC, 'inc', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])).errorCode).toBe(0);
    expect((await topicConfig('cleanup.policy')).value).toBe('compact');
    expect(log().config.cleanupPolicy).toBe('compact');
    const r = await alter(TOPIC, 'inc', [{ name: 'retention.ms', configOperation: APPEND, value: '1' }]);
    expect(r).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: "Can't APPEND to key retention.ms because its type is not LIST." });
  });

  it('refuses bad input with Kafka codes and leaves the config as it was', async () => {
    const cases: Array<[Op[], number]> = [
      [[{ name: 'retention.ms', configOperation: SET, value: 'x' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'cleanup.policy', configOperation: SET, value: 'shred' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'bogus', configOperation: SET, value: '1' }], ErrorCode.INVALID_CONFIG],
      [[{ name: 'retention.ms', configOperation: SET, value: null }], ErrorCode.INVALID_REQUEST],
      [[{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: DELETE, value: null }], ErrorCode.INVALID_REQUEST],
      [[{ name: 'retention.ms', configOperation: 9, value: '1' }], ErrorCode.INVALID_REQUEST],
    ];
    for (const [ops, code] of cases) expect((await alter(TOPIC, 'inc', ops)).errorCode).toBe(code);
    expect((await alter(TOPIC, 'nope', [{ name: 'retention.ms', configOperation: SET, value: '1' }])).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(await topicConfig('retention.ms')).toMatchObject({ value: '60000' });
    expect((await alter(TOPIC, 'inc', [{ name: 'retention.ms', configOperation: SET, value: '5' }], true)).errorCode).toBe(0);
    expect(log().config.retentionMs).toBe(60000);
  });

  it('layers this node over the cluster default, with synonyms in Kafka order', async () => {
    await alter(TOPIC, 'inc', [{ name: 'retention.ms', configOperation: DELETE, value: null }]);
    expect((await alter(BROKER, '', [{ name: 'log.retention.ms', configOperation: SET, value: '3600000' }])).errorCode).toBe(0);
    expect((await alter(BROKER, '1', [{ name: 'log.retention.ms', configOperation: SET, value: '7200000' }])).errorCode).toBe(0);
    expect(await topicConfig('retention.ms')).toMatchObject({
      value: '7200000',
      configSource: 2,
      synonyms: [
        { name: 'log.retention.ms', value: '7200000', source: 2 },
        { name: 'log.retention.ms', value: '3600000', source: 3 },
        { name: 'log.retention.hours', value: '168', source: 5 },
      ],
    });
    expect(log().config.retentionMs).toBe(7200000);
    const brokerDesc = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.ms'] }], includeSynonyms: true });
    expect(brokerDesc.results[0]!.configs[0]).toMatchObject({ value: '7200000', configSource: 2, readOnly: false });
    expect((await alter(BROKER, '1', [{ name: 'log.retention.ms', configOperation: DELETE, value: null }])).errorCode).toBe(0);
    expect(await topicConfig('retention.ms')).toMatchObject({ value: '3600000', configSource: 3 });
    expect(log().config.retentionMs).toBe(3600000);
  });

  it('edits broker list keys and refuses broker keys that are not dynamic', async () => {
    expect((await alter(BROKER, '', [{ name: 'log.cleanup.policy', configOperation: APPEND, value: 'compact' }])).errorCode).toBe(0);
    expect(await topicConfig('cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1 });
    const r = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: ['log.cleanup.policy'] }] });
    expect(r.results[0]!.configs[0]).toMatchObject({ value: 'delete,compact', configSource: 3 });
    expect(await alter(BROKER, '1', [{ name: 'listeners', configOperation: SET, value: 'PLAINTEXT://127.0.0.1:1' }])).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Cannot update these configs dynamically: Set(listeners)' });
    expect((await alter(BROKER, '1', [{ name: 'log.segment.bytes', configOperation: SET, value: '3' }])).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await alter(BROKER, '1', [{ name: 'num.partitions', configOperation: APPEND, value: '3' }])).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await alter(BROKER, '2', [{ name: 'num.partitions', configOperation: SET, value: '3' }])).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('refuses values the partition logs could not take, before storing anything', async () => {
    // Kafka accepts segment.index.bytes >= 4; kwasm's index needs room for whole entries.
    expect((await alter(TOPIC, 'inc', [{ name: 'segment.index.bytes', configOperation: SET, value: '10' }])).errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(broker.services.topics.get('inc')!.configs.has('segment.index.bytes')).toBe(false);
    const r = await alter(BROKER, '', [{ name: 'log.index.size.max.bytes', configOperation: SET, value: '10' }]);
    expect(r.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(broker.services.config.get('log.index.size.max.bytes')).toBe('10485760');
    expect(broker.services.metadata.brokerConfigs.has('log.index.size.max.bytes')).toBe(false);
    expect(log().config.segmentIndexBytes).toBe(10485760);
  });
});

describe('IncrementalAlterConfigs persistence (file storage)', () => {
  it('keeps node and cluster-default broker configs across a restart and re-applies them to logs', async () => {
    let broker = await startTestBroker({ storage: 'file' });
    let client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'p', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const r = await client.send(ApiKey.IncrementalAlterConfigs, 1, {
      resources: [
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.bytes', configOperation: SET, value: '1000000' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.bytes', configOperation: SET, value: '2000000' }] },
        { resourceType: TOPIC, resourceName: 'p', configs: [{ name: 'segment.ms', configOperation: SET, value: '100000' }] },
      ],
    });
    expect(r.responses.map((x) => x.errorCode)).toEqual([0, 0, 0]);
    client.close();
    broker = await broker.restart();
    client = await TestClient.connect(broker.port);
    expect(broker.services.topics.partition('p', 0)!.config).toMatchObject({ retentionBytes: 2000000, segmentMs: 100000 });
    const d = await client.send(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }, { resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.bytes'] }], includeSynonyms: true });
    expect(d.results[0]!.configs.map((c) => [c.name, c.value])).toEqual([['log.retention.bytes', '1000000']]);
    expect(d.results[1]!.configs[0]).toMatchObject({ value: '2000000', configSource: 2, synonyms: [{ source: 2, value: '2000000' }, { source: 3, value: '1000000' }, { source: 5, value: '-1' }] });
    client.close();
    await broker.close();
  });
});
