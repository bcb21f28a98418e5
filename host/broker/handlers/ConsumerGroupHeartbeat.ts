// ConsumerGroupHeartbeat (key 68), v0–1. The consumer group protocol of KIP-848
// (group.protocol=consumer): joining (epoch 0), heartbeating, and leaving (epoch -1; -2 for a
// static member that will come back) in one request; the coordinator computes the assignment with
// a server-side assignor (`uniform` default, `range`) and hands it out as members revoke what
// they must give up. v1 adds a topic regex subscription and expects client-generated member ids.
import { ApiKey } from '../../protocol/generated/index.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberEpoch: 0, heartbeatIntervalMs: 0 };
    return groups.execute(groups.coordinator.consumerGroupHeartbeat(req, clientOf(ctx), ctx.broker.now()));
  },
});
