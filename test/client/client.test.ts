// The tools' client: version negotiation (including KIP-511's fallback), pipelining, failures,
// Kafka's murmur2 partitioner, produce/fetch round trips through the WASM core, admin calls.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, OffsetSpec, ResourceType } from '../../host/client/admin.js';
import { Cluster } from '../../host/client/cluster.js';
import { KafkaClientError, KafkaConnection, parseBootstrap } from '../../host/client/connection.js';
import { Consumer } from '../../host/client/consumer.js';
import { murmur2, Producer } from '../../host/client/producer.js';
import { decodeRequest, encodeResponse, withSizePrefix } from '../../host/protocol/api.js';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { FrameDecoder } from '../../host/network/frames.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

const enc = (s: string) => Buffer.from(s);
const dec = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString());

describe('murmur2', () => {
  it("matches Kafka's Utils.murmur2", () => {
    // Vectors from Kafka's UtilsTest and librdkafka's rdmurmur2.c.
    const cases: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
      kafka: -798503068,
    };
    for (const [k, v] of Object.entries(cases)) expect(murmur2(enc(k)), k).toBe(v);
  });
});

describe('parseBootstrap', () => {
  it('reads host:port lists and IPv6 brackets', () => {
    expect(parseBootstrap('a:1, b:2')).toEqual([{ host: 'a', port: 1 }, { host: 'b', port: 2 }]);
    expect(parseBootstrap('PLAINTEXT://[::1]:9092')).toEqual([{ host: '::1', port: 9092 }]);
    expect(() => parseBootstrap('nohost')).toThrow(KafkaClientError);
  });
});

describe('KafkaConnection', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
  });
  afterAll(() => broker.close());

  it('negotiates versions from ApiVersions and refuses APIs the broker lacks', async () => {
    const c = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      const produce = broker.services.handlers.get(ApiKey.Produce)!;
      expect(c.apiVersions.get(ApiKey.Produce)).toEqual({ minVersion: produce.minVersion, maxVersion: produce.maxVersion });
      expect(c.version(ApiKey.Produce, 3, 9)).toBe(Math.min(9, produce.maxVersion));
      // Vote is a KRaft controller API a broker does not serve to clients.
      expect(c.supports(ApiKey.Vote)).toBe(false);
      expect(() => c.version(ApiKey.Vote, 0, 1)).toThrow(/Vote: the broker supports versions none/);
    } finally {
      c.close();
    }
  });

  it('pipelines requests and matches responses in order', async () => {
    const c = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    try {
      const v = c.version(ApiKey.Metadata, 1, 12);
      const all = Array.from({ length: 200 }, () => c.request(ApiKey.Metadata, v, { topics: [] }));
      expect(c.inFlight).toBe(200);
      const res = await Promise.all(all);
      expect(res.every((r) => r.brokers[0]?.port === broker.port)).toBe(true);
      expect(c.inFlight).toBe(0);
    } finally {
      c.close();
    }
  });

  it('fails pending requests when the connection closes', async () => {
    const c = await KafkaConnection.connect({ host: '127.0.0.1', port: broker.port });
    const v = c.version(ApiKey.Metadata, 1, 12);
    const p = c.request(ApiKey.Metadata, v, { topics: [] });
    c.close();
    await expect(p).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await expect(c.request(ApiKey.Metadata, v, { topics: [] })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it("falls back to the broker's ApiVersions version (KIP-511) and times out silent brokers", async () => {
    const seen: number[] = [];
    const server = net.createServer((sock) => {
      const frames = new FrameDecoder(1 << 20);
      sock.on('data', (chunk: Buffer) =>
        frames.push(chunk, (frame) => {
          const d = decodeRequest(frame);
          const version = d.error ? (d.error.apiVersion ?? -1) : d.apiVersion;
          const cid = d.error ? d.error.correlationId! : d.correlationId;
          seen.push(version);
          if (seen.length > 2) return; // silent after the handshake
          const body =
            version > 2
              ? { errorCode: 35, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }] }
              : { errorCode: 0, apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 }, { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 5 }] };
          sock.write(Buffer.concat(withSizePrefix(encodeResponse(ApiKey.ApiVersions, version > 2 ? 0 : version, cid, body))));
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const c = await KafkaConnection.connect({ host: '127.0.0.1', port }, { requestTimeoutMs: 300 });
      expect(seen).toEqual([3, 2]);
      expect(c.version(ApiKey.Metadata, 1, 12)).toBe(5);
      // A request the fake never answers fails with REQUEST_TIMED_OUT.
      const silent = c.request(ApiKey.ApiVersions, 2, {});
      await expect(silent).rejects.toMatchObject({ code: 'REQUEST_TIMED_OUT' });
      c.close();
    } finally {
      server.close();
    }
  });
});

describe('Producer, Consumer and Admin against the broker', () => {
  let broker: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
    admin = new Admin(broker.bootstrap);
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

  it('creates, describes and deletes topics; reports per-topic errors', async () => {
    const res = await admin.createTopics([{ name: 'a1', numPartitions: 2, configs: { 'retention.ms': '60000' } }, { name: 'bad name!', numPartitions: 1 }]);
    expect(res.find((r) => r.name === 'a1')?.errorCode).toBe(0);
    expect(res.find((r) => r.name === 'bad name!')?.errorCode).toBe(17); // INVALID_TOPIC_EXCEPTION
    const [t] = await admin.describeTopics(['a1']);
    expect(t?.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(t?.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const configs = await admin.describeConfigs(ResourceType.TOPIC, 'a1');
    expect(configs.find((c) => c.name === 'retention.ms')).toMatchObject({ value: '60000', isDefault: false });
    await admin.alterConfigs(ResourceType.TOPIC, 'a1', { 'retention.ms': null, 'segment.bytes': '1048576' });
    const after = await admin.describeConfigs(ResourceType.TOPIC, 'a1', ['retention.ms', 'segment.bytes']);
    expect(after.find((c) => c.name === 'retention.ms')?.isDefault).toBe(true);
    expect(after.find((c) => c.name === 'segment.bytes')?.value).toBe('1048576');
    expect(await admin.deleteTopics(['a1', 'never-was'])).toEqual([
      expect.objectContaining({ name: 'a1', errorCode: 0 }),
      expect.objectContaining({ name: 'never-was', errorCode: 3 }),
    ]);
  });

  it('round-trips keys, values, nulls and headers under every codec, in order, with exact offsets', async () => {
    await admin.createTopics([{ name: 'rt', numPartitions: 1 }]);
    const cluster = new Cluster(broker.bootstrap);
    const producer = new Producer(cluster, { acks: -1 });
    try {
      const sent: Array<{ key: string | null; value: string | null; headers: Array<[string, string | null]> }> = [];
      for (let codec = 0; codec <= 4; codec++) {
        const batch = Array.from({ length: 20 }, (_, i) => ({
          key: i % 5 === 0 ? null : `k${codec}-${i}`,
          value: i % 7 === 3 ? null : `v${codec}-${i}-${'z'.repeat(i * 13)}`,
          headers: i % 2 ? ([['h', `${i}`], ['empty', null]] as Array<[string, string | null]>) : [],
        }));
        const r = await producer.send(
          'rt',
          0,
          batch.map((b) => ({ key: b.key === null ? null : enc(b.key), value: b.value === null ? null : enc(b.value), headers: b.headers.map(([k, v]) => ({ key: k, value: v === null ? null : enc(v) })) })),
          { compression: codec },
        );
        expect(r.baseOffset).toBe(BigInt(codec * 20));
        sent.push(...batch);
      }
      const consumer = new Consumer(cluster, { maxWaitMs: 50 });
      await consumer.assign('rt', 'earliest');
      const got: Awaited<ReturnType<Consumer['poll']>> = [];
      while (got.length < sent.length) got.push(...(await consumer.poll()));
      expect(got.map((r) => r.offset)).toEqual(sent.map((_, i) => BigInt(i)));
      expect(got.map((r) => ({ key: dec(r.key), value: dec(r.value), headers: r.headers.map((h) => [h.key, dec(h.value)]) }))).toEqual(sent);
      expect(consumer.positions()).toEqual([{ topic: 'rt', partition: 0, offset: 100n }]);
      // ListOffsets: earliest, latest.
      expect((await admin.listOffsets('rt', [0], OffsetSpec.EARLIEST)).get(0)?.offset).toBe(0n);
      expect((await admin.listOffsets('rt', [0], OffsetSpec.LATEST)).get(0)?.offset).toBe(100n);
    } finally {
      await cluster.close();
    }
  });

  it('resets an out-of-range position as configured and surfaces produce errors', async () => {
    await admin.createTopics([{ name: 'oor', numPartitions: 1 }]);
    const cluster = new Cluster(broker.bootstrap);
    try {
      const producer = new Producer(cluster, { acks: 1 });
      await producer.send('oor', 0, [{ value: enc('only') }]);
      const consumer = new Consumer(cluster, { maxWaitMs: 10, autoOffsetReset: 'earliest' });
      await consumer.assign('oor', 500n);
      expect(await consumer.poll()).toEqual([]);
      expect(consumer.positions()[0]?.offset).toBe(0n);
      expect((await consumer.poll()).map((r) => dec(r.value))).toEqual(['only']);
      await expect(producer.send('oor', 7, [{ value: enc('x') }])).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
      const strict = new Consumer(cluster, { autoOffsetReset: 'none' });
      await strict.assign('oor', 500n);
      await expect(strict.fetch()).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    } finally {
      await cluster.close();
    }
  });
});
