// Produce (key 0), v0–11. Each partition's records go to its log as raw bytes: the WASM core
// validates them and the log patches offsets in place; nothing here parses records. v0–v2 may
// carry legacy message sets (magic 0/1): they are up-converted to v2 batches first (convert.ts).
// acks=0 gets no response; acks=1 and acks=-1 are answered once the append is written (and
// fsynced when the log's flush policy asks for it) — with one replica, all in-sync replicas
// have it. A topic's compression.type other than `producer` re-compresses the batches.
// Transactional batches (v3+) are appended only if the transaction coordinator has their partition
// in the producer's ongoing transaction (KIP-890 part 1; coordinator/txn/verify.ts).
import { ApiKey } from '../../protocol/generated/index.js';
import type { PartitionProduceData } from '../../protocol/generated/ProduceRequest.js';
import { ErrorCode, errorMessage, kafkaErrorCode } from '../errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { prepareProduceRecords } from '../convert.js';
import { produceVerifier } from '../../coordinator/txn/verify.js';

export default defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(req, ctx) {
    if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
      return {
        responses: req.topicData.map((t) => ({
          name: t.name,
          partitionResponses: t.partitionData.map((p) => partitionError(p.index, ErrorCode.INVALID_REQUIRED_ACKS)),
        })),
      };
    }
    const responses = await Promise.all(
      req.topicData.map(async (t) => ({
        name: t.name,
        partitionResponses: await Promise.all(t.partitionData.map((p) => producePartition(ctx, t.name, p, req.transactionalId))),
      })),
    );
    return req.acks === 0 ? null : { responses };
  },
});

function partitionError(index: number, errorCode: number, errorMessage: string | null = null) {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage };
}

async function producePartition(ctx: RequestContext, topic: string, p: PartitionProduceData, transactionalId: string | null) {
  const { broker } = ctx;
  const meta = await broker.topics.ready(topic);
  const log = meta ? broker.topics.partition(topic, p.index) : undefined;
  if (!log) return partitionError(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (p.records === null || p.records.length === 0) return partitionError(p.index, ErrorCode.INVALID_RECORD, 'empty record set');
  try {
    const records = await prepareProduceRecords(broker, topic, p.records, ctx.apiVersion);
    const res = await log.append(records, { verify: produceVerifier(broker.transactions, transactionalId, topic, p.index, ctx.apiVersion) });
    broker.metrics.bytesIn.inc({ topic }, records.length);
    broker.metrics.messagesIn.inc({ topic }, res.recordCount);
    return {
      index: p.index,
      errorCode: ErrorCode.NONE,
      baseOffset: res.baseOffset,
      logAppendTimeMs: res.logAppendTime,
      logStartOffset: res.logStartOffset,
      errorMessage: null,
    };
  } catch (e) {
    const code = kafkaErrorCode(e);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR) {
      broker.log.error({ err: e, topic, partition: p.index }, 'produce failed');
    }
    return partitionError(p.index, code, errorMessage(e));
  }
}
