// fast-check arbitraries derived at test time from the generated field tables (`schema` of each
// codec): for a message and a version, complete values as the decoder would return them — fields
// the version lacks hold their default, nulls only where the version allows them, random unknown
// tagged fields in flexible versions.
import fc from 'fast-check';
import type { FieldSchema, MessageSchema, StructSchema, UnknownTaggedField } from '../../host/protocol/types.js';
import { uuidFromBytes } from '../../host/protocol/uuid.js';

export interface ArbOptions {
  /** Max elements per array (nesting multiplies it). */
  maxArray?: number;
  maxBytes?: number;
  maxString?: number;
  unknownTags?: boolean;
}

const inRange = (r: readonly [number, number] | null | undefined, v: number): boolean => !!r && v >= r[0] && v <= r[1];

export function isFlexible(schema: MessageSchema, v: number): boolean {
  return inRange(schema.flexibleVersions, v);
}

/** The decoded form of a field's default. */
export function defaultValue(schema: MessageSchema, f: FieldSchema): unknown {
  const d = f.default;
  if (f.type === 'struct' && d !== null) return defaultStruct(schema, schema.structs[f.struct!]!);
  if (f.type === 'array' && d !== null) return [];
  if (f.type === 'bytes' && d !== null) return new Uint8Array(0);
  if (f.type === 'records' && d !== null) return new Uint8Array(0);
  return d;
}

export function defaultStruct(schema: MessageSchema, s: StructSchema): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of s.fields) o[f.name] = defaultValue(schema, f);
  if (s.taggedFields) o.unknownTaggedFields = [];
  return o;
}

const ascii = fc.string({ maxLength: 20 });
const unicode = fc.string({ unit: 'grapheme', maxLength: 12 });

function primArb(type: string, opts: Required<ArbOptions>): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer();
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      // -0 would be "default" for a tagged field and come back as +0, as in Kafka.
      return fc.double({ noNaN: true }).map((x) => (x === 0 ? 0 : x));
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => uuidFromBytes(b));
    case 'string':
      return fc.oneof({ weight: 3, arbitrary: opts.maxString === 20 ? ascii : fc.string({ maxLength: opts.maxString }) }, { weight: 1, arbitrary: unicode });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: opts.maxBytes });
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function fieldArb(schema: MessageSchema, f: FieldSchema, v: number, opts: Required<ArbOptions>): fc.Arbitrary<unknown> {
  if (!inRange(f.versions, v)) return fc.constant(defaultValue(schema, f));
  let arb: fc.Arbitrary<unknown>;
  if (f.type === 'struct') arb = structArb(schema, schema.structs[f.struct!]!, v, opts);
  else if (f.type === 'array') {
    const el = f.element === 'struct' ? structArb(schema, schema.structs[f.struct!]!, v, opts) : primArb(f.element!, opts);
    arb = fc.array(el, { maxLength: opts.maxArray });
  } else arb = primArb(f.type, opts);
  if (inRange(f.nullable, v)) arb = fc.option(arb, { nil: null, freq: 4 });
  // Bias toward the default sometimes, so "default => not written" paths are covered.
  return fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(defaultValue(schema, f)) });
}

const cache = new WeakMap<MessageSchema, Map<string, fc.Arbitrary<Record<string, unknown>>>>();

export function structArb(
  schema: MessageSchema,
  s: StructSchema,
  v: number,
  opts: Required<ArbOptions>,
): fc.Arbitrary<Record<string, unknown>> {
  let m = cache.get(schema);
  if (!m) cache.set(schema, (m = new Map()));
  const key = `${s.name}@${v}@${JSON.stringify(opts)}`;
  const hit = m.get(key);
  if (hit) return hit;
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of s.fields) rec[f.name] = fieldArb(schema, f, v, opts);
  if (s.taggedFields) {
    rec.unknownTaggedFields =
      isFlexible(schema, v) && opts.unknownTags ? unknownTagsArb(s) : fc.constant([] as UnknownTaggedField[]);
  }
  const arb = fc.record(rec) as fc.Arbitrary<Record<string, unknown>>;
  m.set(key, arb);
  return arb;
}

/** Sorted, unique unknown tags that do not collide with the struct's known tags. */
function unknownTagsArb(s: StructSchema): fc.Arbitrary<UnknownTaggedField[]> {
  const known = new Set(s.fields.filter((f) => f.tag !== undefined).map((f) => f.tag!));
  const tag = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0x7fffffff })).filter((t) => !known.has(t));
  return fc
    .uniqueArray(tag, { maxLength: 2 })
    .chain((tags) =>
      fc.tuple(...tags.sort((a, b) => a - b).map((t) => fc.uint8Array({ maxLength: 6 }).map((data) => ({ tag: t, data })))),
    )
    .map((xs) => xs as UnknownTaggedField[]);
}

export function messageArb(schema: MessageSchema, v: number, opts: ArbOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const o: Required<ArbOptions> = { maxArray: 2, maxBytes: 24, maxString: 20, unknownTags: true, ...opts };
  return structArb(schema, schema.structs[schema.name]!, v, o);
}

/** Every version of a message. */
export function versionsOf(schema: MessageSchema): number[] {
  const out: number[] = [];
  for (let v = schema.validVersions[0]; v <= schema.validVersions[1]; v++) out.push(v);
  return out;
}

/** Deep copy with Buffers turned into plain Uint8Array views (vitest's toEqual tells them apart;
 *  the codecs return views of whatever buffer they were given). */
export function plain<T>(x: T): T {
  if (x instanceof Uint8Array) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength) as T;
  if (Array.isArray(x)) return x.map(plain) as T;
  if (x !== null && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = plain(v);
    return o as T;
  }
  return x;
}
