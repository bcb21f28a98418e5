// DescribeConfigs (key 32), v0–4. Topic resources list every topic-level key with its effective
// value; broker resources take this node's id (every broker key) or "" (the cluster-wide dynamic
// defaults that are set). configurationKeys filters (unknown names are simply absent, as in
// Kafka); synonyms (v1+) follow Kafka's chain — see admin/configs.ts. Errors are per resource:
// INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST (another broker id, a
// resource type kwasm has no configs for).
// Version notes: v0 has isDefault instead of configSource and no synonyms; v3 adds configType and
// documentation (kwasm has none: null); v4 is flexible.
import { ApiKey } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError, errorMessage, kafkaErrorCode } from '../errors.js';
import { defineHandler } from '../handler.js';
import { describeBrokerConfigs, describeTopicConfigs, ResourceType, Source, type ConfigEntry } from '../admin/configs.js';

export default defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const v = ctx.apiVersion;
    const synonyms = v >= 1 && req.includeSynonyms;
    const results = req.resources.map((r) => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      try {
        let entries: ConfigEntry[];
        if (r.resourceType === ResourceType.TOPIC) entries = describeTopicConfigs(ctx.broker, r.resourceName);
        else if (r.resourceType === ResourceType.BROKER) entries = describeBrokerConfigs(ctx.broker, r.resourceName);
        else throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${r.resourceType}`);
        const keys = r.configurationKeys;
        if (keys && keys.length > 0) entries = entries.filter((e) => keys.includes(e.name));
        return {
          ...base,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          configs: entries.map((e) => ({
            name: e.name,
            value: e.value,
            readOnly: e.readOnly,
            isSensitive: e.isSensitive,
            ...(v === 0 ? { isDefault: e.source === Source.DEFAULT_CONFIG } : { configSource: e.source }),
            synonyms: synonyms ? e.synonyms : [],
            configType: e.configType,
            documentation: null,
          })),
        };
      } catch (e) {
        return { ...base, errorCode: kafkaErrorCode(e), errorMessage: errorMessage(e), configs: [] };
      }
    });
    return { results };
  },
});
