// The protocol layer's public API: frames in, typed messages out, and back.
//
// A frame is the bytes after Kafka's 4-byte size prefix (the network layer strips and adds that
// prefix). Decoding is total: any byte sequence gives a decoded message or `{ error }` with a
// ProtocolDecodeError; nothing else is thrown (anything else would be a bug, and is rethrown so
// tests and fuzzers see it). Encoding returns a list of chunks for one writev: `records` fields
// are separate chunks holding the caller's own bytes, never copied.
import { DecodeFailure, ProtocolDecodeError, ProtocolEncodeError, type DecodeErrorContext } from './errors.js';
import { apiEntry, type ApiKeyNumber, type RequestBodies, type ResponseBodies } from './generated/index.js';
import { codec as RequestHeaderCodec, type RequestHeader } from './generated/RequestHeader.js';
import { codec as ResponseHeaderCodec, type ResponseHeader } from './generated/ResponseHeader.js';
import { Reader } from './reader.js';
import type { Init, MessageCodec } from './types.js';
import { Writer } from './writer.js';

export type { RequestHeader } from './generated/RequestHeader.js';
export type { ResponseHeader } from './generated/ResponseHeader.js';

/** A decoded request, discriminated by `apiKey`. */
export type DecodedRequest = {
  [K in ApiKeyNumber]: {
    readonly apiKey: K;
    readonly apiVersion: number;
    readonly correlationId: number;
    readonly header: RequestHeader;
    readonly body: RequestBodies[K];
    readonly error?: undefined;
  };
}[ApiKeyNumber];

export interface DecodedResponse<K extends ApiKeyNumber> {
  readonly header: ResponseHeader;
  readonly body: ResponseBodies[K];
  readonly error?: undefined;
}

export interface DecodeFailed {
  readonly error: ProtocolDecodeError;
  // Absent on failures, so `if (d.apiKey === ApiKey.Fetch)` narrows without checking `error`.
  readonly apiKey?: undefined;
  readonly header?: undefined;
  readonly body?: undefined;
}

export interface EncodeOptions {
  /** Receives (offset, kind) of every length prefix written (for fuzzers); see writer.ts. */
  trace?: number[];
}

/**
 * Decodes a request frame: header (version per API and version), then body.
 *
 * Errors carry what could be parsed: `apiKey`, `apiVersion`, `correlationId` (from the first 8
 * bytes) and `header` when the failure is in the body, so the broker can still answer (an
 * ApiVersions request of an unknown version gets UNSUPPORTED_VERSION) or close the connection.
 */
export function decodeRequest(frame: Uint8Array): DecodedRequest | DecodeFailed {
  const len = frame.length;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const apiKey = len >= 2 ? dv.getInt16(0) : undefined;
  const apiVersion = len >= 4 ? dv.getInt16(2) : undefined;
  const correlationId = len >= 8 ? dv.getInt32(4) : undefined;
  const ctx: DecodeErrorContext = { message: 'RequestHeader', apiKey, apiVersion, correlationId };
  if (apiKey === undefined || apiVersion === undefined || correlationId === undefined) {
    return { error: new ProtocolDecodeError('TRUNCATED', `frame of ${len} bytes is shorter than a request header`, 0, '', ctx) };
  }
  const api = apiEntry(apiKey);
  if (api === undefined) {
    return { error: new ProtocolDecodeError('UNKNOWN_API_KEY', `unknown API key ${apiKey}`, 0, 'requestApiKey', ctx) };
  }
  ctx.message = api.request.name;
  if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    return {
      error: new ProtocolDecodeError(
        'UNSUPPORTED_VERSION',
        `${api.name} v${apiVersion} is outside ${api.minVersion}-${api.maxVersion}`,
        2,
        'requestApiVersion',
        ctx,
      ),
    };
  }
  const r = new Reader(frame);
  let header: RequestHeader;
  try {
    header = RequestHeaderCodec.read(r, api.requestHeaderVersions[apiVersion - api.minVersion]!);
  } catch (e) {
    if (e instanceof DecodeFailure) return { error: ProtocolDecodeError.from(e, { ...ctx, message: 'RequestHeader' }) };
    throw e;
  }
  ctx.header = header;
  try {
    const body = api.request.read(r, apiVersion);
    if (r.pos !== r.end) throw r.fail('TRAILING_BYTES', `${r.end - r.pos} bytes after the message`);
    return { apiKey, apiVersion, correlationId, header, body } as DecodedRequest;
  } catch (e) {
    if (e instanceof DecodeFailure) return { error: ProtocolDecodeError.from(e, ctx) };
    throw e;
  }
}

/** Decodes a response frame of a known API and version (the client side, tests, tools). */
export function decodeResponse<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  frame: Uint8Array,
): DecodedResponse<K> | DecodeFailed {
  const api = apiEntry(apiKey);
  const ctx: DecodeErrorContext = { message: 'ResponseHeader', apiKey, apiVersion };
  if (api === undefined) return { error: new ProtocolDecodeError('UNKNOWN_API_KEY', `unknown API key ${apiKey}`, 0, '', ctx) };
  if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
    return { error: new ProtocolDecodeError('UNSUPPORTED_VERSION', `${api.name} v${apiVersion} is outside ${api.minVersion}-${api.maxVersion}`, 0, '', ctx) };
  }
  const r = new Reader(frame);
  try {
    const header = ResponseHeaderCodec.read(r, api.responseHeaderVersions[apiVersion - api.minVersion]!);
    ctx.message = api.response.name;
    ctx.correlationId = header.correlationId;
    ctx.header = header;
    const body = api.response.read(r, apiVersion);
    if (r.pos !== r.end) throw r.fail('TRAILING_BYTES', `${r.end - r.pos} bytes after the message`);
    return { header, body };
  } catch (e) {
    if (e instanceof DecodeFailure) return { error: ProtocolDecodeError.from(e, ctx) };
    throw e;
  }
}

function entryFor(apiKey: number, version: number) {
  const api = apiEntry(apiKey);
  if (api === undefined) throw new ProtocolEncodeError('UNKNOWN_API_KEY', `apiKey ${apiKey}`, version, 'unknown API key');
  if (version < api.minVersion || version > api.maxVersion) {
    throw new ProtocolEncodeError('UNSUPPORTED_VERSION', api.name, version, `valid versions are ${api.minVersion}-${api.maxVersion}`);
  }
  return api;
}

/**
 * Encodes a response: header (v0, or v1 in flexible versions; ApiVersions always v0) and body.
 * Returns the frame as chunks, without the 4-byte size prefix. Throws ProtocolEncodeError when
 * the body breaks the schema (e.g. a non-default value in a non-ignorable field the version
 * lacks, or null where the version does not allow it).
 */
export function encodeResponse<K extends ApiKeyNumber>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: Init<ResponseBodies[K]>,
  opts?: EncodeOptions,
): Uint8Array[] {
  const api = entryFor(apiKey, apiVersion);
  const hv = api.responseHeaderVersions[apiVersion - api.minVersion]!;
  const header = { correlationId };
  const size = ResponseHeaderCodec.size(header, hv) + api.response.size(body as never, apiVersion);
  const w = new Writer(size, opts?.trace ?? null);
  ResponseHeaderCodec.write(w, header, hv);
  api.response.write(w, body as never, apiVersion);
  return w.finish();
}

export type RequestHeaderInit<K extends ApiKeyNumber> = Init<RequestHeader> & { requestApiKey: K; requestApiVersion: number };

/**
 * Encodes a request (client side, tests, tools). The header's version follows the API version;
 * its unknownTaggedFields are written back, so a decoded request re-encodes byte for byte.
 * Returns chunks without the size prefix.
 */
export function encodeRequest<K extends ApiKeyNumber>(
  header: RequestHeaderInit<K>,
  body: Init<RequestBodies[K]>,
  opts?: EncodeOptions,
): Uint8Array[] {
  const v = header.requestApiVersion;
  const api = entryFor(header.requestApiKey, v);
  const hv = api.requestHeaderVersions[v - api.minVersion]!;
  const size = RequestHeaderCodec.size(header, hv) + api.request.size(body as never, v);
  const w = new Writer(size, opts?.trace ?? null);
  RequestHeaderCodec.write(w, header, hv);
  api.request.write(w, body as never, v);
  return w.finish();
}

/** Encodes a message that is not a request or response (coordinator records, consumer protocol
 *  metadata…) into one buffer. */
export function encodeData<T>(codec: MessageCodec<T>, version: number, value: Init<T>): Uint8Array {
  checkDataVersion(codec, version);
  const w = new Writer(codec.size(value, version));
  codec.write(w, value, version);
  return concatChunks(w.finish());
}

export function decodeData<T>(
  codec: MessageCodec<T>,
  version: number,
  bytes: Uint8Array,
): { readonly value: T; readonly error?: undefined } | DecodeFailed {
  const ctx: DecodeErrorContext = { message: codec.name, apiVersion: version };
  const [lo, hi] = codec.schema.validVersions;
  if (version < lo || version > hi) {
    return { error: new ProtocolDecodeError('UNSUPPORTED_VERSION', `valid versions are ${lo}-${hi}`, 0, '', ctx) };
  }
  const r = new Reader(bytes);
  try {
    const value = codec.read(r, version);
    if (r.pos !== r.end) throw r.fail('TRAILING_BYTES', `${r.end - r.pos} bytes after the message`);
    return { value };
  } catch (e) {
    if (e instanceof DecodeFailure) return { error: ProtocolDecodeError.from(e, ctx) };
    throw e;
  }
}

function checkDataVersion(codec: MessageCodec<unknown>, version: number): void {
  const [lo, hi] = codec.schema.validVersions;
  if (version < lo || version > hi) {
    throw new ProtocolEncodeError('UNSUPPORTED_VERSION', codec.name, version, `valid versions are ${lo}-${hi}`);
  }
}

/** Total bytes of a chunk list. */
export function chunksSize(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
}

/** Copies chunks into one buffer (tests, tools; the broker writes chunks as they are). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunksSize(chunks));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Prepends Kafka's int32 size prefix (for transports that do not add it themselves). */
export function withSizePrefix(chunks: readonly Uint8Array[]): Uint8Array[] {
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setInt32(0, chunksSize(chunks));
  return [prefix, ...chunks];
}
