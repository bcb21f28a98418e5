// TxnOffsetCommit (key 28), v0–4. Offsets committed inside a transaction
// (sendOffsetsToTransaction): the group's __consumer_offsets partition must already be in the
// producer's transaction (AddOffsetsToTxn; checked here, KIP-890 part 1), then the group
// coordinator checks the member and writes the offsets as part of the transaction: they become
// the group's committed offsets only when the transaction commits, and vanish if it aborts.
// Version notes: v2 adds the committed leader epoch; v3 adds member id, generation and group
// instance id (checked like OffsetCommit's); v4 may answer TRANSACTION_ABORTABLE (INVALID_TXN_STATE
// before).
import { ApiKey } from '../../protocol/generated/index.js';
import { forVersion } from '../../coordinator/txn/errors.js';
import { OFFSETS_TOPIC } from '../../coordinator/txn/runtime.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const all = (errorCode: number) => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    const txn = ctx.broker.transactions;
    const groups = txn?.groups;
    if (!txn || !groups) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!req.groupId) return all(ErrorCode.INVALID_GROUP_ID);
    if (txn.verificationEnabled) {
      const code = txn.coordinator.verifyPartition(req.transactionalId, req.producerId, req.producerEpoch, OFFSETS_TOPIC, txn.offsetsPartitionFor(req.groupId));
      if (code !== ErrorCode.NONE) return all(forVersion(code === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : code, ctx.apiVersion, { fenced: 0, abortable: 4 }));
    }
    return groups.commitTransactionalOffsets(req, { clientId: ctx.clientId ?? '', clientHost: ctx.conn.remoteAddress, apiVersion: ctx.apiVersion });
  },
});
