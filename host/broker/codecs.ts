// The compression codecs the broker uses when it must touch record data (up/down-conversion,
// topic compression.type): host/compression (gzip, snappy, lz4, zstd). Its CompressionError codes
// are Kafka error names (CORRUPT_MESSAGE, UNSUPPORTED_COMPRESSION_TYPE), so they map as they are.
import { compress, decompress } from '../compression/index.js';
import type { Codecs } from './convert.js';

export function nodeCodecs(): Codecs {
  return { compress: (codec, data) => compress(codec, data), decompress: (codec, data) => decompress(codec, data) };
}
