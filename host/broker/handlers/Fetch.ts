// Fetch (key 1), v0–17. Whole batches straight from the log as byte views (no record parsing),
// bounded by the partition and response byte limits, at least one batch when the response is
// otherwise empty. Long polling: below min.bytes the request waits up to max.wait.ms for an
// append to one of its partitions. v7+ fetch sessions (fetch-sessions.ts); v13+ names topics by
// id; read_committed (v4+) stops at the last stable offset and lists aborted transactions.
// v0–v3 get legacy message sets (down-converted, as Kafka 3.x does for old clients).
import { ApiKey } from '../../protocol/generated/index.js';
import type { FetchRequest } from '../../protocol/generated/FetchRequest.js';
import { ZERO_UUID } from '../../protocol/uuid.js';
import { ErrorCode, kafkaErrorCode } from '../errors.js';
import { downConvert } from '../convert.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { partKey, type SessionPartition } from '../fetch-sessions.js';

const READ_COMMITTED = 1;

interface Target {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
  session?: SessionPartition;
}

interface PartitionOut {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  records: Uint8Array | null;
  currentLeader?: { leaderId: number; leaderEpoch: number };
}

export default defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 0,
  maxVersion: 17,
  async handle(req, ctx) {
    const { broker } = ctx;
    const v = ctx.apiVersion;
    let targets: Target[];
    let sessionId = 0;
    let incremental = false;
    if (v >= 7) {
      const found = broker.fetchSessions.lookup(req.sessionId, req.sessionEpoch);
      if (found.kind === 'error') {
        return { errorCode: ErrorCode[found.error], sessionId: req.sessionId, responses: [] };
      }
      if (found.kind === 'sessionless') {
        targets = fromRequest(req, ctx);
      } else {
        const s = found.session;
        sessionId = s.id;
        incremental = found.kind === 'incremental';
        for (const f of req.forgottenTopicsData) {
          const name = v >= 13 ? (broker.topics.byId(f.topicId)?.name ?? `\u0000${f.topicId}`) : f.topic;
          for (const p of f.partitions) s.partitions.delete(partKey(name, p));
        }
        for (const t of fromRequest(req, ctx)) {
          const key = partKey(t.topic, t.partition);
          const prev = s.partitions.get(key);
          s.partitions.set(key, {
            topic: t.topic,
            topicId: t.topicId,
            partition: t.partition,
            fetchOffset: t.fetchOffset,
            maxBytes: t.maxBytes,
            currentLeaderEpoch: t.currentLeaderEpoch,
            lastHighWatermark: prev?.lastHighWatermark ?? -1n,
            lastLogStartOffset: prev?.lastLogStartOffset ?? -1n,
            lastStableOffset: prev?.lastStableOffset ?? -1n,
          });
        }
        targets = [...s.partitions.values()].map((p) => ({ ...p, session: p }));
      }
    } else {
      targets = fromRequest(req, ctx);
    }

    const deadline = broker.now() + Math.max(0, req.maxWaitMs);
    const minBytes = Math.max(0, req.minBytes);
    const maxResponseBytes = v >= 3 ? Math.max(0, req.maxBytes) : Number.MAX_SAFE_INTEGER;
    let out = await readAll(ctx, targets, req.isolationLevel, maxResponseBytes);
    while (out.bytes < minBytes && !out.error && broker.now() < deadline) {
      const present = targets.filter((t) => broker.topics.partition(t.topic, t.partition));
      await broker.waitForData(present, deadline - broker.now());
      out = await readAll(ctx, targets, req.isolationLevel, maxResponseBytes);
    }

    const byTopic = new Map<string, { topic: string; topicId: string; partitions: PartitionOut[] }>();
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const p = out.partitions[i]!;
      if (incremental && t.session && !changed(t.session, p)) continue;
      if (t.session) {
        t.session.lastHighWatermark = p.highWatermark;
        t.session.lastLogStartOffset = p.logStartOffset;
        t.session.lastStableOffset = p.lastStableOffset;
      }
      const key = `${t.topic}\u0000${t.topicId}`;
      let entry = byTopic.get(key);
      if (!entry) byTopic.set(key, (entry = { topic: t.topic.startsWith('\u0000') ? '' : t.topic, topicId: t.topicId, partitions: [] }));
      entry.partitions.push(p);
    }
    return { errorCode: ErrorCode.NONE, sessionId, responses: [...byTopic.values()] };
  },
});

function fromRequest(req: FetchRequest, ctx: RequestContext): Target[] {
  const out: Target[] = [];
  for (const t of req.topics) {
    let name = t.topic;
    if (ctx.apiVersion >= 13) name = ctx.broker.topics.byId(t.topicId)?.name ?? `\u0000${t.topicId}`;
    for (const p of t.partitions) {
      out.push({
        topic: name,
        topicId: ctx.apiVersion >= 13 ? t.topicId : ZERO_UUID,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: Math.max(0, p.partitionMaxBytes),
        currentLeaderEpoch: ctx.apiVersion >= 9 ? p.currentLeaderEpoch : -1,
      });
    }
  }
  return out;
}

function changed(s: SessionPartition, p: PartitionOut): boolean {
  return (
    p.errorCode !== ErrorCode.NONE ||
    (p.records !== null && p.records.length > 0) ||
    p.highWatermark !== s.lastHighWatermark ||
    p.logStartOffset !== s.lastLogStartOffset ||
    p.lastStableOffset !== s.lastStableOffset
  );
}

async function readAll(ctx: RequestContext, targets: Target[], isolation: number, maxResponseBytes: number) {
  const partitions: PartitionOut[] = [];
  let bytes = 0;
  let error = false;
  for (const t of targets) {
    const p = await readOne(ctx, t, isolation, Math.max(0, maxResponseBytes - bytes), bytes === 0);
    if (p.errorCode !== ErrorCode.NONE) error = true;
    bytes += p.records?.length ?? 0;
    partitions.push(p);
  }
  return { partitions, bytes, error };
}

function empty(t: Target, errorCode: number): PartitionOut {
  return {
    partitionIndex: t.partition,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    records: null,
  };
}

async function readOne(ctx: RequestContext, t: Target, isolation: number, budget: number, first: boolean): Promise<PartitionOut> {
  const { broker } = ctx;
  if (t.topic.startsWith('\u0000')) return empty(t, ErrorCode.UNKNOWN_TOPIC_ID);
  const meta = broker.topics.get(t.topic);
  const log = meta ? broker.topics.partition(t.topic, t.partition) : undefined;
  if (!meta || !log) return empty(t, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const epoch = meta.partitions[t.partition]!.leaderEpoch;
  if (t.currentLeaderEpoch >= 0 && t.currentLeaderEpoch !== epoch) {
    return empty(t, t.currentLeaderEpoch > epoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH);
  }
  const base = {
    partitionIndex: t.partition,
    errorCode: ErrorCode.NONE,
    highWatermark: log.highWatermark,
    lastStableOffset: log.lastStableOffset,
    logStartOffset: log.logStartOffset,
  };
  const upper = isolation === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
  const maxBytes = Math.min(t.maxBytes, budget);
  try {
    const r = await log.read(t.fetchOffset, { maxBytes, maxOffset: upper, minOneBatch: first });
    let records: Uint8Array = r.records.length === 1 ? r.records[0]! : concat(r.records, r.size);
    let aborted: PartitionOut['abortedTransactions'] = null;
    if (isolation === READ_COMMITTED && ctx.apiVersion >= 4) {
      const list = records.length > 0 ? await log.abortedTransactions(t.fetchOffset, r.nextOffset) : [];
      aborted = list.map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }));
    }
    if (ctx.apiVersion < 10 && broker.topics.topicConfig(t.topic).get('compression.type') === 'zstd') {
      // A zstd topic is not served below Fetch v10 (KIP-110). As in Kafka, the rule follows the
      // topic's compression.type, not the batches: a client such as sarama 1.22 fetches with v4
      // and decodes zstd batches itself when producers chose zstd.
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, abortedTransactions: null, records: null };
    }
    if (ctx.apiVersion <= 3 && records.length > 0) {
      records = await downConvert(broker.core, broker.codecs, records, ctx.apiVersion <= 1 ? 0 : 1, t.fetchOffset);
    }
    if (records.length > 0) broker.metrics.bytesOut.inc({ topic: t.topic }, records.length);
    return {
      ...base,
      highWatermark: r.highWatermark,
      lastStableOffset: r.lastStableOffset,
      logStartOffset: r.logStartOffset,
      abortedTransactions: aborted,
      records,
    };
  } catch (e) {
    return { ...base, errorCode: kafkaErrorCode(e), abortedTransactions: null, records: null };
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
