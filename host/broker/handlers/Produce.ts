// Produce (key 0), v0–11. Each partition's records go to its log as raw bytes: the WASM core
// validates them and the log patches offsets in place; nothing here parses records. v0–v2 may
// carry legacy message sets (magic 0/1): they are up-converted to v2 batches first (convert.ts).
// acks=0 gets no response; acks=1 and acks=-1 are answered once the append is written (and
// fsynced when the log's flush policy asks for it) — with one replica, all in-sync replicas
// have it. A topic's compression.type other than `producer` re-compresses the batches.
// Pipelined requests to one partition are appended in request order, conversions or not.
// Transactional batches (v3+) are appended only if the transaction coordinator has their partition
// in the producer's ongoing transaction (KIP-890 part 1; coordinator/txn/verify.ts).
import { ApiKey } from '../../protocol/generated/index.js';
import type { PartitionProduceData } from '../../protocol/generated/ProduceRequest.js';
import { ErrorCode, errorMessage, kafkaErrorCode } from '../errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { prepareProduceRecords } from '../convert.js';
import type { PartitionLog } from '../../storage/index.js';
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

/** Per partition: resolves once the latest produce request to it has called append (or failed). */
const turns = new WeakMap<PartitionLog, Promise<void>>();

async function producePartition(ctx: RequestContext, topic: string, p: PartitionProduceData, transactionalId: string | null) {
  const { broker } = ctx;
  const meta = await broker.topics.ready(topic);
  const log = meta ? broker.topics.partition(topic, p.index) : undefined;
  if (!log) return partitionError(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (p.records === null || p.records.length === 0) return partitionError(p.index, ErrorCode.INVALID_RECORD, 'empty record set');
  // Appends to one partition happen in request order even when a request's conversion (async
  // decompression/compression) finishes after a later request's: each waits for the previous
  // request's turn (its append call, not its write) before appending.
  const prev = turns.get(log);
  let done!: () => void;
  turns.set(log, new Promise<void>((r) => (done = r)));
  try {
    const prepared = prepareProduceRecords(broker, topic, p.records, ctx.apiVersion);
    let records: Uint8Array;
    try {
      records = await prepared;
    } finally {
      if (prev) await prev;
    }
    const appended = log.append(records, { verify: produceVerifier(broker.transactions, transactionalId, topic, p.index, ctx.apiVersion) });
    done();
    const res = await appended;
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
    done();
    const code = kafkaErrorCode(e);
    if (code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR) {
      broker.log.error({ err: e, topic, partition: p.index }, 'produce failed');
    }
    return partitionError(p.index, code, errorMessage(e));
  }
}
