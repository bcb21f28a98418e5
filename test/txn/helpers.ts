// Test helpers for transactions over the wire: a raw transactional producer (InitProducerId,
// AddPartitionsToTxn, Produce of transactional batches built by the core, EndTxn) and a fetcher
// that applies read_committed the way Kafka's consumer does (aborted transactions from the Fetch
// response, control batches dropped).
import { ApiKey } from '../../host/protocol/generated/index.js';
import { Attr, type Core } from '../../host/core/types.js';
import type { TestClient } from '../helpers/broker.js';

export const enc = (s: string) => new TextEncoder().encode(s);
export const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface RawTxnProducer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  /** Next sequence per partition. */
  seq: Map<string, number>;
}

export async function initTxn(c: TestClient, transactionalId: string, timeoutMs = 60_000, version = 4): Promise<RawTxnProducer & { errorCode: number }> {
  for (let i = 0; i < 50; i++) {
    const r = await c.send(ApiKey.InitProducerId, version, { transactionalId, transactionTimeoutMs: timeoutMs });
    if (r.errorCode === 51 /* CONCURRENT_TRANSACTIONS */) {
      await new Promise((res) => setTimeout(res, 20));
      continue;
    }
    return { errorCode: r.errorCode, transactionalId, producerId: r.producerId, producerEpoch: r.producerEpoch, seq: new Map() };
  }
  throw new Error('InitProducerId kept answering CONCURRENT_TRANSACTIONS');
}

export async function addPartitions(c: TestClient, p: RawTxnProducer, parts: Array<[string, number]>, version = 3): Promise<number[]> {
  const byTopic = new Map<string, number[]>();
  for (const [t, n] of parts) byTopic.set(t, [...(byTopic.get(t) ?? []), n]);
  const r = await c.send(ApiKey.AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  });
  return r.resultsByTopicV3AndBelow.flatMap((t) => t.resultsByPartition.map((x) => x.partitionErrorCode));
}

/** Produces one transactional batch; returns the partition's error code and base offset. */
export async function produceTxn(
  c: TestClient,
  core: Core,
  p: RawTxnProducer,
  topic: string,
  partition: number,
  values: string[],
  opts: { version?: number; transactionalId?: string | null; epoch?: number; transactional?: boolean } = {},
): Promise<{ errorCode: number; baseOffset: bigint; errorMessage: string | null }> {
  const key = `${topic}:${partition}`;
  const seq = p.seq.get(key) ?? 0;
  const batch = core.encodeBatch(
    values.map((v) => ({ value: enc(v) })),
    { transactional: opts.transactional ?? true, producerId: p.producerId, producerEpoch: opts.epoch ?? p.producerEpoch, baseSequence: seq },
  );
  const version = opts.version ?? 9;
  const r = await c.send(ApiKey.Produce, version, {
    transactionalId: opts.transactionalId === undefined ? p.transactionalId : opts.transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  });
  const pr = r.responses[0]!.partitionResponses[0]!;
  if (pr.errorCode === 0) p.seq.set(key, seq + values.length);
  return { errorCode: pr.errorCode, baseOffset: pr.baseOffset, errorMessage: version >= 8 ? pr.errorMessage : null };
}

export async function endTxn(c: TestClient, p: RawTxnProducer, commit: boolean, version = 3): Promise<{ errorCode: number; producerId: bigint; producerEpoch: number }> {
  const r = await c.send(ApiKey.EndTxn, version, { transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed: commit });
  if (version >= 5 && r.errorCode === 0) {
    p.producerId = r.producerId;
    p.producerEpoch = r.producerEpoch;
    p.seq.clear();
  }
  return { errorCode: r.errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
}

export interface Fetched {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  aborted: Array<{ producerId: bigint; firstOffset: bigint }>;
  /** Records as a consumer at this isolation level sees them: [offset, value]. */
  records: Array<[bigint, string | null]>;
  /** Every batch returned (control batches included). */
  batches: Array<{ baseOffset: bigint; lastOffset: bigint; producerId: bigint; control: boolean; transactional: boolean }>;
}

/** One Fetch (v12) from `offset`, filtered as Kafka's consumer filters it. */
export async function fetchPartition(c: TestClient, core: Core, topic: string, partition: number, isolation: number, offset = 0n): Promise<Fetched> {
  const f = await c.send(ApiKey.Fetch, 12, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 24,
    isolationLevel: isolation,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 24 }] }],
  });
  const p = f.responses[0]!.partitions[0]!;
  const aborted = (p.abortedTransactions ?? []).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
  const out: Fetched = { errorCode: p.errorCode, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, aborted, records: [], batches: [] };
  const bytes = p.records ?? new Uint8Array(0);
  if (bytes.length === 0) return out;
  const scan = core.validateBatches(bytes);
  // Kafka's consumer: aborted transactions sorted by first offset enter the "aborted producers" set
  // as the fetch position passes them; the producer's ABORT marker takes it out again.
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedPids = new Set<bigint>();
  for (const d of scan.batches) {
    const lastOffset = d.baseOffset + BigInt(d.lastOffsetDelta);
    const control = (d.attributes & Attr.CONTROL) !== 0;
    const transactional = (d.attributes & Attr.TRANSACTIONAL) !== 0;
    out.batches.push({ baseOffset: d.baseOffset, lastOffset, producerId: d.producerId, control, transactional });
    if (lastOffset < offset) continue;
    if (isolation === READ_COMMITTED) {
      while (pending.length > 0 && pending[0]!.firstOffset <= lastOffset) abortedPids.add(pending.shift()!.producerId);
      if (control) {
        const batch = bytes.subarray(d.position, d.position + d.size);
        if (core.readControl(batch).type === 0) abortedPids.delete(d.producerId);
        continue;
      }
      if (transactional && abortedPids.has(d.producerId)) continue;
    } else if (control) {
      continue;
    }
    for (const r of core.decodeRecords(bytes.subarray(d.position, d.position + d.size))) {
      const o = d.baseOffset + BigInt(r.offsetDelta);
      if (o >= offset) out.records.push([o, dec(r.value)]);
    }
  }
  return out;
}

/** Fetches everything from `offset` up to the (stable) end, in several fetches if needed. */
export async function readAll(c: TestClient, core: Core, topic: string, partition: number, isolation: number): Promise<Array<[bigint, string | null]>> {
  const out: Array<[bigint, string | null]> = [];
  let offset = 0n;
  for (;;) {
    const f = await fetchPartition(c, core, topic, partition, isolation, offset);
    if (f.errorCode !== 0) throw new Error(`fetch error ${f.errorCode}`);
    out.push(...f.records);
    const last = f.batches[f.batches.length - 1];
    if (!last || last.lastOffset + 1n <= offset) return out;
    offset = last.lastOffset + 1n;
  }
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
