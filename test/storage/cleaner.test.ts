// Log compaction on both engines: the latest value per key wins, offsets never change, tombstones
// expire after delete.retention.ms, compressed batches (gzip, snappy, lz4, zstd) are handled.
import { afterEach, describe, expect, it } from 'vitest';
import { compress, decompress } from '../../host/compression/index.js';
import type { RecordInput } from '../../host/core/types.js';
import { BatchStatus } from '../../host/core/types.js';
import type { LogConfig } from '../../host/storage/config.js';
import type { PartitionLog } from '../../host/storage/types.js';
import { concat } from './helpers/batches.js';
import { testCore } from './helpers/core.js';
import { ENGINES, makeEngine, type EngineHandle } from './helpers/engines.js';

const core = testCore();

async function batch(records: RecordInput[], codec = 0, producer?: { id: bigint; seq: number }): Promise<Uint8Array> {
  const section = core.encodeRecordsSection(records);
  const payload = codec === 0 ? section.records : await compress(codec, section.records);
  return core.buildBatch(payload, {
    ...section,
    compression: codec,
    ...(producer ? { producerId: producer.id, producerEpoch: 0, baseSequence: producer.seq } : {}),
  });
}

const rec = (key: string, value: string | null, ts: number): RecordInput => ({ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: ts });

/** Every record in the log as offset -> [key, value], decoded through the core. */
async function dump(log: PartitionLog): Promise<Map<bigint, [string, string | null]>> {
  const out = new Map<bigint, [string, string | null]>();
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: 1 << 20 });
    if (r.size === 0) break;
    const bytes = concat(r.records);
    const scan = core.validateBatches(bytes);
    expect(scan.status).toBe(BatchStatus.OK);
    for (const d of scan.batches) {
      const b = bytes.subarray(d.position, d.position + d.size);
      const codec = d.attributes & 7;
      const views = codec === 0 ? core.decodeRecords(b) : core.decodeRecordsSection(await decompress(codec, b.subarray(61)), d.recordCount, d.lastOffsetDelta);
      for (const v of views) {
        out.set(d.baseOffset + BigInt(v.offsetDelta), [Buffer.from(v.key!).toString(), v.value ? Buffer.from(v.value).toString() : null]);
      }
    }
    next = r.nextOffset;
  }
  return out;
}

describe.each(ENGINES)('log compaction: %s engine', (kind) => {
  let h: EngineHandle;
  let now = 1_700_000_000_000;
  const config: Partial<LogConfig> = { cleanupPolicy: 'compact', segmentBytes: 700, minCleanableDirtyRatio: 0, deleteRetentionMs: 60_000 };
  afterEach(async () => h?.cleanup());

  for (const codec of [0, 1, 2, 3, 4]) {
    it(`keeps the latest value per key with offsets unchanged (codec ${codec})`, async () => {
      h = await makeEngine(kind, { clock: () => now });
      const log = await h.storage.createPartition('c', 0, config);
      const expected = new Map<string, [bigint, string]>();
      for (let i = 0; i < 40; i++) {
        const keys = [`k${i % 7}`, `k${(i * 3) % 7}`];
        const r = await log.append(await batch(keys.map((k, j) => rec(k, `v${i}-${j}`, now)), codec));
        keys.forEach((k, j) => expected.set(k, [r.baseOffset + BigInt(j), `v${i}-${j}`]));
      }
      const before = await dump(log);
      expect(log.segmentCount).toBeGreaterThan(2);
      const rep = await log.maintenance(now);
      expect(rep.compacted).toBe(true);
      const after = await dump(log);
      expect(after.size).toBeLessThan(before.size);
      // Every surviving record is at its original offset with its original value.
      for (const [o, kv] of after) expect(before.get(o)).toEqual(kv);
      // Per key: the closed segments keep only the latest; the active segment is untouched.
      const lastClosedEnd = (log as unknown as { segments: Array<{ nextOffset: bigint }> }).segments.at(-2)!.nextOffset;
      const perKey = new Map<string, bigint[]>();
      for (const [o, [k]] of after) if (o < lastClosedEnd) perKey.set(k, [...(perKey.get(k) ?? []), o]);
      for (const offs of perKey.values()) expect(offs.length).toBe(1);
      for (const [k, [o, v]] of expected) {
        expect(after.get(o)).toEqual([k, v]);
      }
      expect(log.logEndOffset).toBe(80n);
      // Appends and reads go on.
      expect((await log.append(await batch([rec('k1', 'new', now)], codec))).baseOffset).toBe(80n);
      expect((await log.maintenance(now)).compacted).toBe(false);
    });
  }

  it('removes tombstones only after delete.retention.ms', async () => {
    h = await makeEngine(kind, { clock: () => now });
    const log = await h.storage.createPartition('c', 0, config);
    for (let i = 0; i < 10; i++) await log.append(await batch([rec('a', `a${i}`, now), rec('b', `b${i}`, now)]));
    const tomb = await log.append(await batch([rec('a', null, now)]));
    for (let i = 0; i < 20; i++) await log.append(await batch([rec(`x${i}`, 'filler-value-to-roll-segments', now)]));
    await log.maintenance(now);
    let after = await dump(log);
    expect(after.get(tomb.baseOffset)).toEqual(['a', null]);
    expect([...after.values()].filter(([k]) => k === 'a')).toEqual([['a', null]]);
    now += 61_000;
    // New dirty data so that the cleaner runs again.
    for (let i = 0; i < 20; i++) await log.append(await batch([rec(`y${i}`, 'filler-value-to-roll-segments', now)]));
    await log.maintenance(now);
    after = await dump(log);
    expect(after.has(tomb.baseOffset)).toBe(false);
    expect([...after.values()].filter(([k]) => k === 'a')).toEqual([]);
    expect([...after.values()].filter(([k]) => k === 'b')).toEqual([['b', 'b9']]);
  });

  it('keeps the last batch of an idempotent producer even when all its records are superseded', async () => {
    h = await makeEngine(kind, { clock: () => now });
    const log = await h.storage.createPartition('c', 0, config);
    const p = await log.append(await batch([rec('k', 'from-producer', now)], 0, { id: 77n, seq: 0 }));
    for (let i = 0; i < 30; i++) await log.append(await batch([rec('k', `later-${i}`, now)]));
    await log.maintenance(now);
    const r = await log.read(p.baseOffset, { maxBytes: 1 });
    const d = core.validateBatches(concat(r.records)).batches[0]!;
    expect(d.producerId).toBe(77n);
    expect(d.baseOffset).toBe(p.baseOffset);
  });
});

describe('log compaction: file engine durability', () => {
  it('compacted segments survive a restart in place of the originals', async () => {
    const h = await makeEngine('file');
    try {
      const log = await h.storage.createPartition('c', 0, { cleanupPolicy: 'compact', segmentBytes: 1500, minCleanableDirtyRatio: 0 });
      for (let i = 0; i < 40; i++) await log.append(await batch([rec(`k${i % 3}`, `v${i}`, Date.now())], 3));
      await log.maintenance();
      const before = await dump(log);
      const s2 = await h.reopen!();
      const log2 = s2.getPartition('c', 0)!;
      expect(await dump(log2)).toEqual(before);
      expect(log2.logEndOffset).toBe(40n);
    } finally {
      await h.cleanup();
    }
  });
});

describe('log compaction: crash during the swap', () => {
  it('completes a .swap left by a crash and deletes .cleaned leftovers', async () => {
    const { readdirSync, readFileSync, writeFileSync, existsSync } = await import('node:fs');
    const { listBatches } = await import('./helpers/batches.js');
    const h = await makeEngine('file');
    try {
      const log = await h.storage.createPartition('c', 0, { segmentBytes: 700 });
      for (let i = 0; i < 30; i++) await log.append(await batch([rec(`k${i % 3}`, `value-${i}`, Date.now())]));
      const s = await h.reopen!();
      const dir = (s as unknown as { getLog(t: string, p: number): { segments: Array<{ path(e: string): string }> } }).getLog('c', 0).segments[0]!.path('.log').replace(/\/[^/]+$/, '');
      await h.storage.close();
      const seg0 = `${dir}/00000000000000000000.log`;
      const first = listBatches(readFileSync(seg0))[0]!;
      // The "compacted" copy keeps only the first batch; the crash left it as .swap beside a .cleaned index.
      writeFileSync(`${seg0}.swap`, readFileSync(seg0).subarray(0, first.size));
      writeFileSync(`${dir}/00000000000000000000.index.cleaned`, Buffer.alloc(8));
      const s2 = await h.reopen!();
      expect(readdirSync(dir).filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toEqual([]);
      expect(existsSync(seg0)).toBe(true);
      const log2 = s2.getPartition('c', 0)!;
      const all = await dump(log2);
      expect(all.has(0n)).toBe(true);
      expect(all.has(1n)).toBe(false);
      expect(all.get(29n)).toEqual(['k2', 'value-29']);
      // A read in the gap left by the compacted segment continues in the next segment.
      const r = await log2.read(1n, { maxBytes: 1 });
      expect(core.validateBatches(concat(r.records)).batches[0]!.baseOffset).toBeGreaterThan(1n);
    } finally {
      await h.cleanup();
    }
  });
});
