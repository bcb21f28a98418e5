// Errors of the protocol layer.
//
// Decoding never throws past the public API: codecs throw a cheap internal `DecodeFailure` (no
// stack capture, so fuzzing millions of bad frames stays fast), and the API boundary turns it into
// one `ProtocolDecodeError` naming the message, API key, version, field path and byte offset.
// Encoding errors are programmer errors (a handler built an impossible response): they throw a
// `ProtocolEncodeError` with a stable code and the field path.

/** Stable codes of decode errors. */
export type DecodeErrorCode =
  /** The frame ends before a field does. */
  | 'TRUNCATED'
  /** A length or count is negative, larger than the bytes that remain, or over a limit. */
  | 'INVALID_LENGTH'
  /** An unsigned varint is longer than 5 bytes or overflows 32 bits. */
  | 'INVALID_VARINT'
  /** A null length/marker in a field that is not nullable in this version. */
  | 'NULL_NOT_ALLOWED'
  /** A tag twice in one tagged-field section, a known tag in a version that lacks it, or a
   *  tagged field whose content does not fill exactly its declared size. */
  | 'INVALID_TAGGED_FIELD'
  /** The request header names an API key this build does not know. */
  | 'UNKNOWN_API_KEY'
  /** The request header names a version outside the schema's valid versions. */
  | 'UNSUPPORTED_VERSION'
  /** Bytes left over after the message. */
  | 'TRAILING_BYTES';

/** Thrown inside codecs; converted to ProtocolDecodeError at the API boundary. Not an Error. */
export class DecodeFailure {
  /** Path components, outermost first once unwinding is complete. */
  readonly path: string[] = [];
  constructor(
    readonly code: DecodeErrorCode,
    readonly reason: string,
    readonly offset: number,
  ) {}
}

/** Adds one path component (a field name or `[index]`) while a failure unwinds. Anything that is
 *  not a DecodeFailure is a bug and is rethrown untouched. */
export function at(e: unknown, component: string | number): unknown {
  if (e instanceof DecodeFailure) e.path.unshift(typeof component === 'number' ? `[${component}]` : component);
  return e;
}

export function joinPath(path: readonly string[]): string {
  let s = '';
  for (const p of path) {
    if (p === '') continue;
    s += s === '' || p.startsWith('[') ? p : `.${p}`;
  }
  return s;
}

export interface DecodeErrorContext {
  /** Schema name of the message being decoded, e.g. `FetchRequest`, `RequestHeader`. */
  message?: string;
  apiKey?: number;
  apiVersion?: number;
  correlationId?: number;
  /** The parsed request header, when the failure is in the body. */
  header?: unknown;
}

export class ProtocolDecodeError extends Error {
  override readonly name = 'ProtocolDecodeError';
  readonly code: DecodeErrorCode;
  readonly messageName: string | undefined;
  readonly apiKey: number | undefined;
  readonly apiVersion: number | undefined;
  readonly correlationId: number | undefined;
  /** Field path inside the message, e.g. `topics[0].partitions[2].records`. */
  readonly path: string;
  /** Byte offset in the decoded buffer where the failure was detected. */
  readonly offset: number;
  readonly header: unknown;

  constructor(code: DecodeErrorCode, reason: string, offset: number, path: string, ctx: DecodeErrorContext = {}) {
    const where = `${ctx.message ?? 'message'}${ctx.apiVersion !== undefined ? ` v${ctx.apiVersion}` : ''}`;
    // Bad input is data, not a bug: a stack trace would say nothing and costs microseconds per
    // frame, which matters when a peer (or the fuzzer) sends millions of bad frames.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${where}${path ? ` at ${path}` : ''}: ${reason} (offset ${offset})`);
    Error.stackTraceLimit = limit;
    this.code = code;
    this.messageName = ctx.message;
    this.apiKey = ctx.apiKey;
    this.apiVersion = ctx.apiVersion;
    this.correlationId = ctx.correlationId;
    this.path = path;
    this.offset = offset;
    this.header = ctx.header;
  }

  static from(f: DecodeFailure, ctx: DecodeErrorContext): ProtocolDecodeError {
    return new ProtocolDecodeError(f.code, f.reason, f.offset, joinPath(f.path), ctx);
  }
}

/** Stable codes of encode errors. */
export type EncodeErrorCode =
  /** A non-default value in a non-ignorable field that the target version lacks (Kafka's rule). */
  | 'NON_DEFAULT_FIELD'
  /** null in a field that is not nullable in the target version. */
  | 'NULL_NOT_ALLOWED'
  /** A number outside its wire type's range, or a value of the wrong JS type. */
  | 'INVALID_VALUE'
  /** A string longer than 32767 UTF-8 bytes. */
  | 'STRING_TOO_LONG'
  /** unknownTaggedFields not sorted, duplicated, colliding with a known tag, or set in a
   *  non-flexible version. */
  | 'INVALID_TAGGED_FIELDS'
  | 'UNKNOWN_API_KEY'
  | 'UNSUPPORTED_VERSION';

export class ProtocolEncodeError extends Error {
  override readonly name = 'ProtocolEncodeError';
  constructor(
    readonly code: EncodeErrorCode,
    /** `Struct.field` of the offending value. */
    readonly path: string,
    readonly version: number,
    reason: string,
  ) {
    super(`${path} v${version}: ${reason}`);
  }
}
