// @platformatic/kafka 1.x against kwasm, in-process: Admin.createTopics, a Producer per codec
// (zstd needs node:zlib's zstd, which Node 20 lacks, so it is left out), the idempotent producer,
// Consumer.listOffsets / listOffsetsWithTimestamps, and records read back with Consumer.fetch
// (Fetch v17, topic ids; its consume() streams join a consumer group, which kwasm does not have
// yet).
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import zlib from 'node:zlib';
import { CODECS, type Codec, type ConsumedRec } from './harness.js';
import { interopSuite, type OffsetsResult, type OpRequest, type ProduceResult } from './suite.js';

const CODECS_HERE: readonly Codec[] = CODECS.filter((c) => c !== 'zstd' || typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function');

const base = (bootstrap: string) => ({ clientId: 'kwasm-interop', bootstrapBrokers: [bootstrap], retries: 2, timeout: 10_000 });
const str = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

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
    case 'consume':
      return withConsumer(req.bootstrap, async (consumer) => {
        const meta = await consumer.metadata({ topics: [req.topic] });
        const t = meta.topics.get(req.topic)!;
        const leader = t.partitions[req.partition]!.leader;
        const out: ConsumedRec[] = [];
        const deadline = Date.now() + req.timeoutMs;
        let offset = 0n;
        while (out.length < req.count && Date.now() < deadline) {
          const r = await consumer.fetch({
            node: leader,
            maxWaitTime: 200,
            minBytes: 1,
            topics: [{ topicId: t.id, partitions: [{ partition: req.partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
          });
          const p = r.responses[0]!.partitions[0]!;
          if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
          for (const batch of p.records ?? []) {
            for (const rec of batch.records) {
              const o = batch.firstOffset + BigInt(rec.offsetDelta);
              if (o < offset) continue;
              out.push({
                offset: Number(o),
                timestamp: Number(batch.firstTimestamp + rec.timestampDelta),
                key: str(rec.key),
                value: str(rec.value) ?? '',
                headers: rec.headers.map(([k, v]) => [str(k) ?? '', str(v) ?? '']),
              });
              offset = o + 1n;
            }
          }
        }
        return { records: out };
      });
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
