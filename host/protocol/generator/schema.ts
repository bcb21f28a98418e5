// Loads Kafka's JSON message schemas (JSON with // comments) into a small model the emitters use.
// Only names, types, versions, tags and defaults are kept: `about` prose never leaves this file.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Highest version; "N+" ranges end here, as in Kafka's generator (Short.MAX_VALUE). */
export const MAX_VERSION = 0x7fff;

export interface VR {
  readonly lo: number;
  readonly hi: number;
}

export type Prim =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

export type TypeRef =
  | { readonly kind: 'prim'; readonly prim: Prim }
  | { readonly kind: 'struct'; readonly name: string }
  | { readonly kind: 'array'; readonly elem: { readonly kind: 'prim'; readonly prim: Prim } | { readonly kind: 'struct'; readonly name: string } };

export interface FieldDef {
  readonly schemaName: string;
  /** camelCase, as Kafka's generator derives it (first letter lower-cased). */
  readonly name: string;
  readonly type: TypeRef;
  readonly versions: VR;
  readonly nullable: VR | null;
  readonly tagged: VR | null;
  readonly tag: number | null;
  /** Field-level flexibleVersions override; undefined = the message's. */
  readonly flexible: VR | null | undefined;
  readonly ignorable: boolean;
  readonly mapKey: boolean;
  /** The schema's default as a string ('' when unspecified), like Kafka's FieldSpec. */
  readonly defaultStr: string;
}

export interface StructDef {
  readonly name: string;
  readonly fields: readonly FieldDef[];
  /** Versions in which the struct can be read or written (hull over its uses, within the
   *  message's valid versions). Conditions in generated code are simplified against it. */
  range: VR;
}

export interface MessageDef {
  readonly name: string;
  readonly file: string;
  readonly kind: 'request' | 'response' | 'header' | 'data';
  readonly apiKey: number | null;
  readonly validVersions: VR;
  readonly flexibleVersions: VR | null;
  readonly listeners: readonly string[];
  readonly latestVersionUnstable: boolean;
  readonly deprecatedVersions: VR | null;
  /** Root first, then nested structs in depth-first order, then common structs. */
  readonly structs: readonly StructDef[];
}

/** Removes // and /* *\/ comments outside of string literals. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < src.length) {
    const c = src[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function parseVersions(s: string | undefined, fallback: VR | null | undefined): VR | null | undefined {
  if (s === undefined || s === null) return fallback;
  const t = String(s).trim();
  if (t === 'none' || t === '') return null;
  let m = /^(\d+)\+$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: MAX_VERSION };
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(t);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`invalid versions ${JSON.stringify(s)}`);
}

export function intersect(a: VR | null, b: VR | null): VR | null {
  if (!a || !b) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

export function contains(r: VR | null, v: number): boolean {
  return r !== null && v >= r.lo && v <= r.hi;
}

const PRIMS = new Set<Prim>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'uuid',
  'string',
  'bytes',
  'records',
]);

function parseType(t: string): TypeRef {
  if (t.startsWith('[]')) {
    const inner = t.slice(2);
    if (PRIMS.has(inner as Prim)) {
      if (inner === 'records') throw new Error('arrays of records are not supported');
      return { kind: 'array', elem: { kind: 'prim', prim: inner as Prim } };
    }
    if (!/^[A-Z]\w*$/.test(inner)) throw new Error(`bad element type ${t}`);
    return { kind: 'array', elem: { kind: 'struct', name: inner } };
  }
  if (PRIMS.has(t as Prim)) return { kind: 'prim', prim: t as Prim };
  if (!/^[A-Z]\w*$/.test(t)) throw new Error(`unknown type ${t}`);
  return { kind: 'struct', name: t };
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  ignorable?: boolean;
  mapKey?: boolean;
  default?: unknown;
  fields?: RawField[];
}

interface RawMessage {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  listeners?: string[];
  latestVersionUnstable?: boolean;
  deprecatedVersions?: string;
  fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

export function loadMessage(path: string): MessageDef {
  const raw = JSON.parse(stripComments(readFileSync(path, 'utf8'))) as RawMessage;
  try {
    return buildMessage(raw, basename(path));
  } catch (e) {
    throw new Error(`${basename(path)}: ${(e as Error).message}`);
  }
}

export function buildMessage(raw: RawMessage, file: string): MessageDef {
  const kind = raw.type as MessageDef['kind'];
  if (!['request', 'response', 'header', 'data'].includes(kind)) throw new Error(`unknown message type ${raw.type}`);
  const validVersions = parseVersions(raw.validVersions, undefined);
  if (!validVersions) throw new Error('no validVersions');
  if (validVersions.hi === MAX_VERSION) throw new Error('validVersions must have a maximum');
  const flexibleVersions = parseVersions(raw.flexibleVersions, undefined);
  if (flexibleVersions === undefined) throw new Error('no flexibleVersions');

  // Struct definitions: inline ones (fields given where used) and common ones.
  const defs = new Map<string, { fields: RawField[]; declared: VR | null; common: boolean }>();
  const order: string[] = [];
  const common = raw.commonStructs ?? [];
  const commonNames = new Set(common.map((c) => c.name));
  function collect(fields: RawField[]): void {
    for (const f of fields) {
      if (f.fields) {
        const t = parseType(f.type);
        const name = t.kind === 'struct' ? t.name : t.kind === 'array' && t.elem.kind === 'struct' ? t.elem.name : null;
        if (!name) throw new Error(`field ${f.name} has fields but is not a struct`);
        if (defs.has(name) || commonNames.has(name)) throw new Error(`struct ${name} defined twice`);
        if (name === raw.name) throw new Error(`struct ${name} has the message's name`);
        defs.set(name, { fields: f.fields, declared: null, common: false });
        order.push(name);
        collect(f.fields);
      }
    }
  }
  defs.set(raw.name, { fields: raw.fields, declared: validVersions, common: false });
  order.push(raw.name);
  collect(raw.fields);
  for (const c of common) {
    defs.set(c.name, { fields: c.fields, declared: parseVersions(c.versions, undefined) ?? null, common: true });
    order.push(c.name);
    collect(c.fields);
  }

  // Field models.
  const fieldsOf = new Map<string, FieldDef[]>();
  for (const name of order) {
    const seen = new Set<string>();
    const tags = new Set<number>();
    fieldsOf.set(
      name,
      defs.get(name)!.fields.map((f) => {
        const fd = buildField(f);
        if (seen.has(fd.name) || fd.name === 'unknownTaggedFields') throw new Error(`duplicate field ${name}.${fd.name}`);
        seen.add(fd.name);
        if (fd.tag !== null) {
          if (tags.has(fd.tag)) throw new Error(`duplicate tag ${fd.tag} in ${name}`);
          tags.add(fd.tag);
        }
        const t = fd.type.kind === 'array' ? fd.type.elem : fd.type;
        if (t.kind === 'struct' && !defs.has(t.name)) throw new Error(`unknown struct ${t.name}`);
        if (fd.tagged && !flexibleVersions) throw new Error(`tagged field ${fd.name} in a non-flexible message`);
        if (fd.tagged && (fd.tagged.lo < flexibleVersions!.lo)) throw new Error(`field ${fd.name} tagged outside flexible versions`);
        return fd;
      }),
    );
  }

  // Possible version ranges, from the root down (hull over every use).
  const range = new Map<string, VR>();
  function visit(name: string, r: VR): void {
    const prev = range.get(name);
    const next = prev ? { lo: Math.min(prev.lo, r.lo), hi: Math.max(prev.hi, r.hi) } : r;
    if (prev && prev.lo === next.lo && prev.hi === next.hi) return;
    range.set(name, next);
    for (const f of fieldsOf.get(name)!) {
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      if (t.kind !== 'struct') continue;
      const sub = intersect(f.versions, next);
      const decl = defs.get(t.name)!.declared;
      const r2 = decl ? intersect(sub, decl) : sub;
      if (r2) visit(t.name, r2);
    }
  }
  visit(raw.name, validVersions);

  const structs: StructDef[] = order.map((name) => ({
    name,
    fields: fieldsOf.get(name)!,
    range: range.get(name) ?? defs.get(name)!.declared ?? validVersions,
  }));
  // records fields may not sit inside tagged fields (their bytes never go inline).
  checkRecordsPlacement(structs);

  return {
    name: raw.name,
    file,
    kind,
    apiKey: raw.apiKey ?? null,
    validVersions,
    flexibleVersions,
    listeners: raw.listeners ?? [],
    latestVersionUnstable: raw.latestVersionUnstable === true,
    deprecatedVersions: parseVersions(raw.deprecatedVersions, null) ?? null,
    structs,
  };
}

function buildField(f: RawField): FieldDef {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(f.name)) throw new Error(`invalid field name ${f.name}`);
  const tagged = parseVersions(f.taggedVersions, null) ?? null;
  const versions = parseVersions(f.versions, tagged ?? undefined);
  if (!versions) throw new Error(`field ${f.name} has no versions`);
  const type = parseType(f.type);
  const tag = f.tag ?? null;
  if ((tag === null) !== (tagged === null)) throw new Error(`field ${f.name}: tag and taggedVersions go together`);
  if (tagged && tagged.hi !== MAX_VERSION) throw new Error(`field ${f.name}: taggedVersions must be open-ended`);
  if (tagged && (tagged.lo < versions.lo || versions.hi !== MAX_VERSION)) throw new Error(`field ${f.name}: taggedVersions must be within versions`);
  if (type.kind === 'prim' && type.prim === 'records' && tagged) throw new Error(`records field ${f.name} cannot be tagged`);
  const nullable = parseVersions(f.nullableVersions, null) ?? null;
  if (nullable && type.kind === 'prim' && !['string', 'bytes', 'records'].includes(type.prim)) {
    throw new Error(`type ${f.type} of ${f.name} cannot be nullable`);
  }
  const defaultStr = f.default === undefined ? '' : f.default === null ? 'null' : String(f.default);
  if (defaultStr === 'null' && (!nullable || nullable.lo > versions.lo || nullable.hi < versions.hi)) {
    throw new Error(`field ${f.name}: null default needs every version nullable`);
  }
  let flexible: VR | null | undefined;
  if (f.flexibleVersions !== undefined) {
    if (!(type.kind === 'prim' && (type.prim === 'string' || type.prim === 'bytes'))) {
      throw new Error(`flexibleVersions override on ${f.name} of type ${f.type}`);
    }
    flexible = parseVersions(f.flexibleVersions, null) ?? null;
  }
  return {
    schemaName: f.name,
    name: f.name[0]!.toLowerCase() + f.name.slice(1),
    type,
    versions,
    nullable,
    tagged,
    tag,
    flexible,
    ignorable: f.ignorable === true,
    mapKey: f.mapKey === true,
    defaultStr,
  };
}

function checkRecordsPlacement(structs: StructDef[]): void {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const hasRecords = (name: string, seen = new Set<string>()): boolean => {
    if (seen.has(name)) return false;
    seen.add(name);
    for (const f of byName.get(name)!.fields) {
      if (f.type.kind === 'prim' && f.type.prim === 'records') return true;
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      if (t.kind === 'struct' && hasRecords(t.name, seen)) return true;
    }
    return false;
  };
  for (const s of structs) {
    for (const f of s.fields) {
      const t = f.type.kind === 'array' ? f.type.elem : f.type;
      if (f.tagged && t.kind === 'struct' && hasRecords(t.name)) {
        throw new Error(`tagged field ${s.name}.${f.name} contains records`);
      }
    }
  }
}
