// Test helpers: an in-process broker on a free port, and a minimal Kafka client built on the
// generated codecs (one request at a time per call, pipelining allowed).
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../host/broker/broker.js';
import { decodeResponse, encodeRequest, withSizePrefix } from '../../host/protocol/api.js';
import type { ApiKeyNumber, RequestBodies, ResponseBodies } from '../../host/protocol/generated/index.js';
import type { Init } from '../../host/protocol/types.js';

export interface TestBroker extends RunningBroker {
  /** The log dir of a file-storage broker (removed by close unless keepData). */
  readonly dataDir: string | null;
  restart(): Promise<TestBroker>;
}

export async function startTestBroker(
  opts: { storage?: 'memory' | 'file'; config?: Record<string, string | number | boolean>; dataDir?: string; port?: number; keepData?: boolean } = {},
): Promise<TestBroker> {
  const storage = opts.storage ?? 'memory';
  const dataDir = storage === 'file' ? (opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'kwasm-test-'))) : null;
  const config: BrokerOptions['config'] = { ...(dataDir ? { 'log.dirs': dataDir } : {}), ...(opts.config ?? {}) };
  const b = await startBroker({ storage, port: opts.port ?? 0, config, logger: false });
  const close = b.close.bind(b);
  const tb: TestBroker = {
    ...b,
    host: b.host,
    port: b.port,
    bootstrap: b.bootstrap,
    services: b.services,
    metricsPort: b.metricsPort,
    dataDir,
    async close() {
      await close();
      if (dataDir && !opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await close();
      return startTestBroker({ ...opts, storage, dataDir: dataDir ?? undefined, port: b.port });
    },
  };
  return tb;
}

/** A raw protocol client for tests: send typed requests, get typed responses. */
export class TestClient {
  readonly #sock: net.Socket;
  #buf: Buffer = Buffer.alloc(0);
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  closed: Promise<void>;

  private constructor(sock: net.Socket) {
    this.#sock = sock;
    sock.on('data', (d: Buffer) => this.#onData(d));
    this.closed = new Promise((resolve) =>
      sock.on('close', () => {
        for (const p of this.#pending.values()) p.reject(new Error('connection closed'));
        this.#pending.clear();
        resolve();
      }),
    );
    sock.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends a request and resolves with the decoded response body (throws on decode errors). */
  async send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<RequestBodies[K]>, clientId = 'kwasm-test'): Promise<ResponseBodies[K]> {
    const raw = await this.sendRaw(apiKey, apiVersion, body, clientId);
    const d = decodeResponse(apiKey, apiVersion, raw);
    if (d.error) throw d.error;
    return d.body;
  }

  sendRaw<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<RequestBodies[K]>, clientId = 'kwasm-test'): Promise<Buffer> {
    const correlationId = this.#nextId++;
    const chunks = encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId } as never, body);
    return this.sendFrame(Buffer.concat(withSizePrefix(chunks)), correlationId);
  }

  /** Writes raw bytes (a whole frame with its size prefix) and waits for the given correlation id. */
  sendFrame(bytes: Uint8Array, correlationId: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#pending.set(correlationId, { resolve, reject });
      this.#sock.write(bytes);
    });
  }

  /** Sends a request that takes no response (acks=0). */
  fire<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<RequestBodies[K]>): void {
    const chunks = encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: this.#nextId++, clientId: 'kwasm-test' } as never, body);
    this.#sock.write(Buffer.concat(withSizePrefix(chunks)));
  }

  write(bytes: Uint8Array): void {
    this.#sock.write(bytes);
  }

  close(): void {
    this.#sock.destroy();
  }

  #onData(d: Buffer): void {
    this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    while (this.#buf.length >= 8) {
      const size = this.#buf.readInt32BE(0);
      if (this.#buf.length < 4 + size) return;
      const frame = this.#buf.subarray(4, 4 + size);
      this.#buf = this.#buf.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.#pending.get(id);
      this.#pending.delete(id);
      p?.resolve(frame);
    }
  }
}
