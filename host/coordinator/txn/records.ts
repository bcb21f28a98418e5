// Records of __transaction_state, in Kafka's formats (coordinator-records/TransactionLogKey and
// TransactionLogValue, encoded by the generated codecs):
//
//   key   = int16 type 0 | TransactionLogKey v0 {transactionalId}
//   value = int16 version 1 | TransactionLogValue v1 {producerId, producerEpoch, transactionTimeoutMs,
//           transactionStatus (TxnState id), transactionPartitions (null when Empty),
//           transactionLastUpdateTimestampMs, transactionStartTimestampMs,
//           tagged: previousProducerId, nextProducerId, clientTransactionVersion}
//   null value = tombstone: the transactional id expired (compaction then drops it).
//
// The topic is compacted, so the latest record per transactional id is its whole state.
import { decodeCoordinatorRecord, encodeCoordinatorKey, encodeCoordinatorValue } from '../../protocol/coordinator.js';
import type { TransactionLogKey, TransactionLogValue } from '../../protocol/generated/coordinator/index.js';
import { NO_PRODUCER_EPOCH, TxnState, addPartitions, partitionList, type PartitionSet, type TxnStateId, type TxnTransit } from './state.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
const RECORD_TYPE = 0;
const VALUE_VERSION = 1;

export interface TxnRecord {
  transactionalId: string;
  /** null: tombstone. */
  value: TxnTransit | null;
}

export function encodeTxnRecord(r: TxnRecord): { key: Uint8Array; value: Uint8Array | null } {
  const key = encodeCoordinatorKey<TransactionLogKey>(TRANSACTION_STATE_TOPIC, RECORD_TYPE, { transactionalId: r.transactionalId });
  const v = r.value;
  if (v === null) return { key, value: null };
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitionList(v.partitions)) {
    let l = byTopic.get(topic);
    if (!l) byTopic.set(topic, (l = []));
    l.push(partition);
  }
  const value = encodeCoordinatorValue<TransactionLogValue>(TRANSACTION_STATE_TOPIC, RECORD_TYPE, VALUE_VERSION, {
    producerId: v.producerId,
    previousProducerId: v.previousProducerId,
    nextProducerId: v.nextProducerId,
    producerEpoch: v.producerEpoch,
    transactionTimeoutMs: v.txnTimeoutMs,
    transactionStatus: v.state,
    transactionPartitions: v.state === TxnState.Empty ? null : [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
    transactionLastUpdateTimestampMs: BigInt(v.txnLastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(v.txnStartTimestamp),
    clientTransactionVersion: v.clientTransactionVersion,
  });
  return { key, value };
}

/**
 * A record read back from __transaction_state, or null for a key of another type (Kafka ignores
 * those). Throws on bytes that do not decode or an unknown state id.
 */
export function decodeTxnRecord(key: Uint8Array, value: Uint8Array | null): TxnRecord | null {
  const d = decodeCoordinatorRecord(TRANSACTION_STATE_TOPIC, key, value);
  if (d.error) {
    if (d.error.code === 'UNSUPPORTED_VERSION' && /unknown record type/.test(d.error.message)) return null;
    throw d.error;
  }
  const transactionalId = (d.key as TransactionLogKey).transactionalId;
  if (d.value === null) return { transactionalId, value: null };
  const v = d.value as TransactionLogValue;
  if (v.transactionStatus < 0 || v.transactionStatus > TxnState.PrepareEpochFence) {
    throw new Error(`__transaction_state: unknown transaction status ${v.transactionStatus} for ${transactionalId}`);
  }
  const partitions: PartitionSet = new Map();
  if (v.transactionStatus !== TxnState.Empty) for (const p of v.transactionPartitions ?? []) addPartitions(partitions, p.topic, p.partitionIds);
  return {
    transactionalId,
    value: {
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      nextProducerId: v.nextProducerId,
      producerEpoch: v.producerEpoch,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      txnTimeoutMs: v.transactionTimeoutMs,
      state: v.transactionStatus as TxnStateId,
      partitions,
      txnStartTimestamp: Number(v.transactionStartTimestampMs),
      txnLastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
      clientTransactionVersion: v.clientTransactionVersion,
    },
  };
}
