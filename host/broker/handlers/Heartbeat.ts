// Heartbeat (key 12), v0–4. Keeps a classic group member's session alive. REBALANCE_IN_PROGRESS
// tells it to rejoin; ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID (v3+, static
// members) fence it.
import { ApiKey } from '../../protocol/generated/index.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    return { errorCode: await groups.execute(groups.coordinator.heartbeat(req, clientOf(ctx), ctx.broker.now())) };
  },
});
