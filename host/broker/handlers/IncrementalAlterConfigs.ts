// IncrementalAlterConfigs (key 44), v0–1. Per key: SET (0), DELETE (1), APPEND (2) and SUBTRACT
// (3) for list keys such as cleanup.policy (starting from the key's default when unset). Topic
// resources edit the topic's overrides; broker resources ("" = cluster default, or this node's
// id) edit dynamic broker configs, which persist across restarts. Changes reach the partition
// logs at once. validateOnly checks without applying. Errors as AlterConfigs, plus
// INVALID_CONFIG for APPEND/SUBTRACT on a key that is not a list.
// Version notes: v1 is flexible.
import { ApiKey } from '../../protocol/generated/index.js';
import { defineHandler } from '../handler.js';
import { alterResources } from '../admin/configs.js';

export default defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const resources = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      ops: r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
    }));
    return { responses: alterResources(ctx.broker, resources, true, req.validateOnly) };
  },
});
