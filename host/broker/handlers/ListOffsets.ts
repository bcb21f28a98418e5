// ListOffsets (key 2), v0–10. EARLIEST (-2) = log start, LATEST (-1) = high watermark (the last
// stable offset under read_committed), MAX_TIMESTAMP (-3, v7+), EARLIEST_LOCAL (-4, v8+: no
// tiered storage, so the log start), LATEST_TIERED (-5, v9+: nothing tiered, so -1), or the first
// offset whose timestamp is >= the given one: the log finds the batch through the time index, and
// the record inside it is picked here, as Kafka answers with the record's offset and timestamp (a
// compressed batch is decompressed for that); MAX_TIMESTAMP likewise names the record holding the
// largest timestamp. v0 answers with the old offsets list.
import { ApiKey } from '../../protocol/generated/index.js';
import { Attr } from '../../core/types.js';
import { batchRecords } from '../convert.js';
import type { OffsetAndTimestamp, PartitionLog } from '../../storage/index.js';
import { ErrorCode, kafkaErrorCode } from '../errors.js';
import { defineHandler, type RequestContext } from '../handler.js';

const READ_COMMITTED = 1;
const MAX_TIMESTAMP = -3n;

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
            if (found) ({ offset, timestamp, leaderEpoch } = await firstRecordAtOrAfter(ctx, log, found, ts));
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

/**
 * The record the log's batch-level answer stands for: for a timestamp, the first record of the
 * batch at or after it; for MAX_TIMESTAMP (-3), the first record holding the batch's max timestamp.
 * The batch's own answer when it has one record or LogAppendTime (every record has its time).
 */
async function firstRecordAtOrAfter(ctx: RequestContext, log: PartitionLog, found: OffsetAndTimestamp, ts: bigint): Promise<OffsetAndTimestamp> {
  const { core, codecs } = ctx.broker;
  try {
    const r = await log.read(found.offset, { maxBytes: 1, minOneBatch: true });
    const batch = r.records[0];
    const b = batch ? core.validateBatches(batch).batches[0] : undefined;
    if (!batch || !b || b.recordCount <= 1 || (b.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0) return found;
    for (const rec of await batchRecords(core, codecs, batch.subarray(b.position, b.position + b.size), b)) {
      const offset = b.baseOffset + BigInt(rec.offsetDelta);
      const timestamp = b.baseTimestamp + rec.timestampDelta;
      const hit = ts === MAX_TIMESTAMP ? timestamp === b.maxTimestamp : offset >= found.offset && timestamp >= ts;
      if (hit) return { offset, timestamp, leaderEpoch: found.leaderEpoch };
    }
  } catch (err) {
    ctx.broker.log.warn({ err, offset: String(found.offset) }, 'ListOffsets: cannot look inside the batch; answering with its base offset');
  }
  return found;
}
