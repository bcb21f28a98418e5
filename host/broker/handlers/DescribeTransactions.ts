// DescribeTransactions (key 65), v0. The state of each named transactional id: state name, producer
// id and epoch, timeout, start time and the partitions of the ongoing transaction (while
// committing or aborting, those still waiting for their marker). Unknown ids answer
// TRANSACTIONAL_ID_NOT_FOUND, an empty id INVALID_REQUEST.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const txn = ctx.broker.transactions;
    return {
      transactionStates: req.transactionalIds.map((id) =>
        txn ? txn.coordinator.describe(id) : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, transactionalId: id },
      ),
    };
  },
});
