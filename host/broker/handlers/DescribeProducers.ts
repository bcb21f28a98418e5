// DescribeProducers (key 61), v0. The idempotent/transactional producers with state in each
// partition (from the storage's committed producer state): id, epoch, last sequence, last
// timestamp, coordinator epoch and the first offset of an open transaction (-1 if none). Unknown
// topics or partitions: UNKNOWN_TOPIC_OR_PARTITION.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const log = topics.get(t.name) ? topics.partition(t.name, partitionIndex) : undefined;
          if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
          return {
            partitionIndex,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            activeProducers: log.activeProducers().map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.epoch,
              lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : -1,
              lastTimestamp: e.lastTimestamp,
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: e.currentTxnFirstOffset,
            })),
          };
        }),
      })),
    };
  },
});
