// What the librdkafka-based clients (kcat, confluent-kafka-python, confluent-kafka-go) can use.
// librdkafka enables lz4 only when the broker lists FindCoordinator (its stand-in for "Kafka 0.8.2
// or later"); until the group coordinator registers it, librdkafka sends lz4 batches
// uncompressed ("Broker does not support compression type lz4"), so lz4 is left out here.
import type { Codec } from './harness.js';
import { HANDLERS } from '../../host/broker/registry.js';
import { ApiKey } from '../../host/protocol/generated/index.js';

export const LIBRDKAFKA_CODECS: readonly Codec[] = HANDLERS.some((h) => h.apiKey === ApiKey.FindCoordinator)
  ? ['none', 'gzip', 'snappy', 'lz4', 'zstd']
  : ['none', 'gzip', 'snappy', 'zstd'];
