// The state one group coordinator owns and the frame every operation runs in. An operation is
// synchronous: it reads `now`, changes state, collects the records to append to __consumer_offsets
// and the work that must wait until they are written (responses, and the state changes Kafka
// applies only after a successful write). The runtime appends the records and then calls
// `appended()`; tests call it directly. Timers are data (Deadlines) fired by `poll(now)`.
import type { GroupRecord } from './records.js';
import { Deferred } from './deferred.js';
import { Deadlines } from './timer.js';
import type { Group } from './groups.js';

/** A decoded message as the coordinator takes it: every field, no unknown tagged fields needed. */
export type Plain<T> = T extends Uint8Array
  ? T
  : T extends ReadonlyArray<infer E>
    ? Plain<E>[]
    : T extends object
      ? { [K in keyof T as K extends 'unknownTaggedFields' ? never : K]: Plain<T[K]> }
      : T;

/** A response body as the coordinator builds it (the broker adds throttle time). */
export type Resp<T> = Plain<Omit<T, 'throttleTimeMs'>>;

export interface CoordinatorConfig {
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** group.max.size */
  maxGroupSize: number;
  /** offsets.retention.minutes in ms */
  offsetsRetentionMs: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
  /** group.consumer.* (KIP-848) */
  consumerHeartbeatIntervalMs: number;
  consumerSessionTimeoutMs: number;
  consumerMaxSize: number;
  /** group.consumer.assignors: the first is the default. */
  consumerAssignors: string[];
}

export const DEFAULT_CONFIG: CoordinatorConfig = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxGroupSize: 2147483647,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetMetadataMaxBytes: 4096,
  consumerHeartbeatIntervalMs: 5000,
  consumerSessionTimeoutMs: 45000,
  consumerMaxSize: 2147483647,
  consumerAssignors: ['uniform', 'range'],
};

/** What the coordinator knows of topics (for commits, assignors and topic ids). */
export interface TopicView {
  /** Partition count, or undefined for an unknown topic. */
  partitions(topic: string): number | undefined;
  topicId(topic: string): string | undefined;
  topicName(id: string): string | undefined;
}

/** Who sent a request. */
export interface Client {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

export interface CoordinatorResult<R> {
  /** Records to append to __consumer_offsets, in order. */
  readonly records: readonly GroupRecord[];
  /** The response; a promise when it waits for the records or for a later operation. */
  readonly response: R | Promise<R>;
  /** Call once the records are written (with the error when the write failed). */
  appended(error?: unknown): void;
}

interface Op {
  records: GroupRecord[];
  after: Array<(error: unknown) => void>;
}

export class Shard {
  readonly groups = new Map<string, Group>();
  readonly timers = new Deadlines<() => void>();
  now = 0;
  #op: Op | null = null;

  constructor(
    readonly config: CoordinatorConfig,
    readonly topics: TopicView,
    readonly newId: () => string,
  ) {}

  /** Runs one operation; a Deferred return value becomes the response promise. */
  run<R>(now: number, fn: () => R | Deferred<R>): CoordinatorResult<R> {
    if (this.#op) throw new Error('coordinator operations do not nest');
    this.now = now;
    const op: Op = { records: [], after: [] };
    this.#op = op;
    let out: R | Deferred<R>;
    try {
      out = fn();
    } finally {
      this.#op = null;
    }
    let done = false;
    return {
      records: op.records,
      response: out instanceof Deferred ? out.promise : out,
      appended: (error?: unknown) => {
        if (done) return;
        done = true;
        for (const f of op.after) f(error);
      },
    };
  }

  emit(r: GroupRecord): void {
    this.#current().records.push(r);
  }

  /** Runs after this operation's records are written (error set when the write failed). */
  after(fn: (error: unknown) => void): void {
    this.#current().after.push(fn);
  }

  /** Completes a waiting response once this operation's records are written. */
  complete<T>(d: Deferred<T> | null | undefined, value: T): void {
    if (d) this.after(() => d.resolve(value));
  }

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.timers.schedule(key, this.now + Math.max(0, delayMs), fn);
  }

  cancel(key: string): void {
    this.timers.cancel(key);
  }

  /** Fires every timer due at `now`, as one operation. */
  poll(now: number): CoordinatorResult<void> {
    return this.run(now, () => {
      for (let e = this.timers.pop(now); e; e = this.timers.pop(now)) e.value();
    });
  }

  #current(): Op {
    if (!this.#op) throw new Error('coordinator state changed outside an operation');
    return this.#op;
  }
}
