// AddPartitionsToTxn (key 24), v0–5. v0–3 (clients): one transaction, its partitions join it
// (Ongoing), written to __transaction_state before the answer. v4+ (KIP-890, broker to broker):
// several transactions at once; with verifyOnly nothing is added, each partition answers whether
// it is already in the producer's ongoing transaction (TRANSACTION_ABORTABLE when not). A partition
// of an unknown topic fails with UNKNOWN_TOPIC_OR_PARTITION and the others of that transaction
// with OPERATION_NOT_ATTEMPTED. Version notes: PRODUCER_FENCED from v2 (INVALID_PRODUCER_EPOCH
// before), TRANSACTION_ABORTABLE from v5 (INVALID_TXN_STATE before).
import { ApiKey } from '../../protocol/generated/index.js';
import type { AddPartitionsToTxnTopic } from '../../protocol/generated/AddPartitionsToTxnRequest.js';
import { forVersion } from '../../coordinator/txn/errors.js';
import { ErrorCode } from '../errors.js';
import { defineHandler, type RequestContext } from '../handler.js';

export default defineHandler({
  apiKey: ApiKey.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    if (ctx.apiVersion <= 3) {
      const topicResults = await addToTxn(ctx, req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, false);
      return { resultsByTopicV3AndBelow: topicResults };
    }
    const results = await Promise.all(req.transactions.map((t) => addToTxn(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly)));
    return {
      errorCode: ErrorCode.NONE,
      resultsByTransaction: req.transactions.map((t, i) => ({ transactionalId: t.transactionalId, topicResults: results[i]! })),
    };
  },
});

async function addToTxn(ctx: RequestContext, transactionalId: string, producerId: bigint, producerEpoch: number, topics: readonly AddPartitionsToTxnTopic[], verifyOnly: boolean) {
  const { broker } = ctx;
  const unknown = new Set<string>();
  const partitions: Array<{ topic: string; partition: number }> = [];
  for (const t of topics) {
    const meta = await broker.topics.ready(t.name);
    for (const p of t.partitions) {
      if (!meta || p < 0 || p >= meta.partitions.length) unknown.add(`${t.name}\u0000${p}`);
      partitions.push({ topic: t.name, partition: p });
    }
  }
  let codes: number[];
  const txn = broker.transactions;
  if (unknown.size > 0) {
    codes = partitions.map((p) => (unknown.has(`${p.topic}\u0000${p.partition}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
  } else if (!txn) {
    codes = partitions.map(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
  } else if (verifyOnly) {
    codes = txn.coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, partitions);
  } else {
    const code = await txn.execute(txn.coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions, broker.now()));
    codes = partitions.map(() => code);
  }
  const byTopic = new Map<string, Array<{ partitionIndex: number; partitionErrorCode: number }>>();
  partitions.forEach((p, i) => {
    let l = byTopic.get(p.topic);
    if (!l) byTopic.set(p.topic, (l = []));
    l.push({ partitionIndex: p.partition, partitionErrorCode: forVersion(codes[i]!, ctx.apiVersion, { fenced: 2, abortable: 5 }) });
  });
  return [...byTopic].map(([name, resultsByPartition]) => ({ name, resultsByPartition }));
}
