// OffsetFetch (key 9), v0–9. Committed offsets of a group (-1 where nothing is committed). v2+:
// a null topic list asks for every committed partition, and group errors go in a top-level error
// code (before v2, in each partition). v7+: requireStable answers UNSTABLE_OFFSET_COMMIT for
// partitions with a commit still being written. v8+: several groups per request. v9: a member id
// and epoch, checked for consumer (KIP-848) groups.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(req, ctx) {
    const v = ctx.apiVersion;
    const groups = groupsOf(ctx);
    const requireStable = v >= 7 && req.requireStable;
    if (v >= 8) {
      return {
        groups: req.groups.map((g) => {
          if (!groups) return { groupId: g.groupId, topics: [], errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
          const member = v >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : null;
          const r = groups.coordinator.fetchOffsets(g.groupId, g.topics, requireStable, member);
          return { groupId: g.groupId, topics: r.topics, errorCode: r.errorCode };
        }),
      };
    }
    const topics = v >= 2 ? req.topics : (req.topics ?? []);
    const r = groups ? groups.coordinator.fetchOffsets(req.groupId, topics, requireStable) : { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    if (v >= 2) return { topics: r.topics, errorCode: r.errorCode };
    if (r.errorCode === ErrorCode.NONE) return { topics: r.topics };
    // v0–1 have no top-level error code: every requested partition carries it.
    return {
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1n, metadata: '', errorCode: r.errorCode })),
      })),
    };
  },
});
