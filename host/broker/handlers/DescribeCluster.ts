// DescribeCluster (key 60), v0–1. The cluster id, this node as controller (clients cannot reach
// KRaft controllers, so a broker names a live broker, as Kafka does) and the brokers as advertised.
// endpointType (v1+): 1 = brokers is served; 2 = controllers is MISMATCHED_ENDPOINT_TYPE, anything
// else UNSUPPORTED_ENDPOINT_TYPE (both INVALID_REQUEST in v0), as in Kafka's AuthHelper.
// clusterAuthorizedOperations, when asked: every cluster operation (no authorizer).
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';

const BROKERS = 1;
const CONTROLLERS = 2;
const UNSET_OPS = -2147483648;
// AclOperation codes Kafka supports on the CLUSTER resource: CREATE 5, ALTER 7, DESCRIBE 8,
// CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12.
const CLUSTER_OPS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

export default defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const v = ctx.apiVersion;
    const { metadata } = ctx.broker;
    const type = req.endpointType;
    if (type !== BROKERS) {
      const known = type === CONTROLLERS;
      return {
        errorCode: v === 0 ? ErrorCode.INVALID_REQUEST : known ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE,
        errorMessage: known ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER' : `Unsupported endpoint type ${type}`,
      };
    }
    const brokers = metadata.brokers.map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }));
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      ...(v >= 1 ? { endpointType: BROKERS } : {}),
      clusterId: metadata.clusterId,
      controllerId: brokers.some((b) => b.brokerId === metadata.nodeId) ? metadata.nodeId : -1,
      brokers,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPS : UNSET_OPS,
    };
  },
});
