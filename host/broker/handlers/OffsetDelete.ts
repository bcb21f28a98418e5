// OffsetDelete (key 47), v0. Deletes a group's committed offsets for some partitions. Refused for
// a classic group with members (NON_EMPTY_GROUP) unless it uses the consumer protocol, and per
// partition for topics the group is subscribed to (GROUP_SUBSCRIBED_TO_TOPIC).
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    return groups.execute(groups.coordinator.deleteOffsets(req, ctx.broker.now()));
  },
});
