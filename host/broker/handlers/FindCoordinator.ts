// FindCoordinator (key 10), v0–6. One broker: this node coordinates every group and every
// transactional id. v0–3 ask for one key, v4+ for a batch (KIP-699). Key type 0 (group) creates
// __consumer_offsets on first use, as Kafka does, before answering; key type 1 (transaction) is
// answered with this node too, so the transaction coordinator can build on it; key type 2 (share
// groups, v6) is not supported: COORDINATOR_NOT_AVAILABLE. Any other key type: INVALID_REQUEST.
import { ApiKey } from '../../protocol/generated/index.js';
import { groupsOf } from '../../coordinator/group/request.js';
import { ErrorCode, errorMessage } from '../errors.js';
import { defineHandler } from '../handler.js';

const GROUP = 0;
const TRANSACTION = 1;
const SHARE = 2;

export default defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const keyType = v >= 1 ? req.keyType : GROUP;
    const nodeId = ctx.broker.config.nodeId();
    const node = ctx.broker.metadata.brokers.find((b) => b.nodeId === nodeId) ?? ctx.broker.metadata.brokers[0];
    let errorCode: number = ErrorCode.NONE;
    let message: string | null = null;
    if (!node) {
      errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    } else if (keyType === GROUP) {
      const groups = groupsOf(ctx);
      if (!groups) errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      else {
        try {
          await groups.ensureOffsetsTopic();
        } catch (e) {
          errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
          message = errorMessage(e);
        }
      }
    } else if (keyType === SHARE && v >= 6) {
      errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      message = 'Share groups are not supported.';
    } else if (keyType !== TRANSACTION) {
      errorCode = ErrorCode.INVALID_REQUEST;
      message = `Invalid coordinator key type ${keyType}.`;
    }
    const ok = errorCode === ErrorCode.NONE;
    const answer = { nodeId: ok ? node!.nodeId : -1, host: ok ? node!.host : '', port: ok ? node!.port : -1, errorCode, errorMessage: message };
    if (v < 4) return answer;
    return { coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer })) };
  },
});
