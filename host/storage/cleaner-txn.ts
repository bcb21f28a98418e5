// Transaction bookkeeping of one cleaning pass (Kafka's CleanedTransactionMetadata), fed with the
// batches of the cleaned range in offset order:
//   - a transactional data batch of a producer whose aborted transaction (from the txn index) has
//     begun is aborted data: it may be discarded;
//   - an ABORT marker may be discarded once no batch of its transaction was seen in this pass (the
//     data went in an earlier pass); while data was seen, the marker stays and its txn-index entry
//     is carried into the cleaned segment;
//   - a COMMIT marker may be discarded once no batch of its transaction was seen in this pass;
//   - an empty control batch may be discarded.
// Discardable markers still wait for delete.retention.ms (the cleaner decides that).
import type { BatchDescriptor } from '../core/types.js';
import { Attr } from '../core/types.js';
import type { AbortedTxn } from './txn-index.js';

export class CleanedTxnState {
  /** Aborted transactions not yet begun in this pass, by first offset. */
  readonly #pending: AbortedTxn[];
  /** Begun aborted transactions per producer, with whether a batch of them was seen. */
  readonly #ongoingAborted = new Map<bigint, { txn: AbortedTxn; seen: boolean }>();
  readonly #ongoingCommitted = new Set<bigint>();
  /** Aborted transactions whose marker is kept with data seen: the cleaned txn index keeps them. */
  readonly retainedAborted: AbortedTxn[] = [];

  constructor(aborted: readonly AbortedTxn[]) {
    this.#pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  }

  #beginUpTo(offset: bigint): void {
    while (this.#pending.length > 0 && this.#pending[0]!.firstOffset <= offset) {
      const t = this.#pending.shift()!;
      if (!this.#ongoingAborted.has(t.producerId)) this.#ongoingAborted.set(t.producerId, { txn: t, seen: false });
    }
  }

  /** A data batch; true when it belongs to an aborted transaction (discardable). */
  onBatch(d: BatchDescriptor): boolean {
    const last = d.baseOffset + BigInt(d.lastOffsetDelta);
    this.#beginUpTo(last);
    if ((d.attributes & Attr.TRANSACTIONAL) === 0) return false;
    const a = this.#ongoingAborted.get(d.producerId);
    if (a) {
      a.seen = true;
      return true;
    }
    this.#ongoingCommitted.add(d.producerId);
    return false;
  }

  /** A control batch of `controlType` (0 ABORT, 1 COMMIT, -1 none/unknown); true when discardable. */
  onControl(d: BatchDescriptor, controlType: number): boolean {
    this.#beginUpTo(d.baseOffset + BigInt(d.lastOffsetDelta));
    if (d.recordCount === 0) return true;
    if (controlType === 0) {
      const a = this.#ongoingAborted.get(d.producerId);
      this.#ongoingAborted.delete(d.producerId);
      if (a && a.seen) {
        this.retainedAborted.push(a.txn);
        return false;
      }
      return true;
    }
    if (controlType === 1) return !this.#ongoingCommitted.delete(d.producerId);
    return false;
  }
}
