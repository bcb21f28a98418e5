// Types shared by the runtime and the generated codecs.
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** A tagged field the schema does not know: kept raw on decode (a view of the frame) and written
 *  back unchanged, in tag order, on encode. */
export interface UnknownTaggedField {
  tag: number;
  data: Uint8Array;
}

/**
 * What encoders accept: the message type with every field optional, recursively. A missing field
 * is its schema default, so handlers write only the fields they mean (`{}` is an all-default
 * struct). Decoders always return complete values.
 */
export type Init<T> = T extends Uint8Array
  ? T
  : T extends readonly (infer E)[]
    ? readonly Init<E>[]
    : T extends UnknownTaggedField
      ? T
      : T extends object
        ? { [K in keyof T]?: Init<T[K]> }
        : T;

/** A generated message codec. `read` throws DecodeFailure; use the API in api.ts from outside. */
export interface MessageCodec<T> {
  readonly name: string;
  readonly schema: MessageSchema;
  read(r: Reader, version: number): T;
  /** Validates and returns the encoded size (records fields count only their length prefix). */
  size(o: Init<T>, version: number): number;
  /** Writes exactly `size(o, version)` inline bytes (records become separate chunks). */
  write(w: Writer, o: Init<T>, version: number): void;
}

/** Inclusive version range; 32767 stands for "and later". */
export type VersionRange = readonly [number, number];

export type PrimitiveType =
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

/**
 * Machine-readable field table emitted next to each codec (names, types, versions, defaults).
 * Tests derive arbitrary values from it; tools can walk messages generically with it.
 */
export interface FieldSchema {
  /** camelCase property name. */
  readonly name: string;
  /** A primitive, 'struct', or 'array'. */
  readonly type: PrimitiveType | 'struct' | 'array';
  /** For arrays: the element type (a primitive or 'struct'). */
  readonly element?: PrimitiveType | 'struct';
  /** For structs and arrays of structs: the struct's name in `MessageSchema.structs`. */
  readonly struct?: string;
  readonly versions: VersionRange;
  readonly nullable: VersionRange | null;
  readonly tagged: VersionRange | null;
  readonly tag?: number;
  /** Field-level override of the message's flexible versions (RequestHeader.clientId). */
  readonly flexible?: VersionRange | null;
  readonly ignorable: boolean;
  readonly mapKey?: boolean;
  /** The default: a number, bigint, boolean, string, null, [] (empty array) or {} (all-default
   *  struct). */
  readonly default: unknown;
}

export interface StructSchema {
  readonly name: string;
  /** The struct can occur in flexible versions, so it has `unknownTaggedFields`. */
  readonly taggedFields: boolean;
  readonly fields: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  readonly kind: 'request' | 'response' | 'header' | 'data';
  readonly apiKey: number | null;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange | null;
  /** Every struct, the message itself (under its own name) included. */
  readonly structs: Readonly<Record<string, StructSchema>>;
}
