// Shared bits of the client tools (topics, console producer/consumer, perf): option parsers and
// the way errors end a tool.
import { KafkaClientError } from '../client/connection.js';

/** Commander parser for repeatable (and variadic) key=value options. */
export function collectPairs(v: string, acc: string[] = []): string[] {
  return [...acc, v];
}

/** key=value strings → Map; throws on a pair without '='. */
export function parsePairs(pairs: readonly string[] | undefined, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what} expects key=value, got "${p}"`);
    out.set(p.slice(0, eq).trim(), p.slice(eq + 1));
  }
  return out;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function intOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`expected an integer, got "${v}"`);
  return n;
}

export function boolProp(props: Map<string, string>, key: string, dflt: boolean): boolean {
  const v = props.get(key);
  if (v === undefined) return dflt;
  return v.trim().toLowerCase() === 'true';
}

/** Interprets \t, \n, \r and \\ in separators given on the command line, as Kafka's tools do. */
export function unescape(s: string): string {
  return s.replace(/\\([tnr\\])/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!);
}

/** Prints a tool failure the way Kafka's tools do and sets a failing exit code. */
export function fail(prefix: string, e: unknown): void {
  const msg = e instanceof KafkaClientError || e instanceof UsageError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  process.stderr.write(`${prefix}${msg}\n`);
  process.exitCode = 1;
}

/** Writes to stdout, resolving when the stream can take more (so huge outputs stay bounded). */
export function out(s: string): Promise<void> | void {
  if (!process.stdout.write(s)) return new Promise((r) => process.stdout.once('drain', () => r()));
}

/** Kafka's date format in the perf tools: yyyy-MM-dd HH:mm:ss:SSS (local time). */
export function kafkaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}:${p(d.getMilliseconds(), 3)}`;
}
