// Drives a GroupCoordinator with a mock clock: every operation's records are kept (as the log
// would keep them) and acknowledged at once.
import { GroupCoordinator, type CoordinatorConfig, type CoordinatorResult } from '../../../host/coordinator/group/coordinator.js';
import { decodeGroupRecord, encodeGroupRecord, type GroupRecord } from '../../../host/coordinator/group/records.js';
import { encodeSubscription } from '../../../host/coordinator/group/consumer-protocol.js';

export const TOPICS = new Map([
  ['orders', { id: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: 6 }],
  ['audit', { id: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: 3 }],
]);

export class Harness {
  now = 1_000_000;
  readonly log: GroupRecord[] = [];
  coordinator: GroupCoordinator;
  #ids = 0;

  constructor(readonly config: Partial<CoordinatorConfig> = {}) {
    this.coordinator = Harness.create(config, () => `id${++this.#ids}`);
  }

  static create(config: Partial<CoordinatorConfig>, newId?: () => string): GroupCoordinator {
    return new GroupCoordinator({
      config: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 10, ...config },
      topics: {
        partitions: (t) => TOPICS.get(t)?.partitions,
        topicId: (t) => TOPICS.get(t)?.id,
        topicName: (id) => [...TOPICS].find(([, v]) => v.id === id)?.[0],
      },
      listTopics: () => TOPICS.keys(),
      newId,
    });
  }

  /** Applies a result as the runtime would: keep the records (through their bytes), acknowledge. */
  apply<R>(r: CoordinatorResult<R>): Promise<R> {
    return Promise.resolve(this.applyNow(r));
  }

  /** The same, synchronously: a response that is already there comes back as a value. */
  applyNow<R>(r: CoordinatorResult<R>): R | Promise<R> {
    for (const rec of r.records) {
      const { key, value } = encodeGroupRecord(rec);
      this.log.push(decodeGroupRecord(key, value)!);
    }
    r.appended();
    return r.response;
  }

  /** Moves the clock and fires due timers. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const next = this.coordinator.nextDeadline();
      if (next === undefined || next > end) break;
      this.now = Math.max(this.now, next);
      await this.apply(this.coordinator.poll(this.now));
    }
    this.now = end;
  }

  /** A coordinator rebuilt from the records written so far. */
  replayed(): GroupCoordinator {
    const c = Harness.create(this.config);
    for (const r of this.log) c.replay(r, this.now);
    c.loaded(this.now);
    return c;
  }
}

export const client = (apiVersion: number, clientId = 'c') => ({ clientId, clientHost: '/127.0.0.1', apiVersion });

export function subscription(topics: string[]): Uint8Array {
  return encodeSubscription({ topics, userData: null });
}

export function joinReq(groupId: string, memberId: string, o: { instance?: string | null; session?: number; rebalance?: number; protocols?: Array<[string, Uint8Array]> } = {}) {
  return {
    groupId,
    sessionTimeoutMs: o.session ?? 10_000,
    rebalanceTimeoutMs: o.rebalance ?? 30_000,
    memberId,
    groupInstanceId: o.instance ?? null,
    protocolType: 'consumer',
    protocols: (o.protocols ?? [['range', subscription(['orders'])]]).map(([name, metadata]) => ({ name, metadata })),
    reason: null,
  };
}

/** Resolves whether a promise settled by now (a waiting JoinGroup/SyncGroup stays pending). */
export async function settled<T>(p: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let done = false;
  let value: T | undefined;
  void p.then((v) => {
    done = true;
    value = v;
  });
  await new Promise((r) => setImmediate(r));
  return { done, value };
}
