// sarama 1.22 (Debian golang-github-shopify-sarama-dev; protocol as Kafka 2.1) against kwasm,
// through test/interop/go/sarama (built offline once, cached by source hash): ClusterAdmin.
// CreateTopic, a SyncProducer per codec with the manual partitioner and the idempotent producer,
// a partition consumer from OffsetOldest, Client.GetOffset (earliest, latest, by timestamp).
import { CODECS, goBinary, runJson } from './harness.js';
import { interopSuite } from './suite.js';

let bin = '';

interopSuite({
  name: 'sarama',
  codecs: CODECS,
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: true,
  adapter: {
    async setup() {
      const b = await goBinary('sarama');
      bin = b.path;
      if (b.buildMs > 0) console.log(`built the sarama helper in ${b.buildMs} ms`);
    },
    op: (req) => runJson(bin, [], req),
  },
});
