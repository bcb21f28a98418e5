// AddOffsetsToTxn (key 25), v0–4. Adds the group's __consumer_offsets partition to the producer's
// transaction, so that the offsets it then commits with TxnOffsetCommit become visible only when
// the transaction commits (the COMMIT marker reaches that partition). Same checks and errors as
// AddPartitionsToTxn. Version notes: PRODUCER_FENCED from v2 (INVALID_PRODUCER_EPOCH before),
// TRANSACTION_ABORTABLE from v4.
import { ApiKey } from '../../protocol/generated/index.js';
import { OFFSETS_TOPIC } from '../../coordinator/txn/runtime.js';
import { forVersion } from '../../coordinator/txn/errors.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const txn = ctx.broker.transactions;
    if (!txn) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const partition = txn.offsetsPartitionFor(req.groupId);
    const code = await txn.execute(
      txn.coordinator.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }], ctx.broker.now()),
    );
    return { errorCode: forVersion(code, ctx.apiVersion, { fenced: 2, abortable: 4 }) };
  },
});
