// The Prometheus endpoint (kwasm.metrics.listener): request counts and latency histograms per
// API, bytes in and out per topic, partitions and per-partition log sizes, read over HTTP after
// real traffic, on both storage engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../host/client/admin.js';
import { Consumer } from '../../host/client/consumer.js';
import { Producer } from '../../host/client/producer.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

/** Parses the text exposition format into name{labels} → value. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

async function scrape(port: number): Promise<{ status: number; type: string | null; metrics: Map<string, number> }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), metrics: parse(await res.text()) };
}

describe.each(['memory', 'file'] as const)('/metrics (%s storage)', (storage) => {
  let broker: TestBroker;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startTestBroker({ storage, config: { 'kwasm.metrics.listener': '127.0.0.1:0' } });
    admin = new Admin(broker.bootstrap);
  });
  afterAll(async () => {
    await admin.close();
    await broker.close();
  });

  it('serves the text format on /metrics and 404 elsewhere', async () => {
    expect(broker.metricsPort).toBeGreaterThan(0);
    const s = await scrape(broker.metricsPort!);
    expect(s.status).toBe(200);
    expect(s.type).toMatch(/^text\/plain/);
    expect(s.metrics.get('kwasm_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${broker.metricsPort}/other`)).status).toBe(404);
  });

  it('counts requests and their latency per API, bytes in and out, and sizes every partition', async () => {
    const before = (await scrape(broker.metricsPort!)).metrics;
    expect(before.get('kwasm_partitions')).toBe(0);

    await admin.createTopics([{ name: 'm1', numPartitions: 3 }]);
    const producer = new Producer(admin.cluster, { acks: 1 });
    const value = Buffer.alloc(1000, 7);
    let produced = 0;
    for (let i = 0; i < 10; i++) {
      const batch = await producer.core.encodeBatch(Array.from({ length: 5 }, () => ({ value })));
      await producer.sendBatch('m1', i % 2, batch);
      produced += batch.length;
    }
    const consumer = new Consumer(admin.cluster, { maxWaitMs: 10 });
    await consumer.assign('m1', 'earliest');
    let fetched = 0;
    for (const f of await consumer.fetch()) fetched += f.records.length;
    expect(fetched).toBe(produced);

    const m = (await scrape(broker.metricsPort!)).metrics;
    const produceRequests = [...m].filter(([k]) => k.startsWith('kwasm_requests_total{api="Produce"')).reduce((n, [, v]) => n + v, 0);
    expect(produceRequests).toBe(10);
    expect(m.get('kwasm_request_duration_seconds_count{api="Produce"}')).toBe(10);
    expect(m.get('kwasm_request_duration_seconds_sum{api="Produce"}')).toBeGreaterThan(0);
    expect(m.get('kwasm_request_duration_seconds_bucket{le="+Inf",api="Produce"}')).toBe(10);
    expect(m.get('kwasm_request_duration_seconds_count{api="Fetch"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('kwasm_request_duration_seconds_count{api="Metadata"}')).toBeGreaterThanOrEqual(1);
    expect(m.get('kwasm_bytes_in_total{topic="m1"}')).toBe(produced);
    expect(m.get('kwasm_bytes_out_total{topic="m1"}')).toBe(produced);
    expect(m.get('kwasm_messages_in_total{topic="m1"}')).toBe(50);
    expect(m.get('kwasm_connections')).toBeGreaterThanOrEqual(1);

    // Partition gauges follow the topics as they are now.
    expect(m.get('kwasm_partitions')).toBe(3);
    const sizes = [0, 1, 2].map((p) => m.get(`kwasm_log_size_bytes{topic="m1",partition="${p}"}`));
    expect(sizes[0]! + sizes[1]!).toBe(produced);
    expect(sizes[0]).toBeGreaterThan(0);
    expect(sizes[2]).toBe(0);
    expect(m.get('kwasm_log_end_offset{topic="m1",partition="0"}')).toBe(25);
    expect(m.get('kwasm_log_start_offset{topic="m1",partition="0"}')).toBe(0);

    await admin.deleteTopics(['m1']);
    const after = (await scrape(broker.metricsPort!)).metrics;
    expect(after.get('kwasm_partitions')).toBe(0);
    expect([...after.keys()].some((k) => k.startsWith('kwasm_log_size_bytes{topic="m1"'))).toBe(false);
  });
});

describe('metrics listener configuration', () => {
  it('rejects a listener that is not host:port', async () => {
    await expect(startTestBroker({ storage: 'memory', config: { 'kwasm.metrics.listener': 'nonsense' } })).rejects.toThrow(/kwasm\.metrics\.listener/);
  });
});

describe('error metrics', () => {
  it('counts error codes returned, per API and error name', async () => {
    const broker = await startTestBroker({ storage: 'memory', config: { 'kwasm.metrics.listener': '127.0.0.1:0' } });
    const admin = new Admin(broker.bootstrap);
    try {
      await admin.createTopics([{ name: 'errs', numPartitions: 1 }]);
      await admin.createTopics([{ name: 'errs', numPartitions: 1 }]).catch(() => undefined);
      const m = (await scrape(broker.metricsPort!)).metrics;
      expect(m.get('kwasm_request_errors_total{api="CreateTopics",error="TOPIC_ALREADY_EXISTS"}')).toBe(1);
    } finally {
      await admin.close();
      await broker.close();
    }
  });
});
