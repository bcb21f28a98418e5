// DescribeTopicPartitions (key 75), v0 (Kafka 3.7+, KIP-966). Topics (all when none are named)
// with ids, leaders, leader epochs, replicas and ISR, paged by responsePartitionLimit (capped at
// 2000) with a cursor (admin/topic-partitions.ts). Named topics that do not exist answer
// UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an illegal name). A cursor whose topic
// is not in the list, or with a negative partition, fails every named topic with INVALID_REQUEST.
// No ELR on a single node: eligibleLeaderReplicas and lastKnownElr are empty.
import { ApiKey } from '../../protocol/generated/index.js';
import { ZERO_UUID } from '../../protocol/uuid.js';
import { ErrorCode, KafkaError, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import { pageTopics } from '../admin/topic-partitions.js';

const UNSET_OPS = -2147483648;

export default defineHandler({
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const requested = req.topics.map((t) => t.name);
    let paged;
    try {
      paged = pageTopics((n) => topics.get(n), () => [...topics.all()].map((t) => t.name), requested, req.cursor, req.responsePartitionLimit);
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e;
      const errorCode = kafkaErrorCode(e);
      return { topics: requested.map((name) => ({ errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: UNSET_OPS })), nextCursor: null };
    }
    return {
      topics: paged.pages.map((p) =>
        p.kind === 'error'
          ? { errorCode: ErrorCode[p.error], name: p.name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: UNSET_OPS }
          : {
              errorCode: ErrorCode.NONE,
              name: p.meta.name,
              topicId: p.meta.id,
              isInternal: p.meta.internal,
              partitions: p.meta.partitions.slice(p.from, p.to).map((part) => ({
                errorCode: ErrorCode.NONE,
                partitionIndex: part.index,
                leaderId: part.leader,
                leaderEpoch: part.leaderEpoch,
                replicaNodes: part.replicas,
                isrNodes: part.isr,
                eligibleLeaderReplicas: [],
                lastKnownElr: [],
                offlineReplicas: [],
              })),
              topicAuthorizedOperations: UNSET_OPS,
            },
      ),
      nextCursor: paged.nextCursor,
    };
  },
});
