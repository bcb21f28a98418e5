// `kwasm produce`, like kafka-console-producer: one record per stdin line. Properties as Kafka's
// LineMessageReader: parse.key / key.separator (default tab), parse.headers / headers.delimiter
// (tab) / headers.separator (,) / headers.key.separator (:), null.marker, ignore.error. A line
// with headers reads `h1:v1,h2:v2<TAB>key<TAB>value`.
//
// Lines that arrive together (a pipe, a file) are batched per partition up to --batch-size
// bytes; an interactive line is sent at once. Keyed records go to murmur2(key) % partitions,
// as Kafka's default partitioner; records without a key to one partition per batch.
import type { Command } from 'commander';
import { Cluster } from '../client/cluster.js';
import { Producer } from '../client/producer.js';
import { codecFromName } from '../compression/index.js';
import type { RecordInput } from '../core/types.js';
import { boolProp, collectPairs, fail, intOption, parsePairs, unescape, UsageError } from './tool-util.js';

interface ProduceOptions {
  bootstrapServer: string;
  topic: string;
  property: string[];
  compressionType: string;
  acks?: string;
  requestRequiredAcks?: string;
  batchSize: number;
  maxInFlight: number;
  sync?: boolean;
}

export function registerConsoleProducer(program: Command): void {
  program
    .command('produce')
    .description('send stdin lines as records (like kafka-console-producer)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to')
    .requiredOption('--topic <topic>', 'topic to produce to')
    .option('--property <key=value...>', 'reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error (repeatable)', collectPairs, [])
    .option('--compression-type <codec>', 'none, gzip, snappy, lz4 or zstd', 'none')
    .option('--acks <acks>', 'required acks: 0, 1, -1 or all (default -1)')
    .option('--request-required-acks <acks>', 'same as --acks (kafka-console-producer name)')
    .option('--batch-size <bytes>', 'largest batch of lines read together', intOption, 16384)
    .option('--max-in-flight <n>', 'requests awaiting acknowledgement', intOption, 5)
    .option('--sync', 'wait for each record to be acknowledged before the next')
    .action(async (o: ProduceOptions) => {
      try {
        await runProduce(o);
      } catch (e) {
        fail('kwasm produce: ', e);
      }
    });
}

export function parseAcks(v: string | undefined): 0 | 1 | -1 {
  if (v === undefined) return -1;
  const s = v.trim().toLowerCase();
  if (s === 'all' || s === '-1') return -1;
  if (s === '0') return 0;
  if (s === '1') return 1;
  throw new UsageError(`acks must be 0, 1, -1 or all, got "${v}"`);
}

export interface LineReaderConfig {
  parseKey: boolean;
  keySeparator: string;
  parseHeaders: boolean;
  headersDelimiter: string;
  headersSeparator: string;
  headersKeySeparator: string;
  nullMarker: string | undefined;
  ignoreError: boolean;
}

export function lineReaderConfig(props: Map<string, string>): LineReaderConfig {
  return {
    parseKey: boolProp(props, 'parse.key', false),
    keySeparator: unescape(props.get('key.separator') ?? '\t'),
    parseHeaders: boolProp(props, 'parse.headers', false),
    headersDelimiter: unescape(props.get('headers.delimiter') ?? '\t'),
    headersSeparator: unescape(props.get('headers.separator') ?? ','),
    headersKeySeparator: unescape(props.get('headers.key.separator') ?? ':'),
    nullMarker: props.get('null.marker'),
    ignoreError: boolProp(props, 'ignore.error', false),
  };
}

/** One stdin line → a record, as Kafka's LineMessageReader reads it. */
export function parseLine(line: string, c: LineReaderConfig, lineNumber: number): RecordInput {
  let rest = line;
  const headers: Array<{ key: string; value: Uint8Array | null }> = [];
  if (c.parseHeaders) {
    const i = rest.indexOf(c.headersDelimiter);
    if (i < 0) {
      if (!c.ignoreError) throw new UsageError(`No headers delimiter found on line number ${lineNumber}: '${line}'`);
    } else {
      const part = rest.slice(0, i);
      rest = rest.slice(i + c.headersDelimiter.length);
      if (part !== c.nullMarker && part.length > 0) {
        for (const pair of part.split(c.headersSeparator)) {
          const j = pair.indexOf(c.headersKeySeparator);
          if (j < 0) {
            if (!c.ignoreError) throw new UsageError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`);
            headers.push({ key: pair, value: null });
            continue;
          }
          const value = pair.slice(j + c.headersKeySeparator.length);
          headers.push({ key: pair.slice(0, j), value: value === c.nullMarker ? null : Buffer.from(value) });
        }
      }
    }
  }
  let key: Uint8Array | null = null;
  if (c.parseKey) {
    const i = rest.indexOf(c.keySeparator);
    if (i < 0) {
      if (!c.ignoreError) throw new UsageError(`No key separator found on line number ${lineNumber}: '${line}'`);
    } else {
      const k = rest.slice(0, i);
      key = k === c.nullMarker ? null : Buffer.from(k);
      rest = rest.slice(i + c.keySeparator.length);
    }
  }
  const value = rest === c.nullMarker ? null : Buffer.from(rest);
  return { key, value, headers };
}

async function runProduce(o: ProduceOptions): Promise<void> {
  const props = parsePairs(o.property, '--property');
  const reader = lineReaderConfig(props);
  const codec = codecFromName(o.compressionType);
  if (codec === null) throw new UsageError(`unknown compression type "${o.compressionType}"`);
  const acks = parseAcks(o.acks ?? o.requestRequiredAcks);
  const cluster = new Cluster(o.bootstrapServer, { clientId: 'console-producer' });
  const producer = new Producer(cluster, { acks, compression: codec, autoCreateTopics: true });
  const inFlight = new Set<Promise<unknown>>();
  let failure: unknown = null;
  const dispatch = async (partition: number, records: RecordInput[]) => {
    while (inFlight.size >= Math.max(1, o.maxInFlight)) await Promise.race(inFlight);
    if (failure) throw failure;
    const p = producer.send(o.topic, partition, records).then(
      () => {
        inFlight.delete(p);
      },
      (e: unknown) => {
        inFlight.delete(p);
        failure ??= e;
      },
    );
    inFlight.add(p);
    if (o.sync) await p;
  };

  try {
    await producer.topic(o.topic);
    let lineNumber = 0;
    let pending = '';
    let sticky: number | null = null;
    const flush = async (lines: string[]) => {
      // Group per partition, keeping each partition's order; a full group goes out at once.
      const groups = new Map<number, RecordInput[]>();
      const sizes = new Map<number, number>();
      for (const line of lines) {
        const rec = parseLine(line, reader, ++lineNumber);
        let partition = rec.key ? await producer.partitionFor(o.topic, rec.key) : (sticky ??= await producer.partitionFor(o.topic, null));
        const size = (rec.value?.length ?? 0) + (rec.key?.length ?? 0) + 16;
        const g = groups.get(partition);
        if (g && g.length > 0 && (o.sync || sizes.get(partition)! + size > o.batchSize)) {
          await dispatch(partition, g.splice(0));
          sizes.set(partition, 0);
          // Records without a key stick to a partition for one batch, then move on.
          if (!rec.key && partition === sticky) partition = sticky = await producer.partitionFor(o.topic, null);
        }
        const target = groups.get(partition) ?? [];
        target.push(rec);
        groups.set(partition, target);
        sizes.set(partition, (sizes.get(partition) ?? 0) + size);
      }
      for (const [partition, g] of groups) if (g.length > 0) await dispatch(partition, g);
      sticky = null;
    };
    process.stdin.setEncoding('utf8');
    for await (const chunk of process.stdin as AsyncIterable<string>) {
      const text = pending + chunk;
      const parts = text.split('\n');
      pending = parts.pop()!;
      const lines = parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      if (lines.length > 0) await flush(lines);
      if (failure) throw failure;
    }
    if (pending.length > 0) await flush([pending.endsWith('\r') ? pending.slice(0, -1) : pending]);
    await Promise.all(inFlight);
    if (failure) throw failure;
    // acks=0: nothing comes back, so make sure the bytes left the process before closing.
    if (acks === 0) {
      for (const p of (await producer.topic(o.topic)).partitions) await (await producer.leader(o.topic, p.partition)).flushed();
    }
  } finally {
    await cluster.close();
  }
}
