import { describe, expect, it } from 'vitest';
import { parseProperties, configFromEnv } from '../../host/config/properties.js';
import { BrokerConfig, TopicConfig } from '../../host/config/config.js';

describe('parseProperties', () => {
  it('reads Kafka server.properties syntax', () => {
    const p = parseProperties(
      [
        '# comment',
        '! also comment',
        'node.id=3',
        'listeners = PLAINTEXT://127.0.0.1:9093',
        'log.dirs: /tmp/a,\\',
        '    /tmp/b',
        'key\\=with\\:escapes value\\u0041',
        'empty',
        '  num.partitions   6',
      ].join('\n'),
    );
    expect(p.get('node.id')).toBe('3');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9093');
    expect(p.get('log.dirs')).toBe('/tmp/a,/tmp/b');
    expect(p.get('key=with:escapes')).toBe('valueA');
    expect(p.get('empty')).toBe('');
    expect(p.get('num.partitions')).toBe('6');
  });

  it('maps KWASM_ environment variables to keys', () => {
    const m = configFromEnv({ KWASM_LOG_DIRS: '/x', KWASM_NUM_PARTITIONS: '3', KWASM_A__B___C: 'v', OTHER: 'no' });
    expect([...m]).toEqual([
      ['log.dirs', '/x'],
      ['num.partitions', '3'],
      ['a_b-c', 'v'],
    ]);
  });
});

describe('BrokerConfig', () => {
  it('has Kafka defaults and derived keys', () => {
    const { config, problems } = BrokerConfig.from(new Map());
    expect(problems).toEqual([]);
    expect(config.int('num.partitions')).toBe(1);
    expect(config.long('log.retention.ms')).toBe(168 * 3_600_000);
    expect(config.long('log.roll.ms')).toBe(168 * 3_600_000);
    expect(config.logDirs()).toEqual(['./data']);
    expect(config.listeners()).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(config.int('message.max.bytes')).toBe(1048588);
    expect(config.long('log.flush.interval.messages')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('derives retention from minutes over hours, and ms over both', () => {
    expect(BrokerConfig.from({ 'log.retention.hours': 1 }).config.long('log.retention.ms')).toBe(3_600_000);
    expect(BrokerConfig.from({ 'log.retention.minutes': 2, 'log.retention.hours': 1 }).config.long('log.retention.ms')).toBe(120_000);
    expect(BrokerConfig.from({ 'log.retention.ms': 5, 'log.retention.minutes': 2 }).config.long('log.retention.ms')).toBe(5);
  });

  it('later sources win', () => {
    const { config } = BrokerConfig.from(new Map([['num.partitions', '2']]), { 'num.partitions': '7' });
    expect(config.int('num.partitions')).toBe(7);
    expect(config.source('num.partitions')).toBe('STATIC_BROKER_CONFIG');
  });

  it('reports invalid values as errors, unknown keys as warnings, Kafka-only keys as notes', () => {
    const { problems } = BrokerConfig.from({
      'num.partitions': 'abc',
      'auto.create.topics.enable': 'maybe',
      'log.segment.bytes': '3',
      'no.such.key': 'x',
      'num.io.threads': '8',
      listeners: 'PLAINTEXT://127.0.0.1:99999',
    });
    const by = (k: string) => problems.filter((p) => p.key === k).map((p) => p.level);
    expect(by('num.partitions')).toEqual(['error']);
    expect(by('auto.create.topics.enable')).toEqual(['error']);
    expect(by('log.segment.bytes')).toEqual(['error']);
    expect(by('no.such.key')).toEqual(['warn']);
    expect(by('num.io.threads')).toEqual(['info']);
    expect(by('listeners')).toEqual(['error']);
  });

  it('separates listeners from advertised listeners', () => {
    const { config } = BrokerConfig.from({
      listeners: 'PLAINTEXT://0.0.0.0:9092,SSL://[::1]:9093',
      'advertised.listeners': 'PLAINTEXT://broker.example:9092',
    });
    expect(config.listeners().map((l) => [l.name, l.host, l.port, l.securityProtocol])).toEqual([
      ['PLAINTEXT', '0.0.0.0', 9092, 'PLAINTEXT'],
      ['SSL', '::1', 9093, 'SSL'],
    ]);
    expect(config.advertisedListeners()[0]!.host).toBe('broker.example');
  });

  it('applies dynamic changes only to dynamic keys, with validation', () => {
    const { config } = BrokerConfig.from({});
    expect(config.setDynamic('log.retention.ms', '1000')).toBeNull();
    expect(config.long('log.retention.ms')).toBe(1000);
    expect(config.source('log.retention.ms')).toBe('DYNAMIC_DEFAULT_BROKER_CONFIG');
    expect(config.setDynamic('listeners', 'PLAINTEXT://x:1')).toMatch(/dynamically/);
    expect(config.setDynamic('num.partitions', '-1')).toMatch(/at least/);
    expect(config.setDynamic('log.retention.ms', null)).toBeNull();
    expect(config.long('log.retention.ms')).toBe(168 * 3_600_000);
  });
});

describe('TopicConfig', () => {
  it('falls back to the broker synonym and reports the source', () => {
    const { config } = BrokerConfig.from({ 'log.retention.hours': 2, 'log.cleanup.policy': 'compact' });
    const t = new TopicConfig(config, new Map([['segment.bytes', '1024']]));
    expect(t.long('retention.ms')).toBe(7_200_000);
    expect(t.source('retention.ms')).toBe('DEFAULT_CONFIG');
    expect(t.int('segment.bytes')).toBe(1024);
    expect(t.source('segment.bytes')).toBe('TOPIC_CONFIG');
    expect(t.cleanupPolicy()).toEqual({ delete: false, compact: true });
  });

  it('validates topic keys', () => {
    expect(TopicConfig.check('retention.ms', '10')).toBeNull();
    expect(TopicConfig.check('retention.ms', 'x')).toMatch(/integer/);
    expect(TopicConfig.check('cleanup.policy', 'compact,delete')).toBeNull();
    expect(TopicConfig.check('cleanup.policy', 'nope')).toMatch(/delete, compact/);
    expect(TopicConfig.check('compression.type', 'brotli')).toMatch(/one of/);
    expect(TopicConfig.check('not.a.key', '1')).toMatch(/unknown/);
  });
});
