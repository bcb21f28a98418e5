// Shared by the config APIs (not a handler): Kafka's ConfigSource and ConfigType codes.
import type { ConfigSource } from '../../config/config.js';
import type { ConfigType } from '../../config/definitions.js';

const SOURCE: Record<ConfigSource, number> = {
  TOPIC_CONFIG: 1,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

export function configSourceCode(s: ConfigSource): number {
  return SOURCE[s];
}

const TYPE: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
  password: 9,
};

export function configTypeCode(t: ConfigType): number {
  return TYPE[t];
}
