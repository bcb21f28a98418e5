// The small runtime the generated codecs call: array/struct helpers and per-type element
// functions, on top of Reader (bounded decoding) and Writer (size pass + chunked output).
import { at } from './errors.js';
import type { Reader } from './reader.js';
import {
  sBool as sBool_,
  sBytes as sBytes_,
  sF64 as sF64_,
  sI16 as sI16_,
  sI32 as sI32_,
  sI64 as sI64_,
  sI8 as sI8_,
  sStr as sStr_,
  sU16 as sU16_,
  sU32 as sU32_,
  sUuid as sUuid_,
  type Writer,
} from './writer.js';
import type { UnknownTaggedField } from './types.js';

export { at } from './errors.js';
export { Reader } from './reader.js';
export {
  Writer,
  nonDefault,
  noTagsAllowed,
  nullNotAllowed,
  sArr,
  sBool,
  sBytes,
  sF64,
  sI16,
  sI32,
  sI64,
  sI8,
  sRecords,
  sStr,
  sStruct,
  sTagged,
  sTags,
  sU16,
  sU32,
  sUuid,
  uvarintSize,
} from './writer.js';
export { ZERO_UUID } from './uuid.js';
export type { Init, MessageCodec, MessageSchema, UnknownTaggedField } from './types.js';

/** Shared empty values used as defaults. Frozen: decoded messages may hold them. */
export const NO_TAGS: UnknownTaggedField[] = Object.freeze([]) as unknown as UnknownTaggedField[];
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
export const EMPTY_ARR: never[] = Object.freeze([]) as unknown as never[];
export const EMPTY_OBJ: Record<string, never> = Object.freeze({}) as Record<string, never>;

// ---- decoding ----

export function rArr<T>(r: Reader, v: number, flex: boolean, min: number, el: (r: Reader, v: number) => T): T[] {
  const n = r.arrayLen(flex, min);
  if (n < 0) throw r.fail('NULL_NOT_ALLOWED', 'null array in a non-nullable field');
  return elems(r, v, n, el);
}

export function rNArr<T>(
  r: Reader,
  v: number,
  flex: boolean,
  nullable: boolean,
  min: number,
  el: (r: Reader, v: number) => T,
): T[] | null {
  const n = r.arrayLen(flex, min);
  if (n < 0) {
    if (!nullable) throw r.fail('NULL_NOT_ALLOWED', 'null array in a non-nullable field');
    return null;
  }
  return elems(r, v, n, el);
}

function elems<T>(r: Reader, v: number, n: number, el: (r: Reader, v: number) => T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) {
    try {
      a.push(el(r, v));
    } catch (e) {
      throw at(e, i);
    }
  }
  return a;
}

/** A non-tagged struct field; nullable versions carry an int8 marker (-1 = null). */
export function rNStruct<T>(r: Reader, v: number, nullable: boolean, fn: (r: Reader, v: number) => T): T | null {
  if (nullable && r.int8() < 0) return null;
  return fn(r, v);
}

/** A tagged nullable struct: an unsigned varint marker (0 = null). */
export function rTStruct<T>(r: Reader, v: number, fn: (r: Reader, v: number) => T): T | null {
  if (r.uvarint() === 0) return null;
  return fn(r, v);
}

export function addTag(list: UnknownTaggedField[], tag: number, data: Uint8Array): UnknownTaggedField[] {
  const out = list === NO_TAGS ? [] : list;
  out.push({ tag, data });
  return out;
}

/** Unknown tagged fields in ascending tag order (they are written back in that order). */
export function sortTags(list: UnknownTaggedField[]): UnknownTaggedField[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1]!.tag > list[i]!.tag) return list.sort((a, b) => a.tag - b.tag);
  }
  return list;
}

// ---- encoding ----

export function wArr<T>(w: Writer, x: readonly T[] | null, v: number, flex: boolean, el: (w: Writer, e: T, v: number) => void): void {
  if (x === null) return w.length(-1, flex);
  w.length(x.length, flex);
  for (let i = 0; i < x.length; i++) el(w, x[i]!, v);
}

export function wNStruct<T>(w: Writer, x: T | null, v: number, nullable: boolean, fn: (w: Writer, o: T, v: number) => void): void {
  if (nullable) {
    if (x === null) return w.int8(-1);
    w.int8(1);
  }
  fn(w, x!, v);
}

export function wTStruct<T>(w: Writer, x: T | null, v: number, fn: (w: Writer, o: T, v: number) => void): void {
  if (x === null) return w.uvarint(0);
  w.uvarint(1);
  fn(w, x, v);
}

// ---- element functions for arrays of primitives (read, write, size) ----

export const R_BOOL = (r: Reader): boolean => r.bool();
export const R_I8 = (r: Reader): number => r.int8();
export const R_I16 = (r: Reader): number => r.int16();
export const R_U16 = (r: Reader): number => r.uint16();
export const R_I32 = (r: Reader): number => r.int32();
export const R_U32 = (r: Reader): number => r.uint32();
export const R_I64 = (r: Reader): bigint => r.int64();
export const R_F64 = (r: Reader): number => r.float64();
export const R_UUID = (r: Reader): string => r.uuid();
export const R_STR = (r: Reader): string => r.str(false);
export const R_CSTR = (r: Reader): string => r.str(true);
export const R_BYTES = (r: Reader): Uint8Array => r.bytes(false);
export const R_CBYTES = (r: Reader): Uint8Array => r.bytes(true);

export const W_BOOL = (w: Writer, e: boolean): void => w.bool(e);
export const W_I8 = (w: Writer, e: number): void => w.int8(e);
export const W_I16 = (w: Writer, e: number): void => w.int16(e);
export const W_U16 = (w: Writer, e: number): void => w.uint16(e);
export const W_I32 = (w: Writer, e: number): void => w.int32(e);
export const W_U32 = (w: Writer, e: number): void => w.uint32(e);
export const W_I64 = (w: Writer, e: bigint): void => w.int64(e);
export const W_F64 = (w: Writer, e: number): void => w.float64(e);
export const W_UUID = (w: Writer, e: string): void => w.uuid(e);
export const W_STR = (w: Writer, e: string): void => w.nstr(e, false);
export const W_CSTR = (w: Writer, e: string): void => w.nstr(e, true);
export const W_BYTES = (w: Writer, e: Uint8Array): void => w.nbytes(e, false);
export const W_CBYTES = (w: Writer, e: Uint8Array): void => w.nbytes(e, true);

export const S_BOOL = (e: boolean, v: number, p: string): number => sBool_(e, p, v);
export const S_I8 = (e: number, v: number, p: string): number => sI8_(e, p, v);
export const S_I16 = (e: number, v: number, p: string): number => sI16_(e, p, v);
export const S_U16 = (e: number, v: number, p: string): number => sU16_(e, p, v);
export const S_I32 = (e: number, v: number, p: string): number => sI32_(e, p, v);
export const S_U32 = (e: number, v: number, p: string): number => sU32_(e, p, v);
export const S_I64 = (e: bigint, v: number, p: string): number => sI64_(e, p, v);
export const S_F64 = (e: number, v: number, p: string): number => sF64_(e, p, v);
export const S_UUID = (e: string, v: number, p: string): number => sUuid_(e, p, v);
export const S_STR = (e: string, v: number, p: string): number => sStr_(e, false, false, p, v);
export const S_CSTR = (e: string, v: number, p: string): number => sStr_(e, true, false, p, v);
export const S_BYTES = (e: Uint8Array, v: number, p: string): number => sBytes_(e, false, false, p, v);
export const S_CBYTES = (e: Uint8Array, v: number, p: string): number => sBytes_(e, true, false, p, v);
