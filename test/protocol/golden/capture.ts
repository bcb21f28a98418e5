// Captures golden request frames from real clients into test/fixtures/protocol/<client>/.
//
//   node --import tsx test/protocol/golden/capture.ts [kcat|confluent-kafka|kafka-python|kafkajs ...]
//
// Each client runs against its own capture server (test/helpers/capture-server.ts): produce a few
// messages (idempotent where the client supports it), consume them in a group, commit, list
// metadata. The first two distinct frames of each (API, version) are kept. Run by hand when
// clients change; CI only replays the fixtures (golden.test.ts).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiEntry } from '../../../host/protocol/generated/index.js';
import { startCaptureServer, type CapturedFrame } from '../../helpers/capture-server.js';

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const fixtures = join(root, 'test/fixtures/protocol');
const PY = '/usr/bin/python3';

function run(cmd: string, args: string[], input?: string, timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, out });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

const scenarios: Record<string, (bootstrap: string) => Promise<void>> = {
  async kcat(b) {
    const common = ['-b', b, '-X', 'socket.timeout.ms=10000'];
    await run('kcat', [...common, '-L']);
    await run('kcat', [...common, '-P', '-t', 'golden', '-p', '0', '-X', 'enable.idempotence=true'], 'one\ntwo\nthree\n');
    await run('kcat', [...common, '-C', '-t', 'golden', '-p', '0', '-o', 'beginning', '-c', '3', '-e']);
    await run('kcat', [...common, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=200', '-c', '3', 'golden']);
  },
  async 'confluent-kafka'(b) {
    const script = `
import sys
from confluent_kafka import Producer, Consumer
p = Producer({'bootstrap.servers': '${b}', 'enable.idempotence': True})
for i in range(3):
    p.produce('golden', value=b'value-%d' % i, key=b'key-%d' % i, headers=[('h', b'v')])
p.flush(10)
c = Consumer({'bootstrap.servers': '${b}', 'group.id': 'ck-group', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe(['golden'])
got = 0
for _ in range(100):
    m = c.poll(0.2)
    if m is not None and m.error() is None:
        got += 1
        if got == 3:
            break
c.commit(asynchronous=False)
c.close()
print('consumed', got)
`;
    console.log((await run(PY, ['-c', script])).out.trim());
  },
  async 'kafka-python'(b) {
    const script = `
from kafka import KafkaProducer, KafkaConsumer
p = KafkaProducer(bootstrap_servers='${b}', acks='all')
for i in range(3):
    p.send('golden', value=b'value-%d' % i, key=b'key-%d' % i)
p.flush(10)
p.close()
c = KafkaConsumer('golden', bootstrap_servers='${b}', group_id='kp-group', auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=5000)
got = 0
for m in c:
    got += 1
    if got == 3:
        break
c.commit()
c.close()
print('consumed', got)
`;
    console.log((await run(PY, ['-c', script])).out.trim());
  },
  async kafkajs(b) {
    const script = `
import { Kafka, logLevel } from 'kafkajs';
const kafka = new Kafka({ clientId: 'kafkajs-golden', brokers: ['${b}'], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.fetchTopicMetadata({ topics: ['golden'] });
await admin.disconnect();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
await producer.send({ topic: 'golden', messages: [0, 1, 2].map((i) => ({ key: 'key-' + i, value: 'value-' + i, headers: { h: 'v' } })) });
await producer.disconnect();
const consumer = kafka.consumer({ groupId: 'kjs-group', heartbeatInterval: 200 });
await consumer.connect();
await consumer.subscribe({ topic: 'golden', fromBeginning: true });
let got = 0;
await new Promise((resolve) => {
  const t = setTimeout(resolve, 15000);
  consumer.run({ autoCommit: true, eachMessage: async () => { if (++got === 3) { clearTimeout(t); setTimeout(resolve, 500); } } });
});
await consumer.disconnect();
console.log('consumed', got);
`;
    const file = join(root, '.tmp', 'kafkajs-golden.mjs');
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(file, script);
    console.log((await run(process.execPath, [file])).out.trim());
  },
  async 'platformatic-kafka'(b) {
    const script = `
import { Admin, Consumer, Producer, stringSerializers, stringDeserializers } from '@platformatic/kafka';
const admin = new Admin({ clientId: 'plt-golden', bootstrapBrokers: ['${b}'] });
await admin.metadata({ topics: ['golden'] });
await admin.close();
const producer = new Producer({ clientId: 'plt-golden', bootstrapBrokers: ['${b}'], serializers: stringSerializers, idempotent: true });
await producer.send({ messages: [0, 1, 2].map((i) => ({ topic: 'golden', key: 'key-' + i, value: 'value-' + i, headers: { h: 'v' } })) });
await producer.close();
const consumer = new Consumer({ groupId: 'plt-group', clientId: 'plt-golden', bootstrapBrokers: ['${b}'], deserializers: stringDeserializers });
const stream = await consumer.consume({ autocommit: false, topics: ['golden'], mode: 'earliest', sessionTimeout: 10000, heartbeatInterval: 300 });
let got = 0;
await new Promise((resolve) => {
  const t = setTimeout(resolve, 15000);
  stream.on('data', async (m) => { if (++got === 3) { clearTimeout(t); await m.commit(); setTimeout(resolve, 800); } });
});
await stream.close();
await consumer.close();
console.log('consumed', got);
`;
    const file = join(root, '.tmp', 'platformatic-golden.mjs');
    mkdirSync(join(root, '.tmp'), { recursive: true });
    writeFileSync(file, script);
    console.log((await run(process.execPath, [file])).out.trim().slice(0, 2000));
  },
};

function save(client: string, frames: CapturedFrame[]): void {
  const dir = join(fixtures, client);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seen = new Map<string, Set<string>>();
  let n = 0;
  for (const f of frames) {
    if (f.error) {
      console.error(`  ${client}: frame did not decode (${f.error}) — not saved; a protocol bug?`);
      continue;
    }
    const key = `${f.apiKey}/${f.apiVersion}`;
    const hex = Buffer.from(f.frame).toString('hex');
    const s = seen.get(key) ?? new Set<string>();
    seen.set(key, s);
    if (s.has(hex) || s.size >= 2) continue;
    s.add(hex);
    const name = apiEntry(f.apiKey)?.name ?? `key${f.apiKey}`;
    writeFileSync(join(dir, `${String(n++).padStart(2, '0')}-${name}-v${f.apiVersion}.bin`), f.frame);
  }
  console.log(`  ${client}: ${frames.length} frames captured, ${readdirSync(dir).length} fixtures: ${[...seen.keys()].map((k) => {
    const [key, v] = k.split('/');
    return `${apiEntry(Number(key))?.name ?? key} v${v}`;
  }).join(', ')}`);
}

async function main(which: string[]): Promise<void> {
  for (const client of which.length ? which : Object.keys(scenarios)) {
    const scenario = scenarios[client];
    if (!scenario) throw new Error(`unknown client ${client}`);
    const server = await startCaptureServer();
    console.log(`${client}: capture server on 127.0.0.1:${server.port}`);
    try {
      await scenario(`127.0.0.1:${server.port}`);
    } finally {
      await server.close();
    }
    save(client, server.frames);
  }
}

await main(process.argv.slice(2));
