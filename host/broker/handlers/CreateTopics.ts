// CreateTopics (key 19), v0–7 (v0–1 are deprecated in Kafka but still what segmentio kafka-go
// 0.2.1 sends). Kafka's validation (name, partitions, replication factor against live brokers,
// topic configs), validateOnly (v1+), and from v5 the resulting configs and counts.
// Manual replica assignments must place every replica on a live broker.
import { ApiKey } from '../../protocol/generated/index.js';
import { TOPIC_CONFIGS } from '../../config/definitions.js';
import { ErrorCode, KafkaError, errorMessage, kafkaErrorCode } from '../errors.js';
import { ZERO_UUID } from '../../protocol/uuid.js';
import { defineHandler } from '../handler.js';
import { configSourceCode } from './configs-common.js';

export default defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(req, ctx) {
    const { topics, metadata } = ctx.broker;
    const seen = new Map<string, number>();
    for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results = await Promise.all(
      req.topics.map(async (t) => {
        const fail = (errorCode: number, msg: string | null) => ({ name: t.name, topicId: ZERO_UUID, errorCode, errorMessage: msg, numPartitions: -1, replicationFactor: -1, configs: null });
        if (seen.get(t.name)! > 1) return fail(ErrorCode.INVALID_REQUEST, 'Create topics request from client contains a duplicate topic');
        try {
          let numPartitions = t.numPartitions;
          let rf = t.replicationFactor;
          if (t.assignments.length > 0) {
            if (numPartitions !== -1 || rf !== -1) {
              throw new KafkaError('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set.');
            }
            const live = new Set(metadata.brokers.map((b) => b.nodeId));
            for (const a of t.assignments) {
              if (a.brokerIds.some((id) => !live.has(id))) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Replica assignment for partition ${a.partitionIndex} names an unknown broker.`);
            }
            numPartitions = t.assignments.length;
            rf = t.assignments[0]!.brokerIds.length;
          }
          const configs = new Map<string, string>();
          for (const c of t.configs) if (c.value !== null) configs.set(c.name, c.value);
          const spec = { name: t.name, numPartitions, replicationFactor: rf, configs };
          let created: { id: string; partitions: number; rf: number };
          if (req.validateOnly) {
            const r = topics.check(spec);
            created = { id: ZERO_UUID, partitions: r.partitions, rf: r.replicationFactor };
          } else {
            const r = topics.check(spec);
            const meta = await topics.create(spec);
            created = { id: meta.id, partitions: meta.partitions.length, rf: r.replicationFactor };
          }
          const tc = topics.topicConfig(t.name);
          const effective = req.validateOnly ? configs : (topics.get(t.name)?.configs ?? configs);
          return {
            name: t.name,
            topicId: created.id,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            numPartitions: created.partitions,
            replicationFactor: created.rf,
            configs: TOPIC_CONFIGS.map((c) => ({
              name: c.name,
              value: effective.get(c.name) ?? tc.get(c.name),
              readOnly: false,
              configSource: effective.has(c.name) ? configSourceCode('TOPIC_CONFIG') : configSourceCode(tc.source(c.name)),
              isSensitive: false,
            })),
          };
        } catch (e) {
          return fail(kafkaErrorCode(e), errorMessage(e));
        }
      }),
    );
    return { topics: results };
  },
});
