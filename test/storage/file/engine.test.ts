// File engine specifics: Kafka's on-disk layout, clean and unclean restarts, recovery, checkpoints.
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStorage, type FileStorageOptions } from '../../../host/storage/file/engine.js';
import { ListOffsetsTimestamp, type PartitionLog, type StorageLogger } from '../../../host/storage/types.js';
import { buildBatch, concat, controlBatch, listBatches, simpleBatch } from '../helpers/batches.js';
import { testCore } from '../helpers/core.js';
import { tempDir } from '../helpers/engines.js';
import { FaultFs } from '../helpers/fault-fs.js';

const dirs: string[] = [];
const open: FileStorage[] = [];

function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

class CaptureLogger implements StorageLogger {
  lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  info(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: Record<string, unknown>, msg: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
  events(name: string): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.obj.event === name).map((l) => l.obj);
  }
}

async function start(dir: string, o: Partial<FileStorageOptions> = {}): Promise<FileStorage> {
  const s = new FileStorage({ logDirs: [dir], core: testCore(), checkpointIntervalMs: 0, ...o, defaultConfig: { fileDeleteDelayMs: 0, ...(o.defaultConfig ?? {}) } });
  const report = await s.open();
  (s as unknown as { report: unknown }).report = report;
  open.push(s);
  return s;
}

async function readAllBatches(log: PartitionLog): Promise<Array<{ baseOffset: bigint; lastOffset: bigint }>> {
  const out: Array<{ baseOffset: bigint; lastOffset: bigint }> = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: 1 << 20 });
    if (r.size === 0) break;
    for (const b of listBatches(concat(r.records))) out.push({ baseOffset: b.baseOffset, lastOffset: b.lastOffset });
    next = r.nextOffset;
  }
  return out;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('file engine: on-disk layout', () => {
  it('writes Kafka-named segments, preallocated active indexes, trimmed sealed ones, checkpoints and the clean marker', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 2000, indexIntervalBytes: 100, segmentIndexBytes: 4096 } });
    const log = await s.createPartition('orders', 3);
    for (let i = 0; i < 30; i++) await log.append(simpleBatch(2, { valueSize: 40 }));
    await log.flush();
    const pdir = `${dir}/orders-3`;
    const files = readdirSync(pdir).sort();
    expect(files).toContain('00000000000000000000.log');
    expect(files).toContain('00000000000000000000.index');
    expect(files).toContain('00000000000000000000.timeindex');
    const logs = files.filter((f) => f.endsWith('.log'));
    expect(logs.length).toBe(log.segmentCount);
    for (const f of logs) expect(f).toMatch(/^\d{20}\.log$/);
    const active = logs[logs.length - 1]!.slice(0, 20);
    // Active segment: preallocated index files; sealed ones: exactly their entries.
    expect(statSync(`${pdir}/${active}.index`).size).toBe(4096);
    expect(statSync(`${pdir}/${active}.timeindex`).size).toBe(4092);
    const sealedIndex = readFileSync(`${pdir}/00000000000000000000.index`);
    expect(sealedIndex.length % 8).toBe(0);
    expect(sealedIndex.length).toBeGreaterThan(0);
    expect(sealedIndex.length).toBeLessThan(4096);
    // entries: relative offset / position strictly increasing, position inside the segment
    const segSize = statSync(`${pdir}/00000000000000000000.log`).size;
    let prev = -1;
    for (let i = 0; i < sealedIndex.length; i += 8) {
      expect(sealedIndex.readUInt32BE(i)).toBeGreaterThan(prev);
      prev = sealedIndex.readUInt32BE(i);
      expect(sealedIndex.readUInt32BE(i + 4)).toBeLessThan(segSize);
    }
    // Snapshot written at roll, named by the new segment's base offset.
    expect(files.some((f) => f === `${logs[1]!.slice(0, 20)}.snapshot`)).toBe(true);
    await s.close();
    expect(statSync(`${pdir}/${active}.index`).size % 8).toBe(0);
    expect(statSync(`${pdir}/${active}.index`).size).toBeLessThan(4096);
    expect(existsSync(`${dir}/.kafka_cleanshutdown`)).toBe(true);
    const rp = readFileSync(`${dir}/recovery-point-offset-checkpoint`, 'utf8');
    expect(rp).toBe('0\n1\norders 3 60\n');
    expect(readFileSync(`${dir}/log-start-offset-checkpoint`, 'utf8')).toBe('0\n1\norders 3 0\n');
    const s2 = await start(dir);
    expect(existsSync(`${dir}/.kafka_cleanshutdown`)).toBe(false);
    expect(s2.getPartition('orders', 3)!.logEndOffset).toBe(60n);
  });

  it('a clean restart reads no segment data', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 3000, indexIntervalBytes: 200 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 50; i++) await log.append(simpleBatch(3, { valueSize: 30, producerId: 9n, producerEpoch: 0, baseSequence: i * 3 }));
    await s.close();
    const fs = new FaultFs();
    const s2 = await start(dir, { fs });
    expect(fs.logReads()).toEqual([]);
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.logEndOffset).toBe(150n);
    expect(log2.segmentCount).toBeGreaterThan(2);
    // Producer state came from the snapshot: a retry of the last batch is a duplicate.
    const dup = await log2.append(simpleBatch(3, { valueSize: 30, producerId: 9n, producerEpoch: 0, baseSequence: 147 }));
    expect(dup).toMatchObject({ duplicate: true, baseOffset: 147n });
    // Reads are served (now they touch segment data) and lookups agree with the data.
    const all = await readAllBatches(log2);
    expect(all.length).toBe(50);
    for (let o = 0n; o < 150n; o += 7n) {
      const r = await log2.read(o, { maxBytes: 1 });
      const b = listBatches(concat(r.records))[0]!;
      expect(b.baseOffset <= o && o <= b.lastOffset).toBe(true);
    }
    expect((await log2.append(simpleBatch(1))).baseOffset).toBe(150n);
  });
});

describe('file engine: truncation into a closed segment', () => {
  it('makes it the active segment again: its indexes are kept current and written on close', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 1000, indexIntervalBytes: 0 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 30; i++) await log.append(buildBatch([{ value: `v${i}` }, { value: `w${i}` }], { baseTimestamp: 1000n + BigInt(i) }));
    await log.flush();
    expect(log.segmentCount).toBeGreaterThan(2);
    await log.truncateTo(7n); // inside the first, closed segment: the batch 6-7 goes too
    expect(log.logEndOffset).toBe(6n);
    expect(log.segmentCount).toBe(1);
    for (let i = 0; i < 4; i++) await log.append(buildBatch([{ value: `n${i}` }, { value: `m${i}` }], { baseTimestamp: 5000n + BigInt(i) }));
    const before = await log.listOffsets(ListOffsetsTimestamp.MAX_TIMESTAMP);
    expect(before).toMatchObject({ offset: 12n, timestamp: 5003n });
    await s.close();
    open.splice(open.indexOf(s), 1);
    const fs = new FaultFs();
    const s2 = await start(dir, { fs });
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.logEndOffset).toBe(14n);
    await log2.read(12n, { maxBytes: 1 });
    // The index files were current: nothing was rebuilt from the .log (only the read touched it).
    expect(fs.logReads().length).toBe(1);
    expect(await log2.listOffsets(ListOffsetsTimestamp.MAX_TIMESTAMP)).toEqual(before);
    expect(await log2.listOffsets(5001n)).toMatchObject({ offset: 8n, timestamp: 5001n });
    expect((await readAllBatches(log2)).map((b) => b.baseOffset)).toEqual([0n, 2n, 4n, 6n, 8n, 10n, 12n]);
  });
});

describe('file engine: recovery after an unclean stop', () => {
  it('truncates a torn tail, reports it, and keeps appending', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 4000, indexIntervalBytes: 100 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 40; i++) await log.append(simpleBatch(2, { valueSize: 30 }));
    await log.flush();
    // Crash: the storage is abandoned (no close). Half a batch reached the active segment.
    const pdir = `${dir}/t-0`;
    const logs = readdirSync(pdir).filter((f) => f.endsWith('.log')).sort();
    const half = simpleBatch(2, { valueSize: 30, baseOffset: 80n }).subarray(0, 50);
    appendFileSync(`${pdir}/${logs[logs.length - 1]}`, half);
    open.splice(open.indexOf(s), 1);
    const logger = new CaptureLogger();
    const s2 = await start(dir, { logger, progressIntervalMs: 0 });
    const report = (s2 as unknown as { report: { clean: boolean; recovered: Array<Record<string, unknown>> } }).report;
    expect(report.clean).toBe(false);
    const rec = report.recovered.find((r) => r.topic === 't')!;
    expect(rec).toMatchObject({ truncatedBytes: 50, reason: 'TRUNCATED', logEndOffset: 80n, deletedSegments: 0 });
    const line = logger.events('log_recovered')[0]!;
    expect(line).toMatchObject({ topic: 't', partition: 0, truncatedBytes: 50, reason: 'TRUNCATED' });
    expect(logger.events('log_recovery_progress').length).toBeGreaterThan(0);
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.logEndOffset).toBe(80n);
    expect((await readAllBatches(log2)).length).toBe(40);
    expect((await log2.append(simpleBatch(1))).baseOffset).toBe(80n);
  });

  it('cuts at the first corrupt batch and deletes the segments after it', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 1500 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 40; i++) await log.append(simpleBatch(2, { valueSize: 30 }));
    const segs = log.segmentCount;
    open.splice(open.indexOf(s), 1);
    // Flip one byte in the value of the 3rd batch of the 2nd segment.
    const pdir = `${dir}/t-0`;
    const logs = readdirSync(pdir).filter((f) => f.endsWith('.log')).sort();
    const second = `${pdir}/${logs[1]}`;
    const bytes = readFileSync(second);
    const batches = listBatches(bytes);
    bytes[batches[2]!.position + 70] ^= 0x55;
    writeFileSync(second, bytes);
    // No checkpoint survives a crash in this scenario: recover everything.
    unlinkSync(`${dir}/recovery-point-offset-checkpoint`);
    const s2 = await start(dir);
    const report = (s2 as unknown as { report: { recovered: Array<Record<string, unknown>> } }).report;
    const rec = report.recovered[0]!;
    expect(rec.reason).toBe('CRC_MISMATCH');
    expect(rec.deletedSegments).toBe(segs - 2);
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.logEndOffset).toBe(batches[2]!.baseOffset);
    expect(log2.segmentCount).toBe(2);
    const all = await readAllBatches(log2);
    expect(all[all.length - 1]!.lastOffset).toBe(batches[2]!.baseOffset - 1n);
    expect(readdirSync(pdir).filter((f) => f.endsWith('.log')).length).toBe(2);
  });

  it('rebuilds missing or damaged index files of trusted segments', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 3000, indexIntervalBytes: 100 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 60; i++) await log.append(simpleBatch(2, { valueSize: 30 }));
    await s.close();
    const pdir = `${dir}/t-0`;
    unlinkSync(`${pdir}/00000000000000000000.index`);
    const logger = new CaptureLogger();
    const s2 = await start(dir, { logger, defaultConfig: { segmentBytes: 3000, indexIntervalBytes: 100 } });
    const log2 = s2.getPartition('t', 0)!;
    for (let o = 0n; o < 120n; o += 5n) {
      const r = await log2.read(o, { maxBytes: 1 });
      const b = listBatches(concat(r.records))[0]!;
      expect(b.baseOffset <= o && o <= b.lastOffset).toBe(true);
    }
    expect(logger.events('index_rebuild').length).toBe(1);
    expect(statSync(`${pdir}/00000000000000000000.index`).size).toBeGreaterThan(0);
  });

  it('rebuilds producer state from the log when no snapshot covers it', async () => {
    const dir = newDir();
    const s = await start(dir);
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 5; i++) await log.append(simpleBatch(2, { producerId: 3n, producerEpoch: 1, baseSequence: i * 2 }));
    await log.append(simpleBatch(1, { producerId: 4n, producerEpoch: 0, baseSequence: 0, transactional: true }));
    await log.flush();
    open.splice(open.indexOf(s), 1);
    const s2 = await start(dir);
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.producerState(3n)).toMatchObject({ epoch: 1 });
    expect(log2.producerState(3n)!.batches.length).toBe(5);
    expect(await log2.append(simpleBatch(2, { producerId: 3n, producerEpoch: 1, baseSequence: 4 }))).toMatchObject({ duplicate: true, baseOffset: 4n });
    expect(log2.lastStableOffset).toBe(10n);
    // The marker closes the transaction, recorded in the txn index and after a restart too.
    const m = await log2.append(controlBatch(0, { producerId: 4n, producerEpoch: 0 }), { origin: 'coordinator' });
    expect(log2.lastStableOffset).toBe(12n);
    await s2.close();
    const s3 = await start(dir);
    const log3 = s3.getPartition('t', 0)!;
    expect(await log3.abortedTransactions(0n, 100n)).toEqual([{ producerId: 4n, firstOffset: 10n, lastOffset: m.baseOffset, lastStableOffset: m.baseOffset + 1n }]);
  });

  it('keeps the log start offset moved by deleteRecords across restarts', async () => {
    const dir = newDir();
    const s = await start(dir, { defaultConfig: { segmentBytes: 1500 } });
    const log = await s.createPartition('t', 0);
    for (let i = 0; i < 40; i++) await log.append(simpleBatch(2));
    await log.deleteRecords(33n);
    await s.checkpoint();
    open.splice(open.indexOf(s), 1);
    const s2 = await start(dir);
    const log2 = s2.getPartition('t', 0)!;
    expect(log2.logStartOffset).toBe(33n);
    expect(log2.logEndOffset).toBe(80n);
  });
});

describe('file engine: background retention', () => {
  it('deletes old segments on its own timer while appends keep flowing', async () => {
    const dir = newDir();
    const s = await start(dir, { maintenanceIntervalMs: 20, defaultConfig: { segmentBytes: 1000, retentionBytes: 3000, retentionMs: -1 } });
    const log = await s.createPartition('t', 0);
    const appends: Array<Promise<unknown>> = [];
    for (let i = 0; i < 200; i++) {
      appends.push(log.append(simpleBatch(1, { valueSize: 60 })));
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    await Promise.all(appends);
    const deadline = Date.now() + 3000;
    while (log.size > 4000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(log.logEndOffset).toBe(200n);
    expect(log.size).toBeLessThanOrEqual(3000 + 1000);
    const pdir = `${dir}/t-0`;
    // The timer keeps running: a deletion may be between dropping segments from the log and
    // renaming their files. Wait until files and segments agree (they must, once it settles).
    const logFiles = (): number => readdirSync(pdir).filter((f) => f.endsWith('.log')).length;
    const settle = Date.now() + 3000;
    while (logFiles() !== log.segmentCount && Date.now() < settle) await new Promise((r) => setTimeout(r, 10));
    expect(logFiles()).toBe(log.segmentCount);
    const all = await readAllBatches(log);
    expect(all[all.length - 1]!.lastOffset).toBe(199n);
  });
});
