// Log compaction on both engines: the latest value per key wins, offsets never change, tombstones
// expire after delete.retention.ms, compressed batches (gzip, snappy, lz4, zstd) are handled,
// aborted transactions and (later) transaction markers go, small cleaned segments merge, and the
// file engine's cleaner-offset-checkpoint spares a restart a second cleaning.
import { afterEach, describe, expect, it } from 'vitest';
import { compress, decompress } from '../../host/compression/index.js';
import type { RecordInput } from '../../host/core/types.js';
import { BatchStatus } from '../../host/core/types.js';
import type { LogConfig } from '../../host/storage/config.js';
import type { PartitionLog } from '../../host/storage/types.js';
import { concat, listBatches } from './helpers/batches.js';
import { testCore } from './helpers/core.js';
import { ENGINES, makeEngine, type EngineHandle } from './helpers/engines.js';

const core = testCore();

async function batch(records: RecordInput[], codec = 0, producer?: { id: bigint; seq: number; transactional?: boolean }): Promise<Uint8Array> {
  const section = core.encodeRecordsSection(records);
  const payload = codec === 0 ? section.records : await compress(codec, section.records);
  return core.buildBatch(payload, {
    ...section,
    compression: codec,
    ...(producer ? { producerId: producer.id, producerEpoch: 0, baseSequence: producer.seq, transactional: producer.transactional === true } : {}),
  });
}

/** Every batch header in the log (offsets, control flag, producer, record count). */
async function headers(log: PartitionLog): Promise<Array<{ baseOffset: bigint; control: boolean; producerId: bigint; recordCount: number; controlType: number }>> {
  const out = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: 1 << 20 });
    if (r.size === 0) break;
    for (const d of core.validateBatches(concat(r.records)).batches) {
      out.push({ baseOffset: d.baseOffset, control: (d.attributes & 0x20) !== 0, producerId: d.producerId, recordCount: d.recordCount, controlType: d.controlType ?? -1 });
    }
    next = r.nextOffset;
  }
  return out;
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

  it('removes the records of aborted transactions at once, and markers only when their data is gone and delete.retention.ms passed', async () => {
    h = await makeEngine(kind, { clock: () => now });
    const cfg: Partial<LogConfig> = { ...config, producerIdExpirationMs: 3_600_000 };
    const log = await h.storage.createPartition('c', 0, cfg);
    const t0 = now;
    const aborted = await log.append(await batch([rec('a', 'aborted-1', now), rec('b', 'aborted-2', now)], 1, { id: 5n, seq: 0, transactional: true }));
    const committed = await log.append(await batch([rec('c', 'committed', now)], 0, { id: 6n, seq: 0, transactional: true }));
    const abortMarker = await log.append(core.encodeControlBatch({ type: 0, coordinatorEpoch: 0, producerId: 5n, producerEpoch: 0, timestamp: now }), { origin: 'coordinator', controlType: 0 });
    const commitMarker = await log.append(core.encodeControlBatch({ type: 1, coordinatorEpoch: 0, producerId: 6n, producerEpoch: 0, timestamp: now }), { origin: 'coordinator', controlType: 1 });
    expect(await log.abortedTransactions(0n, log.logEndOffset)).toMatchObject([{ producerId: 5n, firstOffset: aborted.baseOffset, lastOffset: abortMarker.baseOffset }]);
    let filler = 0;
    const pass = async (): Promise<void> => {
      for (let i = 0; i < 12; i++) await log.append(await batch([rec(`x${filler++}`, 'filler-value-to-roll-segments', now)]));
      await log.maintenance(now);
    };
    await pass();
    let after = await dump(log);
    // Aborted records are gone at once; committed ones stay.
    expect([...after.values()].filter(([, v]) => v?.startsWith('aborted'))).toEqual([]);
    expect(after.get(committed.baseOffset)).toEqual(['c', 'committed']);
    let hs = await headers(log);
    // Producer 5 is still known: its last batch stays, emptied (its sequence survives a reload).
    expect(hs.find((b) => b.baseOffset === aborted.baseOffset)).toMatchObject({ producerId: 5n, recordCount: 0 });
    // Both markers stay while their transactions' batches exist (and they are not old enough).
    expect(hs.filter((b) => b.control).map((b) => b.baseOffset)).toEqual([abortMarker.baseOffset, commitMarker.baseOffset]);
    // read_committed fetches still learn about the aborted transaction while its marker stays.
    expect((await log.abortedTransactions(0n, log.logEndOffset)).map((t) => t.producerId)).toEqual([5n]);

    // The committed value is superseded; producers expire; delete.retention.ms passes.
    await log.append(await batch([rec('c', 'newer', now)]));
    now = t0 + 2 * 3_600_000;
    for (let i = 0; i < 4; i++) await pass();
    hs = await headers(log);
    expect(hs.filter((b) => b.control)).toEqual([]);
    expect(hs.some((b) => b.producerId === 5n || b.producerId === 6n)).toBe(false);
    after = await dump(log);
    expect([...after.values()].filter(([k]) => k === 'c')).toEqual([['c', 'newer']]);
    expect(await log.abortedTransactions(0n, log.logEndOffset)).toEqual([]);
  });

  it('keeps markers younger than delete.retention.ms even when their transaction has no data left', async () => {
    h = await makeEngine(kind, { clock: () => now });
    const log = await h.storage.createPartition('c', 0, { ...config, producerIdExpirationMs: 1000, deleteRetentionMs: 86_400_000 });
    await log.append(await batch([rec('a', 'x', now)], 0, { id: 8n, seq: 0, transactional: true }));
    const marker = await log.append(core.encodeControlBatch({ type: 0, coordinatorEpoch: 0, producerId: 8n, producerEpoch: 0, timestamp: now }), { origin: 'coordinator', controlType: 0 });
    now += 10_000;
    for (let p = 0; p < 3; p++) {
      for (let i = 0; i < 12; i++) await log.append(await batch([rec(`y${p}-${i}`, 'filler-value-to-roll-segments', now)]));
      await log.maintenance(now);
    }
    const hs = await headers(log);
    expect(hs.some((b) => b.producerId === 8n && !b.control)).toBe(false);
    expect(hs.filter((b) => b.control).map((b) => b.baseOffset)).toEqual([marker.baseOffset]);
  });

  it('merges small adjacent segments after cleaning (up to segment.bytes), offsets and values unchanged', async () => {
    h = await makeEngine(kind, { clock: () => now });
    const log = (await h.storage.createPartition('c', 0, { ...config, segmentBytes: 1000 })) as PartitionLog & { segments: Array<{ baseOffset: bigint; size: number }> };
    for (let i = 0; i < 120; i++) await log.append(await batch([rec(`k${i % 4}`, `value-${i}`, now)], i % 2 === 0 ? 0 : 3));
    const basesBefore = log.segments.map((s) => s.baseOffset);
    expect(basesBefore.length).toBeGreaterThan(8);
    const before = await dump(log);
    await log.maintenance(now);
    const after = await dump(log);
    for (const [o, kv] of after) expect(before.get(o)).toEqual(kv);
    // Only the latest per key survives in the closed segments, which merged into a few.
    expect(log.segments.length).toBeLessThan(4);
    for (const s of log.segments) expect(basesBefore).toContain(s.baseOffset);
    for (const s of log.segments.slice(0, -1)) expect(s.size).toBeLessThanOrEqual(1000);
    // Every offset is still readable from where it was (gaps continue at the next batch).
    for (let o = 0n; o < log.logEndOffset; o += 5n) {
      const r = await log.read(o, { maxBytes: 1 });
      const b = listBatches(concat(r.records))[0]!;
      expect(b.lastOffset).toBeGreaterThanOrEqual(o);
    }
    expect((await log.append(await batch([rec('k1', 'more', now)]))).baseOffset).toBe(120n);
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
    expect(d.baseSequence).toBe(0);
    expect(d.recordCount).toBe(0); // emptied, as Kafka's RETAIN_EMPTY: the superseded record is gone
    expect((await dump(log)).has(p.baseOffset)).toBe(false);
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

describe('log compaction: cleaner-offset-checkpoint', () => {
  it('is written after cleaning and read at start, so a restart does not clean again', async () => {
    const { readFileSync, unlinkSync } = await import('node:fs');
    const h = await makeEngine('file');
    try {
      const log = await h.storage.createPartition('c', 0, { cleanupPolicy: 'compact', segmentBytes: 700 });
      for (let i = 0; i < 40; i++) await log.append(await batch([rec(`k${i % 3}`, `v${i}`, Date.now())]));
      await h.storage.maintenance();
      const l = (h.storage as unknown as { getLog(t: string, p: number): { cleanerOffset: bigint; segments: Array<{ path(e: string): string }> } }).getLog('c', 0);
      const end = l.cleanerOffset;
      expect(end).toBeGreaterThan(0n);
      const logDir = l.segments[0]!.path('.log').replace(/\/[^/]+\/[^/]+$/, '');
      // Kafka's checkpoint format: version, count, "topic partition offset".
      expect(readFileSync(`${logDir}/cleaner-offset-checkpoint`, 'utf8')).toBe(`0\n1\nc 0 ${end}\n`);
      expect((await log.maintenance()).compacted).toBe(false);

      const s2 = await h.reopen!();
      const log2 = s2.getPartition('c', 0)!;
      log2.updateConfig({ cleanupPolicy: 'compact', segmentBytes: 700 }); // topic configs are the broker's to apply
      expect((log2 as unknown as { cleanerOffset: bigint }).cleanerOffset).toBe(end);
      expect((await log2.maintenance()).compacted).toBe(false);
      // Without the checkpoint everything is dirty again: the cleaner runs.
      await h.storage.close();
      unlinkSync(`${logDir}/cleaner-offset-checkpoint`);
      const s3 = await h.reopen!();
      const log3 = s3.getPartition('c', 0)!;
      log3.updateConfig({ cleanupPolicy: 'compact', segmentBytes: 700 });
      expect((await log3.maintenance()).compacted).toBe(true);
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

  it('completes a merged swap: the replaced segments after its base are deleted', async () => {
    const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const h = await makeEngine('file');
    try {
      const log = await h.storage.createPartition('c', 0, { segmentBytes: 700 });
      for (let i = 0; i < 30; i++) await log.append(await batch([rec(`k${i % 3}`, `value-${i}`, Date.now())]));
      const s = await h.reopen!();
      const segs = (s as unknown as { getLog(t: string, p: number): { segments: Array<{ baseOffset: bigint; path(e: string): string }> } }).getLog('c', 0).segments;
      const dir = segs[0]!.path('.log').replace(/\/[^/]+$/, '');
      const b1 = segs[1]!.baseOffset;
      const b2 = segs[2]!.baseOffset;
      await h.storage.close();
      const name = (b: bigint, ext: string): string => `${dir}/${b.toString().padStart(20, '0')}${ext}`;
      const seg0 = readFileSync(name(0n, '.log'));
      const seg1 = readFileSync(name(b1, '.log'));
      const last1 = listBatches(seg1).at(-1)!;
      // Segments 0 and 1 merged into one at base 0 (first batch of 0, last batch of 1); the crash
      // came after the .swap rename, before the old files were replaced.
      writeFileSync(name(0n, '.log.swap'), Buffer.concat([seg0.subarray(0, listBatches(seg0)[0]!.size), seg1.subarray(last1.position)]));
      writeFileSync(name(b1, '.index.deleted'), Buffer.alloc(8));
      const s2 = await h.reopen!();
      const files = readdirSync(dir);
      expect(files.filter((f) => /\.(swap|cleaned|deleted)$/.test(f))).toEqual([]);
      expect(files.filter((f) => f.startsWith(b1.toString().padStart(20, '0')) && !f.endsWith('.snapshot'))).toEqual([]);
      const log2 = s2.getPartition('c', 0)!;
      const all = await dump(log2);
      expect(all.has(0n)).toBe(true);
      expect(all.has(1n)).toBe(false);
      expect(all.has(last1.baseOffset)).toBe(true);
      for (let o = b2; o < 30n; o++) expect(all.has(o)).toBe(true);
      expect((await log2.read(1n, { maxBytes: 1 })).firstBatchOffset).toBe(last1.baseOffset);
    } finally {
      await h.cleanup();
    }
  });
});
