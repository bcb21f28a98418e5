// AlterConfigs (key 33), v0–2: the legacy, non-incremental form. A resource's given configs
// REPLACE its whole override set (topic) or its whole set of dynamic configs (broker "" for the
// cluster default, or this node's id); keys left out are removed. validateOnly checks without
// applying. Topic errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG (unknown key, bad value);
// broker errors are INVALID_REQUEST as in Kafka (non-dynamic key, bad value, another broker id);
// a resource named twice, duplicate keys or a null value: INVALID_REQUEST.
// Version notes: v2 is flexible; nothing else changes.
import { ApiKey } from '../../protocol/generated/index.js';
import { defineHandler } from '../handler.js';
import { alterResources } from '../admin/configs.js';

export default defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      ops: r.configs.map((c) => ({ name: c.name, op: 0, value: c.value })),
    }));
    return { responses: alterResources(ctx.broker, resources, false, req.validateOnly) };
  },
});
