// The one registry of API handlers, in API key order. ApiVersions is computed from it, and the
// README's compatibility table is generated from it (npm run docs:apis).
import type { ApiHandler } from './handler.js';
import Produce from './handlers/Produce.js';
import Fetch from './handlers/Fetch.js';
import ListOffsets from './handlers/ListOffsets.js';
import Metadata from './handlers/Metadata.js';
import ApiVersions from './handlers/ApiVersions.js';
import CreateTopics from './handlers/CreateTopics.js';
import DeleteTopics from './handlers/DeleteTopics.js';
import InitProducerId from './handlers/InitProducerId.js';
import DescribeConfigs from './handlers/DescribeConfigs.js';
import AlterConfigs from './handlers/AlterConfigs.js';
import IncrementalAlterConfigs from './handlers/IncrementalAlterConfigs.js';

export const HANDLERS: readonly ApiHandler[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  InitProducerId,
  DescribeConfigs,
  AlterConfigs,
  IncrementalAlterConfigs,
] as readonly ApiHandler[];

export function handlerMap(list: readonly ApiHandler[] = HANDLERS): Map<number, ApiHandler> {
  const m = new Map<number, ApiHandler>();
  for (const h of list) {
    if (m.has(h.apiKey)) throw new Error(`two handlers for API key ${h.apiKey}`);
    m.set(h.apiKey, h);
  }
  return m;
}
