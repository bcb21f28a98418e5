// Pipelined produce requests to one partition are appended in request order, even when one needs
// slow work before its append (re-compression for a topic's compression.type, up-conversion of a
// compressed legacy message set) and a later one needs none or less.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);

function bigBatch(bytes: number): Uint8Array {
  // Compressible but not trivially: text with a counter.
  const records = [];
  for (let i = 0; i < bytes / 1000; i++) records.push({ value: enc(`record ${i} `.repeat(80).slice(0, 1000)) });
  return core.encodeBatch(records);
}

describe('produce order', () => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory', config: { 'message.max.bytes': 16 << 20, 'socket.request.max.bytes': 64 << 20 } });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('keeps request order when re-compression makes the first request slower', async () => {
    await client.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'order', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'compression.type', value: 'gzip' }] }], timeoutMs: 1000 });
    const big = bigBatch(4 << 20);
    const bigCount = core.validateBatches(big).batches[0]!.recordCount;
    const send = (records: Uint8Array) => client.send(ApiKey.Produce, 9, { acks: 1, timeoutMs: 5000, topicData: [{ name: 'order', partitionData: [{ index: 0, records }] }] });
    const [a, b, c] = await Promise.all([send(big), send(core.encodeBatch([{ value: enc('small') }])), send(core.encodeBatch([{ value: enc('smaller') }]))]);
    const offsets = [a, b, c].map((r) => r.responses[0]!.partitionResponses[0]!).map((p) => [p.errorCode, p.baseOffset]);
    expect(offsets).toEqual([[0, 0n], [0, BigInt(bigCount)], [0, BigInt(bigCount + 1)]]);
  });
});
