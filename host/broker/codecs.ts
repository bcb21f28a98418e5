// The compression codecs the broker uses when it must touch record data (up/down-conversion,
// topic compression.type, compaction). gzip comes from node:zlib; snappy, lz4 and zstd from the
// native libraries wrapped in host/compression when present.
import zlib from 'node:zlib';
import { KafkaError } from './errors.js';
import type { Codecs } from './convert.js';

export function nodeCodecs(extra?: Partial<Record<number, { compress(d: Uint8Array): Uint8Array; decompress(d: Uint8Array): Uint8Array }>>): Codecs {
  const table: Record<number, { compress(d: Uint8Array): Uint8Array; decompress(d: Uint8Array): Uint8Array }> = {
    1: { compress: (d) => zlib.gzipSync(d), decompress: (d) => zlib.gunzipSync(d) },
    ...(extra ?? {}),
  };
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
