// InitProducerId (key 22), v0–5. Without a transactional id: a fresh producer id (never reused,
// even across restarts) at epoch 0 — the idempotent producer; as in Kafka, a non-transactional
// producer that names its old id and epoch (v3+, KIP-360) also gets a fresh id. Id and epoch must
// be both set or both unset. The transaction timeout means nothing without a transactional id and
// is not checked (librdkafka sends -1). With a transactional id, the transaction coordinator
// bumps the epoch (fencing older producers of that id), rotates the producer id once the epoch is
// exhausted, aborts a transaction left ongoing (CONCURRENT_TRANSACTIONS until that is done) and
// checks the timeout against transaction.max.timeout.ms (INVALID_TRANSACTION_TIMEOUT). Version
// notes: v3 adds the producer id and epoch the client had (KIP-360); PRODUCER_FENCED from v4
// (INVALID_PRODUCER_EPOCH before).
import { ApiKey } from '../../protocol/generated/index.js';
import { forVersion } from '../../coordinator/txn/errors.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const { metadata } = ctx.broker;
    if ((req.producerId === -1n) !== (req.producerEpoch === -1)) {
      return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    }
    if (req.transactionalId !== null) {
      const txn = ctx.broker.transactions;
      if (!txn) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
      const expected = req.producerId === -1n ? null : { producerId: req.producerId, producerEpoch: req.producerEpoch };
      const r = await txn.execute(txn.coordinator.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected, ctx.broker.now()));
      return { ...r, errorCode: forVersion(r.errorCode, ctx.apiVersion, { fenced: 4, abortable: 5 }) };
    }
    return { errorCode: ErrorCode.NONE, producerId: metadata.allocateProducerId(), producerEpoch: 0 };
  },
});
