// EndTxn (key 26), v0–5. Commits or aborts the producer's ongoing transaction: PrepareCommit/
// PrepareAbort is written to __transaction_state (the decision is then durable), the markers are
// written to every partition of the transaction and CompleteCommit/CompleteAbort recorded. The
// answer waits for the decision and, briefly, for the completion, so that a client beginning its
// next transaction right away is not sent CONCURRENT_TRANSACTIONS. A retried EndTxn of a finished
// transaction succeeds; the opposite result gets INVALID_TXN_STATE. Version notes: PRODUCER_FENCED
// from v2 (INVALID_PRODUCER_EPOCH before); TRANSACTION_ABORTABLE from v4; v5 (KIP-890 part 2,
// transaction version 2) bumps the producer epoch at every end and returns the producer id and
// epoch to use next (a new producer id once the epoch is exhausted), and may abort with no
// transaction in progress (to bump the epoch).
import { ApiKey } from '../../protocol/generated/index.js';
import { forVersion } from '../../coordinator/txn/errors.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

/** How long the answer may wait for the markers once the decision is written. */
const COMPLETION_WAIT_MS = 5000;

export default defineHandler({
  apiKey: ApiKey.EndTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const txn = ctx.broker.transactions;
    const respond = (errorCode: number, producerId = -1n, producerEpoch = -1) =>
      v >= 5 ? { errorCode, producerId, producerEpoch } : { errorCode };
    if (!txn) return respond(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const r = await txn.execute(txn.coordinator.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, v >= 5 ? 2 : 0, ctx.broker.now()));
    if (r.errorCode === ErrorCode.NONE) await txn.whenCompleted(req.transactionalId, COMPLETION_WAIT_MS);
    const code = forVersion(r.errorCode, v, { fenced: 2, abortable: 4 });
    return code === ErrorCode.NONE ? respond(code, r.producerId, r.producerEpoch) : respond(code);
  },
});
