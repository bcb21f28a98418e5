// JoinGroup (key 11), v0–9. The classic group protocol's first step: the coordinator collects the
// members of a new generation, picks the protocol every member supports by vote, and answers all
// of them together (the leader gets the member list). v4+: a first join without a member id gets
// MEMBER_ID_REQUIRED and an id to come back with (unless it is a static member, v5+). v0 has no
// rebalance timeout (the session timeout is used); v7+ returns the protocol type; v9 may tell a
// rejoining static leader to skip the assignment.
import { ApiKey } from '../../protocol/generated/index.js';
import { joinResponse } from '../../coordinator/group/classic.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return joinResponse(ctx.apiVersion, { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: req.memberId });
    return groups.execute(groups.coordinator.joinGroup(req, clientOf(ctx), ctx.broker.now()));
  },
});
