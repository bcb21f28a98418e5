// Compression codecs by Kafka codec id: round trips, interop with the reference command-line tools
// (gzip, lz4 frame, zstd frame), snappy framings, bounded decompression, and batches through the core.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import * as snappy from 'snappy';
import { afterAll, describe, expect, it } from 'vitest';
import { Codec, CompressionError, codecFromName, compress, compressSync, decompress, decompressSync } from '../../host/compression/index.js';
import { XERIAL_MAGIC } from '../../host/compression/xerial.js';
import { BatchStatus } from '../../host/core/types.js';
import { loadCore } from '../../host/core/wasm.js';

const tmp = mkdtempSync(join(tmpdir(), 'kwasm-codec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CODECS = [Codec.GZIP, Codec.SNAPPY, Codec.LZ4, Codec.ZSTD] as const;

function sample(n: number, seed = 1): Buffer {
  // Compressible but not trivial: words from a small vocabulary with random numbers.
  const words = ['kafka', 'wasm', 'offset', 'batch', 'segment', 'index', 'record'];
  let s = seed;
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    s = (s * 1103515245 + 12345) >>> 0;
    const w = `${words[s % words.length]}-${s % 1000} `;
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('').slice(0, n));
}

describe('compression codecs', () => {
  it.each(CODECS)('codec %i round-trips empty, small and large inputs', async (codec) => {
    for (const n of [0, 1, 100, 70_000, 1_200_000]) {
      const data = sample(n, n + codec);
      const c = await compress(codec, data);
      if (n > 1000) expect(c.length).toBeLessThan(data.length);
      expect(Buffer.from(await decompress(codec, c)).equals(data)).toBe(true);
    }
  });

  it('round-trips arbitrary bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.constantFrom(...CODECS), async (data, codec) => {
        const c = await compress(codec, data);
        expect(Buffer.from(await decompress(codec, c)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('sync variants agree with the async ones (gzip, snappy, lz4)', async () => {
    const data = sample(50_000);
    for (const codec of [Codec.GZIP, Codec.SNAPPY, Codec.LZ4]) {
      expect(Buffer.from(decompressSync(codec, compressSync(codec, data))).equals(data)).toBe(true);
      expect(Buffer.from(decompressSync(codec, await compress(codec, data))).equals(data)).toBe(true);
    }
    expect(() => decompressSync(Codec.ZSTD, new Uint8Array(4))).toThrow(CompressionError);
  });

  it('reads and writes the formats of the reference tools: gzip, LZ4 frame, zstd frame', async () => {
    const data = sample(200_000, 9);
    const src = join(tmp, 'plain');
    writeFileSync(src, data);
    const tools: Array<[number, string, string[], string[]]> = [
      [Codec.GZIP, 'gzip', ['-c', src], ['-dc']],
      [Codec.LZ4, 'lz4', ['-c', src], ['-dc']],
      [Codec.ZSTD, 'zstd', ['-q', '-c', src], ['-q', '-dc']],
    ];
    for (const [codec, tool, cArgs, dArgs] of tools) {
      const byTool = execFileSync(tool, cArgs, { maxBuffer: 64 << 20 });
      expect(Buffer.from(await decompress(codec, byTool)).equals(data), `${tool} -> kwasm`).toBe(true);
      const ours = join(tmp, `ours.${tool}`);
      writeFileSync(ours, await compress(codec, data));
      expect(execFileSync(tool, [...dArgs, ours], { maxBuffer: 64 << 20 }).equals(data), `kwasm -> ${tool}`).toBe(true);
    }
  });

  it('snappy: writes xerial framing (Java clients), reads xerial multi-block and raw snappy (librdkafka)', async () => {
    const data = sample(100_000, 3);
    const framed = await compress(Codec.SNAPPY, data);
    expect(Buffer.from(framed.subarray(0, 8)).equals(Buffer.from(XERIAL_MAGIC))).toBe(true);
    expect(Buffer.from(framed).readInt32BE(8)).toBe(1);
    // 100 kB in 32 KiB blocks: 4 blocks, each a length-prefixed raw snappy block.
    let p = 16;
    let blocks = 0;
    const parts: Buffer[] = [];
    while (p < framed.length) {
      const len = Buffer.from(framed).readInt32BE(p);
      parts.push(snappy.uncompressSync(Buffer.from(framed.subarray(p + 4, p + 4 + len)), { asBuffer: true }) as Buffer);
      p += 4 + len;
      blocks++;
    }
    expect(blocks).toBe(4);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    const raw = snappy.compressSync(data);
    expect(Buffer.from(await decompress(Codec.SNAPPY, raw)).equals(data)).toBe(true);
    const rawOut = await compress(Codec.SNAPPY, data, { rawSnappy: true });
    expect(Buffer.from(snappy.uncompressSync(Buffer.from(rawOut), { asBuffer: true }) as Buffer).equals(data)).toBe(true);
  });

  it('bounds decompression: outputs above maxBytes are refused for every codec', async () => {
    const big = Buffer.alloc(2_000_000, 7);
    for (const codec of CODECS) {
      const c = await compress(codec, big);
      expect(c.length).toBeLessThan(200_000);
      await expect(decompress(codec, c, { maxBytes: 1_000_000 })).rejects.toMatchObject({ code: 'CORRUPT_MESSAGE' });
      expect((await decompress(codec, c, { maxBytes: 2_000_000 })).length).toBe(2_000_000);
    }
  });

  it('reports corrupt input and unknown codecs with stable codes', async () => {
    const junk = Buffer.from('this is not compressed data at all, not even close');
    for (const codec of CODECS) await expect(decompress(codec, junk)).rejects.toMatchObject({ name: 'CompressionError', code: 'CORRUPT_MESSAGE' });
    await expect(decompress(5, junk)).rejects.toMatchObject({ code: 'UNSUPPORTED_COMPRESSION_TYPE' });
    await expect(compress(7, junk)).rejects.toMatchObject({ code: 'UNSUPPORTED_COMPRESSION_TYPE' });
    expect(codecFromName('zstd')).toBe(Codec.ZSTD);
    expect(codecFromName('uncompressed')).toBe(Codec.NONE);
    expect(codecFromName('producer')).toBeNull();
  });

  it.each(CODECS)('codec %i: compressed batches built and decoded through the WASM core', async (codec) => {
    const core = loadCore();
    const records = Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: sample(200, i), timestamp: 1_700_000_000_000 + i }));
    const section = core.encodeRecordsSection(records);
    const batch = core.buildBatch(await compress(codec, section.records), { ...section, compression: codec });
    const scan = core.validateBatches(batch, { strict: true });
    expect(scan.status).toBe(BatchStatus.OK);
    expect(scan.batches[0]!.attributes & 7).toBe(codec);
    expect(scan.batches[0]!.recordCount).toBe(50);
    const body = await decompress(codec, batch.subarray(61));
    const views = core.decodeRecordsSection(body, 50, 49);
    expect(views.map((v) => Buffer.from(v.value!).toString())).toEqual(records.map((r) => r.value.toString()));
    if (codec !== Codec.ZSTD) {
      const viaCallback = core.decodeRecords(batch, { decompress: (d, c) => decompressSync(c, d) });
      expect(viaCallback.length).toBe(50);
    }
  });
});
