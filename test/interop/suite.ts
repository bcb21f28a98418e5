// The one scenario every real client runs against an in-process kwasm broker (file storage, so
// the restart is real). A client plugs in as an adapter that performs these operations with the
// client's own API (a helper program speaking JSON, or the library in-process):
//   create   {topic, partitions}                     → topic created through the client's admin API
//                                                       (or auto-created through its metadata request)
//   produce  {topic, partition, groups, idempotent?}  → one producer per group, using group.codec;
//                                                       {offsets: number[][]} from delivery reports
//   consume  {topic, partition, count, timeoutMs}    → partition assigned, from the beginning
//                                                       (no consumer group); {records}
//   offsets  {topic, partition, timestamps}          → {earliest, latest, byTimestamp}
// The suite then checks what the client saw against what the broker stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { CODEC_ID, expectRecords, groupOffsets, killChildren, recentBase, recordsFor, storedBatches, type Codec, type ConsumedRec, type Rec, type RecordOptions } from './harness.js';

export interface ProduceRequest {
  op: 'produce';
  bootstrap: string;
  topic: string;
  partition: number;
  groups: Array<{ codec: Codec; records: Rec[] }>;
  idempotent?: boolean;
}

export type OpRequest =
  | { op: 'create'; bootstrap: string; topic: string; partitions: number }
  | ProduceRequest
  | { op: 'consume'; bootstrap: string; topic: string; partition: number; count: number; timeoutMs: number }
  | { op: 'offsets'; bootstrap: string; topic: string; partition: number; timestamps: number[] };

export interface ProduceResult {
  /** Per group, the offset of each record from the client's delivery reports; null when the client reports none (kcat). */
  offsets: number[][] | null;
}

export interface OffsetsResult {
  earliest: number;
  latest: number;
  /** timestamp null: the client reports the offset only. */
  byTimestamp: Array<{ offset: number; timestamp: number | null } | null>;
}

export interface ClientAdapter {
  /** Called once before the tests (build a helper, connect). */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  op(req: OpRequest): Promise<unknown>;
}

export interface ClientSpec {
  name: string;
  codecs: readonly Codec[];
  /** Topic created through the client's admin API; false: auto-created by its metadata request. */
  admin: boolean;
  /** The client can set record timestamps (by-timestamp lookups then use known timestamps). */
  timestamps: boolean;
  /** Offsets by timestamp through the client's API. */
  byTimestamp: boolean;
  idempotent: boolean;
  records?: RecordOptions;
  /** Extra tests with the running broker (client-specific features). */
  extra?: (ctx: SuiteContext) => void;
  /** Per-test timeout. */
  timeoutMs?: number;
  adapter: ClientAdapter;
}

export interface SuiteContext {
  broker(): TestBroker;
  op<T>(req: OpRequest): Promise<T>;
}

const PARTITION = 1;

export function interopSuite(spec: ClientSpec): void {
  const topic = `interop-${spec.name.replace(/[^a-zA-Z0-9]/g, '-')}`;
  const timeout = spec.timeoutMs ?? 30_000;
  let broker: TestBroker;
  const base = recentBase();
  const groups = spec.codecs.map((codec, j) => ({
    codec,
    records: recordsFor(codec, spec.name, { ...spec.records, ...(spec.timestamps ? { timestampBase: base + j * 10_000 } : {}) }),
  }));
  const firsts = groupOffsets(groups);
  const expected: Rec[] = groups.flatMap((g) => g.records);
  const produced: Rec[] = [];
  let consumed: ConsumedRec[] = [];
  const op = async <T>(req: OpRequest): Promise<T> => (await spec.adapter.op(req)) as T;
  const bootstrap = () => broker.bootstrap;
  /** The offsets the client's delivery reports gave, or (a client that reports none) the log end. */
  const expectOffsets = (r: ProduceResult, gs: Array<{ records: Rec[] }>, starts: number[]) => {
    const want = gs.map((g, j) => g.records.map((_, i) => starts[j]! + i));
    if (r.offsets !== null) expect(r.offsets, 'offsets from delivery reports').toEqual(want);
    else expect(broker.services.topics.partition(topic, PARTITION)!.highWatermark, 'log end after produce').toBe(BigInt(want.at(-1)!.at(-1)! + 1));
  };

  describe(`interop: ${spec.name}`, () => {
    beforeAll(async () => {
      // No initial rebalance delay: clients whose only consumer is a group consumer (KafkaJS) join at once.
      broker = await startTestBroker({ storage: 'file', config: { 'num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 } });
      await spec.adapter.setup?.();
    }, 600_000);

    afterAll(async () => {
      try {
        await spec.adapter.teardown?.();
      } finally {
        killChildren();
        await broker?.close();
      }
    });

    it(
      spec.admin ? 'creates a topic through its admin API' : 'auto-creates a topic through its metadata request',
      async () => {
        await op({ op: 'create', bootstrap: bootstrap(), topic, partitions: 2 });
        const meta = broker.services.topics.get(topic);
        expect(meta, `topic ${topic} exists on the broker`).toBeDefined();
        expect(meta!.partitions.length).toBe(2);
      },
      timeout,
    );

    it(
      `produces keyed records with headers under ${spec.codecs.join(', ')}, stored as produced`,
      async () => {
        const r = await op<ProduceResult>({ op: 'produce', bootstrap: bootstrap(), topic, partition: PARTITION, groups });
        expectOffsets(r, groups, firsts);
        produced.push(...expected);
        const batches = await storedBatches(broker, topic, PARTITION);
        for (const [j, g] of groups.entries()) {
          const from = firsts[j]!;
          const to = from + g.records.length - 1;
          const codecs = new Set(batches.filter((b) => b.lastOffset >= from && b.baseOffset <= to).map((b) => b.codec));
          expect([...codecs], `stored codec of the ${g.codec} records`).toEqual([CODEC_ID[g.codec]]);
        }
      },
      timeout,
    );

    it(
      'consumes them back from the beginning with exact keys, values, headers and offsets',
      async () => {
        const r = await op<{ records: ConsumedRec[] }>({ op: 'consume', bootstrap: bootstrap(), topic, partition: PARTITION, count: produced.length, timeoutMs: 15_000 });
        expectRecords(r.records, produced, 0, `${spec.name} consume`);
        consumed = r.records;
      },
      timeout,
    );

    it(
      spec.byTimestamp ? 'lists earliest, latest and by-timestamp offsets' : 'lists earliest and latest offsets',
      async () => {
        expect(consumed.length, 'the consume test ran').toBe(produced.length);
        // A timestamp inside the third group (or the middle record) picks a record inside a batch.
        const j = Math.min(2, groups.length - 1);
        const target = spec.timestamps ? base + j * 10_000 + 2_500 : consumed[Math.floor(consumed.length / 2)]!.timestamp;
        const wanted = consumed.find((c) => c.timestamp >= target)!;
        const r = await op<OffsetsResult>({
          op: 'offsets', bootstrap: bootstrap(), topic, partition: PARTITION,
          timestamps: spec.byTimestamp ? [target, 0, consumed.at(-1)!.timestamp + 60_000] : [],
        });
        expect(r.earliest).toBe(0);
        expect(r.latest).toBe(produced.length);
        if (spec.byTimestamp) {
          // Some clients report the offset only (timestamp null).
          const found = (i: number) => r.byTimestamp[i] && { offset: r.byTimestamp[i].offset, timestamp: r.byTimestamp[i].timestamp ?? undefined };
          const at = (c: ConsumedRec) => ({ offset: c.offset, timestamp: r.byTimestamp[0]?.timestamp === null ? undefined : c.timestamp });
          expect(found(0), `first offset at or after ${target}`).toEqual(at(wanted));
          if (spec.timestamps) expect(wanted.offset).toBe(firsts[j]! + 3);
          expect(found(1), 'first offset at or after timestamp 0').toEqual(at(consumed[0]!));
          expect(r.byTimestamp[2], 'a timestamp after every record').toBeNull();
        }
      },
      timeout,
    );

    if (spec.idempotent) {
      it(
        'produces with the idempotent producer: a producer id, sequences from 0, exact records back',
        async () => {
          const before = produced.length;
          const idem = [{ codec: 'none' as Codec, records: recordsFor('none', `${spec.name}-idempotent`, { ...spec.records, count: 4 }) }];
          if (spec.codecs.includes('lz4')) idem.push({ codec: 'lz4', records: recordsFor('lz4', `${spec.name}-idempotent`, { ...spec.records, count: 4 }) });
          const r = await op<ProduceResult>({ op: 'produce', bootstrap: bootstrap(), topic, partition: PARTITION, groups: idem, idempotent: true });
          const starts = groupOffsets(idem, before);
          expectOffsets(r, idem, starts);
          const batches = (await storedBatches(broker, topic, PARTITION)).filter((b) => b.baseOffset >= before);
          expect(batches.length).toBeGreaterThan(0);
          for (const b of batches) expect(b.producerId, `producer id of the batch at ${b.baseOffset}`).toBeGreaterThanOrEqual(0n);
          // Each group is one producer: its sequences start at 0 and follow the records.
          for (const [j, g] of idem.entries()) {
            const mine = batches.filter((b) => b.baseOffset >= starts[j]! && b.baseOffset < starts[j]! + g.records.length);
            let seq = 0;
            for (const b of mine) {
              expect(b.baseSequence, `sequence of the batch at ${b.baseOffset}`).toBe(seq);
              expect(b.codec).toBe(CODEC_ID[g.codec]);
              seq += b.records;
            }
            expect(seq).toBe(g.records.length);
          }
          produced.push(...idem.flatMap((g) => g.records));
          const back = await op<{ records: ConsumedRec[] }>({ op: 'consume', bootstrap: bootstrap(), topic, partition: PARTITION, count: produced.length, timeoutMs: 15_000 });
          expectRecords(back.records, produced, 0, `${spec.name} consume after idempotent produce`);
        },
        timeout,
      );
    }

    it(
      'reads everything back after a broker restart, and appends after it',
      async () => {
        broker = await broker.restart();
        const back = await op<{ records: ConsumedRec[] }>({ op: 'consume', bootstrap: bootstrap(), topic, partition: PARTITION, count: produced.length, timeoutMs: 15_000 });
        expectRecords(back.records, produced, 0, `${spec.name} consume after restart`);
        const more = [{ codec: spec.codecs.at(-1)!, records: recordsFor(spec.codecs.at(-1)!, `${spec.name}-after-restart`, { ...spec.records, count: 3 }) }];
        const r = await op<ProduceResult>({ op: 'produce', bootstrap: bootstrap(), topic, partition: PARTITION, groups: more, idempotent: spec.idempotent });
        expectOffsets(r, more, [produced.length]);
        produced.push(...more[0]!.records);
        const all = await op<{ records: ConsumedRec[] }>({ op: 'consume', bootstrap: bootstrap(), topic, partition: PARTITION, count: produced.length, timeoutMs: 15_000 });
        expectRecords(all.records, produced, 0, `${spec.name} consume after restart and produce`);
      },
      timeout,
    );

    spec.extra?.({ broker: () => broker, op });
  });
}
