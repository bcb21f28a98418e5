// OffsetForLeaderEpoch (key 23), v0–4. For each partition, the end offset of the requested leader
// epoch (admin/leader-epochs.ts: the log end offset for the current epoch; Kafka's rules for older
// and unknown ones, with UNDEFINED_EPOCH_OFFSET -1). Consumers use it to detect log truncation
// after a leader change. currentLeaderEpoch (v2+, -1 = unchecked) older than ours:
// FENCED_LEADER_EPOCH; newer: UNKNOWN_LEADER_EPOCH. Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION.
// Version notes: v1 adds the answered leaderEpoch; v2 currentLeaderEpoch and throttleTimeMs; v3
// replicaId (consumers send -1/-2; the answer is the same for a single node); v4 is flexible.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import { endOffsetForEpoch, epochHistory } from '../admin/leader-epochs.js';

export default defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const v = ctx.apiVersion;
    return {
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const fail = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
          const meta = topics.get(t.topic)?.partitions[p.partition];
          const log = meta ? topics.partition(t.topic, p.partition) : undefined;
          if (!meta || !log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (v >= 2 && p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== meta.leaderEpoch) {
            return fail(p.currentLeaderEpoch < meta.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
          }
          const r = endOffsetForEpoch(epochHistory(meta.leaderEpoch, log), p.leaderEpoch, log.logEndOffset);
          return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: v >= 1 ? r.leaderEpoch : -1, endOffset: r.endOffset };
        }),
      })),
    };
  },
});
