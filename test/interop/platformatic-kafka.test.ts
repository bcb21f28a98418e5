// @platformatic/kafka 1.x against kwasm, in-process: Admin.createTopics, a Producer per codec
// (zstd needs node:zlib's zstd, which Node 20 lacks, so it is left out), the idempotent producer,
// Consumer.listOffsetsWithTimestamps, and records read back with its consumer stream (a fresh
// consumer group, from the earliest offset).
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import zlib from 'node:zlib';
import { CODECS, type Codec, type ConsumedRec } from './harness.js';
import { interopSuite, type OffsetsResult, type OpRequest, type ProduceResult } from './suite.js';

const CODECS_HERE: readonly Codec[] = CODECS.filter((c) => c !== 'zstd' || typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function');

const base = (bootstrap: string) => ({ clientId: 'kwasm-interop', bootstrapBrokers: [bootstrap], retries: 2, timeout: 10_000 });
const str = (b: Buffer | null | undefined) => (b === null || b === undefined ? null : b.toString('utf8'));
let groups = 0;

async function withConsumer<T>(bootstrap: string, fn: (c: Consumer) => Promise<T>): Promise<T> {
  const consumer = new Consumer({ ...base(bootstrap), groupId: 'kwasm-interop-unused' });
  try {
    return await fn(consumer);
  } finally {
    await consumer.close();
  }
}

async function op(req: OpRequest): Promise<unknown> {
  switch (req.op) {
    case 'create': {
      const admin = new Admin(base(req.bootstrap));
      try {
        return { created: await admin.createTopics({ topics: [req.topic], partitions: req.partitions, replicas: 1 }) };
      } finally {
        await admin.close();
      }
    }
    case 'produce': {
      const offsets: number[][] = [];
      for (const g of req.groups) {
        const producer = new Producer<string, string, string, string>({ ...base(req.bootstrap), serializers: stringSerializers, idempotent: req.idempotent === true, acks: -1 });
        try {
          const res = await producer.send({
            compression: g.codec,
            messages: g.records.map((r) => ({
              topic: req.topic,
              partition: req.partition,
              key: r.key ?? undefined,
              value: r.value,
              headers: new Map(r.headers),
              ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
            })),
          });
          // One send = one batch per partition: the report gives its base offset.
          const first = res.offsets?.find((o) => o.partition === req.partition);
          if (!first) throw new Error(`no offset reported: ${JSON.stringify(res, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
          offsets.push(g.records.map((_, i) => Number(first.offset) + i));
        } finally {
          await producer.close();
        }
      }
      return { offsets } satisfies ProduceResult;
    }
    case 'consume': {
      // Its consumer stream, in a fresh group, from the earliest offset.
      const consumer = new Consumer({ ...base(req.bootstrap), groupId: `kwasm-interop-platformatic-${process.pid}-${++groups}`, heartbeatInterval: 500, sessionTimeout: 10_000 });
      const out: ConsumedRec[] = [];
      try {
        const stream = await consumer.consume({ topics: [req.topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
        try {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, req.timeoutMs);
            stream.on('error', reject);
            stream.on('data', (m) => {
              if (m.partition !== req.partition || out.length >= req.count) return;
              out.push({
                offset: Number(m.offset),
                timestamp: Number(m.timestamp),
                key: m.key === undefined || m.key === null ? null : str(m.key),
                value: str(m.value) ?? '',
                headers: [...m.headers].map(([k, v]) => [str(k) ?? '', str(v) ?? '']),
              });
              if (out.length >= req.count) {
                clearTimeout(timer);
                resolve();
              }
            });
          });
        } finally {
          await stream.close();
        }
      } finally {
        await consumer.close();
      }
      return { records: out };
    }
    case 'offsets':
      return withConsumer(req.bootstrap, async (consumer) => {
        const partitions = { [req.topic]: [req.partition] };
        const at = async (timestamp: bigint) => (await consumer.listOffsetsWithTimestamps({ topics: [req.topic], partitions, timestamp })).get(req.topic)!.get(req.partition)!;
        const earliest = await at(-2n);
        const latest = await at(-1n);
        const byTimestamp: OffsetsResult['byTimestamp'] = [];
        for (const t of req.timestamps) {
          const o = await at(BigInt(t));
          byTimestamp.push(o.offset < 0n ? null : { offset: Number(o.offset), timestamp: Number(o.timestamp) });
        }
        return { earliest: Number(earliest.offset), latest: Number(latest.offset), byTimestamp } satisfies OffsetsResult;
      });
  }
}

interopSuite({
  name: 'platformatic-kafka',
  codecs: CODECS_HERE,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: true,
  adapter: { op },
});
