// A transaction checker in the spirit of Jepsen's Kafka workload: concurrent transactional
// producers (transaction versions 0 and 2) write unique values to several partitions, randomly
// committing, aborting, or being killed mid-transaction (a new instance of the same transactional
// id takes over and the killed one tries to write once more, as a zombie); read_committed consumers
// poll all the while. Afterwards every observation is checked against what the producers were
// told, and each anomaly class must be empty:
//
//   aborted reads    a value of an aborted or killed transaction seen by a read_committed consumer
//   lost writes      a value of a committed transaction missing from the final read
//   duplicates       a value at more than one offset, or seen twice by one consumer
//   non-monotonic    a consumer seeing offsets go backwards in a partition
//   skipped          a consumer jumping over a committed record (present in the final read)
//   inconsistent     two reads disagreeing about which value is at an offset
//   zombie writes    a write of a killed (fenced) instance accepted by the broker
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import type { Core } from '../../host/core/types.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';
import { READ_COMMITTED, addPartitions, endTxn, fetchPartition, initTxn, produceTxn, type RawTxnProducer } from './helpers.js';

const TOPIC = 'jepsen';
const PARTITIONS = 3;
const PRODUCERS = 4;
const TXNS_PER_PRODUCER = 30;
const CONSUMERS = 2;

/** Deterministic PRNG (mulberry32), so a failing run can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'committed' | 'aborted' | 'killed' | 'unknown';

interface History {
  /** value → outcome of its transaction */
  outcome: Map<string, Outcome>;
  zombieAccepted: string[];
  stats: { committed: number; aborted: number; killed: number; unknown: number; records: number };
}

async function producerTask(port: number, core: Core, id: number, seed: number, h: History): Promise<void> {
  const rand = rng(seed);
  const tv = id % 2 === 0 ? 2 : 0; // half the producers end transactions with EndTxn v5 (epoch bump)
  const endVersion = tv === 2 ? 5 : 3;
  const txnId = `checker-${id}`;
  let c = await TestClient.connect(port);
  let p: RawTxnProducer = await initTxn(c, txnId, 60_000);
  for (let n = 0; n < TXNS_PER_PRODUCER; n++) {
    const values: string[] = [];
    const parts = new Set<number>();
    const count = 1 + Math.floor(rand() * 6);
    const writes: Array<[number, string]> = [];
    for (let k = 0; k < count; k++) {
      const part = Math.floor(rand() * PARTITIONS);
      const v = `p${id}-t${n}-r${k}`;
      writes.push([part, v]);
      parts.add(part);
    }
    const codes = await addPartitions(c, p, [...parts].map((x) => [TOPIC, x] as [string, number]));
    if (codes.some((x) => x !== 0)) throw new Error(`AddPartitionsToTxn failed: ${codes}`);
    // Batches per partition, several produce requests in flight at once.
    const byPart = new Map<number, string[]>();
    for (const [part, v] of writes) byPart.set(part, [...(byPart.get(part) ?? []), v]);
    await Promise.all(
      [...byPart].map(async ([part, vs]) => {
        const r = await produceTxn(c, core, p, TOPIC, part, vs);
        if (r.errorCode !== 0) throw new Error(`produce failed: ${r.errorCode} ${r.errorMessage}`);
        values.push(...vs);
      }),
    );
    h.stats.records += values.length;
    const dice = rand();
    if (dice < 0.12) {
      // Killed mid-transaction: a new instance takes over (fencing and aborting this one) and
      // the old one, a zombie, tries once more.
      for (const v of values) h.outcome.set(v, 'killed');
      h.stats.killed++;
      const zombie = p;
      const zc = c;
      c = await TestClient.connect(port);
      p = await initTxn(c, txnId, 60_000);
      const zv = `p${id}-t${n}-zombie`;
      const zr = await produceTxn(zc, core, zombie, TOPIC, [...parts][0]!, [zv]);
      h.outcome.set(zv, 'killed');
      if (zr.errorCode === 0) h.zombieAccepted.push(zv);
      const ze = await endTxn(zc, zombie, true, endVersion);
      if (ze.errorCode === 0) h.zombieAccepted.push(`${zv}-commit`);
      zc.close();
      continue;
    }
    const commit = dice >= 0.37;
    const r = await endTxn(c, p, commit, endVersion);
    const outcome: Outcome = r.errorCode !== 0 ? 'unknown' : commit ? 'committed' : 'aborted';
    for (const v of values) h.outcome.set(v, outcome);
    h.stats[outcome]++;
  }
  c.close();
}

interface Observation {
  consumer: number;
  partition: number;
  offset: bigint;
  value: string;
}

async function consumerTask(port: number, core: Core, id: number, stop: { done: boolean }, out: Observation[]): Promise<void> {
  const c = await TestClient.connect(port);
  const pos = new Array<bigint>(PARTITIONS).fill(0n);
  while (!stop.done) {
    for (let part = 0; part < PARTITIONS; part++) {
      const f = await fetchPartition(c, core, TOPIC, part, READ_COMMITTED, pos[part]!);
      if (f.errorCode !== 0) throw new Error(`fetch error ${f.errorCode}`);
      for (const [offset, value] of f.records) out.push({ consumer: id, partition: part, offset, value: value! });
      const last = f.batches[f.batches.length - 1];
      if (last) pos[part] = last.lastOffset + 1n;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  // A last pass up to the end.
  for (let part = 0; part < PARTITIONS; part++) {
    for (;;) {
      const f = await fetchPartition(c, core, TOPIC, part, READ_COMMITTED, pos[part]!);
      for (const [offset, value] of f.records) out.push({ consumer: id, partition: part, offset, value: value! });
      const last = f.batches[f.batches.length - 1];
      if (!last) break;
      pos[part] = last.lastOffset + 1n;
    }
  }
  c.close();
}

describe.each(['memory', 'file'] as const)('transaction checker (Jepsen-style), %s storage', (storage) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker({ storage, config: { 'transaction.state.log.num.partitions': 5 } });
    const c = await TestClient.connect(broker.port);
    await c.send(ApiKey.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }], timeoutMs: 1000 });
    c.close();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('finds no aborted reads, lost writes, duplicates, non-monotonic or skipped offsets', async () => {
    const core = broker.services.core;
    const seed = Number(process.env.KWASM_CHECKER_SEED ?? 20240611);
    const h: History = { outcome: new Map(), zombieAccepted: [], stats: { committed: 0, aborted: 0, killed: 0, unknown: 0, records: 0 } };
    const stop = { done: false };
    const observations: Observation[] = [];
    const consumers = Array.from({ length: CONSUMERS }, (_, i) => consumerTask(broker.port, core, i, stop, observations));
    await Promise.all(Array.from({ length: PRODUCERS }, (_, i) => producerTask(broker.port, core, i, seed + i, h)));
    // Let every transaction complete (markers), then stop the consumers.
    const txn = broker.services.transactions!;
    for (let i = 0; i < PRODUCERS; i++) await txn.whenCompleted(`checker-${i}`, 5000);
    stop.done = true;
    await Promise.all(consumers);

    // The final, authoritative read of every partition.
    const finalByPart: Array<Map<bigint, string>> = [];
    const fc = await TestClient.connect(broker.port);
    for (let part = 0; part < PARTITIONS; part++) {
      const m = new Map<bigint, string>();
      let offset = 0n;
      for (;;) {
        const f = await fetchPartition(fc, core, TOPIC, part, READ_COMMITTED, offset);
        for (const [o, v] of f.records) m.set(o, v!);
        const last = f.batches[f.batches.length - 1];
        if (!last) break;
        offset = last.lastOffset + 1n;
      }
      const log = broker.services.topics.partition(TOPIC, part)!;
      expect(log.lastStableOffset, 'every transaction ended: LSO = high watermark').toBe(log.highWatermark);
      finalByPart.push(m);
    }
    fc.close();

    const anomalies = {
      abortedReads: [] as string[],
      lostWrites: [] as string[],
      duplicates: [] as string[],
      nonMonotonic: [] as string[],
      skipped: [] as string[],
      inconsistent: [] as string[],
      unknownValues: [] as string[],
      zombieWrites: h.zombieAccepted,
    };
    const where = new Map<string, string>();
    for (let part = 0; part < PARTITIONS; part++) {
      for (const [o, v] of finalByPart[part]!) {
        const at = `${part}@${o}`;
        if (where.has(v)) anomalies.duplicates.push(`${v} at ${where.get(v)} and ${at}`);
        where.set(v, at);
        const outcome = h.outcome.get(v);
        if (outcome === undefined) anomalies.unknownValues.push(v);
        else if (outcome === 'aborted' || outcome === 'killed') anomalies.abortedReads.push(`${v} (${outcome}) in the final read`);
      }
    }
    for (const [v, outcome] of h.outcome) if (outcome === 'committed' && !where.has(v)) anomalies.lostWrites.push(v);
    // Per consumer: monotonic offsets, no skips over committed records, consistent values.
    for (let cons = 0; cons < CONSUMERS; cons++) {
      for (let part = 0; part < PARTITIONS; part++) {
        const seen = observations.filter((o) => o.consumer === cons && o.partition === part);
        const final = [...finalByPart[part]!.keys()].sort((a, b) => (a < b ? -1 : 1));
        const index = new Map(final.map((o, i) => [o, i]));
        const values = new Set<string>();
        let prev: Observation | null = null;
        for (const o of seen) {
          const outcome = h.outcome.get(o.value);
          if (outcome === 'aborted' || outcome === 'killed') anomalies.abortedReads.push(`${o.value} (${outcome}) by consumer ${cons}`);
          if (values.has(o.value)) anomalies.duplicates.push(`${o.value} seen twice by consumer ${cons}`);
          values.add(o.value);
          const fv = finalByPart[part]!.get(o.offset);
          if (fv !== o.value) anomalies.inconsistent.push(`consumer ${cons} saw ${o.value} at ${part}@${o.offset}, final read has ${fv}`);
          if (prev) {
            if (o.offset <= prev.offset) anomalies.nonMonotonic.push(`consumer ${cons} ${part}: ${prev.offset} then ${o.offset}`);
            else if (index.has(o.offset) && index.has(prev.offset) && index.get(o.offset)! !== index.get(prev.offset)! + 1) {
              anomalies.skipped.push(`consumer ${cons} ${part}: ${prev.offset} → ${o.offset}`);
            }
          } else if (index.has(o.offset) && index.get(o.offset)! !== 0) {
            anomalies.skipped.push(`consumer ${cons} ${part}: started at ${o.offset}`);
          }
          prev = o;
        }
        // Each consumer read to the end: it saw every committed record of the partition.
        if (seen.length !== final.length) anomalies.lostWrites.push(`consumer ${cons} saw ${seen.length} of ${final.length} records in partition ${part}`);
      }
    }
    // The run must exercise every path.
    expect(h.stats.committed).toBeGreaterThan(10);
    expect(h.stats.aborted).toBeGreaterThan(5);
    expect(h.stats.killed).toBeGreaterThan(2);
    expect(h.stats.unknown).toBe(0);
    expect(observations.length).toBeGreaterThan(0);
    expect(anomalies).toEqual({ abortedReads: [], lostWrites: [], duplicates: [], nonMonotonic: [], skipped: [], inconsistent: [], unknownValues: [], zombieWrites: [] });
  });
});
