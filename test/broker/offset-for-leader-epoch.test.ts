import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { endOffsetForEpoch } from '../../host/broker/admin/leader-epochs.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();

describe('endOffsetForEpoch (Kafka LeaderEpochFileCache rules)', () => {
  const history = [
    { epoch: 2, startOffset: 10n },
    { epoch: 4, startOffset: 25n },
    { epoch: 7, startOffset: 40n },
  ];
  it.each([
    [7, { leaderEpoch: 7, endOffset: 55n }, 'current epoch: the log end offset'],
    [4, { leaderEpoch: 4, endOffset: 40n }, 'a known older epoch: start of the next'],
    [5, { leaderEpoch: 4, endOffset: 40n }, 'an unknown epoch between two: the floor epoch and the next start'],
    [1, { leaderEpoch: 1, endOffset: 10n }, 'below the first: the requested epoch and the first start'],
    [8, { leaderEpoch: -1, endOffset: -1n }, 'above every known epoch: undefined'],
    [-1, { leaderEpoch: -1, endOffset: -1n }, 'undefined epoch: undefined'],
  ])('epoch %i → %o (%s)', (requested, expected) => {
    expect(endOffsetForEpoch(history, requested, 55n)).toEqual(expected);
  });
  it('an empty history answers undefined', () => {
    expect(endOffsetForEpoch([], 0, 3n)).toEqual({ leaderEpoch: -1, endOffset: -1n });
  });
});

describe.each(['memory', 'file'] as const)('OffsetForLeaderEpoch (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage });
    client = await TestClient.connect(broker.port);
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'ep', numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
    const batch = core.encodeBatch(Array.from({ length: 5 }, (_, i) => ({ value: new Uint8Array([i]) })));
    await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'ep', partitionData: [{ index: 0, records: batch }] }] });
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const ask = async (partitions: Array<{ partition: number; leaderEpoch: number; currentLeaderEpoch?: number }>, v = 4, topic = 'ep') =>
    (await client.send(ApiKey.OffsetForLeaderEpoch, v, { replicaId: v >= 3 ? -1 : -2, topics: [{ topic, partitions: partitions.map((p) => ({ currentLeaderEpoch: v >= 2 ? (p.currentLeaderEpoch ?? -1) : -1, ...p })) }] })).topics[0]!.partitions;

  it('answers the log end offset for the current epoch, and Kafka undefined answers otherwise', async () => {
    expect(await ask([{ partition: 0, leaderEpoch: 0, currentLeaderEpoch: 0 }, { partition: 1, leaderEpoch: 0 }, { partition: 0, leaderEpoch: 3 }, { partition: 0, leaderEpoch: -1 }])).toEqual([
      expect.objectContaining({ partition: 0, errorCode: 0, leaderEpoch: 0, endOffset: 5n }),
      expect.objectContaining({ partition: 1, errorCode: 0, leaderEpoch: 0, endOffset: 0n }),
      expect.objectContaining({ partition: 0, errorCode: 0, leaderEpoch: -1, endOffset: -1n }),
      expect.objectContaining({ partition: 0, errorCode: 0, leaderEpoch: -1, endOffset: -1n }),
    ]);
  });

  it('serves every version; v0 has no leader epoch in the answer', async () => {
    for (const v of [0, 1, 2, 3]) {
      const [p] = await ask([{ partition: 0, leaderEpoch: 0 }], v);
      expect(p).toMatchObject({ errorCode: 0, endOffset: 5n, leaderEpoch: v === 0 ? -1 : 0 });
    }
  });

  it('checks currentLeaderEpoch and unknown partitions', async () => {
    const [newer] = await ask([{ partition: 0, leaderEpoch: 0, currentLeaderEpoch: 1 }]);
    expect(newer).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, endOffset: -1n });
    const meta = broker.services.metadata.topics.get('ep')!.partitions[1]!;
    meta.leaderEpoch = 2; // as after two leader changes
    try {
      const r = await ask([{ partition: 1, leaderEpoch: 1, currentLeaderEpoch: 1 }, { partition: 1, leaderEpoch: 1, currentLeaderEpoch: 2 }, { partition: 1, leaderEpoch: 2 }]);
      expect(r.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual([
        [ErrorCode.FENCED_LEADER_EPOCH, -1, -1n],
        [0, 1, 0n],
        [0, 2, 0n],
      ]);
    } finally {
      meta.leaderEpoch = 0;
    }
    expect((await ask([{ partition: 7, leaderEpoch: 0 }]))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await ask([{ partition: 0, leaderEpoch: 0 }], 4, 'missing'))[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});
