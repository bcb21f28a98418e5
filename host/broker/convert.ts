// Record format conversions on the produce and fetch paths, done only when a feature needs them:
// - up-conversion of legacy message sets (magic 0/1, Produce v0–v2) into one v2 batch;
// - re-compression when a topic's compression.type is not `producer`;
// - down-conversion of v2 batches into legacy message sets for Fetch v0–v3.
// The WASM core parses and builds every batch; the host only decompresses/compresses sections
// (asynchronously: zstd's binding has no synchronous API) and moves views around.
import { Attr, BatchStatus, Compression, type BatchDescriptor, type Core, type RecordInput, type RecordView } from '../core/types.js';
import { KafkaError } from './errors.js';
import type { BrokerServices } from './services.js';

/** Codecs by Kafka codec id (1 gzip, 2 snappy, 3 lz4, 4 zstd). */
export interface Codecs {
  compress(codec: number, data: Uint8Array): Promise<Uint8Array>;
  decompress(codec: number, data: Uint8Array): Promise<Uint8Array>;
}

const TARGET: Record<string, number> = {
  uncompressed: Compression.NONE,
  gzip: Compression.GZIP,
  snappy: Compression.SNAPPY,
  lz4: Compression.LZ4,
  zstd: Compression.ZSTD,
};

const MAGIC_OFFSET = 16;
const HEADER = 61;

/** The bytes to append for a produce request's records, converted only when needed. */
export async function prepareProduceRecords(
  broker: Pick<BrokerServices, 'core' | 'codecs' | 'topics'>,
  topic: string,
  records: Uint8Array,
  apiVersion: number,
): Promise<Uint8Array> {
  if (records.length <= MAGIC_OFFSET) return records; // the core reports it as corrupt
  const magic = records[MAGIC_OFFSET]!;
  const target = broker.topics.topicConfig(topic).get('compression.type') ?? 'producer';
  if (magic < 2) {
    if (apiVersion >= 3) throw new KafkaError('INVALID_RECORD', `Produce v${apiVersion} requires record batches (magic 2)`);
    return upConvert(broker.core, broker.codecs, records, target);
  }
  const repair = repairMaxTimestamps(broker.core, broker.codecs, records);
  if (repair) await repair;
  if (target === 'producer') return records;
  return recompress(broker.core, broker.codecs, records, TARGET[target] ?? Compression.NONE);
}

const B_LENGTH = 8;
const B_ATTRIBUTES = 21;
const B_BASE_TIMESTAMP = 27;
const B_MAX_TIMESTAMP = 35;

/**
 * Kafka recomputes a CreateTime batch's maxTimestamp from its records on append. Some clients
 * leave it unset (sarama 1.22, Debian's, writes -1), which breaks lookups by timestamp and time
 * retention. A batch whose maxTimestamp is below its baseTimestamp gets the largest timestamp of
 * its records: the core checks the batch (CRC included) and writes the new CRC. Headers are only
 * peeked at (bounds checked; anything odd is left for the log's validation to reject); only such
 * batches are decoded. Returns null when no batch needs it.
 */
export function repairMaxTimestamps(core: Core, codecs: Codecs, records: Uint8Array): Promise<void> | null {
  const dv = new DataView(records.buffer, records.byteOffset, records.byteLength);
  let bad: Array<[number, number]> | null = null;
  for (let pos = 0; pos + HEADER <= records.length; ) {
    const size = 12 + dv.getInt32(pos + B_LENGTH);
    if (size < HEADER || pos + size > records.length || records[pos + MAGIC_OFFSET] !== 2) break;
    const attributes = dv.getInt16(pos + B_ATTRIBUTES);
    if ((attributes & (Attr.CONTROL | Attr.TIMESTAMP_TYPE_LOG_APPEND)) === 0 && dv.getBigInt64(pos + B_MAX_TIMESTAMP) < dv.getBigInt64(pos + B_BASE_TIMESTAMP)) {
      (bad ??= []).push([pos, size]);
    }
    pos += size;
  }
  if (bad === null) return null;
  return (async () => {
    for (const [pos, size] of bad) {
      const batch = records.subarray(pos, pos + size);
      const scan = core.validateBatches(batch, { strict: true });
      const d = scan.batches[0];
      if (scan.status !== BatchStatus.OK || !d) continue; // the log rejects it with its status
      let max = -1n;
      try {
        for (const r of await batchRecords(core, codecs, batch, d)) if (d.baseTimestamp + r.timestampDelta > max) max = d.baseTimestamp + r.timestampDelta;
      } catch {
        continue; // undecodable records: the log's validation decides
      }
      if (max > d.maxTimestamp) core.setMaxTimestamp(batch, max, false);
    }
  })();
}

/** Builds one batch, compressing its records section with `codec` through the host codecs. */
export async function buildBatch(core: Core, codecs: Codecs, records: readonly RecordInput[], codec: number, header: Omit<Parameters<Core['buildBatch']>[1], 'recordCount' | 'lastOffsetDelta' | 'baseTimestamp' | 'maxTimestamp'> & { baseTimestamp?: bigint; maxTimestamp?: bigint } = {}): Promise<Uint8Array> {
  const s = core.encodeRecordsSection(records, header);
  const section = codec === Compression.NONE ? s.records : await codecs.compress(codec, s.records);
  return core.buildBatch(section, {
    ...header,
    compression: codec,
    recordCount: s.recordCount,
    lastOffsetDelta: s.lastOffsetDelta,
    baseTimestamp: header.baseTimestamp ?? s.baseTimestamp,
    maxTimestamp: header.maxTimestamp ?? s.maxTimestamp,
  });
}

/** The records of one batch, decompressing its section first when needed. */
export async function batchRecords(core: Core, codecs: Codecs, batch: Uint8Array, d: BatchDescriptor): Promise<RecordView[]> {
  const codec = d.attributes & Attr.COMPRESSION_MASK;
  if (codec === Compression.NONE) return core.decodeRecords(batch);
  const section = await codecs.decompress(codec, batch.subarray(HEADER));
  return core.decodeRecordsSection(section, d.recordCount, d.lastOffsetDelta);
}

/** Legacy messages (with compressed wrappers opened) → one v2 batch. */
export async function upConvert(core: Core, codecs: Codecs, records: Uint8Array, target: string): Promise<Uint8Array> {
  const out: RecordInput[] = [];
  let sourceCodec: number = Compression.NONE;
  const walk = async (buf: Uint8Array, depth: number): Promise<void> => {
    const scan = core.decodeMessageSet(buf);
    if (scan.status !== BatchStatus.OK) throw new KafkaError('CORRUPT_MESSAGE', 'invalid legacy message set');
    for (const m of scan.messages) {
      if (m.compression !== 0) {
        if (depth > 0 || m.value === null) throw new KafkaError('CORRUPT_MESSAGE', 'nested compressed message');
        sourceCodec = m.compression;
        await walk(await codecs.decompress(m.compression, m.value), depth + 1);
        continue;
      }
      out.push({ key: m.key, value: m.value, timestamp: m.timestamp });
    }
  };
  await walk(records, 0);
  if (out.length === 0) throw new KafkaError('INVALID_RECORD', 'empty message set');
  const codec = target === 'producer' ? sourceCodec : (TARGET[target] ?? Compression.NONE);
  return buildBatch(core, codecs, out, codec);
}

/** Re-encodes every batch whose codec differs from `codec`, keeping its producer fields. */
export async function recompress(core: Core, codecs: Codecs, records: Uint8Array, codec: number): Promise<Uint8Array> {
  const scan = core.validateBatches(records, { strict: true });
  if (scan.status !== BatchStatus.OK) return records; // rejected with its precise status by the log
  const keep = (b: BatchDescriptor) => (b.attributes & Attr.COMPRESSION_MASK) === codec || (b.attributes & Attr.CONTROL) !== 0;
  if (scan.batches.every(keep)) return records;
  const parts: Uint8Array[] = [];
  for (const b of scan.batches) {
    const batch = records.subarray(b.position, b.position + b.size);
    if (keep(b)) {
      parts.push(batch);
      continue;
    }
    const views = await batchRecords(core, codecs, batch, b);
    parts.push(
      await buildBatch(
        core,
        codecs,
        views.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: b.baseTimestamp + r.timestampDelta })),
        codec,
        {
          baseTimestamp: b.baseTimestamp,
          maxTimestamp: b.maxTimestamp,
          logAppendTime: (b.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0,
          transactional: (b.attributes & Attr.TRANSACTIONAL) !== 0,
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          baseSequence: b.baseSequence,
        },
      ),
    );
  }
  return concat(parts);
}

/**
 * v2 batches → a legacy message set of `magic` (0 or 1) for Fetch v0–v3. Control batches and
 * records below `fromOffset` are left out; headers cannot be expressed and are dropped, as Kafka
 * does when it down-converts.
 */
export async function downConvert(core: Core, codecs: Codecs, records: Uint8Array, magic: 0 | 1, fromOffset: bigint): Promise<Uint8Array> {
  const scan = core.validateBatches(records);
  const messages: Array<{ offset: bigint; timestamp: bigint; attributes: number; key: Uint8Array | null; value: Uint8Array | null }> = [];
  for (const b of scan.batches) {
    if ((b.attributes & Attr.CONTROL) !== 0) continue;
    const views = await batchRecords(core, codecs, records.subarray(b.position, b.position + b.size), b);
    const logAppend = (b.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0;
    for (const r of views) {
      const offset = b.baseOffset + BigInt(r.offsetDelta);
      if (offset < fromOffset) continue;
      messages.push({
        offset,
        timestamp: logAppend ? b.maxTimestamp : b.baseTimestamp + r.timestampDelta,
        attributes: magic === 1 && logAppend ? 0x08 : 0,
        key: r.key,
        value: r.value,
      });
    }
  }
  return core.encodeMessageSet(messages, magic);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
