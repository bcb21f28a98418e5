// The transaction coordinator as a state machine with a mock clock: every operation's records are
// "written" to an in-memory log (encoded and decoded with Kafka's TransactionLog formats), and a
// second coordinator replaying that log must agree with the first.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../host/protocol/generated/errors.js';
import { TransactionCoordinator, type MarkerJob, type TxnResult } from '../../../host/coordinator/txn/coordinator.js';
import { decodeTxnRecord, encodeTxnRecord } from '../../../host/coordinator/txn/records.js';
import { TxnState } from '../../../host/coordinator/txn/state.js';

class Harness {
  now = 1_000_000;
  nextPid = 1000n;
  /** The __transaction_state log as encoded key/value bytes. */
  readonly log: Array<{ key: Uint8Array; value: Uint8Array | null }> = [];
  failWrites = false;
  readonly c: TransactionCoordinator;

  constructor(config: ConstructorParameters<typeof TransactionCoordinator>[0]['config'] = {}) {
    this.c = new TransactionCoordinator({ config, allocateProducerId: () => this.nextPid++ });
  }

  /** Writes the records (or fails), then resolves the response. */
  async run<R>(r: TxnResult<R>): Promise<R> {
    if (this.failWrites && r.records.length > 0) {
      r.appended(new Error('disk full'));
    } else {
      for (const rec of r.records) this.log.push(encodeTxnRecord(rec));
      r.appended();
    }
    return r.response;
  }

  init(id: string, timeoutMs = 60_000, expected: { producerId: bigint; producerEpoch: number } | null = null) {
    return this.run(this.c.initProducerId(id, timeoutMs, expected, this.now));
  }
  add(id: string, pid: bigint, epoch: number, parts: Array<[string, number]>) {
    return this.run(this.c.addPartitions(id, pid, epoch, parts.map(([topic, partition]) => ({ topic, partition })), this.now));
  }
  end(id: string, pid: bigint, epoch: number, commit: boolean, tv = 0) {
    return this.run(this.c.endTxn(id, pid, epoch, commit, tv, this.now));
  }
  /** Writes every queued marker job (returns them) and records the completions. */
  async finishMarkers(): Promise<MarkerJob[]> {
    const jobs = this.c.takeMarkerJobs();
    for (const j of jobs) {
      for (const p of j.partitions) this.c.markerWritten(j, p.topic, p.partition);
      expect(await this.run(this.c.completeTransaction(j, this.now))).toBe(ErrorCode.NONE);
    }
    return jobs;
  }
  /** A fresh coordinator rebuilt from the log. */
  replayed(): TransactionCoordinator {
    const c = new TransactionCoordinator({ allocateProducerId: () => this.nextPid++ });
    for (const r of this.log) c.replay(decodeTxnRecord(r.key, r.value)!);
    c.loaded();
    return c;
  }
}

describe('transaction coordinator', () => {
  it('InitProducerId allocates a producer id at epoch 0, then bumps the epoch on each call', async () => {
    const h = new Harness();
    const a = await h.init('t1');
    expect(a).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 0 });
    const b = await h.init('t1');
    expect(b).toEqual({ errorCode: ErrorCode.NONE, producerId: 1000n, producerEpoch: 1 });
    expect(h.c.get('t1')!.state).toBe(TxnState.Empty);
    expect(h.log).toHaveLength(2);
    const other = await h.init('t2');
    expect(other.producerId).toBe(1001n);
  });

  it('rejects an empty transactional id and timeouts outside (0, transaction.max.timeout.ms]', async () => {
    const h = new Harness({ transactionMaxTimeoutMs: 10_000 });
    expect((await h.init('')).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await h.init('t', 10_001)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.init('t', 0)).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await h.init('t', 10_000)).errorCode).toBe(ErrorCode.NONE);
  });

  it('begin, add partitions, commit: Ongoing → PrepareCommit → markers → CompleteCommit', async () => {
    const h = new Harness();
    const { producerId: pid, producerEpoch: e } = await h.init('t');
    expect(await h.add('t', pid, e, [['a', 0], ['a', 1]])).toBe(ErrorCode.NONE);
    const m = h.c.get('t')!;
    expect(m.state).toBe(TxnState.Ongoing);
    expect(m.txnStartTimestamp).toBe(h.now);
    // Adding what is already there writes nothing.
    const again = h.c.addPartitions('t', pid, e, [{ topic: 'a', partition: 0 }], h.now);
    expect(again.records).toHaveLength(0);
    expect(await again.response).toBe(ErrorCode.NONE);
    h.now += 10;
    expect(await h.add('t', pid, e, [['b', 3]])).toBe(ErrorCode.NONE);
    expect(h.c.describe('t').topics).toEqual([{ topic: 'a', partitions: [0, 1] }, { topic: 'b', partitions: [3] }]);
    expect(h.c.get('t')!.txnStartTimestamp).toBe(h.now - 10);

    const r = await h.end('t', pid, e, true);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(h.c.get('t')!.state).toBe(TxnState.PrepareCommit);
    const jobs = h.c.takeMarkerJobs();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job).toMatchObject({ transactionalId: 't', producerId: pid, producerEpoch: e, commit: true });
    expect(job.partitions).toEqual([{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 3 }]);
    // While markers are written: the transaction lists the partitions still waiting for one.
    h.c.markerWritten(job, 'a', 0);
    expect(h.c.describe('t').topics).toEqual([{ topic: 'a', partitions: [1] }, { topic: 'b', partitions: [3] }]);
    // Meanwhile a new transaction must wait.
    expect(await h.add('t', pid, e, [['a', 0]])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await h.end('t', pid, e, true)).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await h.end('t', pid, e, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(h.c.verifyPartition('t', pid, e, 'a', 1)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(await h.run(h.c.completeTransaction(job, h.now))).toBe(ErrorCode.NONE);
    expect(h.c.get('t')!.state).toBe(TxnState.CompleteCommit);
    expect(h.c.describe('t').topics).toEqual([]);
    // A retried EndTxn(commit) succeeds; an abort of the committed transaction does not.
    expect((await h.end('t', pid, e, true)).errorCode).toBe(ErrorCode.NONE);
    expect((await h.end('t', pid, e, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    // The next transaction starts from CompleteCommit with the same epoch (transaction version 0/1).
    expect(await h.add('t', pid, e, [['c', 0]])).toBe(ErrorCode.NONE);
    expect(h.c.describe('t').topics).toEqual([{ topic: 'c', partitions: [0] }]);
  });

  it('abort writes ABORT markers and CompleteAbort; EndTxn with nothing ongoing is INVALID_TXN_STATE', async () => {
    const h = new Harness();
    const { producerId: pid, producerEpoch: e } = await h.init('t');
    expect((await h.end('t', pid, e, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    await h.add('t', pid, e, [['a', 0]]);
    expect((await h.end('t', pid, e, false)).errorCode).toBe(ErrorCode.NONE);
    expect(h.c.get('t')!.state).toBe(TxnState.PrepareAbort);
    const [job] = await h.finishMarkers();
    expect(job!.commit).toBe(false);
    expect(h.c.get('t')!.state).toBe(TxnState.CompleteAbort);
    expect((await h.end('t', pid, e, false)).errorCode).toBe(ErrorCode.NONE);
    expect((await h.end('t', pid, e, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('checks producer id and epoch: unknown ids, wrong producer ids and stale epochs', async () => {
    const h = new Harness();
    expect(await h.add('nope', 1n, 0, [['a', 0]])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect((await h.end('nope', 1n, 0, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const { producerId: pid } = await h.init('t');
    await h.init('t'); // epoch 1 fences epoch 0
    expect(await h.add('t', pid + 1n, 1, [['a', 0]])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(await h.add('t', pid, 0, [['a', 0]])).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await h.end('t', pid, 0, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(h.c.verifyPartition('t', pid, 0, 'a', 0)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.add('t', pid, 1, [['a', 0]])).toBe(ErrorCode.NONE);
  });

  it('verifyPartitions: NONE for partitions in the ongoing transaction, TRANSACTION_ABORTABLE for the others', async () => {
    const h = new Harness();
    const { producerId: pid, producerEpoch: e } = await h.init('t');
    expect(h.c.verifyPartitions('t', pid, e, [{ topic: 'a', partition: 0 }])).toEqual([ErrorCode.TRANSACTION_ABORTABLE]);
    await h.add('t', pid, e, [['a', 0]]);
    expect(h.c.verifyPartitions('t', pid, e, [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }])).toEqual([ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);
    await h.end('t', pid, e, true);
    await h.finishMarkers();
    // After the commit, a late write for the ended transaction no longer verifies.
    expect(h.c.verifyPartition('t', pid, e, 'a', 0)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect(h.c.verifyPartition('other', pid, e, 'a', 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  });

  it('a request while a record is being written gets CONCURRENT_TRANSACTIONS; a failed write changes nothing', async () => {
    const h = new Harness();
    const { producerId: pid, producerEpoch: e } = await h.init('t');
    const pending = h.c.addPartitions('t', pid, e, [{ topic: 'a', partition: 0 }], h.now);
    expect(await h.add('t', pid, e, [['b', 0]])).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await h.init('t')).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    pending.appended(new Error('write failed'));
    expect(await pending.response).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.c.get('t')!.state).toBe(TxnState.Empty);
    h.failWrites = true;
    expect((await h.init('t')).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(h.c.get('t')!.producerEpoch).toBe(e);
    h.failWrites = false;
    expect(await h.add('t', pid, e, [['a', 0]])).toBe(ErrorCode.NONE);
  });

  it('fences a zombie: InitProducerId during an ongoing transaction aborts it with a bumped epoch', async () => {
    const h = new Harness();
    const old = await h.init('t');
    await h.add('t', old.producerId, old.producerEpoch, [['a', 0]]);
    // A new instance of the same transactional id.
    const first = await h.init('t');
    expect(first.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    const m = h.c.get('t')!;
    expect(m.state).toBe(TxnState.PrepareAbort);
    expect(m.producerEpoch).toBe(old.producerEpoch + 1);
    expect((await h.init('t')).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    const [job] = await h.finishMarkers();
    // The abort markers carry the bumped epoch: the partitions fence the old producer too.
    expect(job).toMatchObject({ commit: false, producerEpoch: old.producerEpoch + 1, partitions: [{ topic: 'a', partition: 0 }] });
    const fresh = await h.init('t');
    expect(fresh).toEqual({ errorCode: ErrorCode.NONE, producerId: old.producerId, producerEpoch: old.producerEpoch + 2 });
    // The zombie can neither add partitions nor commit.
    expect(await h.add('t', old.producerId, old.producerEpoch, [['a', 1]])).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await h.end('t', old.producerId, old.producerEpoch, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('aborts transactions older than their timeout on poll, fencing the producer', async () => {
    const h = new Harness();
    const { producerId: pid, producerEpoch: e } = await h.init('slow', 5_000);
    const fast = await h.init('fast', 60_000);
    await h.add('slow', pid, e, [['a', 0]]);
    await h.add('fast', fast.producerId, fast.producerEpoch, [['a', 1]]);
    h.now += 5_000;
    expect(await h.run(h.c.poll(h.now))).toEqual({ aborted: [], expired: [] });
    h.now += 1;
    expect(await h.run(h.c.poll(h.now))).toEqual({ aborted: ['slow'], expired: [] });
    expect(h.c.get('slow')!.state).toBe(TxnState.PrepareAbort);
    expect(h.c.get('fast')!.state).toBe(TxnState.Ongoing);
    const [job] = await h.finishMarkers();
    expect(job).toMatchObject({ transactionalId: 'slow', commit: false, producerEpoch: e + 1 });
    expect(h.c.get('slow')!.state).toBe(TxnState.CompleteAbort);
    expect((await h.end('slow', pid, e, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await h.add('slow', pid, e, [['a', 0]])).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('expires transactional ids idle for transactional.id.expiration.ms with a tombstone', async () => {
    const h = new Harness({ transactionalIdExpirationMs: 1000 });
    const { producerId: pid, producerEpoch: e } = await h.init('idle');
    const busy = await h.init('busy');
    await h.add('busy', busy.producerId, busy.producerEpoch, [['a', 0]]);
    h.now += 1000;
    const r = await h.run(h.c.poll(h.now));
    expect(r.expired).toEqual(['idle']);
    expect(h.c.get('idle')).toBeUndefined();
    expect(h.log[h.log.length - 1]!.value).toBeNull();
    expect(h.c.describe('idle').errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    expect(await h.add('idle', pid, e, [['a', 0]])).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(h.replayed().get('idle')).toBeUndefined();
    expect(h.replayed().get('busy')!.state).toBe(TxnState.Ongoing);
  });

  it('KIP-360: a retried InitProducerId with the previous epoch gets the same epoch; an unrelated one is fenced', async () => {
    const h = new Harness();
    const a = await h.init('t');
    const b = await h.init('t', 60_000, { producerId: a.producerId, producerEpoch: a.producerEpoch });
    expect(b).toEqual({ errorCode: ErrorCode.NONE, producerId: a.producerId, producerEpoch: a.producerEpoch + 1 });
    // The response was lost; the client retries with the epoch it had.
    const retry = await h.init('t', 60_000, { producerId: a.producerId, producerEpoch: a.producerEpoch });
    expect(retry).toEqual(b);
    expect((await h.init('t', 60_000, { producerId: a.producerId + 7n, producerEpoch: 3 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await h.init('t', 60_000, { producerId: a.producerId, producerEpoch: 9 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('rotates to a new producer id once the epoch is exhausted', async () => {
    const h = new Harness();
    const a = await h.init('t');
    (h.c.get('t') as { producerEpoch: number }).producerEpoch = 32766;
    const b = await h.init('t');
    expect(b.producerId).not.toBe(a.producerId);
    expect(b.producerEpoch).toBe(0);
    expect(h.c.get('t')!.previousProducerId).toBe(a.producerId);
  });

  describe('transaction version 2 (EndTxn v5+, KIP-890 part 2)', () => {
    it('bumps the epoch at every end; markers carry the new epoch; a retry with the old epoch succeeds', async () => {
      const h = new Harness();
      const { producerId: pid, producerEpoch: e } = await h.init('t');
      await h.add('t', pid, e, [['a', 0]]);
      const r = await h.end('t', pid, e, true, 2);
      expect(r).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: e + 1 });
      const [job] = await h.finishMarkers();
      expect(job).toMatchObject({ producerEpoch: e + 1, transactionVersion: 2, commit: true });
      expect(h.c.get('t')!.state).toBe(TxnState.CompleteCommit);
      // The response was lost: retrying with the old epoch is recognised.
      expect(await h.end('t', pid, e, true, 2)).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: e + 1 });
      // A late write or AddPartitions of the ended transaction (old epoch) is fenced.
      expect(await h.add('t', pid, e, [['a', 0]])).toBe(ErrorCode.PRODUCER_FENCED);
      expect(h.c.verifyPartition('t', pid, e, 'a', 0)).toBe(ErrorCode.PRODUCER_FENCED);
      // The next transaction with the new epoch.
      expect(await h.add('t', pid, e + 1, [['a', 0]])).toBe(ErrorCode.NONE);
      expect((await h.end('t', pid, e + 1, false, 2)).producerEpoch).toBe(e + 2);
      await h.finishMarkers();
      expect(h.c.get('t')!.state).toBe(TxnState.CompleteAbort);
    });

    it('may abort with nothing in progress (bumping the epoch, no markers); commit then is INVALID_TXN_STATE', async () => {
      const h = new Harness();
      const { producerId: pid, producerEpoch: e } = await h.init('t');
      expect((await h.end('t', pid, e, true, 2)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
      const r = await h.end('t', pid, e, false, 2);
      expect(r).toEqual({ errorCode: ErrorCode.NONE, producerId: pid, producerEpoch: e + 1 });
      const [job] = await h.finishMarkers();
      expect(job!.partitions).toEqual([]);
      expect(h.c.get('t')!.state).toBe(TxnState.CompleteAbort);
    });

    it('hands out a new producer id when the epoch would overflow', async () => {
      const h = new Harness();
      const { producerId: pid } = await h.init('t');
      (h.c.get('t') as { producerEpoch: number }).producerEpoch = 32766;
      await h.add('t', pid, 32766, [['a', 0]]);
      const r = await h.end('t', pid, 32766, true, 2);
      expect(r.errorCode).toBe(ErrorCode.NONE);
      expect(r.producerId).not.toBe(pid);
      expect(r.producerEpoch).toBe(0);
      const [job] = await h.finishMarkers();
      // The markers still use the old producer id, at the last epoch.
      expect(job).toMatchObject({ producerId: pid, producerEpoch: 32767 });
      const m = h.c.get('t')!;
      expect(m.producerId).toBe(r.producerId);
      expect(m.producerEpoch).toBe(0);
      expect(m.previousProducerId).toBe(pid);
      expect(await h.add('t', r.producerId, 0, [['a', 0]])).toBe(ErrorCode.NONE);
    });
  });

  describe('replay', () => {
    it('a coordinator restarted mid-commit rebuilds the state and writes the markers again', async () => {
      const h = new Harness();
      const { producerId: pid, producerEpoch: e } = await h.init('t', 30_000);
      await h.add('t', pid, e, [['a', 0], ['b', 1]]);
      await h.end('t', pid, e, true);
      h.c.takeMarkerJobs(); // the broker dies before writing any marker
      const other = await h.init('u');
      await h.add('u', other.producerId, other.producerEpoch, [['a', 2]]);

      const c2 = h.replayed();
      const t = c2.get('t')!;
      expect(t.state).toBe(TxnState.PrepareCommit);
      expect(t.producerId).toBe(pid);
      expect(t.producerEpoch).toBe(e);
      expect(t.txnTimeoutMs).toBe(30_000);
      expect(c2.get('u')!.state).toBe(TxnState.Ongoing);
      const jobs = c2.takeMarkerJobs();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ transactionalId: 't', commit: true, producerId: pid, producerEpoch: e });
      expect(jobs[0]!.partitions).toEqual([{ topic: 'a', partition: 0 }, { topic: 'b', partition: 1 }]);
      const done = c2.completeTransaction(jobs[0]!, h.now);
      expect(done.records).toHaveLength(1);
      done.appended();
      expect(await done.response).toBe(ErrorCode.NONE);
      expect(c2.get('t')!.state).toBe(TxnState.CompleteCommit);
      // The restarted coordinator keeps fencing and accepting the same producers.
      expect(await c2.addPartitions('u', other.producerId, other.producerEpoch, [{ topic: 'a', partition: 2 }], h.now).response).toBe(ErrorCode.NONE);
      expect(c2.verifyPartition('u', other.producerId, other.producerEpoch, 'a', 2)).toBe(ErrorCode.NONE);
    });

    it('the last record of each id wins; tombstones remove the id', async () => {
      const h = new Harness();
      for (let i = 0; i < 3; i++) await h.init('t');
      const c2 = h.replayed();
      expect(c2.get('t')!.producerEpoch).toBe(2);
      expect(c2.takeMarkerJobs()).toEqual([]);
      c2.replay({ transactionalId: 't', value: null });
      expect(c2.get('t')).toBeUndefined();
    });
  });

  it('DescribeTransactions and ListTransactions filters', async () => {
    const h = new Harness();
    const a = await h.init('a');
    await h.init('b');
    await h.add('a', a.producerId, a.producerEpoch, [['x', 0]]);
    const d = h.c.describe('a');
    expect(d).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId: a.producerId, transactionTimeoutMs: 60_000, transactionStartTimeMs: BigInt(h.now) });
    expect(h.c.describe('').errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const all = h.c.list([], [], -1n, h.now);
    expect(all.transactionStates.map((s) => [s.transactionalId, s.transactionState])).toEqual([['a', 'Ongoing'], ['b', 'Empty']]);
    const ongoing = h.c.list(['Ongoing', 'Bogus'], [], -1n, h.now);
    expect(ongoing.transactionStates.map((s) => s.transactionalId)).toEqual(['a']);
    expect(ongoing.unknownStateFilters).toEqual(['Bogus']);
    expect(h.c.list([], [a.producerId], -1n, h.now).transactionStates.map((s) => s.transactionalId)).toEqual(['a']);
    h.now += 500;
    expect(h.c.list(['Ongoing'], [], 1000n, h.now).transactionStates).toEqual([]);
    expect(h.c.list(['Ongoing'], [], 100n, h.now).transactionStates.map((s) => s.transactionalId)).toEqual(['a']);
  });
});
