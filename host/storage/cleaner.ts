// Log compaction (cleanup.policy=compact): see the protocol below.
//
// Swap protocol (crash-safe, as Kafka's): the cleaner writes the compacted replacement of a run of
// closed segments [B .. ] as `<B>.log.cleaned` (+ .index/.timeindex/.txnindex .cleaned), fsyncs
// them, renames each to `.swap` (the .log last), then removes the replaced segments and renames the
// `.swap` files to their final names. After a crash, `.cleaned` files are deleted and any
// `<B>.log.swap` is completed by `completeSwap`.
import { peekFrame } from './frame.js';
import { readWholeFile, type StorageFs } from './fs.js';

const EXTS = ['.index', '.timeindex', '.txnindex'];

/** Completes interrupted swaps in `dir` (names: the directory's `*.swap` files). */
export async function completeSwap(fs: StorageFs, dir: string, names: string[]): Promise<void> {
  const logs = names.filter((n) => /^\d{20}\.log\.swap$/.test(n));
  const all = await fs.readdir(dir);
  for (const swapName of logs) {
    const baseName = swapName.slice(0, 20);
    const base = BigInt(baseName);
    const bytes = (await readWholeFile(fs, `${dir}/${swapName}`)) ?? new Uint8Array(0);
    let last = base - 1n;
    for (let p = 0; ; ) {
      const f = peekFrame(bytes, p);
      if (!f || f.size < 61 || p + f.size > bytes.length) break;
      last = f.lastOffset;
      p += f.size;
    }
    // Replaced segments: every old segment whose base lies in (base, last].
    for (const n of all) {
      const m = /^(\d{20})\.(log|index|timeindex|txnindex)$/.exec(n);
      if (!m) continue;
      const b = BigInt(m[1]!);
      if (b > base && b <= last) await fs.unlink(`${dir}/${n}`);
    }
    for (const ext of EXTS) {
      if (all.includes(`${baseName}${ext}.swap`)) await fs.rename(`${dir}/${baseName}${ext}.swap`, `${dir}/${baseName}${ext}`);
      else await fs.unlink(`${dir}/${baseName}${ext}`);
    }
    await fs.rename(`${dir}/${swapName}`, `${dir}/${baseName}.log`);
  }
  for (const n of names) if (n.endsWith('.swap') && !logs.some((l) => n.startsWith(l.slice(0, 20)))) await fs.unlink(`${dir}/${n}`);
  await fs.syncDir(dir);
}
