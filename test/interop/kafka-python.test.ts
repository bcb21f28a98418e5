// kafka-python (Debian python3-kafka 2.0.2; snappy/lz4/zstd through python3-snappy, python3-lz4,
// python3-zstandard) against kwasm: KafkaAdminClient, KafkaProducer per codec, KafkaConsumer with
// assign(). kafka-python 2.0.2 has no idempotent producer (enable_idempotence came later).
import path from 'node:path';
import { CODECS, PYTHON, runJson, SCRIPTS } from './harness.js';
import { interopSuite } from './suite.js';

interopSuite({
  name: 'kafka-python',
  codecs: CODECS,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: false,
  adapter: { op: (req) => runJson(PYTHON, [path.join(SCRIPTS, 'kafka_python.py')], req) },
});
