// What handlers may use: the broker's subsystems. Handlers never see sockets or files.
import type { BrokerConfig } from '../config/config.js';
import type { Core } from '../core/types.js';
import type { Logger } from '../observability/log.js';
import type { BrokerMetrics } from '../observability/metrics.js';
import type { Storage } from '../storage/index.js';
import type { ApiHandler } from './handler.js';
import type { TransactionService } from '../coordinator/txn/runtime.js';
import type { ClusterMetadata } from './metadata.js';
import type { TopicManager } from './topics.js';
import type { FetchSessions } from './fetch-sessions.js';
import type { Codecs } from './convert.js';
import type { GroupService } from '../coordinator/group/runtime.js';

export interface BrokerServices {
  readonly config: BrokerConfig;
  readonly metadata: ClusterMetadata;
  readonly topics: TopicManager;
  readonly storage: Storage;
  readonly core: Core;
  readonly log: Logger;
  readonly metrics: BrokerMetrics;
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  readonly fetchSessions: FetchSessions;
  readonly codecs: Codecs;
  /** The group coordinator (consumer groups, committed offsets in __consumer_offsets). */
  readonly groups?: GroupService;
  /** The transaction coordinator (host/coordinator/txn); absent in brokers assembled without one. */
  readonly transactions?: TransactionService;
  /** Wall clock in ms (a seam for tests). */
  now(): number;
  /** Resolves when any of the given partitions gets new data, or after `ms`. */
  waitForData(partitions: ReadonlyArray<{ topic: string; partition: number }>, ms: number): Promise<void>;
}
