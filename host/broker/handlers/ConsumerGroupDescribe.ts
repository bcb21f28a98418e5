// ConsumerGroupDescribe (key 69), v0. Consumer (KIP-848) groups: epochs, assignor, and each
// member's subscription, current and target assignment. A classic or unknown group:
// GROUP_ID_NOT_FOUND.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { groups: req.groupIds.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupState: '', assignorName: '' })) };
    return { groups: groups.coordinator.consumerGroupDescribe(req.groupIds) };
  },
});
