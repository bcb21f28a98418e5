// `kwasm produce` → `kwasm consume` round trips against an in-process broker: keys, headers,
// partitioning by key, every compression codec, the default and JSON formatters, start offsets,
// and the line reader / formatter rules on their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { murmur2, toPositive } from '../../host/client/producer.js';
import { formatDefault, formatterConfig } from '../../host/cli/console-consumer.js';
import { lineReaderConfig, parseLine } from '../../host/cli/console-producer.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from './run-cli.js';

const dec = (b: Uint8Array | null | undefined) => (b == null ? null : Buffer.from(b).toString());

describe('console producer line reader and consumer formatter', () => {
  it("splits headers, key and value as Kafka's LineMessageReader", () => {
    const c = lineReaderConfig(new Map([['parse.key', 'true'], ['key.separator', ':'], ['parse.headers', 'true'], ['null.marker', 'NULL']]));
    const r = parseLine('h1:a,h2:NULL\tk:v:w', c, 1);
    expect(dec(r.key)).toBe('k');
    expect(dec(r.value)).toBe('v:w');
    expect(r.headers!.map((h) => [h.key, dec(h.value)])).toEqual([['h1', 'a'], ['h2', null]]);
    expect(parseLine('\tNULL:NULL', c, 2)).toMatchObject({ key: null, value: null, headers: [] });
    expect(() => parseLine('no-delimiter', c, 7)).toThrow(/line number 7/);
    expect(() => parseLine('h1\tk:v', c, 3)).toThrow(/No header key separator found in pair 'h1'/);
    const lenient = lineReaderConfig(new Map([['parse.key', 'true'], ['ignore.error', 'true']]));
    expect(parseLine('only-a-value', lenient, 1)).toMatchObject({ key: null });
    expect(dec(parseLine('only-a-value', lenient, 1).value)).toBe('only-a-value');
  });

  it("prints fields in DefaultMessageFormatter's order", () => {
    const rec = { offset: 7n, timestamp: 1700000000000n, timestampType: 0 as const, key: Buffer.from('k'), value: null, headers: [{ key: 'h', value: Buffer.from('x') }], partition: 2 };
    const all = formatterConfig(new Map(['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].map((k) => [k, 'true'])));
    expect(formatDefault(rec, all)).toBe('CreateTime:1700000000000\tPartition:2\tOffset:7\th:x\tk\tnull\n');
    const custom = formatterConfig(new Map([['print.key', 'true'], ['key.separator', ' => '], ['null.literal', '<nil>'], ['print.headers', 'true']]));
    expect(formatDefault({ ...rec, headers: [] }, custom)).toBe('NO_HEADERS => k => <nil>\n');
    expect(formatDefault({ ...rec, value: Buffer.from('v') }, formatterConfig(new Map()))).toBe('v\n');
  });
});

describe('kwasm produce → kwasm consume', () => {
  let broker: TestBroker;
  let bs: string[];
  beforeAll(async () => {
    broker = await startTestBroker({ storage: 'memory', config: { 'num.partitions': 1 } });
    bs = ['--bootstrap-server', broker.bootstrap];
    const c = await runCli(['topics', ...bs, '--create', '--topic', 'lines', '--partitions', '3']);
    expect(c.code).toBe(0);
  });
  afterAll(() => broker.close());

  it('round-trips keys and headers, partitioned by murmur2(key) as Kafka', async () => {
    const keys = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    const input = keys.map((k, i) => `trace:${i},origin:cli\t${k}\tvalue ${i} of ${k}\n`).join('');
    const p = await runCli(['produce', ...bs, '--topic', 'lines', '--property', 'parse.key=true', '--property', 'parse.headers=true', '--acks', 'all'], { input });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);

    const c = await runCli([
      'consume', ...bs, '--topic', 'lines', '--from-beginning', '--max-messages', String(keys.length),
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.partition=true', '--property', 'print.offset=true',
    ]);
    expect(c.code).toBe(0);
    expect(c.stderr).toContain(`Processed a total of ${keys.length} messages`);
    const lines = c.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(keys.length);
    const expected = keys.map((k, i) => {
      const partition = toPositive(murmur2(Buffer.from(k))) % 3;
      return { partition, line: `trace:${i},origin:cli\t${k}\tvalue ${i} of ${k}` };
    });
    const got = lines.map((l) => {
      const [part, off, ...rest] = l.split('\t');
      return { partition: Number(part!.replace('Partition:', '')), offset: Number(off!.replace('Offset:', '')), line: rest.join('\t') };
    });
    expect(got.map(({ partition, line }) => ({ partition, line })).sort((a, b) => a.line.localeCompare(b.line))).toEqual(expected.sort((a, b) => a.line.localeCompare(b.line)));
    // Offsets are consecutive from 0 within each partition, in produce order.
    for (let part = 0; part < 3; part++) {
      const mine = got.filter((g) => g.partition === part);
      expect(mine.map((g) => g.offset)).toEqual(mine.map((_, i) => i));
    }
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd', 'none'])('produces with --compression-type %s and reads back exact values (JSON formatter)', async (codec) => {
    const topic = `codec-${codec}`;
    expect((await runCli(['topics', ...bs, '--create', '--topic', topic, '--partitions', '1'])).code).toBe(0);
    const values = Array.from({ length: 50 }, (_, i) => `${codec} record ${i} ${'x'.repeat(i * 7)}`);
    const p = await runCli(['produce', ...bs, '--topic', topic, '--compression-type', codec, '--acks', '1', '--property', 'parse.key=true', '--property', 'key.separator=|'], {
      input: values.map((v, i) => `key-${i}|${v}`).join('\n') + '\n',
    });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const log = broker.services.storage.getPartition(topic, 0)!;
    expect(log.logEndOffset).toBe(50n);
    // Stored as produced: the batch attributes carry the codec.
    const read = await log.read(0n, { maxBytes: 1 << 20 });
    const scan = broker.services.core.validateBatches(Buffer.concat(read.records));
    expect(scan.batches.length).toBeGreaterThan(0);
    for (const b of scan.batches) expect(b.attributes & 7).toBe(['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(codec));

    const c = await runCli(['consume', ...bs, '--topic', topic, '--from-beginning', '--max-messages', '50', '--formatter', 'json']);
    expect(c.code).toBe(0);
    const recs = c.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { offset: number; key: string; value: string; partition: number; timestampType: string; headers: unknown[] });
    expect(recs.map((r) => r.value)).toEqual(values);
    expect(recs.map((r) => r.key)).toEqual(values.map((_, i) => `key-${i}`));
    expect(recs.map((r) => r.offset)).toEqual(values.map((_, i) => i));
    expect(recs.every((r) => r.partition === 0 && r.timestampType === 'CreateTime' && r.headers.length === 0)).toBe(true);
  });

  it('starts at --offset of one --partition, and ends on --timeout-ms when nothing more comes', async () => {
    expect((await runCli(['topics', ...bs, '--create', '--topic', 'seek', '--partitions', '2'])).code).toBe(0);
    const p = await runCli(['produce', ...bs, '--topic', 'seek', '--property', 'parse.key=true', '--property', 'key.separator=='], {
      input: Array.from({ length: 10 }, (_, i) => `same-key=v${i}`).join('\n'),
    });
    expect(p.code).toBe(0);
    const partition = toPositive(murmur2(Buffer.from('same-key'))) % 2;
    const c = await runCli(['consume', ...bs, '--topic', 'seek', '--partition', String(partition), '--offset', '6', '--timeout-ms', '1500']);
    expect(c.code).toBe(0);
    expect(c.stdout).toBe('v6\nv7\nv8\nv9\n');
    expect(c.stderr).toContain('Processed a total of 4 messages');
    const other = await runCli(['consume', ...bs, '--topic', 'seek', '--partition', String(1 - partition), '--from-beginning', '--timeout-ms', '800']);
    expect(other.stdout).toBe('');
    expect(other.stderr).toContain('Processed a total of 0 messages');
    const bad = await runCli(['consume', ...bs, '--topic', 'seek', '--offset', '3']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--offset needs --partition');
  });

  it('without --from-beginning reads only what is produced after it starts', async () => {
    expect((await runCli(['topics', ...bs, '--create', '--topic', 'tail', '--partitions', '1'])).code).toBe(0);
    expect((await runCli(['produce', ...bs, '--topic', 'tail'], { input: 'old-1\nold-2\n' })).code).toBe(0);
    const fetches = async () => (await broker.services.metrics.requests.get()).values.filter((v) => v.labels.api === 'Fetch').reduce((n, v) => n + v.value, 0);
    const before = await fetches();
    const consuming = runCli(['consume', ...bs, '--topic', 'tail', '--max-messages', '2', '--property', 'print.timestamp=true']);
    // Produce once the consumer has resolved the end offset and is fetching (its first Fetch).
    const deadline = Date.now() + 20_000;
    while ((await fetches()) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await runCli(['produce', ...bs, '--topic', 'tail', '--sync'], { input: 'new-1\nnew-2\n' })).code).toBe(0);
    const c = await consuming;
    expect(c.code).toBe(0);
    const lines = c.stdout.split('\n').filter(Boolean);
    expect(lines.map((l) => l.split('\t')[1])).toEqual(['new-1', 'new-2']);
    for (const l of lines) expect(l).toMatch(/^CreateTime:\d{13}\t/);
  });

  it('fails clearly for an unknown topic when the broker does not auto-create', async () => {
    const b = await startTestBroker({ storage: 'memory', config: { 'auto.create.topics.enable': false } });
    try {
      const p = await runCli(['produce', '--bootstrap-server', b.bootstrap, '--topic', 'missing'], { input: 'x\n' });
      expect(p.code).toBe(1);
      expect(p.stderr).toContain('UNKNOWN_TOPIC_OR_PARTITION');
      const c = await runCli(['consume', '--bootstrap-server', b.bootstrap, '--topic', 'missing', '--timeout-ms', '500']);
      expect(c.code).toBe(1);
      expect(c.stderr).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    } finally {
      await b.close();
    }
  });
});
