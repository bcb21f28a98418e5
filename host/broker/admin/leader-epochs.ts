// The end offset of a leader epoch, by Kafka's LeaderEpochFileCache.endOffsetFor rules, over a
// partition's epoch history (each epoch with the first offset written in it, oldest first).
//
// kwasm is a single node whose partitions keep leader epoch 0 (ClusterMetadata) and write it into
// every batch, so the history is derived rather than stored: one entry, the current epoch starting
// at the log start offset (Kafka's cache after truncateFromStart). Should epochs ever change (a
// replication issue), a persisted epoch checkpoint per partition has to replace epochHistory().
import type { PartitionLog } from '../../storage/index.js';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1n;

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

export function epochHistory(currentEpoch: number, log: Pick<PartitionLog, 'logStartOffset'>): EpochEntry[] {
  return [{ epoch: currentEpoch, startOffset: log.logStartOffset }];
}

/**
 * `requested` equal to the latest epoch: the log end offset. Between two known epochs: the floor
 * epoch and the start of the next one. Below the first: the requested epoch and the first start
 * offset. Undefined (-1) or above every known epoch: (-1, -1).
 */
export function endOffsetForEpoch(history: readonly EpochEntry[], requested: number, logEndOffset: bigint): { leaderEpoch: number; endOffset: bigint } {
  const undefinedResult = { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
  if (requested === UNDEFINED_EPOCH || history.length === 0) return undefinedResult;
  const latest = history[history.length - 1]!;
  if (latest.epoch === requested) return { leaderEpoch: requested, endOffset: logEndOffset };
  const higher = history.find((e) => e.epoch > requested);
  if (!higher) return undefinedResult;
  let floor: EpochEntry | undefined;
  for (const e of history) if (e.epoch <= requested) floor = e;
  return floor ? { leaderEpoch: floor.epoch, endOffset: higher.startOffset } : { leaderEpoch: requested, endOffset: higher.startOffset };
}
