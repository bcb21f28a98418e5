// Offset checkpoint files of a log dir, in Kafka's text format:
// `recovery-point-offset-checkpoint` (offset below which every segment is flushed and trusted),
// `log-start-offset-checkpoint` (log start offset moved by retention / DeleteRecords) and
// `cleaner-offset-checkpoint` (per compacted partition: where the log stops being cleaned, so a
// restart does not clean everything again).
//
// On-disk format (UTF-8 text, '\n' line ends):
//
//   0                          <- version
//   <N>                        <- number of entries
//   <topic> <partition> <offset>   (N lines, one per partition; topic names contain no spaces)
//
// Written atomically (tmp file, fsync, rename, fsync dir); a file that does not parse is an error the
// caller treats as "no checkpoint" (full recovery), never as offsets to trust.
import { readWholeFile, writeFileAtomic, writeFilesAtomic, type StorageFs } from './fs.js';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
export const CLEAN_SHUTDOWN_MARKER = '.kafka_cleanshutdown';

export type OffsetMap = Map<string, bigint>;

export const tpKey = (topic: string, partition: number): string => `${topic} ${partition}`;

export function encodeCheckpoint(entries: OffsetMap): string {
  const lines = ['0', String(entries.size)];
  for (const [k, v] of entries) lines.push(`${k} ${v}`);
  return lines.join('\n') + '\n';
}

export function decodeCheckpoint(text: string): OffsetMap {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines[0] !== '0') throw new Error(`unsupported checkpoint version ${JSON.stringify(lines[0])}`);
  const n = Number(lines[1]);
  if (!Number.isInteger(n) || n < 0 || lines.length !== n + 2) throw new Error('checkpoint entry count mismatch');
  const out: OffsetMap = new Map();
  for (let i = 2; i < lines.length; i++) {
    const m = /^(\S+) (\d+) (-?\d+)$/.exec(lines[i]!);
    if (!m) throw new Error(`bad checkpoint line ${JSON.stringify(lines[i])}`);
    out.set(`${m[1]} ${m[2]}`, BigInt(m[3]!));
  }
  return out;
}

export async function readCheckpoint(f: StorageFs, dir: string, name: string): Promise<OffsetMap | null> {
  const bytes = await readWholeFile(f, `${dir}/${name}`);
  if (!bytes) return null;
  return decodeCheckpoint(Buffer.from(bytes).toString('utf8'));
}

export async function writeCheckpoint(f: StorageFs, dir: string, name: string, entries: OffsetMap): Promise<void> {
  await writeFileAtomic(f, dir, name, Buffer.from(encodeCheckpoint(entries), 'utf8'));
}

/** Several checkpoint files of one directory, each atomic, with one directory fsync. */
export async function writeCheckpoints(f: StorageFs, dir: string, files: ReadonlyArray<[name: string, entries: OffsetMap]>): Promise<void> {
  await writeFilesAtomic(
    f,
    dir,
    files.map(([name, entries]) => ({ name, data: Buffer.from(encodeCheckpoint(entries), 'utf8') })),
  );
}
