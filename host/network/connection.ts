// One client connection, independent of the transport (TCP, TLS, WebSocket, in-memory pipe).
//
// Requests are handed to the handler in arrival order; each handler runs its state changes
// synchronously before its first await, so pipelined requests take effect in order. Responses
// may complete out of order and are released strictly in request order. Reading pauses while
// too many requests are in flight or the transport is not draining (back-pressure), so a slow
// reader cannot make the broker buffer without bound.
import { FrameDecoder, type FrameError } from './frames.js';

export interface Transport {
  /** Writes the chunks as one response; returns false when the peer is not draining. */
  write(chunks: readonly Uint8Array[]): boolean;
  pause(): void;
  resume(): void;
  close(reason?: Error): void;
  readonly remoteAddress: string;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly listener: string;
  /** Per-connection state handlers may keep (SASL, client software name…). */
  readonly attributes: Map<string, unknown>;
}

/**
 * Handles one request frame. Returns the response chunks (length prefix excluded), null when the
 * request takes no response (acks=0 Produce), or 'close' to drop the connection (bad frame).
 */
export type FrameHandler = (
  frame: Buffer,
  conn: ConnectionInfo,
) => Promise<readonly Uint8Array[] | null | 'close'> | readonly Uint8Array[] | null | 'close';

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** Requests in flight before reading pauses. */
  maxInFlight?: number;
  listener?: string;
  onClose?: (conn: Connection, reason?: Error | FrameError) => void;
  onError?: (err: unknown, conn: Connection) => void;
}

let nextId = 1;

export class Connection implements ConnectionInfo {
  readonly id = nextId++;
  readonly attributes = new Map<string, unknown>();
  readonly listener: string;
  readonly #transport: Transport;
  readonly #handler: FrameHandler;
  readonly #decoder: FrameDecoder;
  readonly #maxInFlight: number;
  readonly #opts: ConnectionOptions;
  #nextSeq = 0;
  #nextToSend = 0;
  readonly #done = new Map<number, readonly Uint8Array[] | null>();
  #paused = false;
  #writeBlocked = false;
  #closed = false;

  constructor(transport: Transport, handler: FrameHandler, opts: ConnectionOptions) {
    this.#transport = transport;
    this.#handler = handler;
    this.#decoder = new FrameDecoder(opts.maxFrameBytes);
    this.#maxInFlight = opts.maxInFlight ?? 64;
    this.listener = opts.listener ?? 'PLAINTEXT';
    this.#opts = opts;
  }

  get remoteAddress(): string {
    return this.#transport.remoteAddress;
  }

  get inFlight(): number {
    return this.#nextSeq - this.#nextToSend;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Feeds bytes read from the transport. */
  receive(chunk: Buffer): void {
    if (this.#closed) return;
    const err = this.#decoder.push(chunk, (frame) => this.#dispatch(frame));
    if (err) this.close(err);
  }

  /** The transport can take more output again. */
  drained(): void {
    this.#writeBlocked = false;
    this.#updateFlow();
  }

  close(reason?: Error | FrameError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#done.clear();
    this.#transport.close(reason instanceof Error ? reason : undefined);
    this.#opts.onClose?.(this, reason);
  }

  #dispatch(frame: Buffer): void {
    if (this.#closed) return;
    const seq = this.#nextSeq++;
    let result: ReturnType<FrameHandler>;
    try {
      result = this.#handler(frame, this);
    } catch (err) {
      this.#fail(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.#complete(seq, r),
        (err) => this.#fail(err),
      );
    } else {
      this.#complete(seq, result);
    }
    this.#updateFlow();
  }

  #fail(err: unknown): void {
    this.#opts.onError?.(err, this);
    this.close(err instanceof Error ? err : new Error(String(err)));
  }

  #complete(seq: number, r: readonly Uint8Array[] | null | 'close'): void {
    if (this.#closed) return;
    if (r === 'close') {
      this.close();
      return;
    }
    this.#done.set(seq, r);
    while (this.#done.has(this.#nextToSend)) {
      const chunks = this.#done.get(this.#nextToSend)!;
      this.#done.delete(this.#nextToSend);
      this.#nextToSend++;
      if (chunks !== null && !this.#transport.write(chunks)) this.#writeBlocked = true;
    }
    this.#updateFlow();
  }

  #updateFlow(): void {
    if (this.#closed) return;
    const shouldPause = this.#writeBlocked || this.inFlight >= this.#maxInFlight;
    if (shouldPause && !this.#paused) {
      this.#paused = true;
      this.#transport.pause();
    } else if (!shouldPause && this.#paused) {
      this.#paused = false;
      this.#transport.resume();
    }
  }
}
