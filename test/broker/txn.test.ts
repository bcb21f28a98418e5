// Transactions through a running broker, over the wire: the transaction APIs, read_committed Fetch
// (last stable offset, aborted transactions), KIP-890 defences on Produce and markers, timeouts on
// the real timer, and a broker restarted after the commit decision but before any marker.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { TxnState } from '../../host/coordinator/txn/state.js';
import { TRANSACTION_STATE_TOPIC, encodeTxnRecord } from '../../host/coordinator/txn/records.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { READ_COMMITTED, READ_UNCOMMITTED, addPartitions, endTxn, fetchPartition, initTxn, produceTxn, readAll, waitFor } from '../txn/helpers.js';

let broker: TestBroker | null = null;
let client: TestClient | null = null;

afterEach(async () => {
  client?.close();
  client = null;
  await broker?.close();
  broker = null;
});

async function setup(storage: 'memory' | 'file' = 'memory', config: Record<string, string | number | boolean> = {}) {
  broker = await startTestBroker({ storage, config: { 'transaction.state.log.num.partitions': 3, ...config } });
  client = await TestClient.connect(broker.port);
  await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'tx', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
  return { b: broker, c: client, core: broker.services.core };
}

const values = (recs: Array<[bigint, string | null]>) => recs.map(([, v]) => v);

describe('transactions over the wire', () => {
  it('commit is visible to read_committed only once committed; abort never; read_uncommitted sees both', async () => {
    const { b, c, core } = await setup();
    const p = await initTxn(c, 'app-1');
    expect(p).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(await addPartitions(c, p, [['tx', 0]])).toEqual([0]);
    expect((await produceTxn(c, core, p, 'tx', 0, ['c1', 'c2'])).errorCode).toBe(0);

    // Before the commit: the LSO holds at the transaction's first offset.
    let f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.highWatermark).toBe(2n);
    expect(f.lastStableOffset).toBe(0n);
    expect(f.records).toEqual([]);
    expect(values((await fetchPartition(c, core, 'tx', 0, READ_UNCOMMITTED)).records)).toEqual(['c1', 'c2']);
    const d = await c.send(ApiKey.DescribeTransactions, 0, { transactionalIds: ['app-1', 'nope'] });
    expect(d.transactionStates[0]).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId: p.producerId, topics: [{ topic: 'tx', partitions: [0] }] });
    expect(d.transactionStates[1]!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

    expect((await endTxn(c, p, true)).errorCode).toBe(0);
    f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(3n); // two records and the COMMIT marker
    expect(values(f.records)).toEqual(['c1', 'c2']);
    expect(f.batches.map((x) => x.control)).toEqual([false, true]);

    // An aborted transaction.
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['a1', 'a2', 'a3']);
    expect((await endTxn(c, p, false)).errorCode).toBe(0);
    // A third, committed.
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['c3']);
    expect((await endTxn(c, p, true)).errorCode).toBe(0);

    f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 3n }]);
    expect(values(f.records)).toEqual(['c1', 'c2', 'c3']);
    expect(values(await readAll(c, core, 'tx', 0, READ_UNCOMMITTED))).toEqual(['c1', 'c2', 'a1', 'a2', 'a3', 'c3']);
    // Fetching from past the aborted transaction lists no aborted transaction.
    expect((await fetchPartition(c, core, 'tx', 0, READ_COMMITTED, 7n)).aborted).toEqual([]);
    expect(b.services.transactions!.coordinator.get('app-1')!.state).toBe(TxnState.CompleteCommit);

    const l = await c.send(ApiKey.ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1n });
    expect(l.transactionStates).toEqual([{ transactionalId: 'app-1', producerId: p.producerId, transactionState: 'CompleteCommit', unknownTaggedFields: [] }]);
    const metrics = await b.services.metrics.text();
    expect(metrics).toContain('kwasm_transactions_completed_total{result="commit"} 2');
    expect(metrics).toContain('kwasm_transactions_completed_total{result="abort"} 1');
    expect(metrics).toContain('kwasm_transactional_ids{state="CompleteCommit"} 1');
  });

  it('the LSO stops at the first open transaction while others commit around it', async () => {
    const { c, core } = await setup();
    const a = await initTxn(c, 'a');
    const bb = await initTxn(c, 'b');
    await addPartitions(c, a, [['tx', 1]]);
    await addPartitions(c, bb, [['tx', 1]]);
    await produceTxn(c, core, a, 'tx', 1, ['a1']); // offset 0
    await produceTxn(c, core, bb, 'tx', 1, ['b1']); // offset 1
    await produceTxn(c, core, a, 'tx', 1, ['a2']); // offset 2
    expect((await endTxn(c, bb, true)).errorCode).toBe(0); // marker at 3
    let f = await fetchPartition(c, core, 'tx', 1, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(0n);
    expect(f.records).toEqual([]);
    expect((await endTxn(c, a, false)).errorCode).toBe(0); // marker at 4
    f = await fetchPartition(c, core, 'tx', 1, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(5n);
    expect(f.records).toEqual([[1n, 'b1']]);
    expect(f.aborted).toEqual([{ producerId: a.producerId, firstOffset: 0n }]);
  });

  it('KIP-890: a transactional write to a partition not in the transaction is rejected', async () => {
    const { c, core } = await setup();
    const p = await initTxn(c, 'strict');
    // Nothing added yet.
    let r = await produceTxn(c, core, p, 'tx', 0, ['x']);
    expect(r.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(r.errorMessage).toBe('Partition was not added to the transaction');
    r = await produceTxn(c, core, p, 'tx', 0, ['x'], { version: 11 });
    expect(r.errorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    await addPartitions(c, p, [['tx', 0]]);
    expect((await produceTxn(c, core, p, 'tx', 1, ['x'])).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await produceTxn(c, core, p, 'tx', 0, ['ok'])).errorCode).toBe(0);
    // Transactional records need the transactional id on the request.
    expect((await produceTxn(c, core, p, 'tx', 0, ['x'], { transactionalId: null })).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    expect((await endTxn(c, p, true)).errorCode).toBe(0);
    // A late write of the committed transaction does not join a later one.
    expect((await produceTxn(c, core, p, 'tx', 0, ['late'])).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(values(await readAll(c, core, 'tx', 0, READ_UNCOMMITTED))).toEqual(['ok']);
  });

  it('fences a zombie producer: a new InitProducerId aborts its transaction and its writes fail', async () => {
    const { c, core } = await setup();
    const zombie = await initTxn(c, 'svc');
    await addPartitions(c, zombie, [['tx', 0]]);
    await produceTxn(c, core, zombie, 'tx', 0, ['z1']);
    const fresh = await initTxn(c, 'svc'); // retries CONCURRENT_TRANSACTIONS until the abort completes
    expect(fresh.errorCode).toBe(0);
    expect(fresh.producerEpoch).toBe(zombie.producerEpoch + 2);
    // The zombie: produce is fenced by the partition (the ABORT marker carried a newer epoch).
    const w = await produceTxn(c, core, zombie, 'tx', 0, ['z2']);
    expect(w.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await addPartitions(c, zombie, [['tx', 0]])).toEqual([ErrorCode.PRODUCER_FENCED]);
    expect(await addPartitions(c, zombie, [['tx', 0]], 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect((await endTxn(c, zombie, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await endTxn(c, zombie, true, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.records).toEqual([]);
    expect(f.aborted).toEqual([{ producerId: zombie.producerId, firstOffset: 0n }]);
    // InitProducerId v3 with a stale producer id is fenced (PRODUCER_FENCED only from v4).
    const stale = { transactionalId: 'svc', transactionTimeoutMs: 60000, producerId: zombie.producerId + 100n, producerEpoch: 0 };
    expect((await c.send(ApiKey.InitProducerId, 4, stale)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await c.send(ApiKey.InitProducerId, 3, stale)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('rejects a transaction timeout above transaction.max.timeout.ms', async () => {
    const { c } = await setup('memory', { 'transaction.max.timeout.ms': 10000 });
    expect((await c.send(ApiKey.InitProducerId, 4, { transactionalId: 't', transactionTimeoutMs: 10001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await c.send(ApiKey.InitProducerId, 4, { transactionalId: 't', transactionTimeoutMs: 10000 })).errorCode).toBe(0);
    expect((await c.send(ApiKey.InitProducerId, 4, { transactionalId: '', transactionTimeoutMs: 100 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('aborts a transaction past its timeout on the broker timer', async () => {
    const { b, c, core } = await setup('memory', { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 50 });
    const p = await initTxn(c, 'slow', 200);
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['never']);
    await waitFor(() => b.services.transactions!.coordinator.get('slow')?.state === TxnState.CompleteAbort, 5000, 'timeout abort');
    const f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(2n);
    expect(f.records).toEqual([]);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
    expect((await endTxn(c, p, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await produceTxn(c, core, p, 'tx', 0, ['late'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('EndTxn v5 (transaction version 2) bumps the epoch per transaction; a late write of an earlier one is fenced', async () => {
    const { c, core } = await setup();
    const p = await initTxn(c, 'tv2', 60000, 5);
    const e0 = p.producerEpoch;
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['one']);
    const old = { ...p, seq: new Map(p.seq) };
    const r = await endTxn(c, p, true, 5);
    expect(r).toEqual({ errorCode: 0, producerId: old.producerId, producerEpoch: e0 + 1 });
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['two']);
    // A write of the first transaction arriving now: its epoch is stale.
    expect((await produceTxn(c, core, old, 'tx', 0, ['late'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await endTxn(c, p, true, 5)).producerEpoch).toBe(e0 + 2);
    expect(values(await readAll(c, core, 'tx', 0, READ_COMMITTED))).toEqual(['one', 'two']);
  });

  it('transaction version 2: a repeated or late marker of an ended transaction is rejected, not ending the next one', async () => {
    const { b, c, core } = await setup();
    const p = await initTxn(c, 'tv2-late', 60000, 5);
    const e0 = p.producerEpoch;
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['one']);
    expect((await endTxn(c, p, true, 5)).errorCode).toBe(0); // COMMIT marker with epoch e0+1
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['two']); // the next transaction, epoch e0+1
    const svc = b.services.transactions!;
    const late = await svc.writeMarker({ producerId: p.producerId, producerEpoch: e0 + 1, commit: true, coordinatorEpoch: 0, transactionVersion: 2 }, 'tx', 0);
    expect(late.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    let f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(values(f.records)).toEqual(['one']);
    expect(f.lastStableOffset).toBe(2n); // 'two' is still open
    expect((await endTxn(c, p, false, 5)).errorCode).toBe(0);
    f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(values(f.records)).toEqual(['one']);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 2n }]);
  });

  it('WriteTxnMarkers: writes markers; a marker older than the producer\'s epoch is rejected', async () => {
    const { c, core } = await setup();
    const p = await initTxn(c, 'm');
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['x']);
    const write = (epoch: number, commit: boolean, partitions = [0]) =>
      c.send(ApiKey.WriteTxnMarkers, 1, {
        markers: [{ producerId: p.producerId, producerEpoch: epoch, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: 'tx', partitionIndexes: partitions }] }],
      });
    // An external ABORT marker ends the partition's open transaction and indexes it.
    let r = await write(p.producerEpoch + 1, false, [0, 9]);
    expect(r.markers[0]!.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, errorCode: 0, unknownTaggedFields: [] },
      { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknownTaggedFields: [] },
    ]);
    const f = await fetchPartition(c, core, 'tx', 0, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(2n);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
    // A late marker from the older epoch is rejected rather than ending anything.
    r = await write(p.producerEpoch, true);
    expect(r.markers[0]!.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('AddPartitionsToTxn v4 batches transactions; verifyOnly adds nothing; unknown partitions fail the others', async () => {
    const { c } = await setup();
    const p = await initTxn(c, 'v4');
    const q = await initTxn(c, 'v4b');
    expect(await addPartitions(c, p, [['tx', 0], ['nope', 0]])).toEqual([ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const r = await c.send(ApiKey.AddPartitionsToTxn, 4, {
      transactions: [
        { transactionalId: 'v4', producerId: p.producerId, producerEpoch: p.producerEpoch, verifyOnly: false, topics: [{ name: 'tx', partitions: [0, 1] }] },
        { transactionalId: 'v4b', producerId: q.producerId, producerEpoch: q.producerEpoch, verifyOnly: true, topics: [{ name: 'tx', partitions: [0] }] },
      ],
    });
    expect(r.errorCode).toBe(0);
    const codes = r.resultsByTransaction.map((t) => [t.transactionalId, t.topicResults[0]!.resultsByPartition.map((x) => x.partitionErrorCode)]);
    expect(codes).toEqual([
      ['v4', [0, 0]],
      ['v4b', [ErrorCode.INVALID_TXN_STATE]], // TRANSACTION_ABORTABLE from v5
    ]);
    const v5 = await c.send(ApiKey.AddPartitionsToTxn, 5, {
      transactions: [{ transactionalId: 'v4', producerId: p.producerId, producerEpoch: p.producerEpoch, verifyOnly: true, topics: [{ name: 'tx', partitions: [1, 0] }] }],
    });
    expect(v5.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition.map((x) => x.partitionErrorCode)).toEqual([0, 0]);
    const v5b = await c.send(ApiKey.AddPartitionsToTxn, 5, {
      transactions: [{ transactionalId: 'v4b', producerId: q.producerId, producerEpoch: q.producerEpoch, verifyOnly: true, topics: [{ name: 'tx', partitions: [1] }] }],
    });
    expect(v5b.resultsByTransaction[0]!.topicResults[0]!.resultsByPartition[0]!.partitionErrorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
  });

  it('a broker restarted after the commit decision, before any marker, completes the commit', async () => {
    const { c, core } = await setup('file');
    const p = await initTxn(c, 'crash');
    await addPartitions(c, p, [['tx', 0], ['tx', 1]]);
    await produceTxn(c, core, p, 'tx', 0, ['r0']);
    await produceTxn(c, core, p, 'tx', 1, ['r1']);
    // Write PrepareCommit to __transaction_state ourselves, as EndTxn would, and stop there.
    const svc = broker!.services.transactions!;
    const op = svc.coordinator.endTxn('crash', p.producerId, p.producerEpoch, true, 0, Date.now());
    const log = broker!.services.topics.partition(TRANSACTION_STATE_TOPIC, svc.partitionFor('crash'))!;
    await log.append(core.encodeBatch(op.records.map((r) => encodeTxnRecord(r))), { origin: 'coordinator' });
    client!.close();
    broker = await broker!.restart();
    client = await TestClient.connect(broker.port);
    const svc2 = broker.services.transactions!;
    await waitFor(() => svc2.coordinator.get('crash')?.state === TxnState.CompleteCommit, 5000, 'commit completion after restart');
    for (const part of [0, 1]) {
      const f = await fetchPartition(client, core, 'tx', part, READ_COMMITTED);
      expect(f.records).toEqual([[0n, `r${part}`]]);
      expect(f.lastStableOffset).toBe(2n);
    }
    // The transactional id survives with its epoch: the next InitProducerId bumps it.
    const again = await initTxn(client, 'crash');
    expect(again).toMatchObject({ errorCode: 0, producerId: p.producerId, producerEpoch: p.producerEpoch + 1 });
  });

  it('an open transaction and its aborts survive a restart (file storage)', async () => {
    const { c, core } = await setup('file');
    const p = await initTxn(c, 'keep');
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['a']);
    expect((await endTxn(c, p, false)).errorCode).toBe(0);
    await addPartitions(c, p, [['tx', 0]]);
    await produceTxn(c, core, p, 'tx', 0, ['open']);
    client!.close();
    broker = await broker!.restart();
    client = await TestClient.connect(broker.port);
    let f = await fetchPartition(client, core, 'tx', 0, READ_COMMITTED);
    expect(f.lastStableOffset).toBe(2n); // the open transaction starts at 2
    expect(f.records).toEqual([]);
    expect(broker.services.transactions!.coordinator.get('keep')!.state).toBe(TxnState.Ongoing);
    expect((await endTxn(client, p, true)).errorCode).toBe(0);
    f = await fetchPartition(client, core, 'tx', 0, READ_COMMITTED);
    expect(f.aborted).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
    expect(values(f.records)).toEqual(['open']);
  });
});
