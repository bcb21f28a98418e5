// confluent-kafka-go 0.11 (Debian, cgo over Debian's librdkafka 2.0) against kwasm, through
// test/interop/go/confluent-kafka-go (built offline once, cached by source hash): AdminClient.
// CreateTopics, a Producer per codec and with enable.idempotence, a Consumer with Assign from
// OffsetBeginning, QueryWatermarkOffsets and OffsetsForTimes.
import { goBinary, runJson } from './harness.js';
import { LIBRDKAFKA_CODECS } from './librdkafka.js';
import { interopSuite } from './suite.js';

let bin = '';

interopSuite({
  name: 'confluent-kafka-go',
  codecs: LIBRDKAFKA_CODECS,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: true,
  adapter: {
    async setup() {
      const b = await goBinary('confluent-kafka-go');
      bin = b.path;
      if (b.buildMs > 0) console.log(`built the confluent-kafka-go helper in ${b.buildMs} ms`);
    },
    op: (req) => runJson(bin, [], req),
  },
});
