// Resolved broker configuration: static values (file, CLI overrides, environment), dynamic
// cluster-wide values (AlterConfigs), Kafka's derived keys, and topic-level fallbacks.
import {
  ACCEPTED_NO_EFFECT,
  BROKER_CONFIG_BY_NAME,
  LONG_MAX,
  TOPIC_CONFIG_BY_NAME,
  type ConfigDef,
  type ConfigType,
} from './definitions.js';

export interface ConfigProblem {
  level: 'error' | 'warn' | 'info';
  key: string;
  message: string;
}

export type ConfigSource = 'DEFAULT_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'TOPIC_CONFIG';

export interface Listener {
  name: string;
  host: string;
  port: number;
  securityProtocol: string;
}

/** Checks `value` against a key's type and range; returns a message, or null when valid. */
export function checkValue(type: ConfigType, value: string, def?: Pick<ConfigDef, 'oneOf' | 'min' | 'max'>): string | null {
  switch (type) {
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) return `expected true or false, got "${value}"`;
      break;
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) return `expected an integer, got "${value}"`;
      const n = BigInt(value.trim());
      const [lo, hi] = type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return `${value} is out of range for ${type}`;
      if (def?.min !== undefined && n < BigInt(def.min)) return `must be at least ${def.min}`;
      if (def?.max !== undefined && n > BigInt(def.max)) return `must be at most ${def.max}`;
      break;
    }
    case 'double': {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n)) return `expected a number, got "${value}"`;
      if (def?.min !== undefined && n < def.min) return `must be at least ${def.min}`;
      if (def?.max !== undefined && n > def.max) return `must be at most ${def.max}`;
      break;
    }
    default:
      break;
  }
  if (def?.oneOf && type !== 'list' && !def.oneOf.some((o) => o.toLowerCase() === value.toLowerCase())) {
    return `must be one of ${def.oneOf.join(', ')}`;
  }
  return null;
}

/** Parses a long, saturating at Number.MAX_SAFE_INTEGER (Kafka's Long.MAX_VALUE means "never"). */
export function parseLong(value: string): number {
  if (value === LONG_MAX) return Number.MAX_SAFE_INTEGER;
  const n = Number(value);
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}

export class BrokerConfig {
  readonly #static = new Map<string, string>();
  readonly #dynamic = new Map<string, string>();
  readonly #unknown = new Map<string, string>();

  /**
   * Builds a config from sources in increasing precedence (file < env < overrides). Invalid values
   * are errors; unknown keys are warnings; Kafka keys that kwasm accepts but ignores are notes.
   */
  static from(...sources: Array<Map<string, string> | Record<string, string | number | boolean>>): {
    config: BrokerConfig;
    problems: ConfigProblem[];
  } {
    const cfg = new BrokerConfig();
    const problems: ConfigProblem[] = [];
    for (const src of sources) {
      const entries = src instanceof Map ? [...src] : Object.entries(src).map(([k, v]) => [k, String(v)] as const);
      for (const [key, value] of entries) {
        const def = BROKER_CONFIG_BY_NAME.get(key);
        if (!def) {
          if (ACCEPTED_NO_EFFECT.includes(key)) {
            problems.push({ level: 'info', key, message: `accepted; has no effect in kwasm` });
          } else {
            problems.push({ level: 'warn', key, message: `unknown configuration key, ignored` });
          }
          cfg.#unknown.set(key, value);
          continue;
        }
        const err = checkValue(def.type, value, def);
        if (err) {
          problems.push({ level: 'error', key, message: `invalid value "${value}": ${err}` });
          continue;
        }
        cfg.#static.set(key, value);
      }
    }
    for (const key of ['listeners', 'advertised.listeners']) {
      for (const l of cfg.#parseListeners(cfg.list(key))) {
        if (!Number.isInteger(l.port) || l.port < 0 || l.port > 65535) {
          problems.push({ level: 'error', key, message: `invalid listener "${l.name}": expected NAME://host:port` });
        }
      }
    }
    return { config: cfg, problems };
  }

  /** The effective value of a broker key, or null. */
  get(name: string): string | null {
    const dyn = this.#dynamic.get(name);
    if (dyn !== undefined) return dyn;
    const st = this.#static.get(name);
    if (st !== undefined) return st;
    const derived = this.#derived(name);
    if (derived !== undefined) return derived;
    return BROKER_CONFIG_BY_NAME.get(name)?.default ?? null;
  }

  source(name: string): ConfigSource {
    if (this.#dynamic.has(name)) return 'DYNAMIC_DEFAULT_BROKER_CONFIG';
    if (this.#static.has(name)) return 'STATIC_BROKER_CONFIG';
    return 'DEFAULT_CONFIG';
  }

  /** The value given at start (file, environment, overrides), ignoring dynamic changes; null if none. */
  staticValue(name: string): string | null {
    return this.#static.get(name) ?? null;
  }

  isSet(name: string): boolean {
    return this.#dynamic.has(name) || this.#static.has(name);
  }

  int(name: string): number {
    const v = this.get(name);
    if (v === null) throw new Error(`config ${name} has no value`);
    return Number(v);
  }

  long(name: string): number {
    const v = this.get(name);
    if (v === null) throw new Error(`config ${name} has no value`);
    return parseLong(v);
  }

  bool(name: string): boolean {
    return (this.get(name) ?? 'false').toLowerCase() === 'true';
  }

  list(name: string): string[] {
    const v = this.get(name);
    if (v === null || v.trim() === '') return [];
    return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }

  /** Applies a cluster-wide dynamic change (AlterConfigs); null deletes it. Returns an error message or null. */
  setDynamic(name: string, value: string | null): string | null {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (!def) return `unknown broker config ${name}`;
    if (!def.dynamic) return `${name} cannot be updated dynamically`;
    if (value === null) {
      this.#dynamic.delete(name);
      return null;
    }
    const err = checkValue(def.type, value, def);
    if (err) return err;
    this.#dynamic.set(name, value);
    return null;
  }

  dynamicEntries(): Map<string, string> {
    return new Map(this.#dynamic);
  }

  nodeId(): number {
    if (!this.isSet('node.id') && this.isSet('broker.id')) return this.int('broker.id');
    return this.int('node.id');
  }

  logDirs(): string[] {
    const dirs = this.list('log.dirs');
    return dirs.length > 0 ? dirs : [this.get('log.dir') ?? './data'];
  }

  listeners(): Listener[] {
    return this.#parseListeners(this.list('listeners'));
  }

  /** What clients are told to connect to; defaults to the listeners. */
  advertisedListeners(): Listener[] {
    const adv = this.list('advertised.listeners');
    return adv.length > 0 ? this.#parseListeners(adv) : this.listeners();
  }

  /** The broker-level default for a topic key (through its broker synonym). */
  topicDefault(topicKey: string): string | null {
    const t = TOPIC_CONFIG_BY_NAME.get(topicKey);
    return t ? this.get(t.broker) : null;
  }

  /** Every known broker key with value and source (DescribeConfigs for a broker). */
  describe(): Array<{ name: string; value: string | null; source: ConfigSource; sensitive: boolean; readOnly: boolean }> {
    return [...BROKER_CONFIG_BY_NAME.values()].map((def) => ({
      name: def.name,
      value: def.sensitive ? null : this.get(def.name),
      source: this.source(def.name),
      sensitive: def.sensitive === true,
      readOnly: def.dynamic !== true,
    }));
  }

  #derived(name: string): string | undefined {
    switch (name) {
      case 'log.retention.ms': {
        const minutes = this.#dynamic.get('log.retention.minutes') ?? this.#static.get('log.retention.minutes');
        if (minutes !== undefined) return String(BigInt(minutes) * 60_000n);
        return String(BigInt(this.get('log.retention.hours') ?? '168') * 3_600_000n);
      }
      case 'log.roll.ms':
        return String(BigInt(this.get('log.roll.hours') ?? '168') * 3_600_000n);
      case 'log.roll.jitter.ms':
        return String(BigInt(this.get('log.roll.jitter.hours') ?? '0') * 3_600_000n);
      case 'broker.id':
        return this.get('node.id') ?? undefined;
      default:
        return undefined;
    }
  }

  #parseListeners(items: string[]): Listener[] {
    const map = new Map(
      this.list('listener.security.protocol.map').map((e) => {
        const [k, v] = e.split(':');
        return [k!.trim().toUpperCase(), (v ?? '').trim().toUpperCase()] as const;
      }),
    );
    return items.map((item) => {
      const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(item);
      if (!m) return { name: item, host: '', port: -1, securityProtocol: '' };
      const name = m[1]!.toUpperCase();
      const host = m[2]!.replace(/^\[|\]$/g, '');
      return { name, host, port: Number(m[3]), securityProtocol: map.get(name) ?? name };
    });
  }
}

/** A topic's effective configs: its overrides, falling back to the broker's defaults. */
export class TopicConfig {
  readonly overrides: Map<string, string>;
  readonly #broker: BrokerConfig;

  constructor(broker: BrokerConfig, overrides: Map<string, string> = new Map()) {
    this.#broker = broker;
    this.overrides = overrides;
  }

  /** Checks a topic-level key and value; returns an error message, or null when valid. */
  static check(name: string, value: string): string | null {
    const t = TOPIC_CONFIG_BY_NAME.get(name);
    if (!t) return `unknown topic config ${name}`;
    const brokerDef = BROKER_CONFIG_BY_NAME.get(t.broker);
    const err = checkValue(t.type, value, { oneOf: t.oneOf, min: brokerDef?.min, max: brokerDef?.max });
    if (err) return err;
    if (name === 'cleanup.policy') {
      for (const p of value.split(',').map((s) => s.trim())) {
        if (p !== 'delete' && p !== 'compact') return `cleanup.policy must be a list of delete, compact`;
      }
    }
    return null;
  }

  get(name: string): string | null {
    return this.overrides.get(name) ?? this.#broker.topicDefault(name);
  }

  source(name: string): ConfigSource {
    if (this.overrides.has(name)) return 'TOPIC_CONFIG';
    const t = TOPIC_CONFIG_BY_NAME.get(name);
    return t ? this.#broker.source(t.broker) : 'DEFAULT_CONFIG';
  }

  long(name: string): number {
    const v = this.get(name);
    return v === null ? -1 : parseLong(v);
  }

  int(name: string): number {
    return Number(this.get(name) ?? '0');
  }

  cleanupPolicy(): { delete: boolean; compact: boolean } {
    const v = (this.get('cleanup.policy') ?? 'delete').split(',').map((s) => s.trim());
    return { delete: v.includes('delete'), compact: v.includes('compact') };
  }
}
