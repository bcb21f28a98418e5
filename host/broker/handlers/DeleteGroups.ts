// DeleteGroups (key 42), v0–2. Deletes empty groups with their committed offsets (tombstones in
// __consumer_offsets); a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { results: req.groupsNames.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE })) };
    return { results: await groups.execute(groups.coordinator.deleteGroups(req.groupsNames, ctx.broker.now())) };
  },
});
