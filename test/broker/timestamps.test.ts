// Batch timestamps on the produce path and lookups by timestamp, as real clients exercise them:
// sarama 1.22 (Debian) sends batches whose maxTimestamp is -1 (Kafka recomputes it from the records
// on append); ListOffsets by timestamp answers with the first record at or after the timestamp,
// also inside a compressed batch, and MAX_TIMESTAMP with the record holding the largest one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { Compression } from '../../host/core/types.js';
import { buildBatch, repairMaxTimestamps } from '../../host/broker/convert.js';
import { nodeCodecs } from '../../host/broker/codecs.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const codecs = nodeCodecs();
const enc = (s: string) => new TextEncoder().encode(s);
const T = 1_700_000_000_000n;

/** A batch of 4 records at T, T+1s, T+2s, T+3s, with maxTimestamp overwritten by -1 (valid CRC), as sarama 1.22 sends. */
async function saramaLike(codec: number, base = T): Promise<Uint8Array> {
  const b = await buildBatch(core, codecs, [0, 1, 2, 3].map((i) => ({ key: enc(`k${i}`), value: enc(`value ${i} `.repeat(20)), timestamp: base + BigInt(i) * 1000n })), codec);
  core.setMaxTimestamp(b, -1n, false);
  return b;
}

describe('batch maxTimestamp repair', () => {
  it('leaves correct batches alone (no work)', () => {
    const b = core.encodeBatch([{ value: enc('x'), timestamp: T }]);
    expect(repairMaxTimestamps(core, codecs, b)).toBeNull();
  });

  it.each([['none', Compression.NONE], ['gzip', Compression.GZIP], ['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4], ['zstd', Compression.ZSTD]] as const)(
    'sets a %s batch maxTimestamp of -1 to its largest record timestamp, with a valid CRC',
    async (_name, codec) => {
      const one = await saramaLike(codec);
      const two = await saramaLike(codec);
      const both = new Uint8Array(one.length + two.length);
      both.set(one);
      both.set(two, one.length);
      expect(core.validateBatches(both, { strict: true }).batches.map((d) => d.maxTimestamp)).toEqual([-1n, -1n]);
      await repairMaxTimestamps(core, codecs, both);
      const scan = core.validateBatches(both, { strict: true });
      expect(scan.status).toBe(0);
      expect(scan.batches.map((d) => [d.baseTimestamp, d.maxTimestamp])).toEqual([[T, T + 3000n], [T, T + 3000n]]);
    },
  );

  it('does not re-checksum a corrupt batch', async () => {
    const b = await saramaLike(Compression.NONE);
    b[b.length - 1]! ^= 0xff;
    await repairMaxTimestamps(core, codecs, b);
    expect(core.validateBatches(b).status).not.toBe(0);
  });
});

describe('ListOffsets by timestamp on sarama-like batches', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file', config: { 'log.retention.ms': -1 } });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('finds the first record at or after a timestamp inside a compressed batch whose maxTimestamp was unset', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'ts', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    for (const [codec, base] of [[Compression.NONE, T], [Compression.ZSTD, T + 10_000n]] as const) {
      const p = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'ts', partitionData: [{ index: 0, records: await saramaLike(codec, base) }] }] });
      expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    // Offsets 0-3: T..T+3s uncompressed; 4-7: T+10s..T+13s zstd. The log finds the batch.
    const ask = async (timestamp: bigint) => {
      const r = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'ts', partitions: [{ partitionIndex: 0, timestamp }] }] });
      const x = r.topics[0]!.partitions[0]!;
      expect(x.errorCode).toBe(0);
      return [x.offset, x.timestamp];
    };
    expect(await ask(T - 1n)).toEqual([0n, T]);
    expect(await ask(T + 1500n)).toEqual([2n, T + 2000n]);
    expect(await ask(T + 3000n)).toEqual([3n, T + 3000n]);
    expect(await ask(T + 3001n)).toEqual([4n, T + 10_000n]);
    expect(await ask(T + 11_500n)).toEqual([6n, T + 12_000n]);
    expect(await ask(T + 13_001n)).toEqual([-1n, -1n]);
    const batches = core.validateBatches((await broker.services.topics.partition('ts', 0)!.read(0n, { maxBytes: 1 << 20 })).records[0]!).batches;
    expect(batches.map((b) => b.maxTimestamp)).toEqual([T + 3000n, T + 13_000n]);
  });

  it('answers MAX_TIMESTAMP with the record holding the largest timestamp, not the end of its batch', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'maxts', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    // Record timestamps T+1s, T+5s (the max), T+2s in one gzip batch, after a batch at T.
    const first = core.encodeBatch([{ value: enc('a'), timestamp: T }]);
    const second = await buildBatch(core, codecs, [1000n, 5000n, 2000n].map((d, i) => ({ value: enc(`v${i}`), timestamp: T + d })), Compression.GZIP);
    for (const records of [first, second]) {
      const p = await client.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'maxts', partitionData: [{ index: 0, records }] }] });
      expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    const r = await client.send(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'maxts', partitions: [{ partitionIndex: 0, timestamp: -3n }] }] });
    expect(r.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 2n, timestamp: T + 5000n });
  });
});
