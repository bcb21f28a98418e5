// Record-batch compression codecs by Kafka codec id (the low 3 bits of a batch's attributes):
// 1 gzip (node:zlib), 2 snappy (`snappy`, napi-rs; xerial framing or raw blocks), 3 lz4 (`lz4-napi`,
// the LZ4 frame format Kafka uses for magic >= 1), 4 zstd (`@mongodb-js/zstd`, zstd frames).
// The WASM core never compresses: it hands the records section to these functions and back.
//
// Decompression is bounded: `maxBytes` (default 64 MiB) caps the output where the format lets us
// know or limit it (gzip streams, snappy's length prefix, lz4/zstd frame content sizes), so a small
// hostile batch cannot expand into unbounded memory.
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as lz4 from 'lz4-napi';
import * as snappy from 'snappy';
import { blockLength, isXerial, xerialBlocks, xerialHeader, XERIAL_BLOCK_SIZE } from './xerial.js';

export const Codec = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CodecId = (typeof Codec)[keyof typeof Codec];
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export class CompressionError extends Error {
  readonly code: 'UNSUPPORTED_COMPRESSION_TYPE' | 'CORRUPT_MESSAGE';
  constructor(code: 'UNSUPPORTED_COMPRESSION_TYPE' | 'CORRUPT_MESSAGE', message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CompressionError';
    this.code = code;
  }
}

export interface CompressOptions {
  /** gzip 1-9 (default 6), zstd 1-22 (default 3); ignored by snappy and lz4. */
  level?: number;
  /** Snappy only: write raw snappy instead of the xerial framing Java clients expect. Default false. */
  rawSnappy?: boolean;
}

export interface DecompressOptions {
  maxBytes?: number;
}

const DEFAULT_MAX = 64 * 1024 * 1024;
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

type ZstdModule = { compress(b: Buffer, level?: number): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
let zstdModule: Promise<ZstdModule> | undefined;
function zstd(): Promise<ZstdModule> {
  // Loaded on first use: a broker that never sees zstd never loads the native addon.
  zstdModule ??= import('@mongodb-js/zstd').then((m) => ((m as { default?: ZstdModule }).default ?? m) as ZstdModule);
  return zstdModule;
}

const asBuffer = (d: Uint8Array): Buffer => (Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength));

function tooLarge(codec: string, n: number, max: number): CompressionError {
  return new CompressionError('CORRUPT_MESSAGE', `${codec}: decompressed size ${n} exceeds the limit of ${max} bytes`);
}

function checkCodec(codec: number): asserts codec is CodecId {
  if (!(codec >= 0 && codec <= 4 && Number.isInteger(codec))) {
    throw new CompressionError('UNSUPPORTED_COMPRESSION_TYPE', `unknown compression codec ${codec}`);
  }
}

/** Snappy's raw format starts with the uncompressed length as a varint. */
function snappyLength(block: Uint8Array): number {
  let n = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    const b = block[i]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return n;
  }
  return -1;
}

function snappyDecompress(data: Uint8Array, max: number): Uint8Array {
  const blocks = isXerial(data) ? xerialBlocks(data) : [data];
  let total = 0;
  for (const b of blocks) {
    const n = snappyLength(b);
    if (n < 0) throw new CompressionError('CORRUPT_MESSAGE', 'snappy: bad length prefix');
    total += n;
    if (total > max) throw tooLarge('snappy', total, max);
  }
  const parts = blocks.map((b) => snappy.uncompressSync(asBuffer(b), { asBuffer: true }) as Buffer);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function snappyCompress(data: Uint8Array, raw: boolean): Uint8Array {
  if (raw) return snappy.compressSync(asBuffer(data));
  const out: Buffer[] = [xerialHeader()];
  for (let p = 0; p < data.length || p === 0; p += XERIAL_BLOCK_SIZE) {
    const c = snappy.compressSync(asBuffer(data.subarray(p, p + XERIAL_BLOCK_SIZE)));
    out.push(blockLength(c.length), c);
    if (data.length === 0) break;
  }
  return Buffer.concat(out);
}

/** LZ4 frame header: content size (FLG bit 3) when the writer recorded it, else -1. */
function lz4ContentSize(data: Uint8Array): number {
  if (data.length < 7 || data[0] !== 0x04 || data[1] !== 0x22 || data[2] !== 0x4d || data[3] !== 0x18) {
    throw new CompressionError('CORRUPT_MESSAGE', 'lz4: not an LZ4 frame');
  }
  if ((data[4]! & 0x08) === 0 || data.length < 14) return -1;
  const dv = new DataView(data.buffer, data.byteOffset + 6, 8);
  return Number(dv.getBigUint64(0, true));
}

/** zstd frame header content size when present, else -1 (RFC 8878 3.1.1.1). */
function zstdContentSize(data: Uint8Array): number {
  if (data.length < 6 || data[0] !== 0x28 || data[1] !== 0xb5 || data[2] !== 0x2f || data[3] !== 0xfd) return -1;
  const fhd = data[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const didSize = [0, 1, 2, 4][fhd & 3]!;
  const fcsSize = fcsFlag === 0 ? single : [1, 2, 4, 8][fcsFlag]!;
  if (fcsSize === 0) return -1;
  const at = 5 + (single ? 0 : 1) + didSize;
  if (data.length < at + fcsSize) return -1;
  const dv = new DataView(data.buffer, data.byteOffset + at, fcsSize);
  if (fcsSize === 1) return dv.getUint8(0);
  if (fcsSize === 2) return dv.getUint16(0, true) + 256;
  if (fcsSize === 4) return dv.getUint32(0, true);
  return Number(dv.getBigUint64(0, true));
}

export async function compress(codec: number, data: Uint8Array, opts: CompressOptions = {}): Promise<Uint8Array> {
  checkCodec(codec);
  switch (codec) {
    case Codec.NONE:
      return data;
    case Codec.GZIP:
      return gzip(data, { level: opts.level ?? 6 });
    case Codec.SNAPPY:
      return snappyCompress(data, opts.rawSnappy === true);
    case Codec.LZ4:
      return lz4.compressFrame(asBuffer(data));
    case Codec.ZSTD:
      return (await zstd()).compress(asBuffer(data), opts.level ?? 3);
  }
}

export async function decompress(codec: number, data: Uint8Array, opts: DecompressOptions = {}): Promise<Uint8Array> {
  checkCodec(codec);
  const max = opts.maxBytes ?? DEFAULT_MAX;
  try {
    switch (codec) {
      case Codec.NONE:
        return data;
      case Codec.GZIP:
        return await gunzip(data, { maxOutputLength: max });
      case Codec.SNAPPY:
        return snappyDecompress(data, max);
      case Codec.LZ4: {
        const n = lz4ContentSize(data);
        if (n > max) throw tooLarge('lz4', n, max);
        const out = await lz4.decompressFrame(asBuffer(data));
        if (out.length > max) throw tooLarge('lz4', out.length, max);
        return out;
      }
      case Codec.ZSTD: {
        const n = zstdContentSize(data);
        if (n > max) throw tooLarge('zstd', n, max);
        const out = await (await zstd()).decompress(asBuffer(data));
        if (out.length > max) throw tooLarge('zstd', out.length, max);
        return out;
      }
    }
  } catch (e) {
    if (e instanceof CompressionError) throw e;
    throw new CompressionError('CORRUPT_MESSAGE', `${CODEC_NAMES[codec]}: cannot decompress (${(e as Error).message})`, e);
  }
}

/**
 * Synchronous variants for the codecs that have one (gzip, snappy, lz4), e.g. for the core's
 * decodeRecords `decompress` callback. zstd has no synchronous binding: use `decompress`.
 */
export function decompressSync(codec: number, data: Uint8Array, opts: DecompressOptions = {}): Uint8Array {
  checkCodec(codec);
  const max = opts.maxBytes ?? DEFAULT_MAX;
  try {
    switch (codec) {
      case Codec.NONE:
        return data;
      case Codec.GZIP:
        return zlib.gunzipSync(data, { maxOutputLength: max });
      case Codec.SNAPPY:
        return snappyDecompress(data, max);
      case Codec.LZ4: {
        const n = lz4ContentSize(data);
        if (n > max) throw tooLarge('lz4', n, max);
        return lz4.decompressFrameSync(asBuffer(data));
      }
      default:
        throw new CompressionError('UNSUPPORTED_COMPRESSION_TYPE', `${CODEC_NAMES[codec]} has no synchronous decompressor`);
    }
  } catch (e) {
    if (e instanceof CompressionError) throw e;
    throw new CompressionError('CORRUPT_MESSAGE', `${CODEC_NAMES[codec]}: cannot decompress (${(e as Error).message})`, e);
  }
}

export function compressSync(codec: number, data: Uint8Array, opts: CompressOptions = {}): Uint8Array {
  checkCodec(codec);
  switch (codec) {
    case Codec.NONE:
      return data;
    case Codec.GZIP:
      return zlib.gzipSync(data, { level: opts.level ?? 6 });
    case Codec.SNAPPY:
      return snappyCompress(data, opts.rawSnappy === true);
    case Codec.LZ4:
      return lz4.compressFrameSync(asBuffer(data));
    default:
      throw new CompressionError('UNSUPPORTED_COMPRESSION_TYPE', `${CODEC_NAMES[codec]} has no synchronous compressor`);
  }
}

/** Codec id from Kafka's compression.type name (`producer`/`uncompressed` give null / 0). */
export function codecFromName(name: string): CodecId | null {
  const n = name.toLowerCase();
  if (n === 'producer') return null;
  if (n === 'uncompressed' || n === 'none') return Codec.NONE;
  const i = (CODEC_NAMES as readonly string[]).indexOf(n);
  return i < 0 ? null : (i as CodecId);
}
