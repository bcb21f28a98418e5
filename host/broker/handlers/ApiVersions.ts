// ApiVersions (key 18), v0–4. The supported range of every API comes from the handler registry.
// v3+: the client names its software; a name or version outside Kafka's pattern is
// INVALID_REQUEST. A version this broker does not know is answered in v0 with
// UNSUPPORTED_VERSION and the full list (see dispatch.ts), so the client can retry lower.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import type { BrokerServices } from '../services.js';

const SOFTWARE = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsBody(broker: BrokerServices) {
  const apiKeys = [...broker.handlers.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  return { errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0 };
}

export default defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    if (ctx.apiVersion >= 3 && (!SOFTWARE.test(req.clientSoftwareName) || !SOFTWARE.test(req.clientSoftwareVersion))) {
      return { ...apiVersionsBody(ctx.broker), errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [] };
    }
    if (ctx.apiVersion >= 3) {
      ctx.conn.attributes.set('clientSoftware', `${req.clientSoftwareName}/${req.clientSoftwareVersion}`);
    }
    return apiVersionsBody(ctx.broker);
  },
});
