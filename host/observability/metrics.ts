// Prometheus metrics of one broker (prom-client, a registry per broker so several in-process
// brokers do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A partition's log as the metrics see it (sizes read on each scrape). */
export interface PartitionSizeSource {
  topic: string;
  partition: number;
  size: number;
  logStartOffset: bigint;
  logEndOffset: bigint;
}

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'api' | 'version'>;
  readonly requestErrors: Counter<'api' | 'error'>;
  readonly requestSeconds: Histogram<'api'>;
  readonly bytesIn: Counter<'topic'>;
  readonly bytesOut: Counter<'topic'>;
  readonly messagesIn: Counter<'topic'>;
  readonly connections: Gauge;
  readonly partitions: Gauge;
  readonly logSizeBytes: Gauge<'topic' | 'partition'>;
  readonly logEndOffset: Gauge<'topic' | 'partition'>;
  readonly logStartOffset: Gauge<'topic' | 'partition'>;
  /** Set by the broker: the partitions hosted, read when Prometheus scrapes. */
  partitionSource: (() => Iterable<PartitionSizeSource>) | null = null;
  readonly consumerGroupLag: Gauge<'group' | 'topic' | 'partition'>;
  /** Set by the group coordinator: committed offset and lag per group and partition, read on scrape. */
  consumerLagSource: (() => Iterable<{ group: string; topic: string; partition: number; committed: bigint; lag: bigint }>) | null = null;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'kwasm_requests_total', help: 'Requests handled, per API and version', labelNames: ['api', 'version'], registers });
    this.requestErrors = new Counter({ name: 'kwasm_request_errors_total', help: 'Error codes returned, per API', labelNames: ['api', 'error'], registers });
    this.requestSeconds = new Histogram({
      name: 'kwasm_request_duration_seconds',
      help: 'Time from request decoded to response ready, per API',
      labelNames: ['api'],
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.bytesIn = new Counter({ name: 'kwasm_bytes_in_total', help: 'Record bytes produced, per topic', labelNames: ['topic'], registers });
    this.bytesOut = new Counter({ name: 'kwasm_bytes_out_total', help: 'Record bytes fetched, per topic', labelNames: ['topic'], registers });
    this.messagesIn = new Counter({ name: 'kwasm_messages_in_total', help: 'Records produced, per topic', labelNames: ['topic'], registers });
    this.connections = new Gauge({ name: 'kwasm_connections', help: 'Open client connections', registers });
    // Partition gauges are computed on scrape (collect), so they are never stale and cost nothing
    // between scrapes; series of deleted partitions disappear with them.
    const self = this;
    let snapshot: PartitionSizeSource[] = [];
    const refresh = () => {
      snapshot = self.partitionSource ? [...self.partitionSource()] : [];
    };
    this.partitions = new Gauge({
      name: 'kwasm_partitions',
      help: 'Partitions hosted',
      registers,
      collect() {
        refresh();
        this.set(snapshot.length);
      },
    });
    const perPartition = (name: string, help: string, value: (p: PartitionSizeSource) => number) =>
      new Gauge<'topic' | 'partition'>({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers,
        collect() {
          refresh();
          this.reset();
          for (const p of snapshot) this.set({ topic: p.topic, partition: String(p.partition) }, value(p));
        },
      });
    this.logSizeBytes = perPartition('kwasm_log_size_bytes', 'Bytes of the log (all segments) per partition', (p) => p.size);
    this.logEndOffset = perPartition('kwasm_log_end_offset', 'Log end offset per partition', (p) => Number(p.logEndOffset));
    this.logStartOffset = perPartition('kwasm_log_start_offset', 'Log start offset per partition', (p) => Number(p.logStartOffset));
    this.consumerGroupLag = new Gauge<'group' | 'topic' | 'partition'>({
      name: 'kwasm_consumer_group_lag',
      help: 'Records between a group\'s committed offset and the high watermark, per group and partition',
      labelNames: ['group', 'topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const l of self.consumerLagSource?.() ?? []) this.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, Number(l.lag));
      },
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'kwasm_' });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
