// Fault injection through the fs seam: ENOSPC, short writes, fsync and roll failures surface as
// KAFKA_STORAGE_ERROR to the appender and never lose acknowledged data; the partition either stays
// usable (write failures are cut back) or goes offline explicitly (fsync failures).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogConfig } from '../../../host/storage/config.js';
import { FileStorage } from '../../../host/storage/file/engine.js';
import type { PartitionLog } from '../../../host/storage/types.js';
import { concat, listBatches, simpleBatch } from '../helpers/batches.js';
import { testCore } from '../helpers/core.js';
import { tempDir } from '../helpers/engines.js';
import { FaultFs } from '../helpers/fault-fs.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(config: Partial<LogConfig> = {}, syncWrites = false): Promise<{ dir: string; fs: FaultFs; storage: FileStorage; log: PartitionLog }> {
  const dir = tempDir();
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const fs = new FaultFs({ syncWrites });
  const storage = new FileStorage({ logDirs: [dir], core: testCore(), fs, checkpointIntervalMs: 0, defaultConfig: { fileDeleteDelayMs: 0, ...config } });
  await storage.open();
  cleanup.push(() => storage.close().catch(() => undefined));
  const log = await storage.createPartition('t', 0);
  return { dir, fs, storage, log };
}

async function reopen(dir: string): Promise<PartitionLog> {
  const s = new FileStorage({ logDirs: [dir], core: testCore(), checkpointIntervalMs: 0 });
  await s.open();
  cleanup.push(() => s.close().catch(() => undefined));
  return s.getPartition('t', 0)!;
}

async function offsets(log: PartitionLog): Promise<bigint[]> {
  const out: bigint[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const r = await log.read(next, { maxBytes: 1 << 20 });
    if (r.size === 0) break;
    for (const b of listBatches(concat(r.records))) out.push(b.baseOffset);
    next = r.nextOffset;
  }
  return out;
}

const storageError = { name: 'StorageError', code: 'KAFKA_STORAGE_ERROR' };

describe('file engine: fault injection', () => {
  it('ENOSPC on append fails that append (and those queued behind it), then the partition carries on', async () => {
    const { dir, fs, log } = await setup();
    await log.append(simpleBatch(2));
    const logFile = `${dir}/t-0/00000000000000000000.log`;
    const sizeBefore = statSync(logFile).size;
    fs.fail('writev', /\.log$/, 'ENOSPC');
    const attempts = [log.append(simpleBatch(3)), log.append(simpleBatch(1)), log.append(simpleBatch(1))];
    const settled = await Promise.allSettled(attempts);
    // The first write fails; the appends queued behind it (offsets after it) fail with it.
    for (const r of settled) expect(r).toMatchObject({ status: 'rejected', reason: storageError });
    expect((settled[0] as PromiseRejectedResult).reason.details).toEqual({ errno: 'ENOSPC' });
    expect(log.offline).toBe(false);
    expect(statSync(logFile).size).toBe(sizeBefore);
    // Offsets are not skipped: the failed appends gave theirs back.
    const r = await log.append(simpleBatch(1));
    expect(r.baseOffset).toBe(2n);
    expect(await offsets(log)).toEqual([0n, 2n]);
  });

  it('a short write followed by ENOSPC is cut back: no torn bytes are served or survive a crash', async () => {
    const { dir, fs, log } = await setup();
    for (let i = 0; i < 5; i++) await log.append(simpleBatch(2, { valueSize: 100 }));
    const logFile = `${dir}/t-0/00000000000000000000.log`;
    const good = statSync(logFile).size;
    fs.fail('writev', /\.log$/, 'ENOSPC', { partialBytes: 77 });
    await expect(log.append(simpleBatch(2, { valueSize: 100 }))).rejects.toMatchObject(storageError);
    expect(statSync(logFile).size).toBe(good);
    expect(await offsets(log)).toEqual([0n, 2n, 4n, 6n, 8n]);
    const r = await log.append(simpleBatch(1));
    expect(r.baseOffset).toBe(10n);
    // Crash now (no close) and recover: everything acknowledged is there, nothing torn.
    const log2 = await reopen(dir);
    expect(await offsets(log2)).toEqual([0n, 2n, 4n, 6n, 8n, 10n]);
  });

  it('a failed cut-back after a failed write takes the partition offline', async () => {
    const { fs, log } = await setup();
    await log.append(simpleBatch(1));
    fs.fail('writev', /\.log$/, 'EIO', { partialBytes: 10 });
    fs.fail('ftruncate', /\.log$/, 'EIO');
    await expect(log.append(simpleBatch(1))).rejects.toMatchObject(storageError);
    await new Promise((r) => setTimeout(r, 10));
    expect(log.offline).toBe(true);
    await expect(log.append(simpleBatch(1))).rejects.toMatchObject(storageError);
    await expect(log.read(0n, { maxBytes: 100 })).rejects.toMatchObject(storageError);
  });

  it('an fsync failure under the per-append policy fails the append and takes the partition offline; recovery keeps every acknowledged batch', async () => {
    const { dir, fs, storage, log } = await setup({ fsyncPerAppend: true });
    for (let i = 0; i < 4; i++) await log.append(simpleBatch(1));
    fs.fail('fdatasync', /\.log$/, 'EIO');
    const failing = log.append(simpleBatch(1));
    const queued = log.append(simpleBatch(1));
    await expect(failing).rejects.toMatchObject(storageError);
    await expect(queued).rejects.toMatchObject(storageError);
    expect(log.offline).toBe(true);
    await expect(log.append(simpleBatch(1))).rejects.toMatchObject(storageError);
    // The broker sees an offline partition; a restart recovers it.
    await storage.close();
    const log2 = await reopen(dir);
    const got = await offsets(log2);
    expect(got.slice(0, 4)).toEqual([0n, 1n, 2n, 3n]);
    expect((await log2.append(simpleBatch(1))).baseOffset).toBe(log2.logEndOffset - 1n);
  });

  it('a failed segment roll (ENOSPC creating files) fails the append; the next one rolls', async () => {
    const { dir, fs, log } = await setup({ segmentBytes: 500 });
    await log.append(simpleBatch(2, { valueSize: 100 }));
    await log.append(simpleBatch(2, { valueSize: 100 }));
    fs.fail('open', /0{18}\d\d\.log$|000000\d+\.log$/, 'ENOSPC', { times: 1 });
    await expect(log.append(simpleBatch(2, { valueSize: 100 }))).rejects.toMatchObject(storageError);
    expect(log.offline).toBe(false);
    const r = await log.append(simpleBatch(2, { valueSize: 100 }));
    expect(r.baseOffset).toBe(4n);
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(await offsets(log)).toEqual([0n, 2n, 4n]);
    expect(readdirSync(`${dir}/t-0`).filter((f) => f.endsWith('.log')).length).toBe(log.segmentCount);
  });

  it('flush.messages fsyncs every N messages and advances the recovery point', async () => {
    const { fs, log } = await setup({ flushMessages: 3 });
    const syncs = () => fs.calls.filter((c) => c.op === 'fdatasync' && c.path.endsWith('.log')).length;
    await log.append(simpleBatch(1));
    await log.append(simpleBatch(1));
    expect(syncs()).toBe(0);
    expect(log.recoveryPoint).toBe(0n);
    await log.append(simpleBatch(1));
    expect(syncs()).toBe(1);
    expect(log.recoveryPoint).toBe(3n);
  });

  it('flush.ms is applied by maintenance; the default leaves flushing to the OS', async () => {
    let now = 1000;
    const dir = tempDir();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const fs = new FaultFs();
    const storage = new FileStorage({ logDirs: [dir], core: testCore(), fs, clock: () => now, checkpointIntervalMs: 0, defaultConfig: { flushMs: 500 } });
    await storage.open();
    cleanup.push(() => storage.close().catch(() => undefined));
    const log = await storage.createPartition('t', 0);
    const other = await storage.createPartition('u', 0, { flushMs: Number.MAX_SAFE_INTEGER });
    const syncs = (p: string) => fs.calls.filter((c) => c.op === 'fdatasync' && c.path.includes(p)).length;
    await log.append(simpleBatch(1));
    await other.append(simpleBatch(1));
    await storage.maintenance(now);
    expect(syncs('/t-0/')).toBe(0);
    now += 600;
    await storage.maintenance(now);
    expect(syncs('/t-0/')).toBe(1);
    expect(log.recoveryPoint).toBe(1n);
    expect(syncs('/u-0/')).toBe(0);
  });
});

describe('file engine: fault injection on the synchronous append path (appends <= 256 KiB)', () => {
  it('ENOSPC fails the append and the partition carries on without skipping offsets', async () => {
    const { dir, fs, log } = await setup({}, true);
    await log.append(simpleBatch(2));
    const logFile = `${dir}/t-0/00000000000000000000.log`;
    const sizeBefore = statSync(logFile).size;
    fs.fail('writev', /\.log$/, 'ENOSPC');
    await expect(log.append(simpleBatch(3))).rejects.toMatchObject(storageError);
    expect(log.offline).toBe(false);
    expect(statSync(logFile).size).toBe(sizeBefore);
    expect((await log.append(simpleBatch(1))).baseOffset).toBe(2n);
    expect(await offsets(log)).toEqual([0n, 2n]);
    expect(fs.calls.filter((c) => c.op === 'writev').length).toBeGreaterThanOrEqual(3);
  });

  it('a short synchronous write is cut back before the append is rejected', async () => {
    const { dir, fs, log } = await setup({}, true);
    for (let i = 0; i < 3; i++) await log.append(simpleBatch(2, { valueSize: 100 }));
    const logFile = `${dir}/t-0/00000000000000000000.log`;
    const good = statSync(logFile).size;
    fs.fail('writev', /\.log$/, 'ENOSPC', { partialBytes: 77 });
    await expect(log.append(simpleBatch(2, { valueSize: 100 }))).rejects.toMatchObject(storageError);
    expect(statSync(logFile).size).toBe(good);
    expect(await offsets(log)).toEqual([0n, 2n, 4n]);
    const reopened = await reopen(dir);
    expect(await offsets(reopened)).toEqual([0n, 2n, 4n]);
  });
});
