// Frame → decoded request → handler → encoded response chunks. The only place that calls the
// protocol codecs for the broker; it also keeps the per-API metrics and the rules for requests
// that cannot be served (unknown API or version, malformed frames).
import { performance } from 'node:perf_hooks';
import type { ConnectionInfo, FrameHandler } from '../network/connection.js';
import { decodeRequest, encodeResponse, type DecodedRequest } from '../protocol/api.js';
import { ApiKey, apiEntry, type ApiKeyNumber } from '../protocol/generated/index.js';
import type { ProtocolDecodeError } from '../protocol/errors.js';
import { ErrorCode } from './errors.js';
import type { RequestContext } from './handler.js';
import { apiVersionsBody } from './handlers/ApiVersions.js';
import type { BrokerServices } from './services.js';

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([n, k]) => [k, n]));

export function apiName(key: number): string {
  return API_NAMES.get(key) ?? `api${key}`;
}

export function createDispatcher(broker: BrokerServices): FrameHandler {
  return (frame: Buffer, conn: ConnectionInfo) => {
    const decoded = decodeRequest(frame);
    if (decoded.error) return onDecodeError(broker, decoded.error, conn);
    const req = decoded as DecodedRequest;
    const handler = broker.handlers.get(req.apiKey);
    if (!handler || req.apiVersion < handler.minVersion || req.apiVersion > handler.maxVersion) {
      if (req.apiKey === ApiKey.ApiVersions) return unsupportedApiVersions(broker, req.correlationId);
      broker.log.warn(
        { conn: conn.id, remote: conn.remoteAddress, api: apiName(req.apiKey), version: req.apiVersion, clientId: req.header.clientId },
        handler ? 'unsupported API version; closing connection' : 'API not supported; closing connection',
      );
      return 'close';
    }
    const ctx: RequestContext = {
      apiKey: req.apiKey,
      apiVersion: req.apiVersion,
      correlationId: req.correlationId,
      clientId: req.header.clientId,
      header: req.header,
      conn,
      broker,
    };
    const name = apiName(req.apiKey);
    broker.metrics.requests.inc({ api: name, version: String(req.apiVersion) });
    const t0 = performance.now();
    const done = (body: unknown) => {
      broker.metrics.requestSeconds.observe({ api: name }, (performance.now() - t0) / 1000);
      if (body === null) return null;
      countErrors(broker, name, body);
      return encodeResponse(req.apiKey, req.apiVersion, req.correlationId, body as never);
    };
    const result = handler.handle(req.body as never, ctx);
    return result instanceof Promise ? result.then(done) : done(result);
  };
}

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([n, c]) => [c, n]));

/** Counts every non-zero errorCode in a response (top level, topics, partitions…). */
function countErrors(broker: BrokerServices, api: string, body: unknown, depth = 0): void {
  if (depth > 4 || body === null || typeof body !== 'object' || body instanceof Uint8Array) return;
  if (Array.isArray(body)) {
    for (const e of body) countErrors(broker, api, e, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(body)) {
    if (k === 'errorCode' && typeof v === 'number' && v !== 0) {
      broker.metrics.requestErrors.inc({ api, error: ERROR_NAMES.get(v) ?? String(v) });
    } else if (typeof v === 'object') {
      countErrors(broker, api, v, depth + 1);
    }
  }
}

function onDecodeError(broker: BrokerServices, err: ProtocolDecodeError, conn: ConnectionInfo): 'close' | Uint8Array[] {
  // A client asking for an ApiVersions version we do not know gets our range, as Kafka does
  // (KIP-511): the body of a newer version may not parse, but the header does.
  if (err.apiKey === ApiKey.ApiVersions && err.correlationId !== undefined) {
    const entry = apiEntry(ApiKey.ApiVersions);
    if (err.code === 'UNSUPPORTED_VERSION' || (err.apiVersion ?? 0) > entry.maxVersion) {
      return unsupportedApiVersions(broker, err.correlationId);
    }
    if (err.header !== undefined && err.apiVersion !== undefined) {
      return encodeResponse(ApiKey.ApiVersions, err.apiVersion, err.correlationId, { errorCode: ErrorCode.INVALID_REQUEST });
    }
  }
  broker.log.warn(
    { conn: conn.id, remote: conn.remoteAddress, api: err.apiKey === undefined ? undefined : apiName(err.apiKey), version: err.apiVersion, code: err.code, path: err.path },
    `malformed request; closing connection: ${err.message}`,
  );
  return 'close';
}

function unsupportedApiVersions(broker: BrokerServices, correlationId: number): Uint8Array[] {
  return encodeResponse(ApiKey.ApiVersions, 0, correlationId, {
    ...apiVersionsBody(broker),
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
  });
}

export type { ApiKeyNumber };
