// zstd batches and old Fetch versions, as Kafka does it (KIP-110): below Fetch v10 only a topic
// whose compression.type is zstd is refused (UNSUPPORTED_COMPRESSION_TYPE); zstd batches that a
// producer chose on a `producer` topic are served as they are (sarama 1.22 fetches with v4 and
// decodes them), and down-converted for v0–v3.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { loadCore } from '../../host/core/wasm.js';
import { Attr, Compression } from '../../host/core/types.js';
import { buildBatch } from '../../host/broker/convert.js';
import { nodeCodecs } from '../../host/broker/codecs.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('zstd batches and Fetch below v10', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  const fetchV = async (topic: string, version: number) => {
    const r = await client.send(ApiKey.Fetch, version, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    return r.responses[0]!.partitions[0]!;
  };

  it('serves zstd batches of a producer-compression topic to v4 and down-converts them for v3', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'pz', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const batch = await buildBatch(core, nodeCodecs(), [{ key: enc('k'), value: enc('zstd value'), timestamp: 5n }], Compression.ZSTD);
    const p = await client.send(ApiKey.Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'pz', partitionData: [{ index: 0, records: batch }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.NONE);
    const v4 = await fetchV('pz', 4);
    expect(v4.errorCode).toBe(ErrorCode.NONE);
    expect(core.validateBatches(v4.records!).batches.map((b) => b.attributes & Attr.COMPRESSION_MASK)).toEqual([Compression.ZSTD]);
    const v3 = await fetchV('pz', 3);
    expect(v3.errorCode).toBe(ErrorCode.NONE);
    expect(core.decodeMessageSet(v3.records!).messages.map((m) => [m.offset, dec(m.key), dec(m.value)])).toEqual([[0n, 'k', 'zstd value']]);
  });

  it('refuses a zstd topic below v10, even when empty', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'tz', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'compression.type', value: 'zstd' }] }], timeoutMs: 1000 });
    expect((await fetchV('tz', 9)).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect((await fetchV('tz', 10)).errorCode).toBe(ErrorCode.NONE);
  });
});
