// Offsets committed inside transactions (AddOffsetsToTxn + TxnOffsetCommit) over the wire: pending
// until the transaction ends (OffsetFetch requireStable answers UNSTABLE_OFFSET_COMMIT), the
// group's committed offsets on commit, gone on abort; KIP-890 verification of the offsets
// partition; member checks; pending offsets surviving a broker restart.
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { endTxn, initTxn, type RawTxnProducer } from '../txn/helpers.js';

let broker: TestBroker | null = null;
let client: TestClient | null = null;

afterEach(async () => {
  client?.close();
  client = null;
  await broker?.close();
  broker = null;
});

async function setup(storage: 'memory' | 'file' = 'memory') {
  broker = await startTestBroker({ storage, config: { 'transaction.state.log.num.partitions': 3, 'offsets.topic.num.partitions': 3, 'group.initial.rebalance.delay.ms': 0 } });
  client = await TestClient.connect(broker.port);
  await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'in', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
  return client;
}

const addOffsets = (c: TestClient, p: RawTxnProducer, groupId: string, version = 3) =>
  c.send(ApiKey.AddOffsetsToTxn, version, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, groupId });

async function txnCommit(c: TestClient, p: RawTxnProducer, groupId: string, offsets: Array<[number, bigint]>, version = 3, extra: Record<string, unknown> = {}) {
  const r = await c.send(ApiKey.TxnOffsetCommit, version, {
    transactionalId: p.transactionalId,
    groupId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    topics: [{ name: 'in', partitions: offsets.map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'm' })) }],
    ...extra,
  });
  return r.topics.flatMap((t) => t.partitions.map((x) => x.errorCode));
}

async function fetchOffsets(c: TestClient, groupId: string, requireStable: boolean) {
  const f = await c.send(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: [{ name: 'in', partitionIndexes: [0, 1] }] }], requireStable });
  return f.groups[0]!.topics[0]!.partitions.map((p) => [p.committedOffset, p.errorCode]);
}

describe('transactional offset commits', () => {
  it('are pending until commit, visible after it, and never visible after an abort', async () => {
    const c = await setup();
    const p = await initTxn(c, 'off');
    // Without AddOffsetsToTxn the offsets partition is not in the transaction (KIP-890).
    expect(await txnCommit(c, p, 'g1', [[0, 5n]])).toEqual([ErrorCode.INVALID_TXN_STATE]);
    expect(await txnCommit(c, p, 'g1', [[0, 5n]], 4)).toEqual([ErrorCode.TRANSACTION_ABORTABLE]);
    expect((await addOffsets(c, p, 'g1')).errorCode).toBe(0);
    expect(await txnCommit(c, p, 'g1', [[0, 5n], [1, 7n], [9, 1n]])).toEqual([0, 0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(await fetchOffsets(c, 'g1', false)).toEqual([[-1n, 0], [-1n, 0]]);
    expect(await fetchOffsets(c, 'g1', true)).toEqual([[-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT], [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    expect((await endTxn(c, p, true)).errorCode).toBe(0);
    expect(await fetchOffsets(c, 'g1', true)).toEqual([[5n, 0], [7n, 0]]);

    // An aborted transaction's offsets never show.
    expect((await addOffsets(c, p, 'g1')).errorCode).toBe(0);
    expect(await txnCommit(c, p, 'g1', [[0, 50n]])).toEqual([0]);
    expect((await endTxn(c, p, false)).errorCode).toBe(0);
    expect(await fetchOffsets(c, 'g1', true)).toEqual([[5n, 0], [7n, 0]]);

    // A fenced producer cannot commit offsets.
    const q = await initTxn(c, 'off');
    expect((await addOffsets(c, p, 'g1')).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await addOffsets(c, q, 'g1')).errorCode).toBe(0);
    expect(await txnCommit(c, p, 'g1', [[0, 60n]])).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
  });

  it('checks the member of a group with members (generation, member id)', async () => {
    const c = await setup();
    const join = await c.send(ApiKey.JoinGroup, 5, {
      groupId: 'live',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: new Uint8Array(0) }],
    });
    expect(join.errorCode).toBe(0);
    const p = await initTxn(c, 'member');
    expect((await addOffsets(c, p, 'live')).errorCode).toBe(0);
    expect(await txnCommit(c, p, 'live', [[0, 1n]], 3, { generationId: join.generationId + 1, memberId: join.memberId, groupInstanceId: 'static-1' })).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(await txnCommit(c, p, 'live', [[0, 1n]], 3, { generationId: join.generationId, memberId: 'someone-else', groupInstanceId: null })).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(await txnCommit(c, p, 'live', [[0, 1n]], 3, { generationId: join.generationId, memberId: 'other', groupInstanceId: 'static-1' })).toEqual([ErrorCode.FENCED_INSTANCE_ID]);
    expect(await txnCommit(c, p, 'live', [[0, 1n]], 3, { generationId: join.generationId, memberId: join.memberId, groupInstanceId: 'static-1' })).toEqual([0]);
    // v0–2 carry no member: accepted, as Kafka accepts transactional commits from older clients.
    expect(await txnCommit(c, p, 'live', [[1, 2n]], 2)).toEqual([0]);
    expect((await endTxn(c, p, true)).errorCode).toBe(0);
    expect(await fetchOffsets(c, 'live', true)).toEqual([[1n, 0], [2n, 0]]);
  });

  it('pending offsets survive a restart and commit or abort afterwards (file storage)', async () => {
    let c = await setup('file');
    const a = await initTxn(c, 'ra');
    const b = await initTxn(c, 'rb');
    await c.send(ApiKey.OffsetCommit, 8, { groupId: 'gr', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
    expect((await addOffsets(c, a, 'gr')).errorCode).toBe(0);
    expect(await txnCommit(c, a, 'gr', [[0, 10n]])).toEqual([0]);
    expect((await addOffsets(c, b, 'gr2')).errorCode).toBe(0);
    expect(await txnCommit(c, b, 'gr2', [[1, 20n]])).toEqual([0]);
    // A committed one before the restart.
    const d = await initTxn(c, 'rd');
    expect((await addOffsets(c, d, 'gr3')).errorCode).toBe(0);
    expect(await txnCommit(c, d, 'gr3', [[1, 30n]])).toEqual([0]);
    expect((await endTxn(c, d, true)).errorCode).toBe(0);
    client!.close();
    broker = await broker!.restart();
    client = c = await TestClient.connect(broker.port);
    expect(await fetchOffsets(c, 'gr', true)).toEqual([[-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT], [-1n, 0]]);
    expect(await fetchOffsets(c, 'gr', false)).toEqual([[3n, 0], [-1n, 0]]);
    expect(await fetchOffsets(c, 'gr3', true)).toEqual([[-1n, 0], [30n, 0]]);
    expect((await endTxn(c, a, true)).errorCode).toBe(0);
    expect((await endTxn(c, b, false)).errorCode).toBe(0);
    expect(await fetchOffsets(c, 'gr', true)).toEqual([[10n, 0], [-1n, 0]]);
    expect(await fetchOffsets(c, 'gr2', true)).toEqual([[-1n, 0], [-1n, 0]]);
  });
});
