// ListOffsets (key 2), v0–10. EARLIEST (-2) = log start, LATEST (-1) = high watermark (the last
// stable offset under read_committed), MAX_TIMESTAMP (-3, v7+), EARLIEST_LOCAL (-4, v8+: no
// tiered storage, so the log start), LATEST_TIERED (-5, v9+: nothing tiered, so -1), or the first
// offset whose timestamp is >= the given one — record level, as Kafka answers (the log decodes
// the one batch that answers; MAX_TIMESTAMP names the record holding the largest timestamp). v0
// answers with the old offsets list.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

const READ_COMMITTED = 1;

export default defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  async handle(req, ctx) {
    const { topics } = ctx.broker;
    const out = [];
    for (const t of req.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const fail = (errorCode: number) => ({ partitionIndex: p.partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 });
        const meta = topics.get(t.name);
        const log = meta ? topics.partition(t.name, p.partitionIndex) : undefined;
        if (!meta || !log) {
          partitions.push(fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        const epoch = meta.partitions[p.partitionIndex]!.leaderEpoch;
        if (ctx.apiVersion >= 4 && p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== epoch) {
          partitions.push(fail(p.currentLeaderEpoch > epoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH));
          continue;
        }
        try {
          let offset = -1n;
          let timestamp = -1n;
          let leaderEpoch = -1;
          const ts = p.timestamp;
          if (ts === -1n) {
            offset = ctx.apiVersion >= 2 && req.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
            leaderEpoch = epoch;
          } else if (ts === -2n || ts === -4n) {
            offset = log.logStartOffset;
            leaderEpoch = epoch;
          } else if (ts === -5n) {
            offset = -1n;
          } else {
            const found = await log.listOffsets(ts);
            if (found) ({ offset, timestamp, leaderEpoch } = found);
          }
          partitions.push({
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            oldStyleOffsets: ctx.apiVersion === 0 && offset >= 0n && p.maxNumOffsets > 0 ? [offset] : [],
            timestamp,
            offset: ctx.apiVersion === 0 ? -1n : offset,
            leaderEpoch: ctx.apiVersion >= 4 ? leaderEpoch : -1,
          });
        } catch (e) {
          partitions.push(fail(kafkaErrorCode(e)));
        }
      }
      out.push({ name: t.name, partitions });
    }
    return { topics: out };
  },
});
