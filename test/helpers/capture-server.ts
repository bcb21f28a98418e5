// A tiny Kafka "broker" that records the request frames real clients send, for golden-byte
// fixtures. It answers just enough for a client to proceed: ApiVersions, Metadata (one broker:
// itself), Produce (kept in memory), Fetch, ListOffsets, FindCoordinator, a one-member group
// (JoinGroup/SyncGroup/Heartbeat/LeaveGroup), OffsetFetch/OffsetCommit and InitProducerId.
// Built only on the protocol codecs; binds to 127.0.0.1. Not a broker: no durability, one
// partition log per topic-partition in memory, every client is its own group leader.
import net from 'node:net';
import { concatChunks, decodeRequest, encodeResponse, withSizePrefix, type DecodedRequest } from '../../host/protocol/api.js';
import { ApiKey, apiEntry, type ApiKeyNumber } from '../../host/protocol/generated/index.js';
import { randomUuid } from '../../host/protocol/uuid.js';

export interface CapturedFrame {
  apiKey: number;
  apiVersion: number;
  /** The request frame (after the size prefix), copied. */
  frame: Uint8Array;
  /** Set when the frame did not decode (a protocol-layer bug or an API we do not know). */
  error?: string;
}

export interface CaptureServer {
  readonly port: number;
  readonly frames: CapturedFrame[];
  close(): Promise<void>;
}

const HANDLED: ApiKeyNumber[] = [
  ApiKey.Produce,
  ApiKey.Fetch,
  ApiKey.ListOffsets,
  ApiKey.Metadata,
  ApiKey.OffsetCommit,
  ApiKey.OffsetFetch,
  ApiKey.FindCoordinator,
  ApiKey.JoinGroup,
  ApiKey.Heartbeat,
  ApiKey.LeaveGroup,
  ApiKey.SyncGroup,
  ApiKey.ApiVersions,
  ApiKey.InitProducerId,
];

interface Partition {
  /** Appended produce payloads with the offsets they cover ([base, end)). */
  batches: { base: bigint; end: bigint; bytes: Uint8Array }[];
  next: bigint;
}

export async function startCaptureServer(opts: { partitions?: number; maxVersions?: Partial<Record<number, number>> } = {}): Promise<CaptureServer> {
  const frames: CapturedFrame[] = [];
  const nPartitions = opts.partitions ?? 1;
  const topics = new Map<string, { id: string; partitions: Partition[] }>();
  const idToName = new Map<string, string>();
  const topic = (name: string) => {
    let t = topics.get(name);
    if (!t) {
      t = { id: randomUuid(), partitions: Array.from({ length: nPartitions }, () => ({ batches: [], next: 0n })) };
      topics.set(name, t);
      idToName.set(t.id, name);
    }
    return t;
  };
  const sockets = new Set<net.Socket>();
  let port = 0;

  const respond = (req: DecodedRequest): Uint8Array[] | null | Promise<Uint8Array[]> => {
    const v = req.apiVersion;
    const reply = <K extends ApiKeyNumber>(k: K, body: Parameters<typeof encodeResponse<K>>[3]) => encodeResponse(k, v, req.correlationId, body);
    switch (req.apiKey) {
      case ApiKey.ApiVersions:
        return reply(ApiKey.ApiVersions, {
          apiKeys: HANDLED.map((k) => {
            const a = apiEntry(k);
            return { apiKey: k, minVersion: a.minVersion, maxVersion: Math.min(a.maxVersion, opts.maxVersions?.[k] ?? a.maxVersion) };
          }),
        });
      case ApiKey.Metadata: {
        const names = req.body.topics === null || req.body.topics.length === 0 ? [...topics.keys()] : req.body.topics.map((t) => t.name ?? idToName.get(t.topicId) ?? 'unknown');
        return reply(ApiKey.Metadata, {
          brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
          clusterId: v >= 2 ? 'kwasm-capture' : undefined,
          controllerId: 1,
          topics: names.map((name) => ({
            name,
            topicId: topic(name).id,
            partitions: topic(name).partitions.map((_, i) => ({ partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] })),
          })),
        });
      }
      case ApiKey.Produce: {
        const responses = req.body.topicData.map((td) => ({
          name: td.name,
          partitionResponses: td.partitionData.map((pd) => {
            const p = topic(td.name).partitions[pd.index];
            if (!p || pd.records === null) return { index: pd.index, errorCode: 3 };
            const base = p.next;
            // Copy, and rewrite each batch's base offset (not covered by the CRC).
            const recs = Uint8Array.from(pd.records);
            const dv = new DataView(recs.buffer);
            for (let pos = 0; pos + 61 <= recs.length; ) {
              dv.setBigInt64(pos, p.next);
              const count = dv.getInt32(pos + 57);
              p.next += BigInt(count);
              pos += 12 + dv.getInt32(pos + 8);
            }
            p.batches.push({ base, end: p.next, bytes: recs });
            return { index: pd.index, baseOffset: base, logAppendTimeMs: -1n, logStartOffset: 0n };
          }),
        }));
        if (req.body.acks === 0) return null;
        return reply(ApiKey.Produce, { responses });
      }
      case ApiKey.Fetch: {
        const body = {
          responses: req.body.topics.map((t) => {
            const name = t.topic || idToName.get(t.topicId) || '';
            const tp = topics.get(name);
            return {
              topic: v <= 12 ? name : undefined,
              topicId: v >= 13 ? t.topicId : undefined,
              partitions: t.partitions.map((fp) => {
                const p = tp?.partitions[fp.partition];
                if (!p) return { partitionIndex: fp.partition, errorCode: 3, highWatermark: -1n, records: null };
                const out = p.batches.filter((b) => b.end > fp.fetchOffset).map((b) => b.bytes);
                return {
                  partitionIndex: fp.partition,
                  highWatermark: p.next,
                  lastStableOffset: p.next,
                  logStartOffset: 0n,
                  abortedTransactions: v >= 4 ? [] : undefined,
                  records: concatChunks(out.length ? out : [new Uint8Array(0)]),
                };
              }),
            };
          }),
        };
        const empty = body.responses.every((t) => t.partitions.every((p) => !p.records || p.records.length === 0));
        const out = () => reply(ApiKey.Fetch, body);
        // An empty fetch waits a little (as a broker's long poll would), without stalling tests.
        return empty ? new Promise((res) => setTimeout(() => res(out()), Math.min(req.body.maxWaitMs, 100))) : out();
      }
      case ApiKey.ListOffsets:
        return reply(ApiKey.ListOffsets, {
          topics: req.body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((lp) => {
              const p = topic(t.name).partitions[lp.partitionIndex];
              const offset = lp.timestamp === -1n ? (p?.next ?? 0n) : 0n;
              return v === 0
                ? { partitionIndex: lp.partitionIndex, oldStyleOffsets: [offset] }
                : { partitionIndex: lp.partitionIndex, timestamp: -1n, offset, leaderEpoch: v >= 4 ? 0 : undefined };
            }),
          })),
        });
      case ApiKey.FindCoordinator:
        return reply(
          ApiKey.FindCoordinator,
          v >= 4
            ? { coordinators: req.body.coordinatorKeys.map((key) => ({ key, nodeId: 1, host: '127.0.0.1', port })) }
            : { nodeId: 1, host: '127.0.0.1', port },
        );
      case ApiKey.JoinGroup: {
        const memberId = req.body.memberId || `member-${req.correlationId}-${Math.floor(Math.random() * 1e6)}`;
        const proto = req.body.protocols[0]!;
        return reply(ApiKey.JoinGroup, {
          generationId: 1,
          protocolType: v >= 7 ? req.body.protocolType : undefined,
          protocolName: proto.name,
          leader: memberId,
          memberId,
          members: [{ memberId, groupInstanceId: v >= 5 ? req.body.groupInstanceId : undefined, metadata: proto.metadata }],
        });
      }
      case ApiKey.SyncGroup: {
        const mine = req.body.assignments.find((a) => a.memberId === req.body.memberId);
        return reply(ApiKey.SyncGroup, {
          protocolType: v >= 5 ? req.body.protocolType : undefined,
          protocolName: v >= 5 ? req.body.protocolName : undefined,
          assignment: mine?.assignment ?? new Uint8Array(0),
        });
      }
      case ApiKey.Heartbeat:
        return reply(ApiKey.Heartbeat, {});
      case ApiKey.LeaveGroup:
        return reply(ApiKey.LeaveGroup, v >= 3 ? { members: req.body.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) } : {});
      case ApiKey.OffsetFetch: {
        const part = (partitionIndex: number) => ({ partitionIndex, committedOffset: -1n, metadata: '' });
        if (v >= 8) {
          return reply(ApiKey.OffsetFetch, {
            groups: req.body.groups.map((g) => ({
              groupId: g.groupId,
              topics: (g.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map(part) })),
            })),
          });
        }
        return reply(ApiKey.OffsetFetch, { topics: (req.body.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map(part) })) });
      }
      case ApiKey.OffsetCommit:
        return reply(ApiKey.OffsetCommit, {
          topics: req.body.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex })) })),
        });
      case ApiKey.InitProducerId:
        return reply(ApiKey.InitProducerId, { producerId: 4242n, producerEpoch: 0 });
      default:
        throw new Error(`capture server: no answer for API key ${req.apiKey}`);
    }
  };

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    let chain: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = Uint8Array.from(pending.subarray(4, 4 + size));
        pending = pending.subarray(4 + size);
        const d = decodeRequest(frame);
        const captured: CapturedFrame = {
          apiKey: frame.length >= 2 ? (frame[0]! << 8) | frame[1]! : -1,
          apiVersion: frame.length >= 4 ? (frame[2]! << 8) | frame[3]! : -1,
          frame,
        };
        frames.push(captured);
        if (d.error) {
          captured.error = d.error.message;
          // An ApiVersions version we do not know: answer v0 with UNSUPPORTED_VERSION (35).
          if (d.error.code === 'UNSUPPORTED_VERSION' && d.error.apiKey === ApiKey.ApiVersions && d.error.correlationId !== undefined) {
            const out = encodeResponse(ApiKey.ApiVersions, 0, d.error.correlationId, {
              errorCode: 35,
              apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: apiEntry(ApiKey.ApiVersions).maxVersion }],
            });
            chain = chain.then(() => void socket.write(concatChunks(withSizePrefix(out))));
            continue;
          }
          socket.destroy();
          return;
        }
        let result: ReturnType<typeof respond>;
        try {
          result = respond(d);
        } catch (e) {
          captured.error = (e as Error).message;
          socket.destroy();
          return;
        }
        chain = chain.then(async () => {
          const out = await result;
          if (out !== null && !socket.destroyed) socket.write(concatChunks(withSizePrefix(out)));
        });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  return {
    port,
    frames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
