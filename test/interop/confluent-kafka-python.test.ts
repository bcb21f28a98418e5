// confluent-kafka-python (Debian python3-confluent-kafka 1.7 on librdkafka 2.0) against kwasm:
// AdminClient.create_topics, a Producer per codec (and enable.idempotence), a Consumer with
// assign() from OFFSET_BEGINNING, watermark offsets and offsets_for_times.
import path from 'node:path';
import { PYTHON, runJson, SCRIPTS } from './harness.js';
import { LIBRDKAFKA_CODECS } from './librdkafka.js';
import { interopSuite } from './suite.js';

interopSuite({
  name: 'confluent-kafka-python',
  codecs: LIBRDKAFKA_CODECS,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: true,
  adapter: { op: (req) => runJson(PYTHON, [path.join(SCRIPTS, 'confluent_kafka_python.py')], req) },
});
