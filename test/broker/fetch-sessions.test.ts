// Incremental fetch sessions (KIP-227) over the wire, and the session cache on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { FetchSessions } from '../../host/broker/fetch-sessions.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);

describe('fetch sessions', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'fs', numPartitions: 3, replicationFactor: 1 }] });
    await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'fs', partitionData: [{ index: 1, records: core.encodeBatch([{ value: enc('one') }]) }] }] });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const fetch = (sessionId: number, sessionEpoch: number, partitions: Array<[number, bigint]>, forgotten: number[] = []) =>
    client.send(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId, sessionEpoch,
      topics: partitions.length ? [{ topic: 'fs', partitions: partitions.map(([partition, fetchOffset]) => ({ partition, fetchOffset, partitionMaxBytes: 1 << 20 })) }] : [],
      forgottenTopicsData: forgotten.length ? [{ topic: 'fs', partitions: forgotten }] : [],
    });
  const parts = (r: Awaited<ReturnType<typeof fetch>>) =>
    r.responses.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.highWatermark, p.records?.length ?? 0]));

  it('opens a session with a full fetch, then answers only what changed', async () => {
    const full = await fetch(0, 0, [[0, 0n], [1, 0n], [2, 0n]]);
    expect(full.errorCode).toBe(0);
    expect(full.sessionId).toBeGreaterThan(0);
    expect(parts(full).map((p) => p[0])).toEqual([0, 1, 2]);
    const id = full.sessionId;

    // The client advances partition 1 past what it got; nothing else changed: an empty response
    // (a partition with data at its session offset would be answered again, as Kafka does).
    const idle = await fetch(id, 1, [[1, 1n]]);
    expect(idle.errorCode).toBe(0);
    expect(idle.sessionId).toBe(id);
    expect(parts(idle)).toEqual([]);

    // New data in partition 2 only: only partition 2 comes back (the session remembers the rest).
    await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'fs', partitionData: [{ index: 2, records: core.encodeBatch([{ value: enc('two') }]) }] }] });
    const changed = await fetch(id, 2, []);
    expect(parts(changed).map((p) => [p[0], p[1]])).toEqual([[2, 1n]]);
    expect(parts(changed)[0]![2]).toBeGreaterThan(0);

    // The client moves its offset on partition 2 past the data: it is updated, not re-added.
    const moved = await fetch(id, 3, [[2, 1n]]);
    expect(parts(moved)).toEqual([]);

    // Forgotten partitions leave the session: new data there is not reported any more.
    await fetch(id, 4, [], [2]);
    await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'fs', partitionData: [{ index: 2, records: core.encodeBatch([{ value: enc('three') }]) }] }] });
    const afterForget = await fetch(id, 5, []);
    expect(parts(afterForget)).toEqual([]);

    // Closing the session (epoch -1) is a sessionless full fetch; the id is gone afterwards.
    const closing = await fetch(id, -1, [[0, 0n]]);
    expect(closing.sessionId).toBe(0);
    expect((await fetch(id, 6, [])).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('rejects a wrong epoch and an unknown session id', async () => {
    const full = await fetch(0, 0, [[0, 0n]]);
    expect((await fetch(full.sessionId, 7, [])).errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    expect((await fetch(999_999, 1, [])).errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('serves sessionless fetches (epoch -1, id 0) in full every time', async () => {
    const a = await fetch(0, -1, [[0, 0n], [1, 0n]]);
    const b = await fetch(0, -1, [[0, 0n], [1, 0n]]);
    expect(a.sessionId).toBe(0);
    expect(parts(a)).toEqual(parts(b));
    expect(parts(a).map((p) => p[0])).toEqual([0, 1]);
  });
});

describe('FetchSessions cache', () => {
  it('evicts the least recently used session when full', () => {
    const c = new FetchSessions(2);
    const a = c.lookup(0, 0);
    const b = c.lookup(0, 0);
    if (a.kind !== 'new' || b.kind !== 'new') throw new Error('expected new sessions');
    expect(c.lookup(a.session.id, 1).kind).toBe('incremental'); // a is now the most recent
    c.lookup(0, 0); // evicts b
    expect(c.size).toBe(2);
    expect(c.lookup(b.session.id, 1)).toEqual({ kind: 'error', error: 'FETCH_SESSION_ID_NOT_FOUND' });
    expect(c.lookup(a.session.id, 2).kind).toBe('incremental');
  });

  it('creates no session when it has no slots', () => {
    expect(new FetchSessions(0).lookup(0, 0)).toEqual({ kind: 'sessionless' });
  });
});
