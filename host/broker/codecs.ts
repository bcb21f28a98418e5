// The compression codecs the broker uses when it must touch record data (up/down-conversion,
// topic compression.type, compaction): the synchronous codecs of host/compression — gzip
// (node:zlib), snappy (xerial framing, as Java clients expect) and lz4 (frame) — with bounded
// decompression. zstd has no synchronous binding: asking for it is UNSUPPORTED_COMPRESSION_TYPE.
import { compressSync, decompressSync } from '../compression/index.js';
import { KafkaError } from './errors.js';
import type { Codecs } from './convert.js';

type Codec = { compress(d: Uint8Array): Uint8Array; decompress(d: Uint8Array): Uint8Array };

export function nodeCodecs(extra?: Partial<Record<number, Codec>>): Codecs {
  const table: Record<number, Codec> = {};
  for (const id of [1, 2, 3]) table[id] = { compress: (d) => compressSync(id, d), decompress: (d) => decompressSync(id, d) };
  Object.assign(table, extra ?? {});
  const pick = (codec: number) => {
    const c = table[codec];
    if (!c) throw new KafkaError('UNSUPPORTED_COMPRESSION_TYPE', `compression codec ${codec} is not available`);
    return c;
  };
  return {
    compress: (codec, data) => pick(codec).compress(data),
    decompress: (codec, data) => pick(codec).decompress(data),
  };
}
