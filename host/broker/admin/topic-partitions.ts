// DescribeTopicPartitions paging, as Kafka 3.7+ (KRaftMetadataCache.describeTopicResponse): topics
// in name order from the cursor's topic (and from its partition within that topic), at most
// `limit` partitions per response; when the limit cuts a topic, or is used up exactly before the
// next topic, nextCursor says where to continue.
import { KafkaError } from '../errors.js';
import { checkTopicName, type TopicMeta } from '../metadata.js';

/** Kafka's max.request.partition.size.limit default: the cap on responsePartitionLimit. */
export const MAX_REQUEST_PARTITION_SIZE_LIMIT = 2000;

export interface Cursor {
  topicName: string;
  partitionIndex: number;
}

export type TopicPage =
  | { kind: 'topic'; meta: TopicMeta; from: number; to: number }
  | { kind: 'error'; name: string; error: 'UNKNOWN_TOPIC_OR_PARTITION' | 'INVALID_TOPIC_EXCEPTION' };

export function pageTopics(
  lookup: (name: string) => TopicMeta | undefined,
  allNames: () => Iterable<string>,
  requested: readonly string[],
  cursor: Cursor | null,
  requestedLimit: number,
): { pages: TopicPage[]; nextCursor: Cursor | null } {
  const start = cursor?.topicName ?? '';
  const all = requested.length === 0;
  const names = [...new Set(all ? allNames() : requested)].filter((n) => n >= start).sort();
  if (cursor) {
    if (cursor.partitionIndex < 0) throw new KafkaError('INVALID_REQUEST', `DescribeTopicPartitionsRequest cursor partition must be valid: ${cursor.topicName}:${cursor.partitionIndex}`);
    if (!names.includes(cursor.topicName)) throw new KafkaError('INVALID_REQUEST', `DescribeTopicPartitionsRequest topic list should contain the cursor topic: ${cursor.topicName}`);
  }
  let remaining = Math.max(Math.min(MAX_REQUEST_PARTITION_SIZE_LIMIT, requestedLimit), 1);
  const pages: TopicPage[] = [];
  for (const name of names) {
    if (remaining === 0) return { pages, nextCursor: { topicName: name, partitionIndex: 0 } };
    const meta = lookup(name);
    if (!meta) {
      if (!all) pages.push({ kind: 'error', name, error: checkTopicName(name) ? 'INVALID_TOPIC_EXCEPTION' : 'UNKNOWN_TOPIC_OR_PARTITION' });
      continue;
    }
    const from = name === cursor?.topicName ? cursor.partitionIndex : 0;
    const to = Math.min(meta.partitions.length, from + remaining);
    pages.push({ kind: 'topic', meta, from, to });
    remaining -= Math.max(0, to - from);
    if (to < meta.partitions.length) return { pages, nextCursor: { topicName: name, partitionIndex: to } };
  }
  return { pages, nextCursor: null };
}
