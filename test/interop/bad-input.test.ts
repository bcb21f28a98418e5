// Bad input on the wire, each answered the way Kafka does — a Kafka error code, or the connection
// closed — while another connection to the same broker keeps working (checked after every case):
// frames over socket.request.max.bytes, invalid sizes, truncated frames and bodies, garbage after
// a valid header or after a valid request, unknown API keys and versions (ApiVersions answers
// UNSUPPORTED_VERSION with its range), CRC-corrupted batches (CORRUPT_MESSAGE, nothing written),
// batches over message.max.bytes (MESSAGE_TOO_LARGE, nothing written).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { encodeRequest, withSizePrefix, decodeResponse } from '../../host/protocol/api.js';
import { loadCore } from '../../host/core/wasm.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

const core = loadCore();
const enc = (s: string) => new TextEncoder().encode(s);
const MAX_FRAME = 64 * 1024;
const MAX_MESSAGE = 4096;

/** A whole request frame (size prefix included) for a typed request. */
function frame(apiKey: number, version: number, correlationId: number, body: object): Buffer {
  return Buffer.concat(withSizePrefix(encodeRequest({ requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'bad-input' } as never, body as never)));
}

/** A frame around raw bytes: size prefix + bytes. */
function raw(bytes: Uint8Array): Buffer {
  const b = Buffer.alloc(4 + bytes.length);
  b.writeInt32BE(bytes.length, 0);
  b.set(bytes, 4);
  return b;
}

/** Request header v1 (non-flexible APIs): apiKey, apiVersion, correlationId, clientId. */
function header(apiKey: number, version: number, correlationId: number): Buffer {
  const h = Buffer.alloc(8 + 2 + 3);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(version, 2);
  h.writeInt32BE(correlationId, 4);
  h.writeInt16BE(3, 8);
  h.write('bad', 10);
  return h;
}

/** Resolves 'closed' when the broker closes the socket within `ms`, else 'open'. */
function closedWithin(c: TestClient, ms = 3000): Promise<'closed' | 'open'> {
  return Promise.race([c.closed.then(() => 'closed' as const), new Promise<'open'>((r) => setTimeout(() => r('open'), ms))]);
}

function rawSocket(port: number): Promise<{ sock: net.Socket; closed: Promise<void>; data: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, '127.0.0.1', () => resolve({ sock, closed, data: () => Buffer.concat(chunks) }));
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', () => {});
    sock.once('error', reject);
  });
}

describe('bad input', () => {
  let broker: TestBroker;
  let good: TestClient;
  const opened: Array<{ close(): void }> = [];

  const connect = async () => {
    const c = await TestClient.connect(broker.port);
    opened.push(c);
    return c;
  };

  /** The long-lived connection still answers, and its data is intact. */
  const healthy = async () => {
    const v = await good.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'good', clientSoftwareVersion: '1' });
    expect(v.errorCode).toBe(0);
    const m = await good.send(ApiKey.Metadata, 12, { topics: [{ name: 'bad-input' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(m.topics[0]!.errorCode).toBe(0);
  };

  const produce = (c: TestClient, records: Uint8Array) =>
    c.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records }] }] });

  const logEnd = () => broker.services.topics.partition('bad-input', 0)!.highWatermark;

  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'file', config: { 'socket.request.max.bytes': MAX_FRAME, 'message.max.bytes': MAX_MESSAGE } });
    good = await TestClient.connect(broker.port);
    const c = await good.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'bad-input', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    expect(c.topics[0]!.errorCode).toBe(0);
    const p = await produce(good, core.encodeBatch([{ key: enc('k'), value: enc('first') }]));
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  afterAll(async () => {
    for (const c of opened) c.close();
    good.close();
    await broker.close();
  });

  it('closes a connection whose frame size is over socket.request.max.bytes, before reading the body', async () => {
    const c = await connect();
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(MAX_FRAME + 1, 0);
    c.write(prefix); // only the size: the broker must not wait for (or buffer) the body
    expect(await closedWithin(c)).toBe('closed');
    const huge = await connect();
    prefix.writeInt32BE(0x7fffffff, 0);
    huge.write(prefix);
    expect(await closedWithin(huge)).toBe('closed');
    await healthy();
  });

  it('accepts a frame just under the limit', async () => {
    const c = await connect();
    const value = new Uint8Array(MAX_MESSAGE - 200).fill(7);
    const p = await produce(c, core.encodeBatch([{ value }]));
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
  });

  it('closes a connection on a zero or negative frame size', async () => {
    for (const size of [0, -1]) {
      const c = await connect();
      const prefix = Buffer.alloc(4);
      prefix.writeInt32BE(size, 0);
      c.write(prefix);
      expect(await closedWithin(c), `size ${size}`).toBe('closed');
    }
    await healthy();
  });

  it('closes a connection on a frame too short for a request header', async () => {
    const c = await connect();
    c.write(raw(Buffer.from([0, 3, 0]))); // 3 bytes: not even apiKey + apiVersion
    expect(await closedWithin(c)).toBe('closed');
    await healthy();
  });

  it('closes a connection on a request body cut short (the frame size matches the bytes sent)', async () => {
    const whole = frame(ApiKey.Produce, 9, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: core.encodeBatch([{ value: enc('cut') }]) }] }] });
    const body = whole.subarray(4, whole.length - 20);
    const c = await connect();
    c.write(raw(body));
    expect(await closedWithin(c)).toBe('closed');
    expect(logEnd()).toBe(2n);
    await healthy();
  });

  it('survives a client that sends part of a frame and hangs up', async () => {
    const s = await rawSocket(broker.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(1000, 0);
    s.sock.write(Buffer.concat([prefix, Buffer.alloc(10, 1)]));
    s.sock.end();
    await s.closed;
    await healthy();
  });

  it('closes a connection on garbage after a valid request header', async () => {
    const c = await connect();
    c.write(raw(Buffer.concat([header(ApiKey.Metadata, 1, 9), Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])])));
    expect(await closedWithin(c)).toBe('closed');
    const g = await connect();
    g.write(raw(Buffer.concat([header(ApiKey.Produce, 3, 10), Buffer.alloc(64, 0xff)])));
    expect(await closedWithin(g)).toBe('closed');
    expect(logEnd()).toBe(2n);
    await healthy();
  });

  it('closes a connection on bytes after a complete valid request', async () => {
    const c = await connect();
    const f = frame(ApiKey.Metadata, 1, 11, { topics: [] });
    c.write(raw(Buffer.concat([f.subarray(4), Buffer.from('trailing')])));
    expect(await closedWithin(c)).toBe('closed');
    await healthy();
  });

  it('closes a connection on an unknown API key', async () => {
    const c = await connect();
    c.write(raw(Buffer.concat([header(999, 0, 12), Buffer.alloc(8)])));
    expect(await closedWithin(c)).toBe('closed');
    const neg = await connect();
    neg.write(raw(Buffer.concat([header(-5, 0, 13), Buffer.alloc(8)])));
    expect(await closedWithin(neg)).toBe('closed');
    await healthy();
  });

  it('closes a connection on an unsupported version of a known API', async () => {
    const c = await connect();
    c.write(raw(Buffer.concat([header(ApiKey.Metadata, 99, 14), Buffer.alloc(8)])));
    expect(await closedWithin(c)).toBe('closed');
    await healthy();
  });

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION and its range, in v0, and keeps the connection', async () => {
    const c = await connect();
    // Header v2 (flexible): apiKey 18, version 77, correlation id, client id, empty tagged fields; then junk.
    const h = Buffer.concat([header(ApiKey.ApiVersions, 77, 15), Buffer.from([0]), Buffer.from([1, 2, 3, 4, 5])]);
    const resp = await c.sendFrame(raw(h), 15);
    const d = decodeResponse(ApiKey.ApiVersions, 0, resp);
    expect(d.error).toBeUndefined();
    expect(d.body!.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const own = d.body!.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions)!;
    expect([own.minVersion, own.maxVersion]).toEqual([0, 4]);
    expect(d.body!.apiKeys.find((k) => k.apiKey === ApiKey.Produce)).toBeDefined();
    // The client retries with a version from the range, on the same connection.
    const ok = await c.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'retry', clientSoftwareVersion: '1' });
    expect(ok.errorCode).toBe(0);
    await healthy();
  });

  it('answers a CRC-corrupted batch with CORRUPT_MESSAGE and writes nothing', async () => {
    const c = await connect();
    const before = logEnd();
    const batch = Uint8Array.from(core.encodeBatch([{ key: enc('k'), value: enc('will be corrupted') }, { value: enc('second') }]));
    batch[batch.length - 3]! ^= 0x40; // a byte inside the records: CRC-32C no longer matches
    const p = await produce(c, batch);
    expect(p.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1n });
    // A good batch after a corrupt one in the same request: the whole request is refused.
    const good1 = core.encodeBatch([{ value: enc('ok') }]);
    const both = new Uint8Array(good1.length + batch.length);
    both.set(good1);
    both.set(batch, good1.length);
    const p2 = await produce(c, both);
    expect(p2.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(logEnd()).toBe(before);
    // The same connection goes on: a valid batch is appended right after.
    const p3 = await produce(c, core.encodeBatch([{ value: enc('after corruption') }]));
    expect(p3.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: before });
    await healthy();
  });

  it('answers a batch over message.max.bytes with MESSAGE_TOO_LARGE and writes nothing', async () => {
    const c = await connect();
    const before = logEnd();
    const big = core.encodeBatch([{ value: new Uint8Array(MAX_MESSAGE + 100).fill(1) }]);
    expect(big.length).toBeLessThan(MAX_FRAME);
    const p = await produce(c, big);
    expect(p.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n });
    expect(logEnd()).toBe(before);
    // A topic may allow more (max.message.bytes overrides message.max.bytes).
    const t = await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: 'bad-input-big', numPartitions: 1, replicationFactor: 1, configs: [{ name: 'max.message.bytes', value: String(MAX_MESSAGE * 4) }] }], timeoutMs: 1000 });
    expect(t.topics[0]!.errorCode).toBe(0);
    const ok = await c.send(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'bad-input-big', partitionData: [{ index: 0, records: big }] }] });
    expect(ok.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    await healthy();
  });

  it('answers a legacy message set with a bad CRC (Produce v2) with CORRUPT_MESSAGE and writes nothing', async () => {
    const c = await connect();
    const before = logEnd();
    const set = Uint8Array.from(core.encodeMessageSet([{ offset: 0n, key: enc('k'), value: enc('legacy'), timestamp: 1n }], 1));
    set[set.length - 1]! ^= 0x01;
    const p = await c.send(ApiKey.Produce, 2, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'bad-input', partitionData: [{ index: 0, records: set }] }] });
    expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(logEnd()).toBe(before);
    await healthy();
  });

  it('still serves everything written, in order, on the healthy connection', async () => {
    const f = await good.send(ApiKey.Fetch, 12, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, sessionEpoch: -1,
      topics: [{ topic: 'bad-input', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
    });
    const p = f.responses[0]!.partitions[0]!;
    expect(p.errorCode).toBe(0);
    const scan = core.validateBatches(p.records!);
    expect(scan.status).toBe(0);
    const values = scan.batches.flatMap((b) => core.decodeRecords(p.records!.subarray(b.position, b.position + b.size)).map((r) => r.value!.length));
    expect(values).toEqual([5, MAX_MESSAGE - 200, 16]);
  });
});
