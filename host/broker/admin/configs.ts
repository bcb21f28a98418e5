// Config administration behind DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: what a
// topic or broker config resolves to and where the value comes from, and validated changes to
// topic overrides and dynamic broker configs.
//
// Layers, highest first, as Kafka (KIP-226) has them:
//   topic override (TOPIC_CONFIG) > this node's dynamic config (DYNAMIC_BROKER_CONFIG, resource
//   "<node.id>") > cluster-wide dynamic default (DYNAMIC_DEFAULT_BROKER_CONFIG, resource "")
//   > server.properties / overrides / env (STATIC_BROKER_CONFIG) > Kafka's default (DEFAULT_CONFIG).
// Dynamic values live in ClusterMetadata (brokerConfigs, nodeConfigs), are persisted with it, and
// the effective merge is pushed into BrokerConfig's dynamic layer, then into every partition log.
//
// Synonyms follow Kafka's ConfigHelper exactly, quirks included: the list is built per layer over
// the key's broker synonyms (log.retention.ms, .minutes, .hours), then everything before the
// first entry named like the key itself is dropped. So a topic's retention.ms reports no synonym
// unless log.retention.ms itself is set somewhere (Kafka prints `synonyms={}` there too).
import { checkValue, type BrokerConfig } from '../../config/config.js';
import { logConfigFrom } from '../../storage/index.js';
import { BROKER_CONFIG_BY_NAME, BROKER_CONFIGS, TOPIC_CONFIG_BY_NAME, TOPIC_CONFIGS, type ConfigType } from '../../config/definitions.js';
import { TopicConfig } from '../../config/config.js';
import { KafkaError, errorMessage, kafkaErrorCode } from '../errors.js';
import { checkTopicName, type ClusterMetadata } from '../metadata.js';
import type { TopicManager } from '../topics.js';

/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const Source = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's DescribeConfigsResponse.ConfigType ids. */
const TYPE_CODE: Record<ConfigType, number> = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7, password: 9 };

/** IncrementalAlterConfigs operations (AlterConfigOp.OpType). */
export const OpType = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isSensitive: boolean;
  source: number;
  /** All of them; the caller drops them unless includeSynonyms. */
  synonyms: ConfigSynonym[];
  configType: number;
}

export interface AdminServices {
  readonly config: BrokerConfig;
  readonly metadata: ClusterMetadata;
  readonly topics: TopicManager;
}

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms for the keys kwasm has. */
export function brokerSynonyms(name: string): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default:
      return [name];
  }
}

function isSensitive(name: string): boolean {
  const def = BROKER_CONFIG_BY_NAME.get(name);
  return def?.sensitive === true || def?.type === 'password';
}

/** Layer by layer over `names`, then drop what precedes the first entry named `name`. */
function synonymsOf(svc: AdminServices, name: string, names: readonly string[], sensitive: boolean): ConfigSynonym[] {
  const { metadata, config } = svc;
  const out: ConfigSynonym[] = [];
  const layer = (get: (n: string) => string | null | undefined, source: number) => {
    for (const n of names) {
      const v = get(n);
      if (v !== null && v !== undefined) out.push({ name: n, value: sensitive ? null : v, source });
    }
  };
  layer((n) => metadata.nodeConfigs.get(n), Source.DYNAMIC_BROKER_CONFIG);
  layer((n) => metadata.brokerConfigs.get(n), Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
  layer((n) => config.staticValue(n), Source.STATIC_BROKER_CONFIG);
  layer((n) => BROKER_CONFIG_BY_NAME.get(n)?.default, Source.DEFAULT_CONFIG);
  const first = out.findIndex((s) => s.name === name);
  return first < 0 ? [] : out.slice(first);
}

/** Throws INVALID_TOPIC_EXCEPTION / UNKNOWN_TOPIC_OR_PARTITION as Kafka does for a topic resource. */
export function requireTopic(svc: AdminServices, name: string): void {
  const err = checkTopicName(name);
  if (err) throw new KafkaError('INVALID_TOPIC_EXCEPTION', err);
  if (!svc.topics.get(name)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
}

/** Every topic-level config of an existing topic with its effective value and source. */
export function describeTopicConfigs(svc: AdminServices, topic: string): ConfigEntry[] {
  requireTopic(svc, topic);
  const overrides = svc.topics.get(topic)!.configs;
  return TOPIC_CONFIGS.map((c) => {
    const sensitive = c.type === 'password';
    const inherited = synonymsOf(svc, c.broker, brokerSynonyms(c.broker), sensitive);
    const override = overrides.get(c.name);
    const synonyms = override === undefined ? inherited : [{ name: c.name, value: sensitive ? null : override, source: Source.TOPIC_CONFIG }, ...inherited];
    // The value Kafka's LogConfig resolves: the override, else the first broker synonym with a
    // value (BrokerConfig derives log.retention.ms from hours, log.roll.ms likewise).
    let value = override ?? null;
    if (value === null) for (const n of brokerSynonyms(c.broker)) if ((value = svc.config.get(n)) !== null) break;
    return {
      name: c.name,
      value: sensitive ? null : value,
      readOnly: false,
      isSensitive: sensitive,
      source: synonyms[0]?.source ?? Source.DEFAULT_CONFIG,
      synonyms,
      configType: TYPE_CODE[c.type],
    };
  });
}

/**
 * Broker configs. `resourceName` "" describes the cluster-wide dynamic defaults only (what is set
 * there); this node's id describes every broker key; anything else is INVALID_REQUEST.
 */
export function describeBrokerConfigs(svc: AdminServices, resourceName: string): ConfigEntry[] {
  const perBroker = resourceName !== '';
  if (perBroker) checkNodeId(svc, resourceName);
  const entry = (name: string, value: string | null): ConfigEntry => {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    const sensitive = isSensitive(name);
    const synonyms = synonymsOf(svc, name, brokerSynonyms(name), sensitive).filter((s) => perBroker || s.source === Source.DYNAMIC_DEFAULT_BROKER_CONFIG);
    return {
      name,
      value: sensitive ? null : value,
      readOnly: def?.dynamic !== true,
      isSensitive: sensitive,
      source: synonyms[0]?.source ?? Source.DEFAULT_CONFIG,
      synonyms,
      configType: def ? TYPE_CODE[def.type] : 0,
    };
  };
  if (!perBroker) return [...svc.metadata.brokerConfigs].map(([k, v]) => entry(k, v));
  // Kafka reports each key's own value: a key left to derive from another (log.retention.ms from
  // log.retention.hours) shows its null default. broker.id mirrors node.id, as in KRaft.
  return BROKER_CONFIGS.map((def) => entry(def.name, svc.config.isSet(def.name) || def.name === 'broker.id' ? svc.config.get(def.name) : def.default));
}

function checkNodeId(svc: AdminServices, resourceName: string): void {
  if (!/^-?\d+$/.test(resourceName)) throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${resourceName}`);
  if (Number(resourceName) !== svc.metadata.nodeId) {
    throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${svc.metadata.nodeId} or empty string, but received ${resourceName}`);
  }
}

// ---- changes -------------------------------------------------------------------------------

export interface ConfigOp {
  name: string;
  op: number;
  value: string | null;
}

/** Checks shared by both alter APIs: duplicate keys, null values (Kafka's preprocessing). */
function checkOps(ops: readonly ConfigOp[]): void {
  const seen = new Set<string>();
  for (const o of ops) {
    if (seen.has(o.name)) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
    seen.add(o.name);
  }
  const nulls = ops.filter((o) => o.op !== OpType.DELETE && o.value === null).map((o) => o.name);
  if (nulls.length > 0) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(', ')}`);
}

function splitList(v: string | null | undefined): string[] {
  return v === null || v === undefined || v === '' ? [] : v.split(',');
}

/** Applies SET/DELETE/APPEND/SUBTRACT to `props`; `isList`/`defaultOf` describe the keys. */
function applyOps(
  props: Map<string, string>,
  ops: readonly ConfigOp[],
  isList: (name: string) => boolean,
  defaultOf: (name: string) => string | null,
  notListError: (name: string, op: string) => KafkaError,
): void {
  for (const o of ops) {
    switch (o.op) {
      case OpType.SET:
        props.set(o.name, o.value!);
        break;
      case OpType.DELETE:
        props.delete(o.name);
        break;
      case OpType.APPEND:
      case OpType.SUBTRACT: {
        const opName = o.op === OpType.APPEND ? 'APPEND' : 'SUBTRACT';
        if (!isList(o.name)) throw notListError(o.name, opName);
        const old = splitList(props.get(o.name) ?? defaultOf(o.name));
        const given = o.value!.split(',');
        const next = o.op === OpType.APPEND ? [...old, ...given.filter((v) => !old.includes(v))] : old.filter((v) => !given.includes(v));
        props.set(o.name, next.join(','));
        break;
      }
      default:
        throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${o.op}`);
    }
  }
}

/** Replaces (legacy AlterConfigs) or edits (incremental) a topic's overrides; applies them to its logs. */
export function alterTopicConfigs(svc: AdminServices, topic: string, ops: readonly ConfigOp[], incremental: boolean, validateOnly: boolean): void {
  checkOps(ops);
  requireTopic(svc, topic);
  const props = incremental ? new Map(svc.topics.get(topic)!.configs) : new Map<string, string>();
  applyOps(
    props,
    ops,
    (n) => TOPIC_CONFIG_BY_NAME.get(n)?.type === 'list',
    (n) => BROKER_CONFIG_BY_NAME.get(TOPIC_CONFIG_BY_NAME.get(n)!.broker)?.default ?? null,
    (n, op) => new KafkaError('INVALID_CONFIG', `Can't ${op} to key ${n} because its type is not LIST.`),
  );
  for (const [k, v] of props) {
    if (!TOPIC_CONFIG_BY_NAME.has(k)) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${k}`);
    const err = TopicConfig.check(k, v);
    if (err) throw new KafkaError('INVALID_CONFIG', `Invalid value ${v} for configuration ${k}: ${err}`);
  }
  const err = logConfigError(svc.config, props);
  if (err) throw new KafkaError('INVALID_CONFIG', err);
  svc.topics.setConfigs(topic, props, validateOnly);
}

/** What storage would refuse in the log config these overrides resolve to (e.g. a tiny segment.index.bytes). */
function logConfigError(config: BrokerConfig, overrides: Map<string, string>): string | null {
  const tc = new TopicConfig(config, overrides);
  try {
    logConfigFrom((k) => (TOPIC_CONFIG_BY_NAME.has(k) ? tc.get(k) : config.get(k)));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Replaces or edits the dynamic configs of the cluster default ("") or of this node; validates the
 * whole resulting set first (Kafka answers INVALID_REQUEST for any broker config it refuses),
 * persists, and re-applies every topic's effective configs to its logs.
 */
export function alterBrokerConfigs(svc: AdminServices, resourceName: string, ops: readonly ConfigOp[], incremental: boolean, validateOnly: boolean): void {
  checkOps(ops);
  const perBroker = resourceName !== '';
  if (perBroker) checkNodeId(svc, resourceName);
  const { metadata } = svc;
  const current = perBroker ? metadata.nodeConfigs : metadata.brokerConfigs;
  const props = incremental ? new Map(current) : new Map<string, string>();
  applyOps(
    props,
    ops,
    (n) => {
      const def = BROKER_CONFIG_BY_NAME.get(n);
      if (!def) throw new KafkaError('INVALID_CONFIG', `Unknown config name: ${n}`);
      return def.type === 'list';
    },
    (n) => BROKER_CONFIG_BY_NAME.get(n)?.default ?? null,
    (n, op) => new KafkaError('INVALID_CONFIG', `Config value ${op.toLowerCase()} is not allowed for config key: ${n}`),
  );
  const fixed = [...props.keys()].filter((k) => BROKER_CONFIG_BY_NAME.get(k)?.dynamic !== true);
  if (fixed.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
  for (const [k, v] of props) {
    const def = BROKER_CONFIG_BY_NAME.get(k)!;
    const err = checkValue(def.type, v, def);
    if (err) throw new KafkaError('INVALID_REQUEST', `Invalid value ${v} for configuration ${k}: ${err}`);
  }
  const before = { defaults: metadata.brokerConfigs, node: metadata.nodeConfigs };
  const after = perBroker ? { defaults: before.defaults, node: props } : { defaults: props, node: before.node };
  // Every topic's log config must still resolve under the new broker values: try them, synchronously.
  setDynamicLayers(svc.config, after);
  const err = [null, ...[...svc.topics.all()].map((t) => t.configs)].map((o) => logConfigError(svc.config, o ?? new Map())).find((e) => e !== null);
  if (err || validateOnly) setDynamicLayers(svc.config, before);
  if (err) throw new KafkaError('INVALID_REQUEST', err);
  if (validateOnly) return;
  metadata.brokerConfigs = after.defaults;
  metadata.nodeConfigs = after.node;
  try {
    metadata.persist();
  } catch (e) {
    metadata.brokerConfigs = before.defaults;
    metadata.nodeConfigs = before.node;
    setDynamicLayers(svc.config, before);
    throw new KafkaError('KAFKA_STORAGE_ERROR', `could not persist broker configs: ${(e as Error).message}`);
  }
  svc.topics.applyConfigs();
}

/** Sets BrokerConfig's dynamic layer to the cluster defaults with this node's configs on top. */
function setDynamicLayers(config: BrokerConfig, layers: { defaults: Map<string, string>; node: Map<string, string> }): void {
  const merged = new Map([...layers.defaults, ...layers.node]);
  for (const k of config.dynamicEntries().keys()) if (!merged.has(k)) config.setDynamic(k, null);
  for (const [k, v] of merged) config.setDynamic(k, v);
}

export interface AlterResource {
  resourceType: number;
  resourceName: string;
  ops: ConfigOp[];
}

/** Both alter APIs: one result per resource, in request order; a resource named twice fails both times. */
export function alterResources(svc: AdminServices, resources: readonly AlterResource[], incremental: boolean, validateOnly: boolean) {
  const count = new Map<string, number>();
  const key = (r: AlterResource) => `${r.resourceType}\u0000${r.resourceName}`;
  for (const r of resources) count.set(key(r), (count.get(key(r)) ?? 0) + 1);
  return resources.map((r) => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    try {
      if (count.get(key(r))! > 1) throw new KafkaError('INVALID_REQUEST', 'Each resource must appear at most once.');
      if (r.resourceType === ResourceType.TOPIC) alterTopicConfigs(svc, r.resourceName, r.ops, incremental, validateOnly);
      else if (r.resourceType === ResourceType.BROKER) alterBrokerConfigs(svc, r.resourceName, r.ops, incremental, validateOnly);
      else throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${r.resourceType}`);
      return { ...base, errorCode: 0, errorMessage: null };
    } catch (e) {
      return { ...base, errorCode: kafkaErrorCode(e), errorMessage: errorMessage(e) };
    }
  });
}
