// SyncGroup (key 14), v0–5. The second step of the classic protocol: the leader sends the
// assignment, which is written to __consumer_offsets before every member gets its part; members
// wait for it. In a Stable group a member just gets its current assignment. v5 checks the
// protocol type and name against the group's (INCONSISTENT_GROUP_PROTOCOL).
import { ApiKey } from '../../protocol/generated/index.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    return groups.execute(groups.coordinator.syncGroup(req, clientOf(ctx), ctx.broker.now()));
  },
});
