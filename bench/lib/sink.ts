// The floor for bench/broker.ts: a minimal Node TCP server that frames Kafka requests and
// discards them. Produce gets a canned success response (correlation id patched in), so load
// generators run exactly as against a broker; ApiVersions and Metadata are answered through the
// generated codecs (off the hot path) so clients can bootstrap. Nothing is validated or stored.
//
//   node --import tsx bench/lib/sink.ts <topic>   → prints {"port": N} and serves until killed.
import net from 'node:net';
import { FrameDecoder } from '../../host/network/frames.js';
import { decodeRequest, encodeResponse } from '../../host/protocol/api.js';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ZERO_UUID } from '../../host/protocol/uuid.js';

const topic = process.argv[2] ?? 'bench';
const APIS = [
  { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 11 },
  { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
];
const canned = new Map<number, Buffer>();

function produceResponse(version: number): Buffer {
  let b = canned.get(version);
  if (!b) {
    const chunks = encodeResponse(ApiKey.Produce, version, 0, {
      responses: [{ name: topic, partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n }] }],
    });
    const body = Buffer.concat(chunks);
    b = Buffer.alloc(4 + body.length);
    b.writeInt32BE(body.length, 0);
    body.copy(b, 4);
    canned.set(version, b);
  }
  return b;
}

function slowPath(frame: Buffer, port: number): Buffer | null {
  const d = decodeRequest(frame);
  let chunks: Uint8Array[];
  if (d.error) {
    if (d.error.apiKey !== ApiKey.ApiVersions || d.error.correlationId === undefined) return null;
    chunks = encodeResponse(ApiKey.ApiVersions, 0, d.error.correlationId, { errorCode: 35, apiKeys: APIS });
  } else if (d.apiKey === ApiKey.ApiVersions) {
    chunks = encodeResponse(ApiKey.ApiVersions, d.apiVersion, d.correlationId, { errorCode: 0, apiKeys: APIS });
  } else if (d.apiKey === ApiKey.Metadata) {
    chunks = encodeResponse(ApiKey.Metadata, d.apiVersion, d.correlationId, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port }],
      clusterId: d.apiVersion >= 2 ? 'kwasm-sink' : null,
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: topic,
          topicId: ZERO_UUID,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: d.apiVersion >= 7 ? 0 : -1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        },
      ],
    });
  } else {
    return null;
  }
  return Buffer.concat([Buffer.alloc(4), ...chunks]);
}

const server = net.createServer({ noDelay: true }, (sock) => {
  const frames = new FrameDecoder(100 * 1024 * 1024);
  // Responses of one tick leave in one writev, as the broker's TCP adapter does.
  let corked = false;
  const uncork = () => {
    corked = false;
    sock.uncork();
  };
  const send = (b: Buffer) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(uncork);
    }
    sock.write(b);
  };
  const port = (server.address() as net.AddressInfo).port;
  sock.on('data', (chunk: Buffer) => {
    const err = frames.push(chunk, (frame) => {
      const apiKey = frame.readInt16BE(0);
      if (apiKey === ApiKey.Produce) {
        const version = frame.readInt16BE(2);
        const out = Buffer.from(produceResponse(version));
        frame.copy(out, 4, 4, 8); // correlation id
        send(out);
        return;
      }
      const out = slowPath(frame, port);
      if (!out) {
        sock.destroy();
        return;
      }
      out.writeInt32BE(out.length - 4, 0);
      send(out);
    });
    if (err) sock.destroy();
  });
  sock.on('error', () => sock.destroy());
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as net.AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
