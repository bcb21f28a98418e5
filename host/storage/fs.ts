// The file-system seam: every byte the file engine reads or writes goes through a StorageFs, so
// tests can count reads, inject ENOSPC/EIO/fsync failures, short writes, or "crash" between writes.
// `nodeFs` is the real implementation over node:fs callbacks (fd based; no FileHandle objects, which
// cost an extra allocation and promise per call on the hot path).
import * as fs from 'node:fs';

export interface StorageStat {
  size: number;
  isFile: boolean;
  isDirectory: boolean;
  mtimeMs: number;
}

export interface StorageFs {
  /** flags as node:fs ('r', 'r+', 'w+', 'a+', 'wx+'). Returns a file descriptor. */
  open(path: string, flags: string): Promise<number>;
  close(fd: number): Promise<void>;
  /** Reads up to `length` bytes at `position` into buffer[offset..]; returns bytes read (0 at EOF). */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Writes the buffers at `position`; returns bytes written (may be short). */
  writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number>;
  /**
   * Optional: `writev` done synchronously on the calling thread (appendWrite uses it for small
   * appends). An implementation without it gets every write through `writev`.
   */
  writevSync?(fd: number, buffers: readonly Uint8Array[], position: number): number;
  fsync(fd: number): Promise<void>;
  fdatasync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fstat(fd: number): Promise<StorageStat>;
  stat(path: string): Promise<StorageStat | null>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Removes a directory tree (partition deletion). */
  rmdir(path: string): Promise<void>;
  /** fsync a directory so that creates/renames/unlinks in it are durable. */
  syncDir(path: string): Promise<void>;
}

function p<T>(fn: (cb: (err: NodeJS.ErrnoException | null, v: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

function toStat(s: fs.Stats): StorageStat {
  return { size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory(), mtimeMs: s.mtimeMs };
}

export const nodeFs: StorageFs = {
  open: (path, flags) => p<number>((cb) => fs.open(path, flags, 0o644, cb)),
  close: (fd) => p<void>((cb) => fs.close(fd, (e) => cb(e, undefined))),
  read: (fd, buffer, offset, length, position) =>
    p<number>((cb) => fs.read(fd, buffer, offset, length, position, (e, n) => cb(e, n))),
  writev: (fd, buffers, position) =>
    buffers.length === 1
      ? p<number>((cb) => fs.write(fd, buffers[0]!, 0, buffers[0]!.length, position, (e, n) => cb(e, n)))
      : p<number>((cb) => fs.writev(fd, buffers as NodeJS.ArrayBufferView[], position, (e, n) => cb(e, n))),
  writevSync: (fd, buffers, position) =>
    buffers.length === 1 ? fs.writeSync(fd, buffers[0]!, 0, buffers[0]!.length, position) : fs.writevSync(fd, buffers as NodeJS.ArrayBufferView[], position),
  fsync: (fd) => p<void>((cb) => fs.fsync(fd, (e) => cb(e, undefined))),
  fdatasync: (fd) => p<void>((cb) => fs.fdatasync(fd, (e) => cb(e, undefined))),
  ftruncate: (fd, length) => p<void>((cb) => fs.ftruncate(fd, length, (e) => cb(e, undefined))),
  fstat: (fd) => p<fs.Stats>((cb) => fs.fstat(fd, cb)).then(toStat),
  stat: (path) =>
    p<fs.Stats>((cb) => fs.stat(path, cb)).then(toStat, (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    }),
  readdir: (path) => p<string[]>((cb) => fs.readdir(path, cb)),
  mkdir: (path) => p<void>((cb) => fs.mkdir(path, { recursive: true }, (e) => cb(e, undefined))),
  rename: (from, to) => p<void>((cb) => fs.rename(from, to, (e) => cb(e, undefined))),
  unlink: (path) =>
    p<void>((cb) => fs.unlink(path, (e) => cb(e && e.code !== 'ENOENT' ? e : null, undefined))),
  rmdir: (path) => p<void>((cb) => fs.rm(path, { recursive: true, force: true }, (e) => cb(e, undefined))),
  syncDir: async (path) => {
    const fd = await p<number>((cb) => fs.open(path, 'r', cb));
    try {
      await p<void>((cb) => fs.fsync(fd, (e) => cb(e, undefined)));
    } finally {
      await p<void>((cb) => fs.close(fd, (e) => cb(e, undefined)));
    }
  },
};

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export async function readFully(f: StorageFs, fd: number, position: number, length: number): Promise<Uint8Array> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await f.read(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** What is left of `buffers` after their first `written` bytes. */
function rest(buffers: readonly Uint8Array[], written: number): Uint8Array[] {
  let skip = written;
  const next: Uint8Array[] = [];
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    next.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return next;
}

const noProgress = (): Error => Object.assign(new Error('write made no progress'), { code: 'EIO' });

/** Writes every byte of `buffers` at `position`, looping over short writes. */
export async function writeFully(f: StorageFs, fd: number, buffers: readonly Uint8Array[], position: number): Promise<void> {
  let total = 0;
  for (const b of buffers) total += b.length;
  let written = await f.writev(fd, buffers, position);
  // Short write: continue with what remains.
  while (written < total) {
    const n = await f.writev(fd, rest(buffers, written), position + written);
    if (n <= 0) throw noProgress();
    written += n;
  }
}

/** writeFully with `f.writevSync` (which must exist). */
export function writeFullySync(f: StorageFs, fd: number, buffers: readonly Uint8Array[], position: number): void {
  let total = 0;
  for (const b of buffers) total += b.length;
  let written = f.writevSync!(fd, buffers, position);
  while (written < total) {
    const n = f.writevSync!(fd, rest(buffers, written), position + written);
    if (n <= 0) throw noProgress();
    written += n;
  }
}

// Appends of up to SYNC_WRITE_MAX_BYTES are written synchronously when the StorageFs can. A write
// into the page cache of a few KiB costs the kernel a few microseconds, while a thread-pool write
// (fs.write) costs a round trip between two threads: the main thread dispatches, a pool thread is
// woken, writes, and wakes the main thread again. On small virtual machines each of those wake-ups
// of an idle CPU costs tens of microseconds, more than the write itself, and it is paid on every
// awaited append (measured on the 2-vCPU bench machine: 17 KiB fs.writeSync ~5 us, awaited fs.write
// ~45 us; every microsecond of work between two writes widened the gap further). Kafka writes its
// log from the request thread the same way. Larger writes go to the pool (the round trip is small
// next to the copy, and the event loop is not held). If a synchronous write is slow — the kernel
// throttling dirty pages, a stalled device — writes go to the pool for SYNC_WRITE_BACKOFF_MS so the
// event loop is not held again and again. Durability is the same either way: neither path fsyncs.
export const SYNC_WRITE_MAX_BYTES = 256 * 1024;
const SYNC_WRITE_SLOW_MS = 2;
const SYNC_WRITE_BACKOFF_MS = 1000;
let poolWritesUntil = 0;

/** Writes an append's `buffers` (`bytes` in all) at `position`; see above for which path. */
export async function appendWrite(f: StorageFs, fd: number, buffers: readonly Uint8Array[], bytes: number, position: number): Promise<void> {
  if (f.writevSync && bytes <= SYNC_WRITE_MAX_BYTES) {
    const t = performance.now();
    if (t >= poolWritesUntil) {
      writeFullySync(f, fd, buffers, position);
      const end = performance.now();
      if (end - t > SYNC_WRITE_SLOW_MS) poolWritesUntil = end + SYNC_WRITE_BACKOFF_MS;
      return;
    }
  }
  await writeFully(f, fd, buffers, position);
}

/** Writes a small file atomically: tmp file, fsync, rename, fsync the directory. */
export async function writeFileAtomic(f: StorageFs, dir: string, name: string, data: Uint8Array): Promise<void> {
  await writeFilesAtomic(f, dir, [{ name, data }]);
}

/**
 * Writes small files, each atomically (tmp file, fsync, rename), with one directory fsync for all
 * the renames: each file is either old or new after a crash, never torn.
 */
export async function writeFilesAtomic(f: StorageFs, dir: string, files: ReadonlyArray<{ name: string; data: Uint8Array }>): Promise<void> {
  for (const { name, data } of files) {
    const fd = await f.open(`${dir}/${name}.tmp`, 'w');
    try {
      await writeFully(f, fd, [data], 0);
      await f.fsync(fd);
    } finally {
      await f.close(fd);
    }
  }
  for (const { name } of files) await f.rename(`${dir}/${name}.tmp`, `${dir}/${name}`);
  await f.syncDir(dir);
}

/** Reads a whole (small) file, or null if it does not exist. */
export async function readWholeFile(f: StorageFs, path: string): Promise<Uint8Array | null> {
  const st = await f.stat(path);
  if (!st) return null;
  const fd = await f.open(path, 'r');
  try {
    return await readFully(f, fd, 0, st.size);
  } finally {
    await f.close(fd);
  }
}
