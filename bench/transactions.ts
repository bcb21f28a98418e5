// Transactions benchmark: transactions/s and records/s of transactional produce, side by side with
// non-transactional idempotent produce of the same records, in the same run against the same
// broker (a child process: `kwasm start`).
//
// Load: `--lanes` producers (default 4), each on its own connection and partition, each running
// transactions one after another: AddPartitionsToTxn, one Produce (acks=-1) of the transaction's
// records as one v2 batch of 100-byte records, EndTxn(commit) — which kwasm answers once the
// COMMIT markers are written. The idempotent peer sends the very same batches (same lanes, same
// sizes, acks=-1, one request in flight per lane) with no transaction around them. Cases: 1, 10,
// 100 and 1000 records per transaction. The broker's CPU seconds per case come from /proc.
// With --librdkafka, the same comparison with confluent-kafka-python (librdkafka) producers.
//
// Run: node --import tsx bench/transactions.ts [--quick] [--storage memory|file] [--lanes N]
//      [--librdkafka]
// Timings on a shared machine are noisy: compare the ratios measured in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin } from '../host/client/admin.js';
import { KafkaConnection, parseBootstrap } from '../host/client/connection.js';
import { loadCore } from '../host/core/wasm.js';
import { ApiKey } from '../host/protocol/generated/index.js';
import { table } from './lib/measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const QUICK = flag('quick');
const STORAGE = opt('storage', 'file');
const LANES = Math.max(1, Number(opt('lanes', '4')));
const RECORD_SIZE = 100;
/** Records per transaction → transactions per lane. */
const CASES: Array<{ perTxn: number; txnsPerLane: number }> = [
  { perTxn: 1, txnsPerLane: QUICK ? 100 : 600 },
  { perTxn: 10, txnsPerLane: QUICK ? 100 : 600 },
  { perTxn: 100, txnsPerLane: QUICK ? 60 : 400 },
  { perTxn: 1000, txnsPerLane: QUICK ? 15 : 100 },
];

const core = loadCore();
const work = mkdtempSync(path.join(tmpdir(), 'kwasm-bench-txn-'));
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

function serve(cmd: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.length > 1 << 20) out = out.slice(-65536);
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

function cpuSeconds(child: ChildProcess): number {
  try {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

const value = new Uint8Array(RECORD_SIZE).map((_, i) => (i * 7 + 13) & 0xff);

function batch(count: number, producerId: bigint, producerEpoch: number, baseSequence: number, transactional: boolean): Uint8Array {
  const records = [];
  for (let i = 0; i < count; i++) records.push({ value });
  return core.encodeBatch(records, { producerId, producerEpoch, baseSequence, transactional });
}

function ok(code: number, what: string): void {
  if (code !== 0) throw new Error(`${what}: error ${code}`);
}

interface Lane {
  conn: KafkaConnection;
  partition: number;
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  seq: number;
}

async function openLane(bootstrap: string, i: number, transactionalId: string | null): Promise<Lane> {
  const conn = await KafkaConnection.connect(parseBootstrap(bootstrap)[0]!, { clientId: `bench-txn-${i}` });
  let r;
  for (;;) {
    r = await conn.request(ApiKey.InitProducerId, conn.version(ApiKey.InitProducerId, 0, 4), { transactionalId, transactionTimeoutMs: 60_000 });
    if (r.errorCode !== 51) break; // CONCURRENT_TRANSACTIONS: an earlier run's transaction completing
    await new Promise((res) => setTimeout(res, 20));
  }
  ok(r.errorCode, 'InitProducerId');
  return { conn, partition: i, transactionalId: transactionalId ?? '', producerId: r.producerId, producerEpoch: r.producerEpoch, seq: 0 };
}

async function produce(l: Lane, topic: string, records: Uint8Array, transactional: boolean): Promise<void> {
  const r = await l.conn.request(ApiKey.Produce, 9, {
    transactionalId: transactional ? l.transactionalId : null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: l.partition, records }] }],
  });
  ok(r.responses[0]!.partitionResponses[0]!.errorCode, 'Produce');
}

async function runIdempotent(l: Lane, topic: string, perTxn: number, txns: number): Promise<void> {
  for (let n = 0; n < txns; n++) {
    await produce(l, topic, batch(perTxn, l.producerId, l.producerEpoch, l.seq, false), false);
    l.seq += perTxn;
  }
}

async function runTransactional(l: Lane, topic: string, perTxn: number, txns: number): Promise<void> {
  for (let n = 0; n < txns; n++) {
    const add = await l.conn.request(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: l.transactionalId,
      v3AndBelowProducerId: l.producerId,
      v3AndBelowProducerEpoch: l.producerEpoch,
      v3AndBelowTopics: [{ name: topic, partitions: [l.partition] }],
    });
    ok(add.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode, 'AddPartitionsToTxn');
    await produce(l, topic, batch(perTxn, l.producerId, l.producerEpoch, l.seq, true), true);
    l.seq += perTxn;
    const end = await l.conn.request(ApiKey.EndTxn, 3, { transactionalId: l.transactionalId, producerId: l.producerId, producerEpoch: l.producerEpoch, committed: true });
    ok(end.errorCode, 'EndTxn');
  }
}

interface Row {
  perTxn: number;
  mode: string;
  records: number;
  seconds: number;
  txns: number;
  cpu: number;
}

async function measureCase(bootstrap: string, broker: ChildProcess, admin: Admin, perTxn: number, txnsPerLane: number, mode: 'idempotent' | 'transactional', tag = 'run'): Promise<Row> {
  const topic = `bench-txn-${tag}-${mode}-${perTxn}`;
  const [c] = await admin.createTopics([{ name: topic, numPartitions: LANES }]);
  ok(c!.errorCode, `create ${topic}`);
  const lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => openLane(bootstrap, i, mode === 'transactional' ? `bench-${tag}-${perTxn}-${i}` : null)));
  // Warm-up: a few rounds on each lane.
  await Promise.all(lanes.map((l) => (mode === 'transactional' ? runTransactional(l, topic, perTxn, 3) : runIdempotent(l, topic, perTxn, 3))));
  const cpu0 = cpuSeconds(broker);
  const t0 = performance.now();
  await Promise.all(lanes.map((l) => (mode === 'transactional' ? runTransactional(l, topic, perTxn, txnsPerLane) : runIdempotent(l, topic, perTxn, txnsPerLane))));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(broker) - cpu0;
  for (const l of lanes) l.conn.close();
  return { perTxn, mode, records: perTxn * txnsPerLane * LANES, seconds, txns: mode === 'transactional' ? txnsPerLane * LANES : 0, cpu };
}

// ---- librdkafka (confluent-kafka-python), optional ----

const PY = `
import json, sys, time
from confluent_kafka import Producer
req = json.loads(sys.argv[1])
value = b'x' * ${RECORD_SIZE}
conf = {'bootstrap.servers': req['bootstrap'], 'linger.ms': 0, 'acks': 'all', 'enable.idempotence': True}
if req['mode'] == 'transactional':
    conf['transactional.id'] = 'bench-rdkafka-%d' % req['perTxn']
p = Producer(conf)
if req['mode'] == 'transactional':
    p.init_transactions(30)
p.list_topics(req['topic'], timeout=10)
t0 = time.time()
for n in range(req['txns']):
    if req['mode'] == 'transactional':
        p.begin_transaction()
    for i in range(req['perTxn']):
        p.produce(req['topic'], value=value, partition=0)
    if req['mode'] == 'transactional':
        p.commit_transaction(30)
    else:
        p.flush(30)
print(json.dumps({'seconds': time.time() - t0}))
`;

function runPython(req: object): Promise<{ seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-c', PY, JSON.stringify(req)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('close', (code) => {
      children.delete(child);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as { seconds: number });
      else reject(new Error(`python exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

async function main(): Promise<void> {
  const { child: broker, match } = await serve(
    process.execPath,
    [
      '--import', 'tsx', 'host/cli/main.ts', 'start',
      '--override', 'listeners=PLAINTEXT://127.0.0.1:0',
      '--override', `log.dirs=${path.join(work, 'data')}`,
      '--override', `kwasm.storage=${STORAGE}`,
      '--override', 'kwasm.log.level=info',
      '--override', 'transaction.state.log.num.partitions=8',
    ],
    /"listeners":\[(\d+)\]/,
  );
  const bootstrap = `127.0.0.1:${match[1]}`;
  const admin = new Admin(bootstrap);
  console.log(`kwasm transactions benchmark: ${STORAGE} storage, ${LANES} lanes, ${RECORD_SIZE}-byte records, acks=-1${QUICK ? ' (quick)' : ''}`);
  // Warm the broker up (JIT, lazily loaded modules, __transaction_state creation) before measuring.
  for (const c of CASES) {
    for (const mode of ['idempotent', 'transactional'] as const) await measureCase(bootstrap, broker, admin, c.perTxn, Math.max(5, c.txnsPerLane >> 3), mode, 'warmup');
  }
  const rows: string[][] = [];
  for (const c of CASES) {
    const idem = await measureCase(bootstrap, broker, admin, c.perTxn, c.txnsPerLane, 'idempotent');
    const txn = await measureCase(bootstrap, broker, admin, c.perTxn, c.txnsPerLane, 'transactional');
    for (const r of [idem, txn]) {
      rows.push([
        `${r.perTxn}`,
        r.mode,
        r.records.toLocaleString('en-US'),
        Math.round(r.records / r.seconds).toLocaleString('en-US'),
        r.txns > 0 ? Math.round(r.txns / r.seconds).toLocaleString('en-US') : '-',
        ((r.cpu / r.records) * 1e6).toFixed(1),
        r === txn ? `${((txn.records / txn.seconds) / (idem.records / idem.seconds)).toFixed(2)}x` : '1.00x',
      ]);
    }
  }
  console.log('\nkwasm client (raw protocol: AddPartitionsToTxn + Produce + EndTxn per transaction)');
  console.log(table(['records/txn', 'mode', 'records', 'records/s', 'txn/s', 'broker CPU µs/record', 'vs idempotent'], rows));

  if (flag('librdkafka')) {
    const prow: string[][] = [];
    for (const c of CASES.slice(0, 3)) {
      const txns = Math.max(10, Math.round((c.txnsPerLane * LANES) / 4));
      const res: Record<string, number> = {};
      for (const mode of ['idempotent', 'transactional']) {
        const topic = `bench-rdk-${mode}-${c.perTxn}`;
        const [r] = await admin.createTopics([{ name: topic, numPartitions: 1 }]);
        ok(r!.errorCode, `create ${topic}`);
        const out = await runPython({ bootstrap, mode, topic, perTxn: c.perTxn, txns });
        res[mode] = (txns * c.perTxn) / out.seconds;
        prow.push([
          `${c.perTxn}`,
          mode,
          (txns * c.perTxn).toLocaleString('en-US'),
          Math.round(res[mode]!).toLocaleString('en-US'),
          mode === 'transactional' ? Math.round(txns / out.seconds).toLocaleString('en-US') : '-',
          mode === 'transactional' ? `${(res.transactional! / res.idempotent!).toFixed(2)}x` : '1.00x',
        ]);
      }
    }
    console.log('\nconfluent-kafka-python (librdkafka), one producer: commit_transaction per transaction vs flush per group');
    console.log(table(['records/txn', 'mode', 'records', 'records/s', 'txn/s', 'vs idempotent'], prow));
  }
  await admin.cluster.close();
  broker.kill('SIGTERM');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
