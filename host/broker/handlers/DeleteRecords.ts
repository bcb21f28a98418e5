// DeleteRecords (key 21), v0–2. Moves each partition's log start offset up to the given offset
// (-1 = the high watermark) and answers the new low watermark; whole segments below it are
// deleted. Per partition: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_OUT_OF_RANGE (negative or above the
// high watermark), POLICY_VIOLATION when cleanup.policy lacks `delete`, INVALID_TOPIC_EXCEPTION
// for internal topics — as Kafka. Single node: no replicas to wait for, so timeoutMs is not needed.
// Version notes: v1 is the same as v0; v2 is flexible.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

const HIGH_WATERMARK = -1n;

export default defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const { topics, log } = ctx.broker;
    const out = [];
    for (const t of req.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        try {
          const meta = topics.get(t.name);
          const plog = meta ? topics.partition(t.name, p.partitionIndex) : undefined;
          if (!meta || !plog) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION');
          if (meta.internal) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Cannot delete records of internal topic ${t.name}`);
          if (!topics.topicConfig(t.name).cleanupPolicy().delete) throw new KafkaError('POLICY_VIOLATION');
          const offset = p.offset === HIGH_WATERMARK ? plog.highWatermark : p.offset;
          if (offset < 0n) throw new KafkaError('OFFSET_OUT_OF_RANGE');
          const lowWatermark = await plog.deleteRecords(offset);
          log.info({ topic: t.name, partition: p.partitionIndex, lowWatermark: String(lowWatermark) }, 'deleted records');
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE });
        } catch (e) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: kafkaErrorCode(e) });
        }
      }
      out.push({ name: t.name, partitions });
    }
    return { topics: out };
  },
});
