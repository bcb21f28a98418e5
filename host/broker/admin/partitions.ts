// CreatePartitions: Kafka's checks and messages (ReplicationControlManager) in front of
// TopicManager.addPartitions. A manual assignment names the replicas of each ADDED partition; on
// a single node every one of them is this node, with the topic's replication factor.
import { KafkaError } from '../errors.js';
import { MAX_PARTITIONS, type TopicManager } from '../topics.js';
import type { ClusterMetadata } from '../metadata.js';

export async function createPartitions(
  svc: { topics: TopicManager; metadata: ClusterMetadata },
  name: string,
  count: number,
  assignments: ReadonlyArray<{ brokerIds: readonly number[] }> | null,
  validateOnly: boolean,
): Promise<void> {
  const meta = await svc.topics.ready(name);
  if (!meta) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition.');
  const current = meta.partitions.length;
  if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
  if (count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`);
  if (count > MAX_PARTITIONS) throw new KafkaError('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS}.`);
  const additional = count - current;
  if (assignments !== null) {
    if (assignments.length !== additional) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${additional} additional partition(s), but only ${assignments.length} assignment(s) were specified.`);
    }
    const live = new Set(svc.metadata.brokers.map((b) => b.nodeId));
    const rf = meta.partitions[0]?.replicas.length ?? 1;
    for (const a of assignments) checkAssignment(a.brokerIds, live, rf);
  }
  await svc.topics.addPartitions(name, count, validateOnly);
}

function checkAssignment(ids: readonly number[], live: ReadonlySet<number>, rf: number): void {
  if (ids.length === 0) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${id} more than once.`);
    seen.add(id);
    if (!live.has(id)) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${id}, but no such broker is registered.`);
  }
  if (ids.length !== rf) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `The manual partition assignment includes a partition with ${ids.length} replica(s), but this is not consistent with previous partitions, which have ${rf} replica(s).`,
    );
  }
}
