// ListTransactions (key 66), v0–1. Every transactional id this coordinator knows, with its producer
// id and state, filtered by state names (unknown names are echoed in UnknownStateFilters) and
// producer ids. Version notes: v1 adds DurationFilter (only transactions running longer than it).
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const txn = ctx.broker.transactions;
    if (!txn) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    return txn.coordinator.list(req.stateFilters, req.producerIdFilters, ctx.apiVersion >= 1 ? req.durationFilter : -1n, ctx.broker.now());
  },
});
