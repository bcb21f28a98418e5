// Broker benchmarks (`npm run bench:broker`), printed side by side from one run:
//   - produce throughput, 100 B and 1 KiB records, acks=1 and acks=-1, one partition, with a
//     librdkafka load generator (bench/rdkafka-perf.c, compiled here) and with `kwasm perf produce`;
//   - the same produce load against a minimal Node TCP sink (bench/lib/sink.ts: frames requests,
//     answers Produce with a canned response), the cost of Node networking itself (goal >= 0.7x);
//   - consume throughput of what was just written (page cache), librdkafka and `kwasm perf consume`;
//   - end-to-end latency produce → consume at a fixed 10,000 records/s (librdkafka with
//     linger.ms=0, and the kwasm client), p50/p99/p99.9;
//   - Redis Streams (redis-server with AOF everysec, XADD pipelined by redis-benchmark) with the
//     same record count and size (apt-get install redis-server; skipped when absent).
// Goals (2 cores): >= 1,000,000 records/s at 100 B and >= 500 MB/s at 1 KiB with acks=1;
// consume >= 1 GB/s; >= 2x Redis Streams' records/s; e2e p99 <= 2 ms, p99.9 <= 10 ms.
//
// Options: --quick (a tenth of the records), --storage memory|file (default file), --repeat N
// (median of N runs per cell), --cpu-prof DIR (profile the broker), --only produce,consume,e2e,redis,
// --sizes 100,1024, --acks 1,-1, --broker-node-flags "--single-threaded-gc" (flags for the broker's node).
// Every process (broker, sink, generators, redis) is a child of this one and is stopped at the end.
// Timings on a shared machine are noisy: compare the ratios measured in the same run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '../host/client/admin.js';
import { Cluster } from '../host/client/cluster.js';
import { Consumer } from '../host/client/consumer.js';
import { Producer } from '../host/client/producer.js';
import { decodeFetched } from '../host/client/records.js';
import { loadCore } from '../host/core/wasm.js';
import { median, table } from './lib/measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MB = 1024 * 1024;
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const QUICK = flag('quick');
const STORAGE = opt('storage', 'file');
const REPEAT = Math.max(1, Number(opt('repeat', '1')));
const CPU_PROF = opt('cpu-prof', '');
const NODE_FLAGS = opt('broker-node-flags', '').split(' ').filter(Boolean);
const ONLY = new Set(opt('only', 'produce,consume,e2e,redis').split(','));
const ACKS = opt('acks', '1,-1').split(',');
const SIZES = [
  { size: 100, records: QUICK ? 200_000 : 2_000_000 },
  { size: 1024, records: QUICK ? 50_000 : 500_000 },
].filter((s) => opt('sizes', '100,1024').split(',').map(Number).includes(s.size));
const E2E = { rate: 10_000, records: QUICK ? 20_000 : 100_000, size: 100 };

const children = new Set<ChildProcess>();
const work = mkdtempSync(path.join(tmpdir(), 'kwasm-bench-broker-'));

function cleanup(): void {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

/** Runs a command to completion; rejects on a non-zero exit. */
function run(cmd: string, args: string[], timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cmd)} ${args.slice(0, 2).join(' ')} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** Starts a long-running child and resolves with the first stdout line matching `ready`. */
function serve(cmd: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => {
      children.delete(child);
      reject(new Error(`${path.basename(cmd)} exited with ${code}: ${err.slice(-2000)}${out.slice(-2000)}`));
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.kill(signal);
  });
}

// ---- load generators ----

interface Result {
  recordsPerSec: number;
  mbPerSec: number;
  /** CPU time (user + system, all threads) of the serving process per record, in microseconds. */
  cpuUsPerRecord?: number;
  latency?: { avg: number; p50: number; p99: number; p999: number; max: number };
}

function compileRdkafkaPerf(): string | null {
  const src = path.join(ROOT, 'bench/rdkafka-perf.c');
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  const dir = path.join(tmpdir(), 'kwasm-bench-bin');
  const bin = path.join(dir, `rdkafka-perf-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('cc', ['-O2', '-o', bin, src, '-lrdkafka', '-lpthread'], { stdio: 'pipe' });
    return bin;
  } catch (e) {
    console.log(`(librdkafka load generator unavailable: ${(e as Error).message.split('\n')[0]}; apt-get install librdkafka-dev gcc)`);
    return null;
  }
}

const RDKAFKA_PRODUCER = ['-X', 'linger.ms=5', '-X', 'batch.size=1000000', '-X', 'queue.buffering.max.messages=1000000', '-X', 'queue.buffering.max.kbytes=1048576'];

async function rdkafkaProduce(bin: string, bootstrap: string, topic: string, size: number, records: number, acks: string): Promise<Result> {
  const out = await run(bin, ['produce', '-b', bootstrap, '-t', topic, '-n', String(records), '-s', String(size), '-X', `acks=${acks}`, ...RDKAFKA_PRODUCER]);
  const j = JSON.parse(out.trim().split('\n').at(-1)!) as { records: number; seconds: number; latency: Result['latency'] };
  if (j.records !== records) throw new Error(`librdkafka delivered ${j.records} of ${records}`);
  return { recordsPerSec: j.records / j.seconds, mbPerSec: (j.records * size) / MB / j.seconds, latency: j.latency };
}

async function rdkafkaConsume(bin: string, bootstrap: string, topic: string, size: number, records: number): Promise<Result> {
  const out = await run(bin, ['consume', '-b', bootstrap, '-t', topic, '-n', String(records), '-X', 'fetch.message.max.bytes=8388608', '-X', 'fetch.max.bytes=52428800', '-X', 'queued.max.messages.kbytes=262144']);
  const j = JSON.parse(out.trim().split('\n').at(-1)!) as { records: number; seconds: number };
  if (j.records < records) throw new Error(`librdkafka consumed ${j.records} of ${records}`);
  return { recordsPerSec: j.records / j.seconds, mbPerSec: (j.records * size) / MB / j.seconds };
}

const KWASM = [process.execPath, '--import', 'tsx', 'host/cli/main.ts'] as const;
const FINAL = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\./;

async function kwasmProduce(bootstrap: string, topic: string, size: number, records: number, acks: string): Promise<Result> {
  const out = await run(KWASM[0], [...KWASM.slice(1), 'perf', 'produce', '--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1', '--acks', acks, '--batch-size', '1000000', '--reporting-interval', '600000']);
  const m = FINAL.exec(out);
  if (!m) throw new Error(`kwasm perf produce printed: ${out}`);
  return { recordsPerSec: Number(m[2]), mbPerSec: (Number(m[2]) * size) / MB, latency: { avg: Number(m[4]), max: Number(m[5]), p50: Number(m[6]), p99: Number(m[8]), p999: Number(m[9]) } };
}

async function kwasmConsume(bootstrap: string, topic: string, size: number, records: number): Promise<Result> {
  const out = await run(KWASM[0], [...KWASM.slice(1), 'perf', 'consume', '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records), '--fetch-size', String(8 * MB), '--hide-header', '--reporting-interval', '600000']);
  const f = out.trim().split('\n').at(-1)!.split(', ');
  const n = Number(f[4]);
  const rps = Number(f[5]);
  if (!(n >= records)) throw new Error(`kwasm perf consume printed: ${out}`);
  return { recordsPerSec: rps, mbPerSec: (rps * size) / MB };
}

/** e2e with the kwasm client in this process: paced produce (acks=1), a long-polling consumer. */
async function kwasmE2e(bootstrap: string, topic: string): Promise<Result> {
  const core = loadCore();
  const pc = new Cluster(bootstrap);
  const cc = new Cluster(bootstrap);
  try {
    const producer = new Producer(pc, { acks: 1, core });
    await producer.topic(topic);
    const consumer = new Consumer(cc, { maxWaitMs: 500, minBytes: 1, core });
    await consumer.assign(topic, 'latest', [0]);
    const lat: number[] = [];
    let received = 0;
    const consuming = (async () => {
      while (received < E2E.records) {
        for (const f of await consumer.fetch()) {
          if (f.records.length === 0) continue;
          const t = performance.now();
          for (const r of (await decodeFetched(core, f.records, f.fetchOffset)).records) {
            lat.push(t - Buffer.from(r.value!).readDoubleLE(0));
            received++;
          }
        }
      }
    })();
    const start = performance.now();
    let sent = 0;
    const value = Buffer.alloc(E2E.size);
    while (sent < E2E.records) {
      const due = Math.min(E2E.records, Math.floor(((performance.now() - start) * E2E.rate) / 1000) + 1);
      if (due <= sent) {
        await new Promise((r) => setTimeout(r, Math.max(0, start + (sent * 1000) / E2E.rate - performance.now())));
        continue;
      }
      // What is due now goes out as one batch, as a producer with linger.ms=0 does.
      const recs = [];
      for (; sent < due; sent++) {
        const v = Buffer.from(value);
        v.writeDoubleLE(performance.now(), 0);
        recs.push({ value: v });
      }
      producer.send(topic, 0, recs).catch((e: unknown) => {
        console.error('e2e produce failed', e);
        process.exit(1);
      });
    }
    await consuming;
    lat.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
    return { recordsPerSec: E2E.rate, mbPerSec: (E2E.rate * E2E.size) / MB, latency: { avg: lat.reduce((a, b) => a + b, 0) / lat.length, p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), max: lat.at(-1)! } };
  } finally {
    await pc.close();
    await cc.close();
  }
}

async function rdkafkaE2e(bin: string, bootstrap: string, topic: string): Promise<Result> {
  const out = await run(bin, ['e2e', '-b', bootstrap, '-t', topic, '-n', String(E2E.records), '-s', String(E2E.size), '-r', String(E2E.rate), '-X', 'acks=1', '-X', 'linger.ms=0', '-X', 'socket.nagle.disable=true', '-X', 'fetch.wait.max.ms=500']);
  const j = JSON.parse(out.trim().split('\n').at(-1)!) as { records: number; latency: NonNullable<Result['latency']> };
  return { recordsPerSec: E2E.rate, mbPerSec: (E2E.rate * E2E.size) / MB, latency: j.latency };
}

// ---- Redis Streams ----

async function redisXadd(size: number, records: number): Promise<Result | null> {
  if (!existsSync('/usr/bin/redis-server') || !existsSync('/usr/bin/redis-benchmark')) return null;
  const dir = mkdtempSync(path.join(work, 'redis-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const { child } = await serve('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--dir', dir], /Ready to accept connections/);
  try {
    const value = 'A'.repeat(size);
    const t0 = performance.now();
    await run('/usr/bin/redis-benchmark', ['-p', String(port), '-n', String(records), '-P', '256', '-c', '4', '-q', 'XADD', 'bench', '*', 'v', value]);
    const secs = (performance.now() - t0) / 1000;
    const len = Number(execFileSync('/usr/bin/redis-cli', ['-p', String(port), 'XLEN', 'bench'], { encoding: 'utf8' }).trim());
    // redis-benchmark rounds up to whole pipelines: count what the stream really holds.
    if (len < records) throw new Error(`redis stream holds ${len} of ${records}`);
    return { recordsPerSec: len / secs, mbPerSec: (len * size) / MB / secs };
  } finally {
    await stop(child);
  }
}

// ---- the broker and the sink ----

async function startBroker(): Promise<{ child: ChildProcess; bootstrap: string }> {
  const logDir = path.join(work, 'broker-data');
  const node = [process.execPath, ...NODE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])];
  const { child, match } = await serve(
    node[0]!,
    [
      ...node.slice(1),
      '--import',
      'tsx',
      'host/cli/main.ts',
      'start',
      '--override', 'listeners=PLAINTEXT://127.0.0.1:0',
      '--override', `log.dirs=${logDir}`,
      '--override', `kwasm.storage=${STORAGE}`,
      '--override', 'num.partitions=1',
      '--override', 'kwasm.log.level=info',
    ],
    /"listeners":\[(\d+)\]/,
  );
  return { child, bootstrap: `127.0.0.1:${match[1]}` };
}

async function startSink(topic: string): Promise<{ child: ChildProcess; bootstrap: string }> {
  const { child, match } = await serve(process.execPath, ['--import', 'tsx', 'bench/lib/sink.ts', topic], /\{"port":(\d+)\}/);
  return { child, bootstrap: `127.0.0.1:${match[1]}` };
}

let topicSeq = 0;
async function freshTopic(admin: Admin, prefix: string): Promise<string> {
  const name = `${prefix}-${++topicSeq}`;
  const [r] = await admin.createTopics([{ name, numPartitions: 1 }]);
  if (r?.errorCode !== 0) throw new Error(`create ${name}: ${r?.errorCode} ${r?.errorMessage}`);
  return name;
}

/** CPU seconds (user + system, every thread) a child process has used so far, from /proc. */
function cpuSeconds(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

/**
 * Runs fn REPEAT times (median by records/s) and records the serving process's CPU per record:
 * a figure a busy shared machine distorts much less than wall-clock throughput.
 */
async function repeat(fn: () => Promise<Result>, server?: ChildProcess, records?: number): Promise<Result> {
  const rs: Result[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const c0 = server ? cpuSeconds(server) : NaN;
    const r = await fn();
    if (server && records) r.cpuUsPerRecord = ((cpuSeconds(server) - c0) * 1e6) / records;
    rs.push(r);
  }
  const m = median(rs.map((r) => r.recordsPerSec));
  return rs.find((r) => r.recordsPerSec === m) ?? rs.sort((a, b) => a.recordsPerSec - b.recordsPerSec)[rs.length >> 1]!;
}

// ---- main ----

const fmtRate = (r: Result | null | undefined) => (r ? `${(r.recordsPerSec / 1e6).toFixed(2)}M/s ${r.mbPerSec.toFixed(0)} MB/s` : '-');
const ratio = (a: Result | null | undefined, b: Result | null | undefined) => (a && b ? `${(a.recordsPerSec / b.recordsPerSec).toFixed(2)}x` : '-');
const cpu = (r: Result | null | undefined) => (r?.cpuUsPerRecord !== undefined && Number.isFinite(r.cpuUsPerRecord) ? `${r.cpuUsPerRecord.toFixed(2)} µs` : '-');
const cpuRatio = (sink: Result | null | undefined, broker: Result | null | undefined) =>
  sink?.cpuUsPerRecord && broker?.cpuUsPerRecord ? `${(sink.cpuUsPerRecord / broker.cpuUsPerRecord).toFixed(2)}x` : '-';

async function main(): Promise<void> {
  const bin = compileRdkafkaPerf();
  console.log(`kwasm broker benchmark: storage=${STORAGE},${NODE_FLAGS.length ? ` broker node flags: ${NODE_FLAGS.join(' ')},` : ''} ${SIZES.map((s) => `${s.records} × ${s.size} B`).join(', ')}, 1 partition${REPEAT > 1 ? `, median of ${REPEAT}` : ''}`);
  const broker = await startBroker();
  const admin = new Admin(broker.bootstrap);
  const sink = await startSink('sink');
  const rows: string[][] = [];
  const consumeRows: string[][] = [];
  const cpuRows: string[][] = [];
  const redis = new Map<number, Result | null>();
  try {
    if (ONLY.has('produce')) {
      for (const { size, records } of SIZES) {
        for (const acks of ACKS) {
          const rdk = bin ? await repeat(async () => rdkafkaProduce(bin, broker.bootstrap, await freshTopic(admin, `rdk-${size}`), size, records, acks), broker.child, records) : null;
          const kw = await repeat(async () => kwasmProduce(broker.bootstrap, await freshTopic(admin, `kw-${size}`), size, records, acks), broker.child, records);
          const sinkRdk = bin ? await repeat(() => rdkafkaProduce(bin, sink.bootstrap, 'sink', size, records, acks), sink.child, records) : null;
          const sinkKw = await repeat(() => kwasmProduce(sink.bootstrap, 'sink', size, records, acks), sink.child, records);
          if (acks === '1' && !redis.has(size) && ONLY.has('redis')) redis.set(size, await redisXadd(size, records));
          const rx = acks === '1' ? redis.get(size) : undefined;
          rows.push([
            `produce ${size} B acks=${acks}`,
            fmtRate(rdk),
            fmtRate(kw),
            fmtRate(sinkRdk),
            ratio(rdk, sinkRdk),
            fmtRate(sinkKw),
            ratio(kw, sinkKw),
            rx === undefined ? '' : fmtRate(rx),
            rx === undefined ? '' : ratio(rdk ?? kw, rx),
            rdk?.latency ? `${rdk.latency.p50.toFixed(1)} / ${rdk.latency.p99.toFixed(1)}` : '-',
          ]);
          cpuRows.push([`produce ${size} B acks=${acks}`, cpu(rdk), cpu(sinkRdk), cpuRatio(sinkRdk, rdk), cpu(kw), cpu(sinkKw), cpuRatio(sinkKw, kw)]);
          console.log(rows.at(-1)!.join(' | '));
        }
      }
    }
    if (ONLY.has('consume')) {
      for (const { size, records } of SIZES) {
        // A full topic per size, written just before (so it is in the page cache).
        const t = await freshTopic(admin, `data-${size}`);
        if (bin) await rdkafkaProduce(bin, broker.bootstrap, t, size, records, '1');
        else await kwasmProduce(broker.bootstrap, t, size, records, '1');
        const rdk = bin ? await repeat(() => rdkafkaConsume(bin, broker.bootstrap, t, size, records), broker.child, records) : null;
        const kw = await repeat(() => kwasmConsume(broker.bootstrap, t, size, records), broker.child, records);
        cpuRows.push([`consume ${size} B`, cpu(rdk), '', '', cpu(kw), '', '']);
        consumeRows.push([`consume ${size} B`, fmtRate(rdk), fmtRate(kw), rdk ? `${((rdk.mbPerSec * MB) / 1e9).toFixed(2)} GB/s` : '-', `${((kw.mbPerSec * MB) / 1e9).toFixed(2)} GB/s`]);
        console.log(consumeRows.at(-1)!.join(' | '));
      }
    }
    const e2eRows: string[][] = [];
    if (ONLY.has('e2e')) {
      const lat = (r: Result) => [r.latency!.p50, r.latency!.p99, r.latency!.p999, r.latency!.max].map((x) => `${x.toFixed(2)} ms`);
      if (bin) e2eRows.push(['librdkafka (linger.ms=0, TCP_NODELAY, acks=1)', ...lat(await rdkafkaE2e(bin, broker.bootstrap, await freshTopic(admin, 'e2e')))]);
      e2eRows.push(['kwasm client (acks=1)', ...lat(await kwasmE2e(broker.bootstrap, await freshTopic(admin, 'e2e')))]);
    }

    console.log('');
    if (rows.length > 0) {
      console.log(
        table(
          ['produce (1 partition)', 'broker: librdkafka', 'broker: kwasm perf', 'sink: librdkafka', 'broker/sink', 'sink: kwasm perf', 'broker/sink', 'Redis XADD', 'vs Redis', 'rdkafka lat p50/p99 ms'],
          rows,
        ),
      );
      console.log('');
    }
    if (cpuRows.length > 0) {
      console.log('CPU time of the serving process (all threads) per record; sink/broker is the share of the broker cost that Node networking alone takes:');
      console.log(table(['', 'broker ← librdkafka', 'sink ← librdkafka', 'sink/broker', 'broker ← kwasm perf', 'sink ← kwasm perf', 'sink/broker'], cpuRows));
      console.log('');
    }
    if (consumeRows.length > 0) {
      console.log(table(['consume (page cache)', 'librdkafka', 'kwasm perf', 'librdkafka', 'kwasm perf'], consumeRows));
      console.log('');
    }
    if (e2eRows.length > 0) {
      console.log(table([`end to end, ${E2E.rate} records/s × ${E2E.size} B`, 'p50', 'p99', 'p99.9', 'max'], e2eRows));
      console.log('');
    }
    if (ONLY.has('redis') && !existsSync('/usr/bin/redis-server')) console.log('Redis Streams skipped: apt-get install redis-server');
  } finally {
    await admin.close();
    await stop(sink.child);
    await stop(broker.child, 'SIGINT');
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
