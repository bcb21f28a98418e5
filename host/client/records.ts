// Record batches for the tools, always through the WASM core: the core builds batches (records
// section → optional compression by the host's codecs → header and CRC) and splits, checks and
// decodes fetched data. Nothing here reads or writes batch bytes itself.
import { compress, compressSync, decompress, decompressSync, Codec } from '../compression/index.js';
import { Attr, BatchStatus, statusName, type BatchDescriptor, type Core, type RecordInput } from '../core/types.js';
import { KafkaClientError } from './connection.js';

export interface BatchOptions {
  /** Codec id (Compression.*); default none. */
  compression?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
}

/** Builds one v2 batch of the records (timestamps default to now). */
export async function buildBatch(core: Core, records: readonly RecordInput[], opts: BatchOptions = {}): Promise<Uint8Array> {
  const codec = opts.compression ?? Codec.NONE;
  const header = { producerId: opts.producerId, producerEpoch: opts.producerEpoch, baseSequence: opts.baseSequence };
  if (codec === Codec.NONE) return core.encodeBatch(records, header);
  if (codec !== Codec.ZSTD) return core.encodeBatch(records, { ...header, compression: codec, compress: (s, c) => compressSync(c, s) });
  // zstd has no synchronous binding: compress the section outside the core, then let it frame it.
  const s = core.encodeRecordsSection(records, header);
  const packed = await compress(codec, s.records);
  return core.buildBatch(packed, { ...header, compression: codec, recordCount: s.recordCount, lastOffsetDelta: s.lastOffsetDelta, baseTimestamp: s.baseTimestamp, maxTimestamp: s.maxTimestamp });
}

export interface ConsumedRecord {
  offset: bigint;
  timestamp: bigint;
  /** 0 CreateTime, 1 LogAppendTime. */
  timestampType: 0 | 1;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Array<{ key: string; value: Uint8Array | null }>;
}

export interface ScannedBatches {
  batches: BatchDescriptor[];
  /** Offset after the last whole batch, or null when there is none. */
  nextOffset: bigint | null;
  /** Records in the whole batches (control batches included; see dataRecords). */
  records: number;
  /** Records excluding control batches (transaction markers). */
  dataRecords: number;
  bytes: number;
}

/**
 * Splits fetched bytes into whole batches and checks every CRC (in the core). A partial batch
 * at the end is normal for Fetch and ignored; a bad batch anywhere else is CORRUPT_MESSAGE.
 */
export function scanBatches(core: Core, data: Uint8Array): ScannedBatches {
  const scan = core.validateBatches(data);
  if (scan.status !== BatchStatus.OK && scan.status !== BatchStatus.TRUNCATED) {
    throw new KafkaClientError('CORRUPT_MESSAGE', `fetched batch at byte ${scan.errorPosition}: ${statusName(scan.status)}`);
  }
  let records = 0;
  let dataRecords = 0;
  let next: bigint | null = null;
  for (const b of scan.batches) {
    records += b.recordCount;
    if ((b.attributes & Attr.CONTROL) === 0) dataRecords += b.recordCount;
    next = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;
  }
  return { batches: scan.batches, nextOffset: next, records, dataRecords, bytes: scan.validBytes };
}

const utf8 = new TextDecoder();

/** Decodes the data records of fetched bytes (control batches skipped), offsets from `from` on. */
export async function decodeFetched(core: Core, data: Uint8Array, from = -1n): Promise<{ records: ConsumedRecord[]; nextOffset: bigint | null }> {
  const scan = scanBatches(core, data);
  const out: ConsumedRecord[] = [];
  for (const b of scan.batches) {
    if ((b.attributes & Attr.CONTROL) !== 0) continue;
    const bytes = data.subarray(b.position, b.position + b.size);
    const codec = b.attributes & Attr.COMPRESSION_MASK;
    let views;
    if (codec === Codec.ZSTD) {
      // The core asks for the section synchronously; zstd's binding is async: decompress first.
      const held: { section?: Uint8Array } = {};
      try {
        views = core.decodeRecords(bytes, {
          decompress: (d) => {
            held.section = d.slice();
            throw NEED_ASYNC;
          },
        });
      } catch (e) {
        if (e !== NEED_ASYNC || held.section === undefined) throw e;
        const plain = await decompress(codec, held.section);
        views = core.decodeRecords(bytes, { decompress: () => plain });
      }
    } else {
      views = core.decodeRecords(bytes, { decompress: (d, c) => decompressSync(c, d) });
    }
    const logAppend = (b.attributes & Attr.TIMESTAMP_TYPE_LOG_APPEND) !== 0;
    for (const r of views) {
      const offset = b.baseOffset + BigInt(r.offsetDelta);
      if (offset < from) continue;
      out.push({
        offset,
        timestamp: logAppend ? b.maxTimestamp : b.baseTimestamp + r.timestampDelta,
        timestampType: logAppend ? 1 : 0,
        key: r.key,
        value: r.value,
        headers: r.headers.map((h) => ({ key: utf8.decode(h.key), value: h.value })),
      });
    }
  }
  return { records: out, nextOffset: scan.nextOffset };
}

const NEED_ASYNC = new Error('zstd section needs async decompression');
