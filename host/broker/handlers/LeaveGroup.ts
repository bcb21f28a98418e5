// LeaveGroup (key 13), v0–5. A member leaves its classic group, which rebalances. v0–2 name one
// member; v3+ take a batch of members (by member id, or by group instance id with an empty member
// id, as admin tools remove static members) and answer per member.
import { ApiKey } from '../../protocol/generated/index.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    return groups.execute(groups.coordinator.leaveGroup(req, clientOf(ctx), ctx.broker.now()));
  },
});
