// `kwasm perf produce` and `kwasm perf consume`: load generators that print what Kafka's
// kafka-producer-perf-test and kafka-consumer-perf-test print.
//
// produce: --num-records records of --record-size random uppercase bytes (no key, as Kafka's
// tool), --throughput records/s (-1: as fast as acknowledgements allow), batches of --batch-size
// bytes sent round robin over the topic's partitions, --max-in-flight requests per connection.
// The records section of a batch is encoded once per batch size by the WASM core and every batch
// is framed by it (buildBatch: header with the current time, CRC), the way Kafka's tool reuses
// one payload. Latency of a record: from the moment it was due (paced) or its batch was built
// (unpaced) to the acknowledgement; percentiles are whole milliseconds, as Kafka prints them.
//
// consume: reads --messages records from every partition (from the beginning unless
// --from-latest) with Fetch requests of --fetch-size bytes per partition; the core checks every
// batch's CRC and counts its records without decoding them. data.consumed.in.MB counts record
// batch bytes as fetched (Kafka's tool counts key and value bytes, a little less).
import type { Command } from 'commander';
import { Cluster } from '../client/cluster.js';
import { Consumer } from '../client/consumer.js';
import { Producer } from '../client/producer.js';
import { codecFromName, compress, Codec } from '../compression/index.js';
import { loadCore } from '../core/wasm.js';
import type { Core, RecordsSection } from '../core/types.js';
import { parseAcks } from './console-producer.js';
import { collectPairs, fail, intOption, kafkaDate, parsePairs, UsageError } from './tool-util.js';

const MB = 1024 * 1024;

export function registerPerf(program: Command): void {
  const perf = program.command('perf').description('load generators (like kafka-producer-perf-test and kafka-consumer-perf-test)');
  perf
    .command('produce')
    .description('produce records as fast as asked and report throughput and latency')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .requiredOption('--num-records <n>', 'records to send', intOption)
    .requiredOption('--record-size <bytes>', 'value size of each record', intOption)
    .option('--throughput <n>', 'records/s to aim for; -1 for no limit', intOption, -1)
    .option('--bootstrap-server <host:port>', 'broker(s) to connect to (or --producer-props bootstrap.servers=)')
    .option('--producer-props <key=value...>', 'acks, batch.size, compression.type, max.in.flight.requests.per.connection, bootstrap.servers', collectPairs, [])
    .option('--acks <acks>', 'required acks: 0, 1, -1 or all (default 1)')
    .option('--batch-size <bytes>', 'batch size in bytes (default 16384)', intOption)
    .option('--compression-type <codec>', 'none, gzip, snappy, lz4 or zstd')
    .option('--max-in-flight <n>', 'requests awaiting acknowledgement per connection (default 5)', intOption)
    .option('--reporting-interval <ms>', 'progress line interval', intOption, 5000)
    .action(async (o: PerfProduceOptions) => {
      try {
        await runPerfProduce(o);
      } catch (e) {
        fail('kwasm perf produce: ', e);
      }
    });
  perf
    .command('consume')
    .description('consume records as fast as possible and report throughput')
    .requiredOption('--topic <topic>', 'topic to read')
    .requiredOption('--messages <n>', 'records to consume', intOption)
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to')
    .option('--fetch-size <bytes>', 'bytes per partition per fetch (max.partition.fetch.bytes)', intOption, 1024 * 1024)
    .option('--max-bytes <bytes>', 'bytes per fetch response (fetch.max.bytes)', intOption, 50 * MB)
    .option('--from-latest', 'start at the end of each partition instead of the beginning')
    .option('--timeout <ms>', 'give up after this long without records', intOption, 10_000)
    .option('--reporting-interval <ms>', 'progress interval', intOption, 5000)
    .option('--show-detailed-stats', "print Kafka's periodic stats lines on stdout (else progress goes to stderr)")
    .option('--hide-header', 'leave out the header line')
    .action(async (o: PerfConsumeOptions) => {
      try {
        await runPerfConsume(o);
      } catch (e) {
        fail('kwasm perf consume: ', e);
      }
    });
}

interface PerfProduceOptions {
  topic: string;
  numRecords: number;
  recordSize: number;
  throughput: number;
  bootstrapServer?: string;
  producerProps: string[];
  acks?: string;
  batchSize?: number;
  compressionType?: string;
  maxInFlight?: number;
  reportingInterval: number;
}

/** Latencies with multiplicities, for exact percentiles over every record. */
export class LatencyRecorder {
  #values = new Float64Array(1024);
  #counts = new Float64Array(1024);
  #n = 0;
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number, count = 1): void {
    if (this.#n === this.#values.length) {
      const v = new Float64Array(this.#n * 2);
      v.set(this.#values);
      this.#values = v;
      const c = new Float64Array(this.#n * 2);
      c.set(this.#counts);
      this.#counts = c;
    }
    this.#values[this.#n] = ms;
    this.#counts[this.#n++] = count;
    this.count += count;
    this.sum += ms * count;
    if (ms > this.max) this.max = ms;
  }

  /** The latency below which the fraction p of records fall. */
  percentiles(ps: readonly number[]): number[] {
    const idx = Array.from({ length: this.#n }, (_, i) => i).sort((a, b) => this.#values[a]! - this.#values[b]!);
    return ps.map((p) => {
      const target = p * this.count;
      let seen = 0;
      for (const i of idx) {
        seen += this.#counts[i]!;
        if (seen > target) return this.#values[i]!;
      }
      return this.#n > 0 ? this.#values[idx[this.#n - 1]!]! : 0;
    });
  }
}

/** Kafka's perf tool payload: random uppercase letters. */
function payload(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26);
  return b;
}

/** Encodes (once per record count) the records section of n copies of the payload. */
class SectionCache {
  readonly #core: Core;
  readonly #value: Uint8Array;
  readonly #codec: number;
  readonly #cache = new Map<number, Promise<RecordsSection>>();
  constructor(core: Core, value: Uint8Array, codec: number) {
    this.#core = core;
    this.#value = value;
    this.#codec = codec;
  }
  get(n: number): Promise<RecordsSection> {
    let s = this.#cache.get(n);
    if (!s) {
      const base = this.#core.encodeRecordsSection(Array.from({ length: n }, () => ({ value: this.#value })), { baseTimestamp: 0, maxTimestamp: 0 });
      s = this.#codec === Codec.NONE ? Promise.resolve(base) : compress(this.#codec, base.records).then((records) => ({ ...base, records }));
      this.#cache.set(n, s);
    }
    return s;
  }
}

async function runPerfProduce(o: PerfProduceOptions): Promise<void> {
  const props = parsePairs(o.producerProps, '--producer-props');
  const bootstrap = o.bootstrapServer ?? props.get('bootstrap.servers');
  if (!bootstrap) throw new UsageError('--bootstrap-server (or --producer-props bootstrap.servers=...) is required');
  if (o.numRecords <= 0 || o.recordSize <= 0) throw new UsageError('--num-records and --record-size must be positive');
  const acks = parseAcks(o.acks ?? props.get('acks') ?? '1');
  const batchSize = o.batchSize ?? Number(props.get('batch.size') ?? 16384);
  const codecName = o.compressionType ?? props.get('compression.type') ?? 'none';
  const codec = codecFromName(codecName);
  if (codec === null) throw new UsageError(`unknown compression type "${codecName}"`);
  const maxInFlight = Math.max(1, o.maxInFlight ?? Number(props.get('max.in.flight.requests.per.connection') ?? 5));
  const core = loadCore();
  const cluster = new Cluster(bootstrap, { clientId: 'producer-performance' });
  const producer = new Producer(cluster, { acks, compression: codec, core, autoCreateTopics: true });
  const sections = new SectionCache(core, payload(o.recordSize), codec);

  try {
    const topic = await producer.topic(o.topic);
    const partitions = topic.partitions.map((p) => p.partition);
    // Records per batch: what fits in batch.size with the 61-byte batch header.
    const one = core.encodeRecordsSection([{ value: new Uint8Array(o.recordSize) }]).records.length + 1;
    const perBatch = Math.max(1, Math.floor((batchSize - 61) / one));

    const total = new LatencyRecorder();
    let window = { start: performance.now(), count: 0, bytes: 0, latSum: 0, latMax: 0 };
    const report = () => {
      const now = performance.now();
      const secs = (now - window.start) / 1000;
      const rps = window.count / secs;
      const mbps = window.bytes / MB / secs;
      const avg = window.count > 0 ? window.latSum / window.count : 0;
      process.stdout.write(`${window.count} records sent, ${rps.toFixed(1)} records/sec (${mbps.toFixed(2)} MB/sec), ${avg.toFixed(1)} ms avg latency, ${window.latMax.toFixed(1)} ms max latency.\n`);
      window = { start: now, count: 0, bytes: 0, latSum: 0, latMax: 0 };
    };
    const timer = setInterval(report, o.reportingInterval);

    let inFlight = 0;
    let wake: (() => void) | null = null;
    let failure: unknown = null;
    const start = performance.now();
    let sent = 0;
    let rr = 0;
    const paced = o.throughput > 0;
    const dueAt = (i: number) => start + (i * 1000) / o.throughput;
    while (sent < o.numRecords) {
      if (failure) throw failure;
      let n = Math.min(perBatch, o.numRecords - sent);
      if (paced) {
        const due = Math.floor(((performance.now() - start) * o.throughput) / 1000) + 1 - sent;
        if (due <= 0) {
          await new Promise((r) => setTimeout(r, Math.max(0, dueAt(sent) - performance.now())));
          continue;
        }
        n = Math.min(n, due);
      }
      while (inFlight >= maxInFlight) await new Promise<void>((r) => (wake = r));
      const section = await sections.get(n);
      const now = Date.now();
      const batch = core.buildBatch(section.records, {
        compression: codec,
        recordCount: section.recordCount,
        lastOffsetDelta: section.lastOffsetDelta,
        baseTimestamp: now,
        maxTimestamp: now,
      });
      const first = sent;
      const builtAt = performance.now();
      sent += n;
      inFlight++;
      producer.sendBatch(o.topic, partitions[rr++ % partitions.length]!, batch).then(
        () => {
          const t = performance.now();
          if (paced) {
            for (let i = 0; i < n; i++) {
              const ms = t - dueAt(first + i);
              total.record(ms);
              window.latSum += ms;
              if (ms > window.latMax) window.latMax = ms;
            }
          } else {
            const ms = t - builtAt;
            total.record(ms, n);
            window.latSum += ms * n;
            if (ms > window.latMax) window.latMax = ms;
          }
          window.count += n;
          window.bytes += n * o.recordSize;
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
        },
        (e: unknown) => {
          failure ??= e;
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
        },
      );
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
    clearInterval(timer);
    if (failure) throw failure;
    const elapsed = performance.now() - start;
    const rps = (o.numRecords * 1000) / elapsed;
    const mbps = (o.numRecords * o.recordSize * 1000) / elapsed / MB;
    const [p50, p95, p99, p999] = total.percentiles([0.5, 0.95, 0.99, 0.999]).map((x) => Math.floor(x));
    process.stdout.write(
      `${o.numRecords} records sent, ${rps.toFixed(6)} records/sec (${mbps.toFixed(2)} MB/sec), ${(total.sum / total.count).toFixed(2)} ms avg latency, ${total.max.toFixed(2)} ms max latency, ${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.\n`,
    );
  } finally {
    await cluster.close();
  }
}

interface PerfConsumeOptions {
  topic: string;
  messages: number;
  bootstrapServer: string;
  fetchSize: number;
  maxBytes: number;
  fromLatest?: boolean;
  timeout: number;
  reportingInterval: number;
  showDetailedStats?: boolean;
  hideHeader?: boolean;
}

async function runPerfConsume(o: PerfConsumeOptions): Promise<void> {
  const cluster = new Cluster(o.bootstrapServer, { clientId: 'perf-consumer-client' });
  const consumer = new Consumer(cluster, { maxWaitMs: 500, minBytes: 1, maxBytes: o.maxBytes, partitionMaxBytes: o.fetchSize, autoOffsetReset: o.fromLatest ? 'latest' : 'earliest' });
  try {
    if (!o.hideHeader) {
      process.stdout.write(
        o.showDetailedStats
          ? 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n'
          : 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n',
      );
    }
    const startMs = Date.now();
    const start = performance.now();
    await consumer.assign(o.topic, o.fromLatest ? 'latest' : 'earliest');
    let bytes = 0;
    let messages = 0;
    let last = { at: performance.now(), wall: startMs, bytes: 0, messages: 0 };
    const progress = () => {
      const now = performance.now();
      const ms = now - last.at;
      const mb = (bytes - last.bytes) / MB;
      const n = messages - last.messages;
      if (o.showDetailedStats) {
        process.stdout.write(
          `${kafkaDate(Date.now())}, 0, ${(bytes / MB).toFixed(4)}, ${((1000 * mb) / ms).toFixed(4)}, ${messages}, ${((1000 * n) / ms).toFixed(4)}, 0, ${Math.round(ms)}, ${((1000 * mb) / ms).toFixed(4)}, ${((1000 * n) / ms).toFixed(4)}\n`,
        );
      } else {
        process.stderr.write(`${messages} records consumed, ${((1000 * n) / ms).toFixed(1)} records/sec (${((1000 * mb) / ms).toFixed(2)} MB/sec).\n`);
      }
      last = { at: now, wall: Date.now(), bytes, messages };
    };
    const timer = setInterval(progress, o.reportingInterval);
    let lastRecordAt = performance.now();
    let timedOut = false;
    try {
      while (messages < o.messages) {
        const fetched = await consumer.fetch();
        let got = 0;
        for (const f of fetched) {
          if (!f.scan) continue;
          got += f.scan.dataRecords;
          bytes += f.scan.bytes;
        }
        if (got > 0) {
          messages += got;
          lastRecordAt = performance.now();
        } else if (performance.now() - lastRecordAt > o.timeout) {
          timedOut = true;
          break;
        }
      }
    } finally {
      clearInterval(timer);
    }
    const elapsedMs = performance.now() - start;
    const endMs = startMs + Math.round(elapsedMs);
    if (timedOut) process.stderr.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${o.timeout} ms) exceeded.\n`);
    if (!o.showDetailedStats) {
      const mb = bytes / MB;
      const secs = elapsedMs / 1000;
      process.stdout.write(
        `${kafkaDate(startMs)}, ${kafkaDate(endMs)}, ${mb.toFixed(4)}, ${(mb / secs).toFixed(4)}, ${messages}, ${(messages / secs).toFixed(4)}, 0, ${Math.round(elapsedMs)}, ${(mb / secs).toFixed(4)}, ${(messages / secs).toFixed(4)}\n`,
      );
    }
  } finally {
    await cluster.close();
  }
}
