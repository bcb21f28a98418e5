// A StorageFs over node:fs that counts calls per file and injects failures (the fs seam in action).
import { nodeFs, type StorageFs } from '../../../host/storage/fs.js';

export type FsOp = 'open' | 'read' | 'writev' | 'fsync' | 'fdatasync' | 'ftruncate' | 'rename' | 'unlink' | 'syncDir';

interface Fault {
  op: FsOp;
  match: (path: string) => boolean;
  errno: string;
  times: number;
  /** For writev: write this many bytes first, then fail (a short write hitting ENOSPC). */
  partialBytes?: number;
}

export class FaultFs implements StorageFs {
  readonly paths = new Map<number, string>();
  readonly reads: string[] = [];
  readonly calls: Array<{ op: FsOp; path: string }> = [];
  #faults: Fault[] = [];
  /** Present only with `{ syncWrites: true }`: small appends then take the synchronous path. */
  readonly writevSync?: (fd: number, buffers: readonly Uint8Array[], position: number) => number;

  constructor(opts: { syncWrites?: boolean } = {}) {
    if (opts.syncWrites) {
      this.writevSync = (fd, buffers, position) => {
        const path = this.paths.get(fd) ?? `fd:${fd}`;
        const f = this.#check('writev', path);
        if (f) {
          if (f.partialBytes) {
            const all = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
            nodeFs.writevSync!(fd, [all.subarray(0, Math.min(f.partialBytes, all.length))], position);
          }
          throw this.#err(f, 'write', path);
        }
        return nodeFs.writevSync!(fd, buffers, position);
      };
    }
  }

  /** Fails the next `times` calls of `op` on paths matching `pattern` with `errno`. */
  fail(op: FsOp, pattern: RegExp | string, errno: string, opts: { times?: number; partialBytes?: number } = {}): void {
    const match = typeof pattern === 'string' ? (p: string) => p.includes(pattern) : (p: string) => pattern.test(p);
    this.#faults.push({ op, match, errno, times: opts.times ?? 1, partialBytes: opts.partialBytes });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  #check(op: FsOp, path: string): Fault | null {
    this.calls.push({ op, path });
    const f = this.#faults.find((x) => x.op === op && x.times > 0 && x.match(path));
    if (!f) return null;
    f.times--;
    return f;
  }

  #err(f: Fault, op: string, path: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${f.errno}: injected ${op} failure on ${path}`), { code: f.errno });
  }

  async open(path: string, flags: string): Promise<number> {
    const f = this.#check('open', path);
    if (f) throw this.#err(f, 'open', path);
    const fd = await nodeFs.open(path, flags);
    this.paths.set(fd, path);
    return fd;
  }
  async close(fd: number): Promise<void> {
    await nodeFs.close(fd);
    this.paths.delete(fd);
  }
  async read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const path = this.paths.get(fd) ?? `fd:${fd}`;
    this.reads.push(path);
    const f = this.#check('read', path);
    if (f) throw this.#err(f, 'read', path);
    return nodeFs.read(fd, buffer, offset, length, position);
  }
  async writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> {
    const path = this.paths.get(fd) ?? `fd:${fd}`;
    const f = this.#check('writev', path);
    if (f) {
      if (f.partialBytes) {
        const all = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
        await nodeFs.writev(fd, [all.subarray(0, Math.min(f.partialBytes, all.length))], position);
      }
      throw this.#err(f, 'write', path);
    }
    return nodeFs.writev(fd, buffers, position);
  }
  async fsync(fd: number): Promise<void> {
    const path = this.paths.get(fd) ?? `fd:${fd}`;
    const f = this.#check('fsync', path);
    if (f) throw this.#err(f, 'fsync', path);
    return nodeFs.fsync(fd);
  }
  async fdatasync(fd: number): Promise<void> {
    const path = this.paths.get(fd) ?? `fd:${fd}`;
    const f = this.#check('fdatasync', path);
    if (f) throw this.#err(f, 'fdatasync', path);
    return nodeFs.fdatasync(fd);
  }
  async ftruncate(fd: number, length: number): Promise<void> {
    const path = this.paths.get(fd) ?? `fd:${fd}`;
    const f = this.#check('ftruncate', path);
    if (f) throw this.#err(f, 'ftruncate', path);
    return nodeFs.ftruncate(fd, length);
  }
  fstat(fd: number) {
    return nodeFs.fstat(fd);
  }
  stat(path: string) {
    return nodeFs.stat(path);
  }
  readdir(path: string) {
    return nodeFs.readdir(path);
  }
  mkdir(path: string) {
    return nodeFs.mkdir(path);
  }
  async rename(from: string, to: string): Promise<void> {
    const f = this.#check('rename', from);
    if (f) throw this.#err(f, 'rename', from);
    return nodeFs.rename(from, to);
  }
  async unlink(path: string): Promise<void> {
    const f = this.#check('unlink', path);
    if (f) throw this.#err(f, 'unlink', path);
    return nodeFs.unlink(path);
  }
  rmdir(path: string) {
    return nodeFs.rmdir(path);
  }
  async syncDir(path: string): Promise<void> {
    const f = this.#check('syncDir', path);
    if (f) throw this.#err(f, 'syncDir', path);
    return nodeFs.syncDir(path);
  }

  /** Reads of segment data (.log files) so far. */
  logReads(): string[] {
    return this.reads.filter((p) => p.endsWith('.log'));
  }
}
