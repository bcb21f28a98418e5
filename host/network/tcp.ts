// TCP (and later TLS) adapter: feeds socket bytes to a Connection and writes its responses with
// a 4-byte size prefix. The socket stays corked until the end of the current tick, so every
// response completed in one turn of the event loop (a storage group commit resolves many produce
// requests at once) leaves in one writev: on loopback each write syscall costs tens of
// microseconds of kernel work, more than encoding a small response.
import net from 'node:net';
import { Connection, type ConnectionOptions, type FrameHandler } from './connection.js';

export interface TcpServerOptions extends ConnectionOptions {
  host: string;
  port: number;
  idleTimeoutMs: number;
  onConnection?: (conn: Connection) => void;
}

export interface TcpServer {
  readonly server: net.Server;
  readonly port: number;
  readonly connections: Set<Connection>;
  close(): Promise<void>;
}

export async function listenTcp(handler: FrameHandler, opts: TcpServerOptions): Promise<TcpServer> {
  const connections = new Set<Connection>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    let corked = false;
    const uncork = () => {
      corked = false;
      socket.uncork();
    };
    const conn = new Connection(
      {
        remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
        write(chunks) {
          let size = 0;
          for (const c of chunks) size += c.length;
          const prefix = Buffer.allocUnsafe(4);
          prefix.writeInt32BE(size, 0);
          if (!corked) {
            corked = true;
            socket.cork();
            process.nextTick(uncork);
          }
          socket.write(prefix);
          for (const c of chunks) socket.write(c);
          return !socket.writableNeedDrain;
        },
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        close: () => socket.destroy(),
      },
      handler,
      {
        ...opts,
        onClose: (c, reason) => {
          connections.delete(c);
          opts.onClose?.(c, reason);
        },
      },
    );
    connections.add(conn);
    opts.onConnection?.(conn);
    if (opts.idleTimeoutMs > 0) socket.setTimeout(opts.idleTimeoutMs, () => conn.close(new Error('idle timeout')));
    socket.on('data', (chunk: Buffer) => conn.receive(chunk));
    socket.on('drain', () => conn.drained());
    socket.on('error', () => conn.close());
    socket.on('close', () => {
      sockets.delete(socket);
      conn.close();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  return {
    server,
    port: addr.port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
