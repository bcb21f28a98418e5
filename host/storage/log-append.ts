// The synchronous half of an append and the writer's per-group bookkeeping, kept apart from the
// Log's queue and state (log.ts):
//   - prepareAppend: one core call validates the produce request's batches (Kafka's producer rules)
//     and, for a leader, assigns offsets in place (the CRC does not cover baseOffset or
//     partitionLeaderEpoch); sizes, idempotent duplicates and LogAppendTime are handled here;
//   - nextGroup / shouldRoll: which queued appends go into one writev and when to roll first;
//   - indexWritten: sparse index entries from the core's descriptors and committed producer state
//     once a group is on disk.
// No record is parsed here: only the core's batch descriptors are read.
import type { BatchDescriptor, Core } from '../core/types.js';
import { Attr, BatchStatus } from '../core/types.js';
import type { LogConfig } from './config.js';
import { StorageError } from './errors.js';
import type { AppendOrigin, ProducerBatch, ProducerStateManager } from './producer-state.js';
import { indexBatch, type Segment } from './segment.js';
import { controlTypeOf } from './segment-read.js';
import type { AbortedTxn } from './txn-index.js';
import type { AppendOptions, AppendResult } from './types.js';

export const INT32_MAX = 2147483647;
/** Largest group of queued appends written with one writev. */
export const MAX_GROUP_BYTES = 8 * 1024 * 1024;

const STATUS_NAMES = Object.fromEntries(Object.entries(BatchStatus).map(([k, v]) => [v, k])) as Record<number, string>;
export const statusName = (s: number): string => STATUS_NAMES[s] ?? `STATUS_${s}`;

/** One queued append. */
export interface Pending {
  records: Uint8Array;
  batches: BatchDescriptor[];
  firstOffset: bigint;
  lastOffset: bigint;
  recordCount: number;
  sync: boolean;
  controlType: number | undefined;
  result: AppendResult;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
  promise: Promise<AppendResult>;
}

export interface AppendContext {
  core: Core;
  config: LogConfig;
  /** Producer state including queued appends; checked and advanced here. */
  pendingState: ProducerStateManager;
  nextOffset: bigint;
  leaderEpoch: number;
  clock: () => number;
}

export type PreparedAppend =
  | { duplicate: ProducerBatch; recordCount: number }
  | { duplicate: null; batches: BatchDescriptor[]; recordCount: number; firstOffset: bigint; next: bigint; logAppendTime: bigint };

/**
 * Validates `records` and assigns offsets from `ctx.nextOffset` (leader appends), advancing
 * `ctx.pendingState`. Throws StorageError (CORRUPT_MESSAGE, INVALID_RECORD, MESSAGE_TOO_LARGE,
 * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH) without changing any state.
 */
export function prepareAppend(ctx: AppendContext, records: Uint8Array, options: AppendOptions): PreparedAppend {
  if (!(records instanceof Uint8Array) || records.length === 0) throw new StorageError('INVALID_RECORD', 'empty record set');
  const origin: AppendOrigin = options.origin ?? 'client';
  const epoch = options.leaderEpoch ?? ctx.leaderEpoch;
  const scan = ctx.core.validateBatches(
    records,
    origin === 'replication' ? { strict: true } : { strict: true, assign: { baseOffset: ctx.nextOffset, leaderEpoch: epoch } },
  );
  if (scan.status !== BatchStatus.OK) {
    throw new StorageError(scan.status === BatchStatus.BAD_MAGIC ? 'INVALID_RECORD' : 'CORRUPT_MESSAGE', `batch rejected by the core: ${statusName(scan.status)} at byte ${scan.errorPosition}`, {
      details: { status: statusName(scan.status), position: scan.errorPosition },
    });
  }
  const batches = scan.batches;
  if (batches.length === 0) throw new StorageError('INVALID_RECORD', 'no batch in record set');
  let recordCount = 0;
  for (const d of batches) {
    if (d.size > ctx.config.maxMessageBytes) {
      throw new StorageError('MESSAGE_TOO_LARGE', `batch of ${d.size} bytes exceeds max.message.bytes ${ctx.config.maxMessageBytes}`);
    }
    recordCount += d.recordCount;
  }
  // Idempotent producer: a retried batch is answered with its original offsets.
  if (origin === 'client') {
    for (const d of batches) {
      const r = ctx.pendingState.check(d, origin);
      if (r && batches.length === 1) return { duplicate: r.duplicate, recordCount: d.recordCount };
    }
  } else {
    for (const d of batches) ctx.pendingState.check(d, origin);
  }
  options.verify?.(batches);
  let next = ctx.nextOffset;
  const firstOffset = origin === 'replication' ? batches[0]!.baseOffset : next;
  for (const d of batches) {
    if (origin === 'replication' && d.baseOffset < next) {
      throw new StorageError('INVALID_RECORD', `replicated batch at ${d.baseOffset} is below the log end ${next}`);
    }
    next = d.baseOffset + BigInt(d.lastOffsetDelta) + 1n;
  }
  let logAppendTime = -1n;
  if (ctx.config.timestampType === 'LogAppendTime' && origin !== 'replication') {
    // Broker time into every batch (attributes and maxTimestamp change: the core redoes the CRCs).
    logAppendTime = BigInt(ctx.clock());
    ctx.core.setMaxTimestamp(records, logAppendTime, true);
    for (const d of batches) {
      d.maxTimestamp = logAppendTime;
      d.attributes |= Attr.TIMESTAMP_TYPE_LOG_APPEND;
    }
  }
  for (const d of batches) ctx.pendingState.apply(d, options.controlType ?? controlTypeOf(d));
  return { duplicate: null, batches, recordCount, firstOffset, next, logAppendTime };
}

/** Kafka's roll rule for the active segment before `bytes` ending at `lastOffset` are written. */
export function shouldRoll(seg: Segment, config: LogConfig, bytes: number, lastOffset: bigint, rollRequested: boolean, nowMs: number): boolean {
  if (seg.size === 0) return lastOffset - seg.baseOffset > BigInt(INT32_MAX);
  return (
    rollRequested ||
    seg.size + bytes > config.segmentBytes ||
    nowMs - seg.createdMs > config.segmentMs ||
    seg.offsetIndex.isFull ||
    seg.timeIndex.isFull ||
    lastOffset - seg.baseOffset > BigInt(INT32_MAX)
  );
}

/** The queued appends (from the head) written together into `seg` with one writev. */
export function nextGroup(queue: readonly Pending[], seg: Segment, config: LogConfig): { group: Pending[]; bytes: number } {
  const group: Pending[] = [];
  let bytes = 0;
  for (const p of queue) {
    if (group.length > 0) {
      if (bytes + p.records.length > MAX_GROUP_BYTES) break;
      if (seg.size + bytes + p.records.length > config.segmentBytes) break;
      if (p.lastOffset - seg.baseOffset > BigInt(INT32_MAX)) break;
    }
    group.push(p);
    bytes += p.records.length;
  }
  return { group, bytes };
}

/**
 * After `group` was written at `position` of `seg`: index entries, committed producer state (into
 * `state`) and the transactions it aborted. Returns those and the number of records written.
 */
export function indexWritten(seg: Segment, group: readonly Pending[], position: number, indexIntervalBytes: number, state: ProducerStateManager): { aborted: AbortedTxn[]; messages: number } {
  const aborted: AbortedTxn[] = [];
  let pos = position;
  let messages = 0;
  for (const p of group) {
    for (const d of p.batches) {
      indexBatch(seg, d, pos + d.position, indexIntervalBytes);
      const done = state.apply(d, p.controlType ?? controlTypeOf(d));
      if (done && done.isAborted) {
        const lso = state.firstUndecidedOffset();
        aborted.push({ producerId: done.producerId, firstOffset: done.firstOffset, lastOffset: done.lastOffset, lastStableOffset: lso >= 0n ? lso : done.lastOffset + 1n });
      }
    }
    pos += p.records.length;
    messages += p.recordCount;
  }
  return { aborted, messages };
}
