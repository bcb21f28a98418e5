// CreatePartitions (key 37), v0–3. Grows topics to `count` partitions; optional manual
// assignments (one replica list per added partition, each naming live brokers with the topic's
// replication factor); validateOnly checks without creating. Per topic: UNKNOWN_TOPIC_OR_PARTITION,
// INVALID_PARTITIONS (not an increase, too many), INVALID_REPLICA_ASSIGNMENT, INVALID_REQUEST for a
// topic named twice. Messages are Kafka's. New partitions are ready when the response is sent.
// Version notes: v1 is the same as v0 (throttling change); v2 is flexible; v3 the same as v2.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode, errorMessage, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import { createPartitions } from '../admin/partitions.js';

export default defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results = await Promise.all(
      req.topics.map(async (t) => {
        if (seen.get(t.name)! > 1) return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' };
        try {
          await createPartitions(ctx.broker, t.name, t.count, t.assignments, req.validateOnly);
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (e) {
          return { name: t.name, errorCode: kafkaErrorCode(e), errorMessage: errorMessage(e) };
        }
      }),
    );
    return { results };
  },
});
