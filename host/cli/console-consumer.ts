// `kwasm consume`, like kafka-console-consumer: prints records as Kafka's DefaultMessageFormatter
// does (print.timestamp, print.partition, print.offset, print.headers, print.key, print.value,
// key.separator, headers.separator, headers.key.separator, line.separator, null.literal), or one
// JSON object per record with --formatter json. Reads every partition (or --partition) from the
// end, or from the beginning with --from-beginning, or from --offset. No consumer group: offsets
// are not committed. Ends after --max-messages, after --timeout-ms without a record, or on SIGINT,
// and reports "Processed a total of N messages" on stderr.
import type { Command } from 'commander';
import { Cluster } from '../client/cluster.js';
import { Consumer } from '../client/consumer.js';
import type { ConsumedRecord } from '../client/records.js';
import { boolProp, collectPairs, fail, intOption, out, parsePairs, unescape, UsageError } from './tool-util.js';

interface ConsumeOptions {
  bootstrapServer: string;
  topic: string;
  fromBeginning?: boolean;
  partition?: number;
  offset?: string;
  maxMessages?: number;
  timeoutMs?: number;
  property: string[];
  formatter: string;
  isolationLevel: string;
}

export function registerConsoleConsumer(program: Command): void {
  program
    .command('consume')
    .description('print records of a topic (like kafka-console-consumer)')
    .requiredOption('--bootstrap-server <host:port>', 'broker(s) to connect to')
    .requiredOption('--topic <topic>', 'topic to read')
    .option('--from-beginning', 'start at the earliest offset instead of the end')
    .option('--partition <n>', 'read only this partition', intOption)
    .option('--offset <offset>', 'start offset with --partition: a number, earliest or latest')
    .option('--max-messages <n>', 'exit after this many records', intOption)
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long', intOption)
    .option('--property <key=value...>', 'formatter property: print.key, print.value, print.headers, print.offset, print.partition, print.timestamp, key.separator, headers.separator, headers.key.separator, line.separator, null.literal (repeatable)', collectPairs, [])
    .option('--formatter <name>', "'default' (Kafka's DefaultMessageFormatter) or 'json' (one object per line)", 'default')
    .option('--isolation-level <level>', 'read_uncommitted or read_committed', 'read_uncommitted')
    .action(async (o: ConsumeOptions) => {
      try {
        await runConsume(o);
      } catch (e) {
        fail('kwasm consume: ', e);
      }
    });
}

export interface FormatterConfig {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: string;
  headersSeparator: string;
  headersKeySeparator: string;
  lineSeparator: string;
  nullLiteral: string;
}

export function formatterConfig(props: Map<string, string>): FormatterConfig {
  return {
    printTimestamp: boolProp(props, 'print.timestamp', false),
    printPartition: boolProp(props, 'print.partition', false),
    printOffset: boolProp(props, 'print.offset', false),
    printHeaders: boolProp(props, 'print.headers', false),
    printKey: boolProp(props, 'print.key', false),
    printValue: boolProp(props, 'print.value', true),
    keySeparator: unescape(props.get('key.separator') ?? '\t'),
    headersSeparator: unescape(props.get('headers.separator') ?? ','),
    headersKeySeparator: unescape(props.get('headers.key.separator') ?? ':'),
    lineSeparator: unescape(props.get('line.separator') ?? '\n'),
    nullLiteral: props.get('null.literal') ?? 'null',
  };
}

const utf8 = new TextDecoder();
const text = (b: Uint8Array | null, nullLiteral: string) => (b === null ? nullLiteral : utf8.decode(b));

/** Kafka's DefaultMessageFormatter layout: each printed field followed by key.separator. */
export function formatDefault(r: ConsumedRecord & { partition: number }, c: FormatterConfig): string {
  const parts: string[] = [];
  if (c.printTimestamp) parts.push(`${r.timestampType === 1 ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`);
  if (c.printPartition) parts.push(`Partition:${r.partition}`);
  if (c.printOffset) parts.push(`Offset:${r.offset}`);
  if (c.printHeaders) {
    parts.push(r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map((h) => `${h.key}${c.headersKeySeparator}${text(h.value, c.nullLiteral)}`).join(c.headersSeparator));
  }
  if (c.printKey) parts.push(text(r.key, c.nullLiteral));
  if (c.printValue) parts.push(text(r.value, c.nullLiteral));
  return parts.join(c.keySeparator) + (c.printValue ? c.lineSeparator : parts.length > 0 ? c.keySeparator : '');
}

export function formatJson(r: ConsumedRecord & { topic: string; partition: number }): string {
  return (
    JSON.stringify({
      topic: r.topic,
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: Number(r.timestamp),
      timestampType: r.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
      key: r.key === null ? null : utf8.decode(r.key),
      value: r.value === null ? null : utf8.decode(r.value),
      headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : utf8.decode(h.value) })),
    }) + '\n'
  );
}

function startOffset(o: ConsumeOptions): bigint | 'earliest' | 'latest' {
  if (o.offset !== undefined) {
    if (o.partition === undefined) throw new UsageError('--offset needs --partition');
    if (o.fromBeginning) throw new UsageError('--offset and --from-beginning cannot be used together');
    const s = o.offset.trim().toLowerCase();
    if (s === 'earliest' || s === 'latest') return s;
    if (!/^\d+$/.test(s)) throw new UsageError(`--offset must be a non-negative number, earliest or latest, got "${o.offset}"`);
    return BigInt(s);
  }
  return o.fromBeginning ? 'earliest' : 'latest';
}

async function runConsume(o: ConsumeOptions): Promise<void> {
  const props = parsePairs(o.property, '--property');
  const fmt = formatterConfig(props);
  if (o.formatter !== 'default' && o.formatter !== 'json') throw new UsageError(`unknown formatter "${o.formatter}" (default or json)`);
  const isolation = o.isolationLevel === 'read_committed' ? 1 : o.isolationLevel === 'read_uncommitted' ? 0 : null;
  if (isolation === null) throw new UsageError(`unknown isolation level "${o.isolationLevel}"`);
  const start = startOffset(o);
  const cluster = new Cluster(o.bootstrapServer, { clientId: 'console-consumer' });
  const consumer = new Consumer(cluster, { maxWaitMs: Math.max(10, Math.min(500, o.timeoutMs ?? 500)), isolationLevel: isolation, autoOffsetReset: o.fromBeginning ? 'earliest' : 'latest' });
  let count = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await consumer.assign(o.topic, start, o.partition === undefined ? undefined : [o.partition]);
    let lastRecordAt = performance.now();
    while (!stopped) {
      if (o.maxMessages !== undefined && count >= o.maxMessages) break;
      const records = await consumer.poll();
      if (records.length === 0) {
        if (o.timeoutMs !== undefined && performance.now() - lastRecordAt >= o.timeoutMs) break;
        continue;
      }
      lastRecordAt = performance.now();
      let chunk = '';
      for (const r of records) {
        if (o.maxMessages !== undefined && count >= o.maxMessages) break;
        chunk += o.formatter === 'json' ? formatJson(r) : formatDefault(r, fmt);
        count++;
      }
      await out(chunk);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await cluster.close();
    process.stderr.write(`Processed a total of ${count} messages\n`);
  }
}
