// The narrow interface between the transaction coordinator and the group coordinator, for offsets
// committed inside a transaction (TxnOffsetCommit / KafkaProducer.sendOffsetsToTransaction).
//
// Kafka's flow, which the group side implements behind this interface:
//   1. AddOffsetsToTxn(groupId) adds the group's __consumer_offsets partition to the transaction
//      (the transaction coordinator only needs `partitionFor`).
//   2. TxnOffsetCommit: the group coordinator checks the group (generation, member, instance id as
//      for OffsetCommit v3+), then writes the offset records to that partition as a *transactional*
//      batch with the producer id and epoch; the offsets stay pending for that producer, invisible
//      to OffsetFetch (which answers UNSTABLE_OFFSET_COMMIT for them when requireStable is set).
//   3. When the transaction ends, the transaction coordinator writes the COMMIT/ABORT marker to that
//      __consumer_offsets partition and then calls `completeTransaction`: on commit the pending
//      offsets become the group's committed offsets, on abort they are dropped.
//   4. On replay of __consumer_offsets, transactional offset batches stay pending per producer id
//      until their marker (a control batch) is replayed, exactly as at run time.
import type { TxnOffsetCommitRequest } from '../../protocol/generated/TxnOffsetCommitRequest.js';
import type { TxnOffsetCommitResponse } from '../../protocol/generated/TxnOffsetCommitResponse.js';
import type { Init } from '../../protocol/types.js';

export interface TxnOffsetClient {
  clientId: string;
  clientHost: string;
  apiVersion: number;
}

export interface TxnOffsetParticipant {
  /** The __consumer_offsets partition that holds a group. */
  partitionFor(groupId: string): number;
  /** TxnOffsetCommit, once the transaction coordinator has verified the partition is in the transaction. */
  commitTransactionalOffsets(req: TxnOffsetCommitRequest, client: TxnOffsetClient): Promise<Init<TxnOffsetCommitResponse>>;
  /**
   * The marker of `producerId`'s transaction has been written to `__consumer_offsets-<partition>`:
   * make its pending offsets visible (commit) or drop them (abort).
   */
  completeTransaction(partition: number, producerId: bigint, producerEpoch: number, commit: boolean): void | Promise<void>;
}
