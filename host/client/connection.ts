// One client connection to a Kafka broker, for kwasm's own tools (CLI, benchmarks): typed
// requests over the generated protocol layer, pipelined (any number in flight; a broker answers
// in request order, so responses are matched to the head of a FIFO and checked by correlation
// id), and ApiVersions negotiated once at connect. Not a general client library: no retries, no
// SASL/TLS, one socket.
import net from 'node:net';
import { decodeResponse, encodeRequest } from '../protocol/api.js';
import { ApiKey, apiEntry, type ApiKeyNumber, type RequestBodies, type ResponseBodies } from '../protocol/generated/index.js';
import { ErrorCode, errorInfo } from '../protocol/generated/errors.js';
import type { Init } from '../protocol/types.js';
import { FrameDecoder } from '../network/frames.js';

/** An error code returned by the broker, or a client-side failure with a stable code. */
export class KafkaClientError extends Error {
  /** Kafka error name (UNKNOWN_TOPIC_OR_PARTITION…) or a client code (CONNECTION_CLOSED…). */
  readonly code: string;
  /** Kafka's numeric error code, when the broker returned one. */
  readonly errorCode: number | undefined;
  constructor(code: string, message: string, errorCode?: number) {
    super(message);
    this.name = 'KafkaClientError';
    this.code = code;
    this.errorCode = errorCode;
  }

  static fromCode(errorCode: number, context: string, message?: string | null): KafkaClientError {
    const name = errorInfo(errorCode)?.name ?? `ERROR_${errorCode}`;
    return new KafkaClientError(name, `${context}: ${name}${message ? ` (${message})` : ''}`, errorCode);
  }
}

/** Throws a KafkaClientError unless `errorCode` is NONE. */
export function check(errorCode: number, context: string, message?: string | null): void {
  if (errorCode !== ErrorCode.NONE) throw KafkaClientError.fromCode(errorCode, context, message);
}

export interface ConnectionOptions {
  clientId?: string;
  connectTimeoutMs?: number;
  /** A request unanswered for this long fails the connection. Default 30 s; 0 disables. */
  requestTimeoutMs?: number;
  /** Largest response frame accepted. Default 1 GiB. */
  maxResponseBytes?: number;
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host:port[,host:port…]" (bootstrap.servers); IPv6 as [addr]:port. */
export function parseBootstrap(s: string): HostPort[] {
  const out: HostPort[] = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(?:[A-Za-z]+:\/\/)?(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(part);
    if (!m) throw new KafkaClientError('INVALID_BOOTSTRAP', `expected host:port, got "${part}"`);
    out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
  }
  if (out.length === 0) throw new KafkaClientError('INVALID_BOOTSTRAP', 'no bootstrap server given');
  return out;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  version: number;
  sentAt: number;
  resolve(frame: Buffer): void;
  reject(err: Error): void;
}

const CLIENT_SOFTWARE = { name: 'kwasm-cli', version: '0.1.0' };

export class KafkaConnection {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  /** The broker's supported versions per API key (from ApiVersions). */
  readonly apiVersions = new Map<number, { minVersion: number; maxVersion: number }>();
  readonly #sock: net.Socket;
  readonly #decoder: FrameDecoder;
  readonly #queue: Pending[] = [];
  #head = 0;
  #nextId = 1;
  #closed: Error | null = null;
  #timer: NodeJS.Timeout | null = null;

  private constructor(sock: net.Socket, at: HostPort, opts: ConnectionOptions) {
    this.#sock = sock;
    this.host = at.host;
    this.port = at.port;
    this.clientId = opts.clientId ?? 'kwasm-cli';
    this.#decoder = new FrameDecoder(opts.maxResponseBytes ?? 1 << 30);
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => {
      const err = this.#decoder.push(chunk, (frame) => this.#onFrame(frame));
      if (err) this.#fail(new KafkaClientError('BAD_RESPONSE_FRAME', `${err.code}: response frame of ${err.size} bytes`));
    });
    sock.on('error', (e) => this.#fail(new KafkaClientError('NETWORK_EXCEPTION', `${at.host}:${at.port}: ${e.message}`)));
    sock.on('close', () => this.#fail(new KafkaClientError('CONNECTION_CLOSED', `${at.host}:${at.port}: connection closed by the broker`)));
    const timeout = opts.requestTimeoutMs ?? 30_000;
    if (timeout > 0) {
      this.#timer = setInterval(() => {
        const oldest = this.#queue[this.#head];
        if (oldest && performance.now() - oldest.sentAt > timeout) {
          this.#fail(new KafkaClientError('REQUEST_TIMED_OUT', `${apiName(oldest.apiKey)} got no response within ${timeout} ms`));
        }
      }, Math.min(1000, timeout));
      this.#timer.unref();
    }
  }

  /** Connects and negotiates API versions (ApiVersions v3, falling back as KIP-511 describes). */
  static async connect(at: HostPort, opts: ConnectionOptions = {}): Promise<KafkaConnection> {
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: at.host, port: at.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KafkaClientError('CONNECT_TIMEOUT', `${at.host}:${at.port}: no connection within ${opts.connectTimeoutMs ?? 10_000} ms`));
      }, opts.connectTimeoutMs ?? 10_000);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(new KafkaClientError('NETWORK_EXCEPTION', `${at.host}:${at.port}: ${e.message}`));
      });
    });
    const conn = new KafkaConnection(sock, at, opts);
    try {
      await conn.#negotiate();
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  async #negotiate(): Promise<void> {
    const ours = apiEntry(ApiKey.ApiVersions);
    let version = Math.min(3, ours.maxVersion);
    for (let attempt = 0; attempt < 2; attempt++) {
      const frame = await this.#sendFrame(ApiKey.ApiVersions, version, { clientSoftwareName: CLIENT_SOFTWARE.name, clientSoftwareVersion: CLIENT_SOFTWARE.version });
      let d = decodeResponse(ApiKey.ApiVersions, version, frame);
      // A broker that does not know our version answers in v0 with UNSUPPORTED_VERSION.
      if (d.error && version > 0) d = decodeResponse(ApiKey.ApiVersions, 0, frame);
      if (d.error) throw new KafkaClientError('BAD_RESPONSE', `ApiVersions: ${d.error.message}`);
      if (d.body.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const theirs = d.body.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
        if (!theirs || theirs.maxVersion >= version) throw KafkaClientError.fromCode(d.body.errorCode, 'ApiVersions');
        version = Math.min(theirs.maxVersion, ours.maxVersion);
        continue;
      }
      check(d.body.errorCode, 'ApiVersions');
      for (const k of d.body.apiKeys) this.apiVersions.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion });
      return;
    }
    throw new KafkaClientError('UNSUPPORTED_VERSION', 'ApiVersions: no common version');
  }

  /** Whether the broker supports the API at all. */
  supports(apiKey: number): boolean {
    return this.apiVersions.has(apiKey);
  }

  /**
   * The highest version both sides support, within [clientMin, clientMax] (the versions the
   * calling code knows how to fill in). Throws UNSUPPORTED_VERSION when there is none.
   */
  version(apiKey: ApiKeyNumber, clientMin: number, clientMax: number): number {
    const b = this.apiVersions.get(apiKey);
    const v = b ? Math.min(b.maxVersion, clientMax) : -1;
    if (!b || v < Math.max(b.minVersion, clientMin)) {
      const range = b ? `${b.minVersion}-${b.maxVersion}` : 'none';
      throw new KafkaClientError('UNSUPPORTED_VERSION', `${apiName(apiKey)}: the broker supports versions ${range}, this tool ${clientMin}-${clientMax}`);
    }
    return v;
  }

  /** Requests in flight (sent, not yet answered). */
  get inFlight(): number {
    return this.#queue.length - this.#head;
  }

  get closed(): boolean {
    return this.#closed !== null;
  }

  /** Sends a request and resolves with the decoded response body. */
  async request<K extends ApiKeyNumber>(apiKey: K, version: number, body: Init<RequestBodies[K]>): Promise<ResponseBodies[K]> {
    const frame = await this.#sendFrame(apiKey, version, body);
    const d = decodeResponse(apiKey, version, frame);
    if (d.error) throw new KafkaClientError('BAD_RESPONSE', `${apiName(apiKey)} v${version}: ${d.error.message}`);
    return d.body;
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  send<K extends ApiKeyNumber>(apiKey: K, version: number, body: Init<RequestBodies[K]>): void {
    if (this.#closed) throw this.#closed;
    this.#write(apiKey, version, this.#nextId++, body);
  }

  /** Resolves once everything written so far has been handed to the kernel. */
  flushed(): Promise<void> {
    if (this.#closed || !this.#sock.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.#sock.once('drain', () => resolve()));
  }

  close(): void {
    this.#fail(new KafkaClientError('CONNECTION_CLOSED', 'connection closed by the client'));
  }

  #sendFrame(apiKey: number, version: number, body: unknown): Promise<Buffer> {
    if (this.#closed) return Promise.reject(this.#closed);
    const correlationId = this.#nextId++;
    // Encode before queueing: an encode error must not leave a pending entry behind.
    const p = new Promise<Buffer>((resolve, reject) => {
      this.#write(apiKey, version, correlationId, body);
      this.#queue.push({ correlationId, apiKey, version, sentAt: performance.now(), resolve, reject });
    });
    return p;
  }

  #write(apiKey: number, version: number, correlationId: number, body: unknown): void {
    const chunks = encodeRequest({ requestApiKey: apiKey as ApiKeyNumber, requestApiVersion: version, correlationId, clientId: this.clientId } as never, body as never);
    let size = 0;
    for (const c of chunks) size += c.length;
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(size, 0);
    const s = this.#sock;
    s.cork();
    s.write(prefix);
    for (const c of chunks) s.write(c);
    s.uncork();
  }

  #onFrame(frame: Buffer): void {
    const p = this.#queue[this.#head];
    const id = frame.length >= 4 ? frame.readInt32BE(0) : -1;
    if (!p || p.correlationId !== id) {
      this.#fail(new KafkaClientError('BAD_RESPONSE', `response with correlation id ${id}, expected ${p?.correlationId ?? 'none'}`));
      return;
    }
    this.#queue[this.#head++] = undefined as never;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    p.resolve(frame);
  }

  #fail(err: Error): void {
    if (this.#closed) return;
    this.#closed = err;
    if (this.#timer) clearInterval(this.#timer);
    this.#sock.destroy();
    const pending = this.#queue.slice(this.#head);
    this.#queue.length = 0;
    this.#head = 0;
    for (const p of pending) p.reject(err);
  }
}

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([n, k]) => [k as number, n]));

export function apiName(key: number): string {
  return API_NAMES.get(key) ?? `api${key}`;
}
