// segmentio kafka-go 0.2.1 (Debian golang-github-segmentio-kafka-go-dev) against kwasm, through
// test/interop/go/kafka-go (built offline once, cached by source hash). This kafka-go predates
// record batches: CreateTopics v0, Produce v2 with magic 1 message sets (the broker up-converts
// them to v2 batches, keeping the producer's codec), Fetch v2 (down-converted back to magic 1),
// ListOffsets v1. So: no headers, no zstd, no idempotent producer, and no produce offsets in its
// API (the log end is checked instead).
import { goBinary, runJson } from './harness.js';
import { interopSuite } from './suite.js';

let bin = '';

interopSuite({
  name: 'kafka-go',
  codecs: ['none', 'gzip', 'snappy', 'lz4'],
  admin: true,
  timestamps: true,
  byTimestamp: true,
  idempotent: false,
  records: { headers: false },
  adapter: {
    async setup() {
      const b = await goBinary('kafka-go');
      bin = b.path;
      if (b.buildMs > 0) console.log(`built the kafka-go helper in ${b.buildMs} ms`);
    },
    op: (req) => runJson(bin, [], req),
  },
});
