// Metadata (key 3), v0–12. Brokers as advertised on the listener the client used, this node as
// controller, topics with ids, leader epochs and replicas. Unknown topics are auto-created when
// the request allows it (always before v4) and auto.create.topics.enable is set; creation is
// awaited, so the client gets the full topic at once instead of LEADER_NOT_AVAILABLE.
// v10+ may name topics by id only.
import { ApiKey } from '../../protocol/generated/index.js';
import { ZERO_UUID } from '../../protocol/uuid.js';
import { ErrorCode } from '../errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { checkTopicName, type TopicMeta } from '../metadata.js';

const UNSET_OPS = -2147483648;

export function describeTopic(t: TopicMeta) {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.id,
    isInternal: t.internal,
    partitions: t.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: UNSET_OPS,
  };
}

export function brokersFor(ctx: RequestContext) {
  return ctx.broker.metadata.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
}

export default defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(req, ctx) {
    const { topics } = ctx.broker;
    const allowAuto = ctx.apiVersion < 4 || req.allowAutoTopicCreation;
    const all = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const out = [];
    if (all) {
      for (const t of topics.all()) out.push(describeTopic(t));
    } else {
      for (const rt of req.topics!) {
        if (rt.name === null || rt.name === '') {
          if (rt.topicId === ZERO_UUID) {
            out.push(errorTopic(ErrorCode.INVALID_REQUEST, rt.name, rt.topicId));
            continue;
          }
          const t = topics.byId(rt.topicId);
          out.push(t ? describeTopic(t) : errorTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, rt.topicId));
          continue;
        }
        let t = await topics.ready(rt.name);
        if (!t) {
          if (checkTopicName(rt.name) !== null) {
            out.push(errorTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, rt.name, ZERO_UUID));
            continue;
          }
          if (allowAuto) t = (await topics.autoCreate(rt.name)) ?? undefined;
        }
        out.push(t ? describeTopic(t) : errorTopic(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, rt.name, ZERO_UUID));
      }
    }
    return {
      brokers: brokersFor(ctx),
      clusterId: ctx.broker.metadata.clusterId,
      controllerId: ctx.broker.metadata.nodeId,
      topics: out,
      clusterAuthorizedOperations: UNSET_OPS,
    };
  },
});

function errorTopic(errorCode: number, name: string | null, topicId: string) {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: UNSET_OPS };
}
