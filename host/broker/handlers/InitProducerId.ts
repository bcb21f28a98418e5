// InitProducerId (key 22), v0–5. Without a transactional id: a fresh producer id (never reused,
// even across restarts) at epoch 0 — the idempotent producer; as in Kafka, a non-transactional
// producer that names its old id and epoch (v3+, KIP-360) also gets a fresh id. Id and epoch must
// be both set or both unset. Transactional ids go to the transaction coordinator. The transaction
// timeout means nothing without a transactional id and is not checked (librdkafka sends -1).
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { metadata } = ctx.broker;
    if (req.transactionalId !== null) {
      const coordinator = ctx.broker.transactions;
      if (!coordinator) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
      return coordinator.initProducerId(req, ctx);
    }
    if ((req.producerId === -1n) !== (req.producerEpoch === -1)) {
      return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
    }
    return { errorCode: ErrorCode.NONE, producerId: metadata.allocateProducerId(), producerEpoch: 0 };
  },
});
