// Broker and topic configuration keys, with Kafka's names, types and defaults.
//
// Each broker key declares its type, default and an optional check. Topic-level keys name the
// broker key they fall back to (Kafka's "synonyms": a topic's `retention.ms` defaults to the
// broker's `log.retention.ms`, itself derived from `log.retention.minutes`/`hours`). Values are
// kept as strings exactly as given (what DescribeConfigs returns) and parsed on read.

export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list' | 'password';

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Default as Kafka prints it; null means "no value" (Kafka's null default). */
  default: string | null;
  /** Allowed values (case-insensitive for enums) or a numeric range. */
  oneOf?: readonly string[];
  min?: number;
  max?: number;
  /** Changeable at run time through AlterConfigs (cluster-wide dynamic default). */
  dynamic?: boolean;
  sensitive?: boolean;
}

export const LONG_MAX = '9223372036854775807';

const d = (name: string, type: ConfigType, def: string | null, extra: Partial<ConfigDef> = {}): ConfigDef => ({
  name,
  type,
  default: def,
  ...extra,
});

/** Broker keys kwasm implements. */
export const BROKER_CONFIGS: readonly ConfigDef[] = [
  d('node.id', 'int', '1', { min: 0 }),
  d('broker.id', 'int', null, { min: -1 }),
  d('listeners', 'list', 'PLAINTEXT://127.0.0.1:9092'),
  d('advertised.listeners', 'list', null),
  d('listener.security.protocol.map', 'list',
    'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL'),
  d('log.dirs', 'list', null),
  d('log.dir', 'string', './data'),
  d('num.partitions', 'int', '1', { min: 1, dynamic: true }),
  d('default.replication.factor', 'int', '1', { min: 1 }),
  d('auto.create.topics.enable', 'boolean', 'true'),
  d('delete.topic.enable', 'boolean', 'true'),
  d('message.max.bytes', 'int', '1048588', { min: 0, dynamic: true }),
  d('socket.request.max.bytes', 'int', '104857600', { min: 1 }),
  d('connections.max.idle.ms', 'long', '600000'),
  d('compression.type', 'string', 'producer',
    { oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], dynamic: true }),
  d('log.segment.bytes', 'int', '1073741824', { min: 14, dynamic: true }),
  d('log.roll.ms', 'long', null, { dynamic: true }),
  d('log.roll.hours', 'int', '168', { min: 1 }),
  d('log.roll.jitter.ms', 'long', null, { dynamic: true }),
  d('log.roll.jitter.hours', 'int', '0', { min: 0 }),
  d('log.retention.ms', 'long', null, { dynamic: true }),
  d('log.retention.minutes', 'int', null),
  d('log.retention.hours', 'int', '168'),
  d('log.retention.bytes', 'long', '-1', { dynamic: true }),
  d('log.retention.check.interval.ms', 'long', '300000', { min: 1 }),
  d('log.index.interval.bytes', 'int', '4096', { min: 0, dynamic: true }),
  d('log.index.size.max.bytes', 'int', '10485760', { min: 4, dynamic: true }),
  d('log.flush.interval.messages', 'long', LONG_MAX, { min: 1, dynamic: true }),
  d('log.flush.interval.ms', 'long', null, { dynamic: true }),
  d('log.flush.scheduler.interval.ms', 'long', LONG_MAX),
  d('log.segment.delete.delay.ms', 'long', '60000', { min: 0, dynamic: true }),
  d('log.cleanup.policy', 'list', 'delete', { dynamic: true }),
  d('log.cleaner.enable', 'boolean', 'true'),
  d('log.cleaner.delete.retention.ms', 'long', '86400000', { min: 0, dynamic: true }),
  d('log.cleaner.min.compaction.lag.ms', 'long', '0', { min: 0, dynamic: true }),
  d('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, { min: 1, dynamic: true }),
  d('log.cleaner.min.cleanable.ratio', 'double', '0.5', { min: 0, max: 1, dynamic: true }),
  d('log.cleaner.backoff.ms', 'long', '15000', { min: 0 }),
  d('log.message.timestamp.type', 'string', 'CreateTime', { oneOf: ['CreateTime', 'LogAppendTime'], dynamic: true }),
  d('log.message.timestamp.before.max.ms', 'long', LONG_MAX, { min: 0, dynamic: true }),
  d('log.message.timestamp.after.max.ms', 'long', '3600000', { min: 0, dynamic: true }),
  d('log.preallocate', 'boolean', 'false', { dynamic: true }),
  d('min.insync.replicas', 'int', '1', { min: 1, dynamic: true }),
  d('unclean.leader.election.enable', 'boolean', 'false', { dynamic: true }),
  d('offsets.topic.num.partitions', 'int', '50', { min: 1 }),
  d('offsets.topic.replication.factor', 'int', '1', { min: 1 }),
  d('offsets.topic.segment.bytes', 'int', '104857600', { min: 1 }),
  d('offsets.retention.minutes', 'int', '10080', { min: 1 }),
  d('offsets.retention.check.interval.ms', 'long', '600000', { min: 1 }),
  d('group.initial.rebalance.delay.ms', 'int', '3000', { min: 0 }),
  d('group.min.session.timeout.ms', 'int', '6000'),
  d('group.max.session.timeout.ms', 'int', '1800000'),
  d('group.max.size', 'int', '2147483647', { min: 1 }),
  d('offset.metadata.max.bytes', 'int', '4096', { min: 0 }),
  d('group.consumer.heartbeat.interval.ms', 'int', '5000', { min: 1 }),
  d('group.consumer.session.timeout.ms', 'int', '45000', { min: 1 }),
  d('group.consumer.max.size', 'int', '2147483647', { min: 1 }),
  d('group.consumer.assignors', 'list', 'uniform,range'),
  d('transaction.max.timeout.ms', 'int', '900000', { min: 1 }),
  d('transaction.state.log.num.partitions', 'int', '50', { min: 1 }),
  d('transaction.state.log.replication.factor', 'int', '1', { min: 1 }),
  d('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', '10000', { min: 1 }),
  d('transactional.id.expiration.ms', 'int', '604800000', { min: 1 }),
  d('transaction.state.log.segment.bytes', 'int', '104857600', { min: 1 }),
  d('transaction.remove.expired.transaction.cleanup.interval.ms', 'int', '3600000', { min: 1 }),
  d('transaction.partition.verification.enable', 'boolean', 'true', { dynamic: true }),
  d('producer.id.expiration.ms', 'int', '86400000', { min: 1 }),
  d('max.incremental.fetch.session.cache.slots', 'int', '1000', { min: 0 }),
  d('fetch.max.bytes', 'int', '57671680', { min: 1024 }),
  d('num.recovery.threads.per.data.dir', 'int', '1', { min: 1 }),
  d('cluster.id', 'string', null),
  // kwasm's own keys.
  d('kwasm.storage', 'string', 'file', { oneOf: ['file', 'memory'] }),
  d('kwasm.metrics.listener', 'string', null),
  d('kwasm.log.level', 'string', 'info', { oneOf: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] }),
];

/**
 * Keys that appear in Kafka's own server.properties files and are accepted so such a file loads,
 * but have no effect in kwasm (threads, ZooKeeper/KRaft plumbing, socket buffer tuning).
 */
export const ACCEPTED_NO_EFFECT: readonly string[] = [
  'num.network.threads', 'num.io.threads', 'num.replica.fetchers', 'background.threads',
  'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'queued.max.requests',
  'process.roles', 'controller.quorum.voters', 'controller.quorum.bootstrap.servers',
  'controller.listener.names', 'inter.broker.listener.name', 'zookeeper.connect',
  'zookeeper.connection.timeout.ms', 'metadata.log.dir', 'share.coordinator.state.topic.replication.factor',
  'share.coordinator.state.topic.min.isr', 'transaction.state.log.min.isr', 'log.cleaner.threads',
  'group.coordinator.rebalance.protocols', 'replica.lag.time.max.ms',
];

/** Topic-level keys and the broker key each falls back to. */
export const TOPIC_CONFIGS: readonly { name: string; type: ConfigType; broker: string; oneOf?: readonly string[] }[] = [
  { name: 'cleanup.policy', type: 'list', broker: 'log.cleanup.policy' },
  { name: 'compression.type', type: 'string', broker: 'compression.type',
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  { name: 'delete.retention.ms', type: 'long', broker: 'log.cleaner.delete.retention.ms' },
  { name: 'file.delete.delay.ms', type: 'long', broker: 'log.segment.delete.delay.ms' },
  { name: 'flush.messages', type: 'long', broker: 'log.flush.interval.messages' },
  { name: 'flush.ms', type: 'long', broker: 'log.flush.interval.ms' },
  { name: 'index.interval.bytes', type: 'int', broker: 'log.index.interval.bytes' },
  { name: 'max.compaction.lag.ms', type: 'long', broker: 'log.cleaner.max.compaction.lag.ms' },
  { name: 'max.message.bytes', type: 'int', broker: 'message.max.bytes' },
  { name: 'message.timestamp.type', type: 'string', broker: 'log.message.timestamp.type',
    oneOf: ['CreateTime', 'LogAppendTime'] },
  { name: 'message.timestamp.before.max.ms', type: 'long', broker: 'log.message.timestamp.before.max.ms' },
  { name: 'message.timestamp.after.max.ms', type: 'long', broker: 'log.message.timestamp.after.max.ms' },
  { name: 'min.cleanable.dirty.ratio', type: 'double', broker: 'log.cleaner.min.cleanable.ratio' },
  { name: 'min.compaction.lag.ms', type: 'long', broker: 'log.cleaner.min.compaction.lag.ms' },
  { name: 'min.insync.replicas', type: 'int', broker: 'min.insync.replicas' },
  { name: 'preallocate', type: 'boolean', broker: 'log.preallocate' },
  { name: 'retention.bytes', type: 'long', broker: 'log.retention.bytes' },
  { name: 'retention.ms', type: 'long', broker: 'log.retention.ms' },
  { name: 'segment.bytes', type: 'int', broker: 'log.segment.bytes' },
  { name: 'segment.index.bytes', type: 'int', broker: 'log.index.size.max.bytes' },
  { name: 'segment.jitter.ms', type: 'long', broker: 'log.roll.jitter.ms' },
  { name: 'segment.ms', type: 'long', broker: 'log.roll.ms' },
  { name: 'unclean.leader.election.enable', type: 'boolean', broker: 'unclean.leader.election.enable' },
];

export const BROKER_CONFIG_BY_NAME: ReadonlyMap<string, ConfigDef> = new Map(BROKER_CONFIGS.map((c) => [c.name, c]));
export const TOPIC_CONFIG_BY_NAME: ReadonlyMap<string, (typeof TOPIC_CONFIGS)[number]> = new Map(
  TOPIC_CONFIGS.map((c) => [c.name, c]),
);
