import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { Attr, Compression } from '../../host/core/types.js';
import { compress } from '../../host/compression/index.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('record conversions', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file' });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const fetchV = async (topic: string, version: number, offset = 0n) => {
    const r = await client.send(ApiKey.Fetch, version, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
    });
    return r.responses[0]!.partitions[0]!;
  };

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('honours topic compression.type=%s', async (codec) => {
    const topic = `ct-${codec}`;
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, configs: [{ name: 'compression.type', value: codec }] }] });
    const batch = core.encodeBatch([{ key: enc('k1'), value: enc('v1'), headers: [{ key: 'h', value: enc('hv') }] }, { value: enc('v2') }]);
    const p = await client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    const f = await fetchV(topic, 12);
    const scan = core.validateBatches(f.records!);
    expect(scan.batches).toHaveLength(1);
    const want = { gzip: Compression.GZIP, snappy: Compression.SNAPPY, lz4: Compression.LZ4, zstd: Compression.ZSTD }[codec];
    expect(scan.batches[0]!.attributes & Attr.COMPRESSION_MASK).toBe(want);
    const { decompress } = await import('../../host/compression/index.js');
    const section = await decompress(want, f.records!.subarray(61));
    const recs = core.decodeRecordsSection(section, 2, 1);
    expect(recs.map((r) => [dec(r.key), dec(r.value), r.headers.map((h) => [dec(h.key), dec(h.value)])])).toEqual([
      ['k1', 'v1', [['h', 'hv']]],
      [null, 'v2', []],
    ]);
  });

  it('up-converts Produce v2 message sets (magic 1, gzip wrapper) and down-converts for Fetch v2', async () => {
    const topic = 'legacy';
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }] });
    const inner = core.encodeMessageSet([
      { offset: 0n, timestamp: 1000n, key: enc('a'), value: enc('one') },
      { offset: 1n, timestamp: 1001n, key: null, value: enc('two') },
    ], 1);
    const wrapper = core.encodeMessageSet([{ offset: 1n, timestamp: 1001n, attributes: Compression.GZIP, value: await compress(Compression.GZIP, inner) }], 1);
    const plain = core.encodeMessageSet([{ offset: 0n, timestamp: 1002n, key: enc('b'), value: enc('three') }], 1);
    for (const records of [wrapper, plain]) {
      const p = await client.send(ApiKey.Produce, 2, { acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
      expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    // Stored as v2 batches.
    const v2 = await fetchV(topic, 12);
    const scan = core.validateBatches(v2.records!);
    expect(scan.status).toBe(0);
    expect(scan.batches.map((b) => [b.baseOffset, b.recordCount])).toEqual([[0n, 2], [2n, 1]]);
    // Old clients get magic 1 message sets with absolute offsets.
    const old = await fetchV(topic, 2, 1n);
    const msgs = core.decodeMessageSet(old.records!);
    expect(msgs.status).toBe(0);
    expect(msgs.messages.map((m) => [m.offset, m.magic, m.timestamp, dec(m.key), dec(m.value)])).toEqual([
      [1n, 1, 1001n, null, 'two'],
      [2n, 1, 1002n, 'b', 'three'],
    ]);
    const v0 = await fetchV(topic, 0);
    expect(core.decodeMessageSet(v0.records!).messages.map((m) => m.magic)).toEqual([0, 0, 0]);
  });

  it('rejects legacy message sets in Produce v3+', async () => {
    const records = core.encodeMessageSet([{ offset: 0n, value: enc('x') }], 1);
    const p = await client.send(ApiKey.Produce, 3, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'legacy', partitionData: [{ index: 0, records }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_RECORD);
  });

  it('answers zstd batches with UNSUPPORTED_COMPRESSION_TYPE below Fetch v10', async () => {
    const f = await fetchV('ct-zstd', 9);
    expect(f.errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await fetchV('ct-zstd', 10)).errorCode).toBe(0);
  });
});
