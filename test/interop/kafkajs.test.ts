// KafkaJS 2.x against kwasm, in-process: admin.createTopics, a producer per codec (gzip is built
// in; snappy, lz4 and zstd are KafkaJS codec plugins, registered here from host/compression as a
// KafkaJS user would register kafkajs-snappy & co.), the idempotent producer, fetchTopicOffsets and
// fetchTopicOffsetsByTimestamp. KafkaJS's only consumer is a group consumer (no assign()): records
// are read back by a consumer in a fresh group, subscribed from the beginning.
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { compress, decompress } from '../../host/compression/index.js';
import type { Codec, ConsumedRec } from './harness.js';
import { CODECS } from './harness.js';
import { interopSuite, type OffsetsResult, type OpRequest, type ProduceResult } from './suite.js';

const TYPES: Record<Codec, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

for (const [codec, id] of [[CompressionTypes.Snappy, 2], [CompressionTypes.LZ4, 3], [CompressionTypes.ZSTD, 4]] as const) {
  (CompressionCodecs as Record<number, () => unknown>)[codec] = () => ({
    compress: async (encoder: { buffer: Buffer }) => Buffer.from(await compress(id, encoder.buffer)),
    decompress: async (buffer: Buffer) => Buffer.from(await decompress(id, buffer)),
  });
}

const kafkas = new Map<string, Kafka>();
function kafkaFor(bootstrap: string): Kafka {
  let k = kafkas.get(bootstrap);
  if (!k) kafkas.set(bootstrap, (k = new Kafka({ clientId: 'kwasm-interop', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } })));
  return k;
}

let groups = 0;

/** KafkaJS's consumer (a group consumer: a fresh group, subscribed from the beginning). */
async function consume(bootstrap: string, topic: string, partition: number, count: number, timeoutMs: number): Promise<ConsumedRec[]> {
  const consumer = kafkaFor(bootstrap).consumer({ groupId: `kwasm-interop-kafkajs-${process.pid}-${++groups}`, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const out: ConsumedRec[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition: p, message: m }) => {
            if (p !== partition) return;
            const headers: Array<[string, string]> = [];
            for (const [k, v] of Object.entries(m.headers ?? {})) for (const b of Array.isArray(v) ? v : [v]) headers.push([k, String(b)]);
            out.push({ offset: Number(m.offset), timestamp: Number(m.timestamp), key: m.key === null ? null : m.key.toString('utf8'), value: m.value?.toString('utf8') ?? '', headers });
            if (out.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return out;
  } finally {
    await consumer.disconnect();
  }
}

async function op(req: OpRequest): Promise<unknown> {
  const kafka = kafkaFor(req.bootstrap);
  switch (req.op) {
    case 'create': {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const created = await admin.createTopics({ topics: [{ topic: req.topic, numPartitions: req.partitions, replicationFactor: 1 }], waitForLeaders: true });
        if (!created) throw new Error('createTopics returned false (topic existed)');
        return { created };
      } finally {
        await admin.disconnect();
      }
    }
    case 'produce': {
      const offsets: number[][] = [];
      for (const g of req.groups) {
        const producer: Producer = kafka.producer({ idempotent: req.idempotent === true, maxInFlightRequests: req.idempotent ? 1 : undefined, allowAutoTopicCreation: false });
        await producer.connect();
        try {
          const res = await producer.send({
            topic: req.topic,
            acks: -1,
            compression: TYPES[g.codec],
            messages: g.records.map((r) => {
              // KafkaJS headers are an object; a repeated key takes an array.
              const headers: Record<string, string[]> = {};
              for (const [k, v] of r.headers) (headers[k] ??= []).push(v);
              return { key: r.key, value: r.value, headers, partition: req.partition, ...(r.timestamp !== undefined ? { timestamp: String(r.timestamp) } : {}) };
            }),
          });
          // One send = one batch per partition: the delivery report gives its base offset.
          const base = Number(res[0]!.baseOffset);
          offsets.push(g.records.map((_, i) => base + i));
        } finally {
          await producer.disconnect();
        }
      }
      return { offsets } satisfies ProduceResult;
    }
    case 'consume':
      return { records: await consume(req.bootstrap, req.topic, req.partition, req.count, req.timeoutMs) };
    case 'offsets': {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [p] = (await admin.fetchTopicOffsets(req.topic)).filter((o) => o.partition === req.partition);
        const byTimestamp: OffsetsResult['byTimestamp'] = [];
        for (const t of req.timestamps) {
          const [o] = (await admin.fetchTopicOffsetsByTimestamp(req.topic, t)).filter((x) => x.partition === req.partition);
          // KafkaJS answers "no such offset" (-1) with the high watermark.
          byTimestamp.push(o!.offset === p!.high ? null : { offset: Number(o!.offset), timestamp: null });
        }
        return { earliest: Number(p!.low), latest: Number(p!.high), byTimestamp } satisfies OffsetsResult;
      } finally {
        await admin.disconnect();
      }
    }
  }
}

interopSuite({
  name: 'kafkajs',
  codecs: CODECS,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: true,
  adapter: { op },
});
