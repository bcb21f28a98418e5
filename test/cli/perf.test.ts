// `kwasm perf produce` / `kwasm perf consume`: they print what Kafka's perf tools print, with
// progress while running, and the records really land (checked in the broker's log).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../host/cli/perf.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from './run-cli.js';

const FINAL = /^(\d+) records sent, (\d+\.\d{6}) records\/sec \((\d+\.\d{2}) MB\/sec\), (\d+\.\d{2}) ms avg latency, (\d+\.\d{2}) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;
const PROGRESS = /^(\d+) records sent, (\d+\.\d) records\/sec \((\d+\.\d{2}) MB\/sec\), (\d+\.\d) ms avg latency, (\d+\.\d) ms max latency\.$/;
const DATE = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}';

describe('LatencyRecorder', () => {
  it('gives exact weighted percentiles', () => {
    const r = new LatencyRecorder();
    r.record(10, 98);
    r.record(50, 1);
    r.record(1, 1);
    for (let i = 0; i < 5000; i++) r.record(2);
    expect(r.count).toBe(5100);
    expect(r.max).toBe(50);
    expect(r.percentiles([0, 0.5, 0.98, 0.99, 0.9999])).toEqual([1, 2, 2, 10, 50]);
    expect(r.sum).toBe(980 + 50 + 1 + 10000);
  });
});

describe('kwasm perf', () => {
  let broker: TestBroker;
  let bs: string[];
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory' });
    bs = ['--bootstrap-server', broker.bootstrap];
    expect((await runCli(['topics', ...bs, '--create', '--topic', 'perf', '--partitions', '2'])).code).toBe(0);
  });
  afterAll(() => broker.close());

  it("produce prints kafka-producer-perf-test's final line and every record lands", async () => {
    const r = await runCli(['perf', 'produce', ...bs, '--topic', 'perf', '--num-records', '30000', '--record-size', '100', '--throughput', '-1', '--acks', '1', '--batch-size', '65536']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1)!;
    const m = FINAL.exec(last);
    expect(m, last).not.toBeNull();
    expect(Number(m![1])).toBe(30000);
    const [p50, p95, p99, p999] = m!.slice(6, 10).map(Number);
    expect(p50! <= p95! && p95! <= p99! && p99! <= p999!).toBe(true);
    expect(Number(m![5])).toBeGreaterThanOrEqual(Number(m![4]));
    // Records/s and MB/s agree with the record size.
    expect(Number(m![3])).toBeCloseTo((Number(m![2]) * 100) / 2 ** 20, 1);
    const sizes = [0, 1].map((p) => broker.services.storage.getPartition('perf', p)!);
    expect(sizes[0]!.logEndOffset + sizes[1]!.logEndOffset).toBe(30000n);
    // Round robin over both partitions.
    expect(sizes[0]!.logEndOffset).toBeGreaterThan(0n);
    expect(sizes[1]!.logEndOffset).toBeGreaterThan(0n);
  });

  it('produce at a fixed --throughput paces itself and prints progress lines while it runs', async () => {
    const r = await runCli(['perf', 'produce', ...bs, '--topic', 'perf', '--num-records', '3000', '--record-size', '64', '--throughput', '2000', '--acks', '-1', '--reporting-interval', '300']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const progress = lines.slice(0, -1);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (const l of progress) expect(l).toMatch(PROGRESS);
    const m = FINAL.exec(lines.at(-1)!)!;
    expect(m).not.toBeNull();
    // 3000 records at 2000/s take about 1.5 s: the rate cannot exceed what was asked by much.
    expect(Number(m[2])).toBeLessThan(2300);
    expect(Number(m[2])).toBeGreaterThan(800);
  });

  it("consume prints kafka-consumer-perf-test's header and totals", async () => {
    const r = await runCli(['perf', 'consume', ...bs, '--topic', 'perf', '--messages', '33000', '--reporting-interval', '200']);
    expect(r.code).toBe(0);
    const [header, line, ...rest] = r.stdout.trim().split('\n');
    expect(rest).toEqual([]);
    expect(header).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    const m = new RegExp(`^(${DATE}), (${DATE}), (\\d+\\.\\d{4}), (\\d+\\.\\d{4}), (\\d+), (\\d+\\.\\d{4}), 0, (\\d+), (\\d+\\.\\d{4}), (\\d+\\.\\d{4})$`).exec(line!);
    expect(m, line).not.toBeNull();
    expect(Number(m![5])).toBe(33000);
    // 30000 × 100 B + 3000 × 64 B of values, plus batch and record framing.
    const mb = Number(m![3]);
    expect(mb).toBeGreaterThan((30000 * 100 + 3000 * 64) / 2 ** 20);
    expect(mb).toBeLessThan((1.3 * (30000 * 100 + 3000 * 64)) / 2 ** 20);
  });

  it('consume gives up after --timeout when fewer records exist, and says so', async () => {
    const r = await runCli(['perf', 'consume', ...bs, '--topic', 'perf', '--messages', '40000', '--timeout', '700', '--hide-header', '--show-detailed-stats', '--reporting-interval', '100000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Exiting before consuming the expected number of messages: timeout (700 ms) exceeded.');
    expect(r.stdout).toBe('');
  });
});
