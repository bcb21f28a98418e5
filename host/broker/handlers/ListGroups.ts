// ListGroups (key 16), v0–5. Every group this coordinator holds, classic and consumer. v4+:
// a states filter (case-insensitive) and each group's state; v5+: a types filter ("classic",
// "consumer") and each group's type.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    const states = ctx.apiVersion >= 4 ? req.statesFilter : [];
    const types = ctx.apiVersion >= 5 ? req.typesFilter : [];
    return { errorCode: ErrorCode.NONE, groups: groups.coordinator.listGroups(states, types) };
  },
});
