// DescribeGroups (key 15), v0–5. Classic groups: state, protocol type, and in Stable the chosen
// protocol and each member's metadata and assignment. An unknown group is reported Dead with no
// error, as Kafka does; a consumer (KIP-848) group is GROUP_ID_NOT_FOUND here (use
// ConsumerGroupDescribe). v4+ include group instance ids.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { groups: req.groups.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groupState: '', protocolType: '', protocolData: '' })) };
    return { groups: groups.coordinator.describeGroups(req.groups) };
  },
});
