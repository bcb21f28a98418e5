// The state of one transactional id, as the transaction coordinator keeps it and as it is written to
// __transaction_state (TransactionLogValue). States and their numeric ids are Kafka's:
//
//   Empty(0) ─AddPartitions→ Ongoing(1) ─EndTxn→ PrepareCommit(2) | PrepareAbort(3)
//     ─markers written→ CompleteCommit(4) | CompleteAbort(5) ─AddPartitions→ Ongoing …
//   Dead(6): expired transactional id (tombstone). PrepareEpochFence(7): in memory only, while an
//   ongoing transaction is being aborted to fence its producer (InitProducerId, timeout).
//
// A transition is prepared as a full copy (`TxnTransit`) and applied only once its record is written;
// meanwhile `pending` holds the target state and other requests get CONCURRENT_TRANSACTIONS.

export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnStateId = (typeof TxnState)[keyof typeof TxnState];

export const STATE_NAMES: readonly string[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

export function stateName(s: number): string {
  return STATE_NAMES[s] ?? `Unknown(${s})`;
}

/** State id for a name as ListTransactions filters spell them ("Ongoing"), or undefined. */
export function stateByName(name: string): TxnStateId | undefined {
  const i = STATE_NAMES.indexOf(name);
  return i >= 0 ? (i as TxnStateId) : undefined;
}

export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
const SHORT_MAX = 32767;

/** Kafka never hands out Short.MAX_VALUE, so the coordinator can always fence once more. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= SHORT_MAX - 1;
}

/** Topic → partitions. */
export type PartitionSet = Map<string, Set<number>>;

export function copyPartitions(p: PartitionSet): PartitionSet {
  const out: PartitionSet = new Map();
  for (const [t, s] of p) out.set(t, new Set(s));
  return out;
}

export function addPartitions(p: PartitionSet, topic: string, partitions: Iterable<number>): void {
  let s = p.get(topic);
  if (!s) p.set(topic, (s = new Set()));
  for (const n of partitions) s.add(n);
}

export function hasPartition(p: PartitionSet, topic: string, partition: number): boolean {
  return p.get(topic)?.has(partition) ?? false;
}

export function removePartition(p: PartitionSet, topic: string, partition: number): void {
  const s = p.get(topic);
  if (!s) return;
  s.delete(partition);
  if (s.size === 0) p.delete(topic);
}

export function partitionCount(p: PartitionSet): number {
  let n = 0;
  for (const s of p.values()) n += s.size;
  return n;
}

export function partitionList(p: PartitionSet): Array<{ topic: string; partition: number }> {
  const out: Array<{ topic: string; partition: number }> = [];
  for (const [topic, s] of [...p].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const partition of [...s].sort((a, b) => a - b)) out.push({ topic, partition });
  }
  return out;
}

/** What a TransactionLogValue holds (plus the fields Kafka keeps only in memory). */
export interface TxnTransit {
  producerId: bigint;
  /** The producer id before the last rotation (KIP-360 retries). */
  previousProducerId: bigint;
  /** The producer id the next completion rotates to (transaction version 2, epoch exhausted). */
  nextProducerId: bigint;
  producerEpoch: number;
  /** Epoch before the last bump, to recognise a retried InitProducerId (memory only). */
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnStateId;
  partitions: PartitionSet;
  /** -1 when no transaction has started. */
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** 0/1: classic transactions; 2: the epoch is bumped at every EndTxn (KIP-890 part 2). */
  clientTransactionVersion: number;
}

export class TxnMetadata implements TxnTransit {
  producerId: bigint;
  previousProducerId: bigint;
  nextProducerId: bigint;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  state: TxnStateId;
  partitions: PartitionSet;
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  clientTransactionVersion: number;
  /** Target of a transition whose record is being written. */
  pending: TxnStateId | null = null;
  /** An epoch fence whose record failed to be written: the next fence reuses the bumped epoch. */
  hasFailedEpochFence = false;

  constructor(
    readonly transactionalId: string,
    init: TxnTransit,
  ) {
    this.producerId = init.producerId;
    this.previousProducerId = init.previousProducerId;
    this.nextProducerId = init.nextProducerId;
    this.producerEpoch = init.producerEpoch;
    this.lastProducerEpoch = init.lastProducerEpoch;
    this.txnTimeoutMs = init.txnTimeoutMs;
    this.state = init.state;
    this.partitions = copyPartitions(init.partitions);
    this.txnStartTimestamp = init.txnStartTimestamp;
    this.txnLastUpdateTimestamp = init.txnLastUpdateTimestamp;
    this.clientTransactionVersion = init.clientTransactionVersion;
  }

  get isEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch);
  }

  snapshot(): TxnTransit {
    return {
      producerId: this.producerId,
      previousProducerId: this.previousProducerId,
      nextProducerId: this.nextProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      state: this.state,
      partitions: copyPartitions(this.partitions),
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: this.txnLastUpdateTimestamp,
      clientTransactionVersion: this.clientTransactionVersion,
    };
  }

  /** Starts a transition: returns the new state as a copy with `changes` applied. */
  prepare(changes: Partial<TxnTransit>): TxnTransit {
    if (this.pending !== null) throw new Error(`transactional id ${this.transactionalId}: a transition to ${stateName(this.pending)} is already pending`);
    const t = { ...this.snapshot(), ...changes };
    this.pending = t.state;
    return t;
  }

  /** Applies a prepared transition whose record is written. */
  complete(t: TxnTransit): void {
    this.producerId = t.producerId;
    this.previousProducerId = t.previousProducerId;
    this.nextProducerId = t.nextProducerId;
    this.producerEpoch = t.producerEpoch;
    this.lastProducerEpoch = t.lastProducerEpoch;
    this.txnTimeoutMs = t.txnTimeoutMs;
    this.state = t.state;
    this.partitions = copyPartitions(t.partitions);
    this.txnStartTimestamp = t.txnStartTimestamp;
    this.txnLastUpdateTimestamp = t.txnLastUpdateTimestamp;
    this.clientTransactionVersion = t.clientTransactionVersion;
    this.pending = null;
  }
}
