// Protocol codec benchmark: decode and encode of a Produce request and a Fetch response carrying
// 1 MiB of records (one partition, and 100 partitions of 10 KiB), time per message and bytes of
// record data copied (goal: zero — decoded records are views of the frame, encoded records are
// output chunks holding the caller's buffer). Peers measured in the same run: a 1 MiB memcpy (what
// one copy of the records costs) and a copying encoder (the same chunks concatenated).
//
//   node --import tsx bench/protocol.ts [--ms 400]
import { concatChunks, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../host/protocol/api.js';
import { ApiKey } from '../host/protocol/generated/index.js';

const argMs = process.argv.indexOf('--ms');
const BUDGET_MS = argMs >= 0 ? Number(process.argv[argMs + 1]) : 400;
const MiB = 1 << 20;

function bench(fn: () => unknown): number {
  for (let i = 0; i < 20; i++) fn(); // warm up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < BUDGET_MS) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n; // µs per call
}

/** Bytes of `records` that did not stay the same memory (a view of `frame`, or the same object). */
function copiedOnDecode(records: (Uint8Array | null)[], frame: Uint8Array): number {
  let copied = 0;
  for (const r of records) {
    if (r === null) continue;
    const inside = r.buffer === frame.buffer && r.byteOffset >= frame.byteOffset && r.byteOffset + r.length <= frame.byteOffset + frame.length;
    if (!inside) copied += r.length;
  }
  return copied;
}

function copiedOnEncode(records: Uint8Array[], chunks: Uint8Array[]): number {
  const set = new Set(chunks);
  let copied = 0;
  for (const r of records) if (r.length > 0 && !set.has(r)) copied += r.length;
  return copied;
}

interface Row {
  case: string;
  op: string;
  'µs/msg': string;
  'GB/s': string;
  'records copied (bytes)': number;
  'vs 1 MiB memcpy': string;
}

const rows: Row[] = [];
const src = new Uint8Array(MiB).fill(7);
const dst = new Uint8Array(MiB);
const memcpyUs = bench(() => dst.set(src));

function row(name: string, op: string, us: number, copied: number): void {
  rows.push({
    case: name,
    op,
    'µs/msg': us.toFixed(2),
    'GB/s': (MiB / (us * 1000)).toFixed(1),
    'records copied (bytes)': copied,
    'vs 1 MiB memcpy': `${(us / memcpyUs).toFixed(3)}×`,
  });
}

for (const partitions of [1, 100]) {
  const size = MiB / partitions;
  const recs = Array.from({ length: partitions }, (_, i) => new Uint8Array(size).fill(i & 0xff));
  const name = `${partitions} × ${size >= MiB ? '1 MiB' : `${size / 1024} KiB`}`;

  // Produce v9 (flexible): a client encodes it, the broker decodes it.
  const produce = {
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'bench-topic', partitionData: recs.map((records, index) => ({ index, records })) }],
  };
  const header = { requestApiKey: ApiKey.Produce, requestApiVersion: 9, correlationId: 1, clientId: 'bench' } as const;
  const pChunks = encodeRequest(header, produce);
  const pFrame = Uint8Array.from(concatChunks(pChunks));
  const pDecoded = decodeRequest(pFrame);
  if (pDecoded.error || pDecoded.apiKey !== ApiKey.Produce) throw new Error('produce decode failed');
  const pRecords = pDecoded.body.topicData[0]!.partitionData.map((p) => p.records);
  row(name, 'Produce v9 decode (broker)', bench(() => decodeRequest(pFrame)), copiedOnDecode(pRecords, pFrame));
  row(name, 'Produce v9 encode (client)', bench(() => encodeRequest(header, produce)), copiedOnEncode(recs, pChunks));

  // Fetch v16 response: the broker encodes it, a client decodes it.
  const fetch = {
    responses: [
      {
        topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
        partitions: recs.map((records, partitionIndex) => ({ partitionIndex, highWatermark: 1000n, lastStableOffset: 1000n, logStartOffset: 0n, records })),
      },
    ],
  };
  const fChunks = encodeResponse(ApiKey.Fetch, 16, 7, fetch);
  row(name, 'Fetch v16 encode (broker)', bench(() => encodeResponse(ApiKey.Fetch, 16, 7, fetch)), copiedOnEncode(recs, fChunks));
  const fFrame = Uint8Array.from(concatChunks(fChunks));
  const fDecoded = decodeResponse(ApiKey.Fetch, 16, fFrame);
  if (fDecoded.error) throw fDecoded.error;
  row(name, 'Fetch v16 decode (client)', bench(() => decodeResponse(ApiKey.Fetch, 16, fFrame)), copiedOnDecode(fDecoded.body.responses[0]!.partitions.map((p) => p.records), fFrame));
  // Peer: the same response made into one buffer (a copying encoder's output).
  row(name, 'peer: Fetch encode + concat (copying)', bench(() => concatChunks(encodeResponse(ApiKey.Fetch, 16, 7, fetch))), MiB);
  if (partitions === 1) {
    const own = new Set<Uint8Array>(recs);
    const inline = fChunks.filter((c) => !own.has(c)).reduce((n, c) => n + c.length, 0);
    console.log(`Fetch v16 response, 1 partition: ${fChunks.length} chunks, ${inline} inline bytes + ${MiB} record bytes (the caller's buffer)`);
  }
}

// Small messages, for scale: what every connection pays per request.
const small: { op: string; 'µs/msg': string }[] = [];
const apiVersionsFrame = Uint8Array.from(
  concatChunks(encodeRequest({ requestApiKey: ApiKey.ApiVersions, requestApiVersion: 3, correlationId: 1, clientId: 'bench' }, { clientSoftwareName: 'kwasm-bench', clientSoftwareVersion: '1.0' })),
);
small.push({ op: 'ApiVersions v3 request decode', 'µs/msg': bench(() => decodeRequest(apiVersionsFrame)).toFixed(2) });
const metadataFrame = Uint8Array.from(
  concatChunks(encodeRequest({ requestApiKey: ApiKey.Metadata, requestApiVersion: 12, correlationId: 1, clientId: 'bench' }, { topics: [{ name: 'orders' }, { name: 'payments' }] })),
);
small.push({ op: 'Metadata v12 request decode (2 topics)', 'µs/msg': bench(() => decodeRequest(metadataFrame)).toFixed(2) });
const metadata = {
  brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
  clusterId: 'bench',
  controllerId: 1,
  topics: Array.from({ length: 10 }, (_, t) => ({
    name: `topic-${t}`,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    partitions: Array.from({ length: 3 }, (_, p) => ({ partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1] })),
  })),
};
small.push({ op: 'Metadata v12 response encode (10 topics x 3 partitions)', 'µs/msg': bench(() => encodeResponse(ApiKey.Metadata, 12, 1, metadata)).toFixed(2) });
console.table(small);

console.log(`memcpy of 1 MiB (peer baseline): ${memcpyUs.toFixed(1)} µs (${(MiB / (memcpyUs * 1000)).toFixed(1)} GB/s)`);
console.table(rows);
console.log('Timings are noisy on a shared machine; compare ratios within this run.');
