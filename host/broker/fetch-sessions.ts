// Incremental fetch sessions (KIP-227). A client opens a session with a full fetch (epoch 0);
// later fetches (epoch 1, 2, …) name only changed partitions and forgotten ones, and the response
// leaves out partitions with nothing new. Sessions live in a bounded cache, least recently used
// evicted first (max.incremental.fetch.session.cache.slots).

export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export interface SessionPartition {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  /** What the last response told the client, to decide whether a partition changed. */
  lastHighWatermark: bigint;
  lastLogStartOffset: bigint;
  lastStableOffset: bigint;
}

export interface FetchSession {
  readonly id: number;
  epoch: number;
  /** Keyed by `${topic}\0${partition}`; insertion order is the response order. */
  readonly partitions: Map<string, SessionPartition>;
  usesTopicIds: boolean;
}

export type SessionLookup =
  | { kind: 'sessionless' }
  | { kind: 'new'; session: FetchSession }
  | { kind: 'incremental'; session: FetchSession }
  | { kind: 'error'; error: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' };

export const partKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class FetchSessions {
  readonly #slots: number;
  readonly #sessions = new Map<number, FetchSession>();
  #nextId = 1;

  constructor(slots: number) {
    this.#slots = slots;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Resolves the session of a request. For `new`, the caller fills the session's partitions from
   * the request; for `incremental`, the caller applies the request's changes and forgotten topics.
   */
  lookup(sessionId: number, epoch: number): SessionLookup {
    if (epoch === FINAL_EPOCH) {
      if (sessionId !== 0) this.#sessions.delete(sessionId);
      return { kind: 'sessionless' };
    }
    if (epoch === INITIAL_EPOCH) {
      if (sessionId !== 0) this.#sessions.delete(sessionId);
      if (this.#slots <= 0) return { kind: 'sessionless' };
      while (this.#sessions.size >= this.#slots) {
        const oldest = this.#sessions.keys().next().value as number;
        this.#sessions.delete(oldest);
      }
      const id = this.#allocateId();
      const session: FetchSession = { id, epoch: 1, partitions: new Map(), usesTopicIds: false };
      this.#sessions.set(id, session);
      return { kind: 'new', session };
    }
    const session = this.#sessions.get(sessionId);
    if (!session) return { kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' };
    if (session.epoch !== epoch) return { kind: 'error', error: 'INVALID_FETCH_SESSION_EPOCH' };
    // Most recently used last.
    this.#sessions.delete(sessionId);
    this.#sessions.set(sessionId, session);
    session.epoch = epoch + 1 > 0x7fffffff ? 1 : epoch + 1;
    return { kind: 'incremental', session };
  }

  /** Drops every session that names a topic (after the topic is deleted). */
  forgetTopic(topic: string): void {
    for (const s of this.#sessions.values()) {
      for (const [k, p] of s.partitions) if (p.topic === topic) s.partitions.delete(k);
    }
  }

  #allocateId(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
      if (!this.#sessions.has(id)) return id;
    }
  }
}
