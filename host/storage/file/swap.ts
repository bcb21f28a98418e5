// The file engine's crash-safe swap of cleaned segments (Kafka's protocol). A cleaning pass
// replaces a run of closed segments [B, ..., L] by one segment with base B:
//   1. the replacement is written as `<B>.log.cleaned` (+ .index/.timeindex/.txnindex .cleaned),
//      indexes trimmed, everything fsynced;
//   2. each `.cleaned` file is renamed to `.swap` (the .log last), the directory fsynced: from here
//      the replacement is committed;
//   3. the replaced segments other than B are renamed to `*.deleted`, the directory fsynced;
//   4. each `.swap` file is renamed to its final name (the .log last), replacing B's files, and the
//      directory fsynced; the `.deleted` files are unlinked once no read uses them.
// After a crash, start-up deletes `.cleaned` and `.deleted` files and completes any `<B>.log.swap`
// (completeSwap): segments with a base in (B, last offset of the swap] are the replaced ones.
// The cleaner always ends a replacement with a batch covering the last offset of its last replaced
// segment (an empty batch if nothing else is left there), so that range is exact.
import { peekFrame } from '../frame.js';
import { readWholeFile, type StorageFs } from '../fs.js';

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
