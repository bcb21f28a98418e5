// ListOffsets by timestamp and MAX_TIMESTAMP at record level (Kafka's semantics) on both engines:
// multi-record batches with unordered timestamps, every codec, LogAppendTime topics, a log start
// offset inside a batch, ties, and (file engine) the same answers after clean and unclean restarts.
import { afterEach, describe, expect, it } from 'vitest';
import { compress } from '../../host/compression/index.js';
import type { LogConfig } from '../../host/storage/config.js';
import { ListOffsetsTimestamp, type PartitionLog } from '../../host/storage/types.js';
import { testCore } from './helpers/core.js';
import { ENGINES, makeEngine, type EngineHandle } from './helpers/engines.js';

const core = testCore();
const MAX = ListOffsetsTimestamp.MAX_TIMESTAMP;

/** One batch whose records carry `timestamps` (in record order), compressed with `codec`. */
async function batch(timestamps: number[], codec = 0): Promise<Uint8Array> {
  const section = core.encodeRecordsSection(timestamps.map((t, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value-${t}-${i}`), timestamp: t })));
  const payload = codec === 0 ? section.records : await compress(codec, section.records);
  return core.buildBatch(payload, { ...section, compression: codec });
}

/** Reference answer from the records themselves: the first offset >= from with timestamp >= ts. */
function expectedAt(all: Array<[bigint, number]>, ts: number, from = 0n): { offset: bigint; timestamp: bigint } | null {
  for (const [o, t] of all) if (o >= from && t >= ts) return { offset: o, timestamp: BigInt(t) };
  return null;
}

describe.each(ENGINES)('ListOffsets at record level: %s engine', (kind) => {
  let h: EngineHandle;
  let now = 1_000_000;
  afterEach(async () => h?.cleanup());
  const make = async (config: Partial<LogConfig> = {}): Promise<PartitionLog> => {
    h = await makeEngine(kind, { clock: () => now });
    return h.storage.createPartition('t', 0, { indexIntervalBytes: 0, segmentBytes: 1500, ...config });
  };

  for (const codec of [0, 1, 2, 3, 4]) {
    it(`finds the first record at or after a timestamp inside multi-record batches (codec ${codec})`, async () => {
      const log = await make();
      // Timestamps inside a batch are not ordered; the batch max is not its last record.
      const all: Array<[bigint, number]> = [];
      for (let b = 0; b < 12; b++) {
        const base = 10_000 + b * 100;
        const ts = [base + 50, base + 10, base + 90, base + 30];
        const r = await log.append(await batch(ts, codec));
        ts.forEach((t, i) => all.push([r.baseOffset + BigInt(i), t]));
      }
      expect(log.segmentCount).toBeGreaterThan(1);
      for (const target of [0, 10_000, 10_011, 10_051, 10_089, 10_090, 10_091, 10_500, 10_555, 11_190]) {
        const got = await log.listOffsets(BigInt(target));
        expect(got && { offset: got.offset, timestamp: got.timestamp }, `target ${target}`).toEqual(expectedAt(all, target));
      }
      expect(await log.listOffsets(11_191n)).toBeNull();
      // The largest timestamp is record 2 of the last batch (not the batch's last offset).
      expect(await log.listOffsets(MAX)).toMatchObject({ offset: 46n, timestamp: 11_190n });
    });
  }

  it('MAX_TIMESTAMP: the first record carrying the largest timestamp, in the earliest batch that has it', async () => {
    const log = await make();
    await log.append(await batch([5, 7, 6]));
    await log.append(await batch([900, 100, 900, 3], 4)); // offsets 3-6: the max first appears at 3
    await log.append(await batch([900, 1])); // a tie in a later batch does not win
    await log.append(await batch([8]));
    expect(await log.listOffsets(MAX)).toMatchObject({ offset: 3n, timestamp: 900n });
    await log.append(await batch([2, 901, 901], 1));
    expect(await log.listOffsets(MAX)).toMatchObject({ offset: 11n, timestamp: 901n });
    expect((await log.listOffsets(MAX))!.leaderEpoch).toBe(log.leaderEpoch);
  });

  it('answers with the batch leader epoch', async () => {
    const log = await make();
    log.leaderEpoch = 3;
    await log.append(await batch([100, 200]));
    log.leaderEpoch = 5;
    await log.append(await batch([300, 400]));
    expect(await log.listOffsets(150n)).toMatchObject({ offset: 1n, timestamp: 200n, leaderEpoch: 3 });
    expect(await log.listOffsets(250n)).toMatchObject({ offset: 2n, timestamp: 300n, leaderEpoch: 5 });
  });

  it('skips records below the log start offset, even inside a batch', async () => {
    const log = await make();
    await log.append(await batch([100, 200, 300, 400]));
    await log.append(await batch([500, 600]));
    expect(await log.listOffsets(150n)).toMatchObject({ offset: 1n, timestamp: 200n });
    await log.deleteRecords(2n);
    expect(await log.listOffsets(150n)).toMatchObject({ offset: 2n, timestamp: 300n });
    expect(await log.listOffsets(0n)).toMatchObject({ offset: 2n, timestamp: 300n });
    await log.deleteRecords(4n);
    expect(await log.listOffsets(150n)).toMatchObject({ offset: 4n, timestamp: 500n });
  });

  for (const codec of [0, 3]) {
    it(`LogAppendTime topics: every record carries the batch time (codec ${codec})`, async () => {
      const log = await make({ timestampType: 'LogAppendTime' });
      now = 5_000;
      await log.append(await batch([1, 2, 3], codec)); // 0-2 at 5000
      now = 6_000;
      await log.append(await batch([99_999, 4], codec)); // 3-4 at 6000 (client times are replaced)
      now = 6_000;
      await log.append(await batch([7, 8, 9], codec)); // 5-7 at 6000: a tie with the previous batch
      expect(await log.listOffsets(4_000n)).toMatchObject({ offset: 0n, timestamp: 5_000n });
      expect(await log.listOffsets(5_001n)).toMatchObject({ offset: 3n, timestamp: 6_000n });
      expect(await log.listOffsets(6_001n)).toBeNull();
      // KIP-734 with LogAppendTime: the first record of the earliest batch with the largest time.
      expect(await log.listOffsets(MAX)).toMatchObject({ offset: 3n, timestamp: 6_000n });
      await log.deleteRecords(4n);
      expect(await log.listOffsets(5_001n)).toMatchObject({ offset: 4n, timestamp: 6_000n });
    });
  }

  it('empty log: nothing by time, nothing for MAX_TIMESTAMP', async () => {
    const log = await make();
    expect(await log.listOffsets(0n)).toBeNull();
    expect(await log.listOffsets(MAX)).toBeNull();
  });
});

describe('ListOffsets at record level: file engine restarts', () => {
  for (const clean of [true, false]) {
    it(`gives the same answers after a${clean ? ' clean' : 'n unclean'} restart (indexes ${clean ? 'loaded' : 'rebuilt'})`, async () => {
      const h = await makeEngine('file');
      try {
        const log = await h.storage.createPartition('t', 0, { indexIntervalBytes: 200, segmentBytes: 2000 });
        for (let b = 0; b < 20; b++) await log.append(await batch([b * 10 + 7, b * 10 + 2, b * 10 + 5], b % 5));
        const targets = [0n, 3n, 6n, 8n, 95n, 103n, 150n, 197n, MAX];
        const before = await Promise.all(targets.map((t) => log.listOffsets(t)));
        if (!clean) {
          // Unclean: drop the storage without closing it (no marker, indexes rebuilt from the .log).
          const s = h.storage as unknown as { getLog(t: string, p: number): { segments: Array<{ abandon(): Promise<void> }> } };
          for (const seg of s.getLog('t', 0).segments) await seg.abandon();
          (h.storage as unknown as { close(): Promise<void> }).close = async () => undefined;
        }
        const s2 = await h.reopen!();
        const log2 = s2.getPartition('t', 0)!;
        const after = await Promise.all(targets.map((t) => log2.listOffsets(t)));
        expect(after).toEqual(before);
        expect(before[targets.length - 1]).toMatchObject({ offset: 57n, timestamp: 197n });
        expect(before[1]).toMatchObject({ offset: 0n, timestamp: 7n });
        expect(before[3]).toMatchObject({ offset: 3n, timestamp: 17n });
      } finally {
        await h.cleanup();
      }
    });
  }
});
