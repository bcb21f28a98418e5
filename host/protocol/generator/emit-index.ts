// Emits the registries: API keys (index.ts), coordinator record types (coordinator/index.ts) and
// Kafka's error table (errors.ts).
import { HEADER } from './emit-message.js';
import { contains, type MessageDef, type VR } from './schema.js';

function vr(r: VR | null): string {
  return r ? `[${r.lo}, ${r.hi}]` : 'null';
}

/**
 * Request header version for an API version: 2 in flexible versions, else 1 — except
 * ControlledShutdown v0, whose header has no client id (v0). Response header: 1 in flexible
 * versions, else 0 — except ApiVersions, whose response header is always v0 so that a client can
 * read it whatever version it asked for.
 */
export function headerVersions(req: MessageDef, v: number): { request: number; response: number } {
  const flex = contains(req.flexibleVersions, v);
  const request = req.apiKey === 7 && v === 0 ? 0 : flex ? 2 : 1;
  const response = req.apiKey === 18 ? 0 : flex ? 1 : 0;
  return { request, response };
}

export function apiName(req: MessageDef): string {
  return req.name.replace(/Request$/, '');
}

export function emitRegistry(messages: readonly MessageDef[]): string {
  const reqs = messages.filter((m) => m.kind === 'request').sort((a, b) => a.apiKey! - b.apiKey!);
  const resByKey = new Map(messages.filter((m) => m.kind === 'response').map((m) => [m.apiKey!, m]));
  const data = messages.filter((m) => m.kind === 'data' || m.kind === 'header').sort((a, b) => (a.name < b.name ? -1 : 1));
  const o: string[] = [];
  const p = (s = ''): void => {
    o.push(s);
  };
  p(HEADER('messages/*.json').trimEnd());
  p('//');
  p('// The registry of every API key: names, valid and flexible versions, header versions and codecs.');
  p("import type { MessageCodec, VersionRange } from '../types.js';");
  const all = [...reqs, ...reqs.map((r) => resByKey.get(r.apiKey!)!), ...data];
  for (const m of all) p(`import { codec as ${m.name}Codec, type ${m.name} } from './${m.name}.js';`);
  p();
  for (const m of all) p(`export type { ${m.name} } from './${m.name}.js';`);
  p();
  p('/** API keys by name. */');
  p('export const ApiKey = {');
  for (const r of reqs) p(`  ${apiName(r)}: ${r.apiKey},`);
  p('} as const;');
  p('export type ApiKeyName = keyof typeof ApiKey;');
  p('export type ApiKeyNumber = (typeof ApiKey)[ApiKeyName];');
  p();
  p('/** Request body type per API key. */');
  p('export interface RequestBodies {');
  for (const r of reqs) p(`  ${r.apiKey}: ${r.name};`);
  p('}');
  p();
  p('/** Response body type per API key. */');
  p('export interface ResponseBodies {');
  for (const r of reqs) p(`  ${r.apiKey}: ${resByKey.get(r.apiKey!)!.name};`);
  p('}');
  p();
  p('export interface ApiEntry<K extends ApiKeyNumber = ApiKeyNumber> {');
  p('  readonly apiKey: K;');
  p('  /** e.g. `Fetch`. */');
  p('  readonly name: ApiKeyName;');
  p('  readonly minVersion: number;');
  p('  readonly maxVersion: number;');
  p('  /** Flexible versions (compact encodings, tagged fields), or null. */');
  p('  readonly flexibleVersions: VersionRange | null;');
  p('  /** The schema marks its newest version unstable (not to be advertised by default). */');
  p('  readonly latestVersionUnstable: boolean;');
  p('  readonly deprecatedVersions: VersionRange | null;');
  p('  /** Kafka listener kinds the API belongs to (zkBroker, broker, controller). */');
  p('  readonly listeners: readonly string[];');
  p('  /** Header versions, indexed by `version - minVersion`. */');
  p('  readonly requestHeaderVersions: readonly number[];');
  p('  readonly responseHeaderVersions: readonly number[];');
  p('  readonly request: MessageCodec<RequestBodies[K]>;');
  p('  readonly response: MessageCodec<ResponseBodies[K]>;');
  p('}');
  p();
  p('/** Every API, in key order. */');
  p('export const apis: readonly ApiEntry[] = [');
  for (const r of reqs) {
    const res = resByKey.get(r.apiKey!)!;
    if (res.validVersions.lo !== r.validVersions.lo || res.validVersions.hi !== r.validVersions.hi) {
      throw new Error(`${r.name} and ${res.name} have different valid versions`);
    }
    const rq: number[] = [];
    const rs: number[] = [];
    for (let v = r.validVersions.lo; v <= r.validVersions.hi; v++) {
      const h = headerVersions(r, v);
      rq.push(h.request);
      rs.push(h.response);
    }
    p('  {');
    p(`    apiKey: ${r.apiKey},`);
    p(`    name: '${apiName(r)}',`);
    p(`    minVersion: ${r.validVersions.lo},`);
    p(`    maxVersion: ${r.validVersions.hi},`);
    p(`    flexibleVersions: ${vr(r.flexibleVersions)},`);
    p(`    latestVersionUnstable: ${r.latestVersionUnstable},`);
    p(`    deprecatedVersions: ${vr(r.deprecatedVersions)},`);
    p(`    listeners: [${r.listeners.map((l) => `'${l}'`).join(', ')}],`);
    p(`    requestHeaderVersions: [${rq.join(', ')}],`);
    p(`    responseHeaderVersions: [${rs.join(', ')}],`);
    p(`    request: ${r.name}Codec,`);
    p(`    response: ${res.name}Codec,`);
    p('  },');
  }
  p('];');
  p();
  p('const byKey: (ApiEntry | undefined)[] = [];');
  p('for (const a of apis) byKey[a.apiKey] = a;');
  p();
  p('/** The API entry of a key, or undefined for keys this build does not know. */');
  p('export function apiEntry<K extends ApiKeyNumber>(apiKey: K): ApiEntry<K>;');
  p('export function apiEntry(apiKey: number): ApiEntry | undefined;');
  p('export function apiEntry(apiKey: number): ApiEntry | undefined {');
  p('  return apiKey >= 0 ? byKey[apiKey] : undefined;');
  p('}');
  p();
  p('/** Codecs of headers and of messages that are not requests or responses. */');
  p('export const dataCodecs = {');
  for (const d of data) p(`  ${d.name}: ${d.name}Codec,`);
  p('} as const;');
  return o.join('\n') + '\n';
}

/** Coordinator records: each `XKey` schema pairs with `XValue`; the key's versions are the record
 *  types it is written under (the int16 that prefixes the key). */
export function emitCoordinatorIndex(records: readonly MessageDef[]): string {
  const byName = new Map(records.map((m) => [m.name, m]));
  const pairs: { type: number; name: string; key: MessageDef; value: MessageDef }[] = [];
  for (const k of records) {
    if (!k.name.endsWith('Key')) continue;
    const base = k.name.slice(0, -3);
    const value = byName.get(`${base}Value`);
    if (!value) throw new Error(`no value schema for ${k.name}`);
    for (let t = k.validVersions.lo; t <= k.validVersions.hi; t++) pairs.push({ type: t, name: base, key: k, value });
  }
  const topic = (name: string): string => (name.startsWith('TransactionLog') ? '__transaction_state' : '__consumer_offsets');
  pairs.sort((a, b) => (topic(a.name) < topic(b.name) ? -1 : topic(a.name) > topic(b.name) ? 1 : a.type - b.type));
  const o: string[] = [];
  const p = (s = ''): void => {
    o.push(s);
  };
  p(HEADER('coordinator-records/*.json').trimEnd());
  p('//');
  p("// Record types of the coordinators' internal topics: a record's key starts with an int16 type");
  p('// (the key schema version), which selects the key and value schemas; the value starts with');
  p('// its own int16 version.');
  p("import type { MessageCodec } from '../../types.js';");
  const names = [...records].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const m of names) p(`import { codec as ${m.name}Codec } from './${m.name}.js';`);
  p();
  for (const m of names) p(`export type { ${m.name} } from './${m.name}.js';`);
  p();
  p("export type CoordinatorTopic = '__consumer_offsets' | '__transaction_state';");
  p();
  p('export interface CoordinatorRecordType {');
  p('  readonly topic: CoordinatorTopic;');
  p('  /** The int16 at the start of the key. */');
  p('  readonly type: number;');
  p('  /** e.g. `OffsetCommit` for OffsetCommitKey / OffsetCommitValue. */');
  p('  readonly name: string;');
  p('  readonly key: MessageCodec<unknown>;');
  p('  readonly value: MessageCodec<unknown>;');
  p('}');
  p();
  p('export const coordinatorRecordTypes: readonly CoordinatorRecordType[] = [');
  for (const x of pairs) {
    p(
      `  { topic: '${topic(x.name)}', type: ${x.type}, name: '${x.name}', key: ${x.key.name}Codec as MessageCodec<unknown>, value: ${x.value.name}Codec as MessageCodec<unknown> },`,
    );
  }
  p('];');
  p();
  p('export const coordinatorCodecs = {');
  for (const m of names) p(`  ${m.name}: ${m.name}Codec,`);
  p('} as const;');
  return o.join('\n') + '\n';
}

interface RawError {
  code: number;
  name: string;
  retriable: boolean;
}

/** Kafka's error codes: code, name, retriable. Messages (prose) are not copied. */
export function emitErrors(errors: readonly RawError[]): string {
  const sorted = [...errors].sort((a, b) => a.code - b.code);
  const seen = new Set<number>();
  for (const e of sorted) {
    if (seen.has(e.code)) throw new Error(`duplicate error code ${e.code}`);
    seen.add(e.code);
    if (!/^[A-Z][A-Z0-9_]*$/.test(e.name)) throw new Error(`bad error name ${e.name}`);
  }
  const o: string[] = [];
  const p = (s = ''): void => {
    o.push(s);
  };
  p(HEADER('errors.json').trimEnd());
  p('//');
  p("// Kafka's error codes (code, name, retriable), the first tier of kwasm's errors.");
  p();
  p('export const ErrorCode = {');
  for (const e of sorted) p(`  ${e.name}: ${e.code},`);
  p('} as const;');
  p('export type ErrorCodeName = keyof typeof ErrorCode;');
  p();
  p('export interface KafkaErrorInfo {');
  p('  readonly code: number;');
  p('  readonly name: ErrorCodeName;');
  p('  readonly retriable: boolean;');
  p('}');
  p();
  p('export const kafkaErrors: readonly KafkaErrorInfo[] = [');
  for (const e of sorted) p(`  { code: ${e.code}, name: '${e.name}', retriable: ${e.retriable} },`);
  p('];');
  p();
  p('const byCode = new Map<number, KafkaErrorInfo>(kafkaErrors.map((e) => [e.code, e]));');
  p();
  p('export function errorInfo(code: number): KafkaErrorInfo | undefined {');
  p('  return byCode.get(code);');
  p('}');
  p();
  p('export function isRetriable(code: number): boolean {');
  p('  return byCode.get(code)?.retriable ?? false;');
  p('}');
  return o.join('\n') + '\n';
}
