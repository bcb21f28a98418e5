// The memory engine: partition logs whose segments live in buffers. Same Log code, same rules
// (validation by the core, offsets, segment roll, retention, producer state) as the file engine;
// nothing survives close(). For embedding kwasm in test suites and for unit tests.
import type { Core } from '../../core/types.js';
import { resolveLogConfig, type LogConfig } from '../config.js';
import { StorageError } from '../errors.js';
import { defaultCompactor } from '../cleaner.js';
import { Log } from '../log.js';
import { ProducerStateManager } from '../producer-state.js';
import { silentLogger, type OpenReport, type PartitionLog, type Storage, type StorageLogger, type TopicPartition } from '../types.js';
import { MemorySegmentStore } from './segment.js';

export interface MemoryStorageOptions {
  core: Core;
  defaultConfig?: Partial<LogConfig>;
  logger?: StorageLogger;
  clock?: () => number;
  /** Installs the log cleaner on each log (see host/storage/cleaner.ts). */
  compactor?: (log: Log, nowMs: number) => Promise<boolean>;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class MemoryStorage implements Storage {
  readonly kind = 'memory' as const;
  readonly #opts: MemoryStorageOptions;
  readonly #logs = new Map<string, Log>();
  #defaultCompactor: ((log: Log, nowMs: number) => Promise<boolean>) | undefined;

  constructor(options: MemoryStorageOptions) {
    this.#opts = options;
  }

  async open(): Promise<OpenReport> {
    return { partitions: 0, clean: true, recovered: [], durationMs: 0 };
  }

  async createPartition(topic: string, partition: number, config?: Partial<LogConfig>): Promise<PartitionLog> {
    const k = key(topic, partition);
    if (this.#logs.has(k)) throw new StorageError('TOPIC_ALREADY_EXISTS', `partition ${topic}-${partition} exists`);
    const cfg = resolveLogConfig({ ...(this.#opts.defaultConfig ?? {}), ...(config ?? {}) });
    let log: Log | undefined;
    const store = new MemorySegmentStore(this.#opts.core, () => log?.config.segmentIndexBytes ?? cfg.segmentIndexBytes);
    const clock = this.#opts.clock ?? Date.now;
    const first = await store.create(0n);
    first.createdMs = clock();
    log = new Log({
      topic,
      partition,
      config: cfg,
      core: this.#opts.core,
      store,
      segments: [first],
      logStartOffset: 0n,
      recoveryPoint: 0n,
      producerState: new ProducerStateManager(),
      logger: this.#opts.logger ?? silentLogger,
      clock,
    });
    log.compactor = this.#opts.compactor ?? (this.#defaultCompactor ??= defaultCompactor(this.#opts.logger));
    this.#logs.set(k, log);
    return log;
  }

  getPartition(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(key(topic, partition));
  }

  async deletePartition(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    const log = this.#logs.get(k);
    if (!log) throw new StorageError('UNKNOWN_TOPIC_OR_PARTITION', `no partition ${topic}-${partition}`);
    this.#logs.delete(k);
    await log.close();
  }

  listPartitions(): TopicPartition[] {
    return [...this.#logs.values()].map((l) => ({ topic: l.topic, partition: l.partition }));
  }

  async maintenance(nowMs?: number): Promise<void> {
    for (const log of this.#logs.values()) {
      if (!log.offline) await log.maintenance(nowMs);
    }
  }

  async checkpoint(): Promise<void> {}

  async close(): Promise<void> {
    for (const log of this.#logs.values()) await log.close();
    this.#logs.clear();
  }
}
