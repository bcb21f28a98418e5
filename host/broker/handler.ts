// The shape of an API handler: one file per API key under handlers/, registered in registry.ts.
// A handler decodes nothing and touches no socket or file: it gets a typed request body and the
// broker's services, and returns a typed response body (or null when the request takes none).
import type { ApiKeyNumber, RequestBodies, ResponseBodies } from '../protocol/generated/index.js';
import type { RequestHeader } from '../protocol/api.js';
import type { Init } from '../protocol/types.js';
import type { ConnectionInfo } from '../network/connection.js';
import type { BrokerServices } from './services.js';

export interface RequestContext {
  readonly apiKey: ApiKeyNumber;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly header: RequestHeader;
  readonly conn: ConnectionInfo;
  readonly broker: BrokerServices;
}

export type HandlerResult<K extends ApiKeyNumber> = Init<ResponseBodies[K]> | null;

export interface ApiHandler<K extends ApiKeyNumber = ApiKeyNumber> {
  readonly apiKey: K;
  /** Versions this handler serves (a subrange of the schema's valid versions). */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(req: RequestBodies[K], ctx: RequestContext): HandlerResult<K> | Promise<HandlerResult<K>>;
}

export function defineHandler<K extends ApiKeyNumber>(h: ApiHandler<K>): ApiHandler<K> {
  return h;
}
