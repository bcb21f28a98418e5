// OffsetCommit (key 8), v0–9. Commits are checked against the group (generation and member for
// classic groups — v0 carries neither and is accepted only while the group is Empty; member epoch
// for consumer groups, v9), written to __consumer_offsets, and answered once written. Generation
// -1 on an unknown group creates a "simple" group (admin tools, assign()). v2–4 carry a retention
// time (the offset then expires at commit time + retention); v6+ a leader epoch; v7+ a group
// instance id. Unknown topics or partitions: UNKNOWN_TOPIC_OR_PARTITION; metadata over
// offset.metadata.max.bytes: OFFSET_METADATA_TOO_LARGE.
import { ApiKey } from '../../protocol/generated/index.js';
import { clientOf, groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  handle(req, ctx) {
    const groups = groupsOf(ctx);
    if (!groups) {
      return {
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE })) })),
      };
    }
    return groups.execute(groups.coordinator.commitOffsets(req, clientOf(ctx), ctx.broker.now()));
  },
});
