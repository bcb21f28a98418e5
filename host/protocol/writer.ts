// Encoding: a size pass, one allocation, a write pass.
//
// Generated `size*` functions validate the value (ranges, nulls, Kafka's non-ignorable field rule)
// and return its exact encoded size, counting only the length prefix of `records` fields. The
// Writer then allocates that many bytes once and the generated `write*` functions fill them
// without further checks. A `records` field is never copied: the writer closes the current chunk
// at that point and appends the caller's Uint8Array itself as the next chunk, so a Fetch response
// leaves as [header+metadata, records, metadata, records, …] for one writev.
import { ProtocolEncodeError } from './errors.js';
import { uuidIntoBytes } from './uuid.js';
import type { UnknownTaggedField } from './types.js';

const MAX_STRING_BYTES = 0x7fff;

type BufferLike = Uint8Array & { utf8Write?: (s: string, offset: number) => number };
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafe(n: number): Uint8Array } }).Buffer;
const alloc: (n: number) => BufferLike = NodeBuffer ? (n) => NodeBuffer.allocUnsafe(n) : (n) => new Uint8Array(n);
const textEncoder = new TextEncoder();

/** Kinds of length prefixes recorded in a trace (used by the fuzzer to find length fields). */
export const TRACE_INT16 = 1;
export const TRACE_INT32 = 2;
export const TRACE_UVARINT = 3;

export class Writer {
  readonly buf: BufferLike;
  readonly dv: DataView;
  pos = 0;
  #start = 0;
  readonly #chunks: Uint8Array[] = [];
  /** When set, receives (position, kind) pairs of every length/count prefix written, with
   *  positions relative to the whole output. */
  readonly trace: number[] | null;
  #external = 0;

  constructor(size: number, trace: number[] | null = null) {
    this.buf = alloc(size);
    this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.trace = trace;
  }

  #mark(kind: number): void {
    this.trace!.push(this.pos + this.#external, kind);
  }

  bool(x: boolean): void {
    this.buf[this.pos++] = x ? 1 : 0;
  }
  int8(x: number): void {
    this.buf[this.pos++] = x;
  }
  int16(x: number): void {
    this.dv.setInt16(this.pos, x);
    this.pos += 2;
  }
  uint16(x: number): void {
    this.dv.setUint16(this.pos, x);
    this.pos += 2;
  }
  int32(x: number): void {
    this.dv.setInt32(this.pos, x);
    this.pos += 4;
  }
  uint32(x: number): void {
    this.dv.setUint32(this.pos, x);
    this.pos += 4;
  }
  int64(x: bigint): void {
    this.dv.setBigInt64(this.pos, x);
    this.pos += 8;
  }
  float64(x: number): void {
    this.dv.setFloat64(this.pos, x);
    this.pos += 8;
  }
  uuid(x: string): void {
    uuidIntoBytes(x, this.buf, this.pos);
    this.pos += 16;
  }
  uvarint(x: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (x >= 0x80) {
      buf[pos++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    buf[pos++] = x;
    this.pos = pos;
  }
  varint(x: number): void {
    this.uvarint(((x << 1) ^ (x >> 31)) >>> 0);
  }

  /** A length or count prefix: -1 for null; compact (n+1 as uvarint) in flexible versions. */
  length(n: number, flex: boolean, int16 = false): void {
    if (flex) {
      if (this.trace !== null) this.#mark(TRACE_UVARINT);
      this.uvarint(n + 1);
    } else if (int16) {
      if (this.trace !== null) this.#mark(TRACE_INT16);
      this.int16(n);
    } else {
      if (this.trace !== null) this.#mark(TRACE_INT32);
      this.int32(n);
    }
  }

  /** A string, or null (validated nullable by the size pass). */
  nstr(s: string | null, flex: boolean): void {
    if (s === null) return this.length(-1, flex, true);
    if (this.trace !== null) this.#mark(flex ? TRACE_UVARINT : TRACE_INT16);
    if (flex) {
      if (s.length <= 42) {
        // At most 126 UTF-8 bytes: the compact length is one byte, so write the text first.
        const p = this.pos++;
        this.buf[p] = this.#utf8(s) + 1;
      } else {
        this.uvarint(utf8Length(s) + 1);
        this.#utf8(s);
      }
    } else {
      const p = this.pos;
      this.pos += 2;
      this.dv.setInt16(p, this.#utf8(s));
    }
  }

  /** Writes `s` as UTF-8 at pos; returns the bytes written. */
  #utf8(s: string): number {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const rest = i === 0 ? s : s.slice(i);
        pos += buf.utf8Write ? buf.utf8Write(rest, pos) : textEncoder.encodeInto(rest, buf.subarray(pos)).written;
        break;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
    return pos - start;
  }

  nbytes(b: Uint8Array | null, flex: boolean): void {
    if (b === null) return this.length(-1, flex);
    this.length(b.length, flex);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** `records`: the length prefix here, the bytes as their own output chunk (never copied). */
  records(b: Uint8Array | null, flex: boolean): void {
    if (b === null) return this.length(-1, flex);
    this.length(b.length, flex);
    if (b.length === 0) return;
    if (this.pos > this.#start) this.#chunks.push(this.#slice());
    this.#chunks.push(b);
    this.#start = this.pos;
    this.#external += b.length;
  }

  /** Copies raw bytes (unknown tagged field content). */
  raw(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes the unknown tagged fields ut[k..] whose tag is below `before`; returns the next k. */
  tags(ut: readonly UnknownTaggedField[], k: number, before: number): number {
    while (k < ut.length && ut[k]!.tag < before) {
      const t = ut[k++]!;
      this.uvarint(t.tag);
      if (this.trace !== null) this.#mark(TRACE_UVARINT);
      this.uvarint(t.data.length);
      this.raw(t.data);
    }
    return k;
  }

  /** Starts a known tagged field: its tag and content size. */
  tagHeader(tag: number, size: number): void {
    this.uvarint(tag);
    if (this.trace !== null) this.#mark(TRACE_UVARINT);
    this.uvarint(size);
  }

  tagCount(n: number): void {
    if (this.trace !== null) this.#mark(TRACE_UVARINT);
    this.uvarint(n);
  }

  /** The output: small parts and record chunks in order. */
  finish(): Uint8Array[] {
    if (this.pos !== this.buf.length) {
      throw new Error(`protocol writer: size pass said ${this.buf.length} bytes, wrote ${this.pos} (generator bug)`);
    }
    if (this.pos > this.#start) this.#chunks.push(this.#slice());
    return this.#chunks;
  }

  /** The bytes written since the last chunk, as a plain Uint8Array view (cheaper than a Buffer
   *  subarray; sockets take either). */
  #slice(): Uint8Array {
    const buf = this.buf;
    return new Uint8Array(buf.buffer, buf.byteOffset + this.#start, this.pos - this.#start);
  }
}

// ---- sizes ----

export function uvarintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

export function utf8Length(s: string): number {
  const n = s.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 2; // 4 bytes for 2 UTF-16 units
        i++;
      } else bytes += 2;
    } else bytes += 2; // 3 bytes (BMP, or a lone surrogate encoded as U+FFFD)
  }
  return bytes;
}

export function encodeError(code: ProtocolEncodeError['code'], p: string, v: number, reason: string): ProtocolEncodeError {
  return new ProtocolEncodeError(code, p, v, reason);
}

function invalid(p: string, v: number, x: unknown, what: string): ProtocolEncodeError {
  const shown = typeof x === 'bigint' ? `${x}n` : typeof x === 'string' ? JSON.stringify(x.slice(0, 40)) : String(x);
  return new ProtocolEncodeError('INVALID_VALUE', p, v, `${shown} is not ${what}`);
}

export function nullNotAllowed(p: string, v: number): ProtocolEncodeError {
  return new ProtocolEncodeError('NULL_NOT_ALLOWED', p, v, 'null is not allowed in this version');
}

export function nonDefault(p: string, v: number): ProtocolEncodeError {
  return new ProtocolEncodeError('NON_DEFAULT_FIELD', p, v, 'non-default value in a field this version lacks (not ignorable)');
}

// Validating size functions: each checks its value and returns its encoded size.
export function sBool(x: boolean, p: string, v: number): number {
  if (typeof x !== 'boolean') throw invalid(p, v, x, 'a boolean');
  return 1;
}
export function sI8(x: number, p: string, v: number): number {
  if (((x << 24) >> 24) !== x) throw invalid(p, v, x, 'an int8');
  return 1;
}
export function sI16(x: number, p: string, v: number): number {
  if (((x << 16) >> 16) !== x) throw invalid(p, v, x, 'an int16');
  return 2;
}
export function sU16(x: number, p: string, v: number): number {
  if ((x & 0xffff) !== x) throw invalid(p, v, x, 'a uint16');
  return 2;
}
export function sI32(x: number, p: string, v: number): number {
  if ((x | 0) !== x) throw invalid(p, v, x, 'an int32');
  return 4;
}
export function sU32(x: number, p: string, v: number): number {
  if (x >>> 0 !== x) throw invalid(p, v, x, 'a uint32');
  return 4;
}
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
export function sI64(x: bigint, p: string, v: number): number {
  if (typeof x !== 'bigint' || x < I64_MIN || x > I64_MAX) throw invalid(p, v, x, 'an int64 bigint');
  return 8;
}
export function sF64(x: number, p: string, v: number): number {
  if (typeof x !== 'number') throw invalid(p, v, x, 'a float64 number');
  return 8;
}
const UUID_SCRATCH = new Uint8Array(16);
export function sUuid(x: string, p: string, v: number): number {
  if (!uuidIntoBytes(x, UUID_SCRATCH)) throw invalid(p, v, x, 'a canonical Kafka UUID string');
  return 16;
}

export function sStr(x: string | null, flex: boolean, nullable: boolean, p: string, v: number): number {
  if (x === null) {
    if (!nullable) throw nullNotAllowed(p, v);
    return flex ? 1 : 2;
  }
  if (typeof x !== 'string') throw invalid(p, v, x, 'a string');
  const n = utf8Length(x);
  if (n > MAX_STRING_BYTES) throw new ProtocolEncodeError('STRING_TOO_LONG', p, v, `${n} UTF-8 bytes > 32767`);
  return flex ? uvarintSize(n + 1) + n : 2 + n;
}

export function sBytes(x: Uint8Array | null, flex: boolean, nullable: boolean, p: string, v: number): number {
  if (x === null) {
    if (!nullable) throw nullNotAllowed(p, v);
    return flex ? 1 : 4;
  }
  if (!(x instanceof Uint8Array)) throw invalid(p, v, x, 'a Uint8Array');
  return (flex ? uvarintSize(x.length + 1) : 4) + x.length;
}

/** Size of a records field's inline part: only its length prefix. */
export function sRecords(x: Uint8Array | null, flex: boolean, nullable: boolean, p: string, v: number): number {
  if (x === null) {
    if (!nullable) throw nullNotAllowed(p, v);
    return flex ? 1 : 4;
  }
  if (!(x instanceof Uint8Array)) throw invalid(p, v, x, 'a Uint8Array');
  return flex ? uvarintSize(x.length + 1) : 4;
}

/** Size of an array (elements sized by `el`), validating null. */
export function sArr<T>(
  x: readonly T[] | null,
  v: number,
  flex: boolean,
  nullable: boolean,
  el: (e: T, v: number, p: string) => number,
  p: string,
): number {
  if (x === null) {
    if (!nullable) throw nullNotAllowed(p, v);
    return flex ? 1 : 4;
  }
  if (!Array.isArray(x)) throw invalid(p, v, x, 'an array');
  let n = flex ? uvarintSize(x.length + 1) : 4;
  for (let i = 0; i < x.length; i++) n += el(x[i]!, v, p);
  return n;
}

/** Size of a non-tagged struct field: a 1-byte presence marker when nullable in this version. */
export function sStruct<T>(x: T | null, v: number, nullable: boolean, fn: (o: T, v: number) => number, p: string): number {
  if (x === null) {
    if (!nullable) throw nullNotAllowed(p, v);
    return 1;
  }
  if (typeof x !== 'object') throw invalid(p, v, x, 'an object');
  return (nullable ? 1 : 0) + fn(x, v);
}

/** Size of the tagged-field section: the count, plus unknown tagged fields, which must ascend by
 *  tag, be unique, and not reuse a tag the schema knows. */
export function sTags(
  ut: readonly UnknownTaggedField[] | undefined,
  known: number,
  knownTags: readonly number[],
  p: string,
  v: number,
): number {
  if (ut === undefined || ut.length === 0) return uvarintSize(known);
  let n = 0;
  let last = -1;
  for (const t of ut) {
    if (typeof t !== 'object' || t === null || !(t.data instanceof Uint8Array) || (t.tag >>> 0) !== t.tag) {
      throw new ProtocolEncodeError('INVALID_TAGGED_FIELDS', p, v, 'each unknown tagged field needs an integer tag and Uint8Array data');
    }
    if (t.tag <= last) throw new ProtocolEncodeError('INVALID_TAGGED_FIELDS', p, v, 'unknown tagged fields must ascend by tag without duplicates');
    if (knownTags.includes(t.tag)) throw new ProtocolEncodeError('INVALID_TAGGED_FIELDS', p, v, `tag ${t.tag} belongs to a known field`);
    last = t.tag;
    n += uvarintSize(t.tag) + uvarintSize(t.data.length) + t.data.length;
  }
  return n + uvarintSize(known + ut.length);
}

export function noTagsAllowed(ut: readonly UnknownTaggedField[] | undefined, p: string, v: number): number {
  if (ut !== undefined && ut.length > 0) {
    throw new ProtocolEncodeError('INVALID_TAGGED_FIELDS', p, v, 'tagged fields set, but this version is not flexible');
  }
  return 0;
}

/** Size of a tagged field with content size `cs`. */
export function sTagged(tag: number, cs: number): number {
  return uvarintSize(tag) + uvarintSize(cs) + cs;
}
