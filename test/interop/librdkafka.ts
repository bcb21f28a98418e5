// What the librdkafka-based clients (kcat, confluent-kafka-python, confluent-kafka-go) use: every
// codec. Note: librdkafka enables lz4 only when the broker lists FindCoordinator in ApiVersions
// (its stand-in for "Kafka 0.8.2 or later"); without it, it sends lz4 batches uncompressed ("Broker
// does not support compression type lz4"), which the stored-codec check here would catch.
import { CODECS, type Codec } from './harness.js';

export const LIBRDKAFKA_CODECS: readonly Codec[] = CODECS;
