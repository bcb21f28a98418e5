// Per-partition log configuration: Kafka's topic-level keys as numbers, with Kafka's defaults.
// The broker resolves topic and broker configs (host/config) and hands the result to storage via
// `logConfigFrom(get)`, which reads the Kafka key names.

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface LogConfig {
  /** segment.bytes: roll the active segment when the next append would make it larger. */
  segmentBytes: number;
  /** segment.ms: roll the active segment when it is older than this (wall clock). */
  segmentMs: number;
  /** segment.index.bytes: preallocated size of .index/.timeindex; a full index rolls the segment. */
  segmentIndexBytes: number;
  /** index.interval.bytes: bytes of batches between two sparse index entries. */
  indexIntervalBytes: number;
  /** flush.messages: fsync after this many messages (records). MAX_SAFE_INTEGER = leave it to the OS. */
  flushMessages: number;
  /** flush.ms: fsync when the oldest unflushed append is this old (checked by maintenance). */
  flushMs: number;
  /** kwasm: fsync every append before acknowledging it (strongest durability). */
  fsyncPerAppend: boolean;
  /** retention.ms: delete closed segments whose largest timestamp is older. -1 = forever. */
  retentionMs: number;
  /** retention.bytes: delete oldest closed segments while the log is larger. -1 = unlimited. */
  retentionBytes: number;
  /** file.delete.delay.ms: deleted segments are renamed *.deleted and removed after this delay. */
  fileDeleteDelayMs: number;
  cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long tombstones (and abort markers) survive compaction. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: records younger than this are not compacted. */
  minCompactionLagMs: number;
  /** min.cleanable.dirty.ratio */
  minCleanableDirtyRatio: number;
  /** max.message.bytes: largest batch accepted. */
  maxMessageBytes: number;
  /** message.timestamp.type */
  timestampType: 'CreateTime' | 'LogAppendTime';
  /** producer.id.expiration.ms (broker-level in Kafka). */
  producerIdExpirationMs: number;
}

const NEVER = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 7 * 24 * 3600 * 1000,
  segmentIndexBytes: 10485760,
  indexIntervalBytes: 4096,
  flushMessages: NEVER,
  flushMs: NEVER,
  fsyncPerAppend: false,
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  fileDeleteDelayMs: 60000,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86400000,
  minCompactionLagMs: 0,
  minCleanableDirtyRatio: 0.5,
  maxMessageBytes: 1048588,
  timestampType: 'CreateTime',
  producerIdExpirationMs: 86400000,
});

export function resolveLogConfig(overrides?: Partial<LogConfig>): LogConfig {
  const c: LogConfig = { ...DEFAULT_LOG_CONFIG, ...(overrides ?? {}) };
  if (!(c.segmentBytes >= 14)) throw new RangeError('segmentBytes must be at least 14');
  if (!(c.segmentIndexBytes >= 24)) throw new RangeError('segmentIndexBytes must be at least 24');
  if (c.indexIntervalBytes < 0) throw new RangeError('indexIntervalBytes must be >= 0');
  if (!(c.flushMessages >= 1)) throw new RangeError('flushMessages must be >= 1');
  return c;
}

const KEYS: Record<string, keyof LogConfig> = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'segment.index.bytes': 'segmentIndexBytes',
  'index.interval.bytes': 'indexIntervalBytes',
  'flush.messages': 'flushMessages',
  'flush.ms': 'flushMs',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'file.delete.delay.ms': 'fileDeleteDelayMs',
  'cleanup.policy': 'cleanupPolicy',
  'delete.retention.ms': 'deleteRetentionMs',
  'min.compaction.lag.ms': 'minCompactionLagMs',
  'min.cleanable.dirty.ratio': 'minCleanableDirtyRatio',
  'max.message.bytes': 'maxMessageBytes',
  'message.timestamp.type': 'timestampType',
  'producer.id.expiration.ms': 'producerIdExpirationMs',
};

function num(v: string): number {
  // Kafka's Long.MAX_VALUE means "never"; saturate instead of losing precision.
  const n = Number(v);
  return n > NEVER ? NEVER : n;
}

/**
 * Builds a LogConfig from Kafka topic-level key names (`retention.ms`, `cleanup.policy`, ...).
 * `get` returns the resolved string value of a key, or undefined for Kafka's default.
 */
export function logConfigFrom(get: (kafkaKey: string) => string | null | undefined, extra?: Partial<LogConfig>): LogConfig {
  const o: Partial<LogConfig> = {};
  const w = o as Record<string, unknown>;
  for (const [key, field] of Object.entries(KEYS)) {
    const v = get(key);
    if (v === undefined || v === null) continue;
    if (field === 'cleanupPolicy') {
      const parts = v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).sort();
      w[field] = parts.length === 2 ? 'compact,delete' : parts[0] === 'compact' ? 'compact' : 'delete';
    } else if (field === 'timestampType') {
      w[field] = v === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime';
    } else {
      w[field] = num(v);
    }
  }
  return resolveLogConfig({ ...o, ...(extra ?? {}) });
}

export function compacts(c: LogConfig): boolean {
  return c.cleanupPolicy !== 'delete';
}

export function deletes(c: LogConfig): boolean {
  return c.cleanupPolicy !== 'compact';
}
