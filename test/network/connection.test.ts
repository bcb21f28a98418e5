import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { Connection, type Transport } from '../../host/network/connection.js';
import { listenTcp } from '../../host/network/tcp.js';

function frame(s: string): Buffer {
  const p = Buffer.from(s);
  const b = Buffer.alloc(4 + p.length);
  b.writeInt32BE(p.length, 0);
  p.copy(b, 4);
  return b;
}

class FakeTransport implements Transport {
  written: string[] = [];
  paused = false;
  closed = false;
  accept = true;
  remoteAddress = 'test';
  write(chunks: readonly Uint8Array[]): boolean {
    this.written.push(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString());
    return this.accept;
  }
  pause() { this.paused = true; }
  resume() { this.paused = false; }
  close() { this.closed = true; }
}

describe('Connection', () => {
  it('releases responses in request order even when they complete out of order', async () => {
    const t = new FakeTransport();
    const resolvers = new Map<string, (v: Uint8Array[]) => void>();
    const conn = new Connection(
      t,
      (f) => new Promise((resolve) => resolvers.set(f.toString(), resolve)),
      { maxFrameBytes: 100 },
    );
    conn.receive(Buffer.concat([frame('a'), frame('b'), frame('c')]));
    expect(conn.inFlight).toBe(3);
    resolvers.get('c')!([Buffer.from('C')]);
    resolvers.get('b')!([Buffer.from('B')]);
    await Promise.resolve();
    expect(t.written).toEqual([]);
    resolvers.get('a')!([Buffer.from('A')]);
    await new Promise((r) => setImmediate(r));
    expect(t.written).toEqual(['A', 'B', 'C']);
    expect(conn.inFlight).toBe(0);
  });

  it('hands requests to the handler in arrival order, synchronously', () => {
    const t = new FakeTransport();
    const seen: string[] = [];
    const conn = new Connection(t, (f) => { seen.push(f.toString()); return [f]; }, { maxFrameBytes: 100 });
    conn.receive(Buffer.concat([frame('1'), frame('2'), frame('3')]));
    expect(seen).toEqual(['1', '2', '3']);
    expect(t.written).toEqual(['1', '2', '3']);
  });

  it('skips requests that take no response (acks=0) without blocking later ones', () => {
    const t = new FakeTransport();
    const conn = new Connection(t, (f) => (f.toString() === 'noack' ? null : [f]), { maxFrameBytes: 100 });
    conn.receive(Buffer.concat([frame('x'), frame('noack'), frame('y')]));
    expect(t.written).toEqual(['x', 'y']);
  });

  it('pauses reading when too many requests are in flight, resumes when they finish', async () => {
    const t = new FakeTransport();
    const pending: Array<() => void> = [];
    const conn = new Connection(
      t,
      (f) => new Promise((resolve) => pending.push(() => resolve([f]))),
      { maxFrameBytes: 100, maxInFlight: 2 },
    );
    conn.receive(frame('1'));
    expect(t.paused).toBe(false);
    conn.receive(frame('2'));
    expect(t.paused).toBe(true);
    pending.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(t.paused).toBe(false);
  });

  it('pauses reading while the peer does not drain its responses', () => {
    const t = new FakeTransport();
    t.accept = false;
    const conn = new Connection(t, (f) => [f], { maxFrameBytes: 100 });
    conn.receive(frame('big'));
    expect(t.paused).toBe(true);
    conn.drained();
    expect(t.paused).toBe(false);
  });

  it('closes on a frame over the limit, and when the handler asks', () => {
    const t = new FakeTransport();
    const conn = new Connection(t, (f) => [f], { maxFrameBytes: 2 });
    conn.receive(frame('toolong'));
    expect(t.closed).toBe(true);
    const t2 = new FakeTransport();
    new Connection(t2, () => 'close', { maxFrameBytes: 100 }).receive(frame('x'));
    expect(t2.closed).toBe(true);
  });

  it('closes, and reports, when a handler throws', () => {
    const t = new FakeTransport();
    const errors: unknown[] = [];
    new Connection(t, () => { throw new Error('boom'); }, { maxFrameBytes: 100, onError: (e) => errors.push(e) }).receive(frame('x'));
    expect(t.closed).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

describe('listenTcp', () => {
  it('serves pipelined requests over a socket with size-prefixed responses', async () => {
    const srv = await listenTcp((f) => [Buffer.from('re:'), f], { host: '127.0.0.1', port: 0, maxFrameBytes: 1024, idleTimeoutMs: 0 });
    try {
      const sock = net.connect(srv.port, '127.0.0.1');
      const got: Buffer[] = [];
      sock.on('data', (d) => got.push(d));
      sock.write(Buffer.concat([frame('one'), frame('two')]));
      await new Promise((r) => setTimeout(r, 100));
      const all = Buffer.concat(got);
      expect(all.readInt32BE(0)).toBe(6);
      expect(all.subarray(4, 10).toString()).toBe('re:one');
      expect(all.readInt32BE(10)).toBe(6);
      expect(all.subarray(14, 20).toString()).toBe('re:two');
      sock.destroy();
    } finally {
      await srv.close();
    }
  });

  it('closes idle connections after the idle timeout', async () => {
    const srv = await listenTcp((f) => [f], { host: '127.0.0.1', port: 0, maxFrameBytes: 1024, idleTimeoutMs: 100 });
    try {
      const sock = net.connect(srv.port, '127.0.0.1');
      const closed = await new Promise<number>((resolve) => {
        const t0 = Date.now();
        sock.on('close', () => resolve(Date.now() - t0));
      });
      expect(closed).toBeGreaterThanOrEqual(90);
      expect(srv.connections.size).toBe(0);
    } finally {
      await srv.close();
    }
  });
});
