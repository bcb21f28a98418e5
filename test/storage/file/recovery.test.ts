// Segment scanning (recovery / index rebuild) across chunk boundaries: every chunk size finds the
// same batches, the same valid prefix, and stops at the same torn or corrupt batch.
import { rmSync, writeFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scanSegment } from '../../../host/storage/file/recovery.js';
import { FileSegment, type FileSegmentContext } from '../../../host/storage/file/segment.js';
import { nodeFs } from '../../../host/storage/fs.js';
import { listBatches, simpleBatch } from '../helpers/batches.js';
import { testCore } from '../helpers/core.js';
import { tempDir } from '../helpers/engines.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function segmentBytes(n: number, seed: number): Buffer {
  const parts: Buffer[] = [];
  let off = 100n;
  for (let i = 0; i < n; i++) {
    const count = 1 + ((i * 7 + seed) % 5);
    parts.push(simpleBatch(count, { baseOffset: off, valueSize: 20 + ((i * 131 + seed) % 900) }));
    off += BigInt(count);
  }
  return Buffer.concat(parts);
}

async function scan(bytes: Buffer, chunkBytes: number, headroomBytes: number) {
  const ctx: FileSegmentContext = {
    fs: nodeFs,
    core: testCore(),
    dir,
    indexBytes: () => 1 << 20,
    tailCacheBytes: 0,
    rebuildIndexes: async () => undefined,
  };
  writeFileSync(`${dir}/00000000000000000100.log`, bytes);
  const seg = await FileSegment.open(ctx, 100n);
  try {
    const r = await scanSegment(seg, testCore(), 256, bytes.length, 100n, undefined, undefined, { chunkBytes, headroomBytes });
    return { ...r, nextOffset: seg.nextOffset, entries: seg.offsetIndex.entries, last: seg.offsetIndex.entries ? seg.offsetIndex.positionAt(seg.offsetIndex.entries - 1) : -1 };
  } finally {
    await seg.abandon();
  }
}

describe('segment scan across chunk boundaries', () => {
  it('finds the same batches and index for any chunk size', async () => {
    const bytes = segmentBytes(120, 3);
    const ref = await scan(bytes, 8 << 20, 2 << 20);
    expect(ref).toMatchObject({ reason: 'OK', validBytes: bytes.length, batches: 120 });
    for (const [chunk, head] of [[4096, 2048], [1000, 4096], [7777, 100], [65536, 65536]] as const) {
      expect(await scan(bytes, chunk, head), `chunk ${chunk} headroom ${head}`).toEqual(ref);
    }
  });

  it('stops at a torn tail or a corrupt batch wherever the chunk boundaries fall (property)', async () => {
    const bytes = segmentBytes(60, 11);
    const batches = listBatches(bytes);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: bytes.length - 1 }), fc.integer({ min: 4096, max: 20000 }), fc.integer({ min: 64, max: 5000 }), fc.boolean(), async (cut, chunk, head, corrupt) => {
        let data: Buffer;
        let expectValid: number;
        let reason: string;
        const hit = batches.find((b) => b.position <= cut && cut < b.position + b.size)!;
        const rel = cut - hit.position;
        // baseOffset and partitionLeaderEpoch are outside the CRC by design; flip anything else.
        if (corrupt && (rel < 8 || (rel >= 12 && rel < 16))) return;
        if (corrupt) {
          data = Buffer.from(bytes);
          data[cut] ^= 0x40;
          expectValid = hit.position;
          reason = 'any';
        } else {
          data = bytes.subarray(0, cut);
          const whole = batches.filter((b) => b.position + b.size <= cut);
          expectValid = whole.length ? whole[whole.length - 1]!.position + whole[whole.length - 1]!.size : 0;
          reason = expectValid === cut ? 'OK' : 'TRUNCATED';
        }
        const r = await scan(data, chunk, head);
        expect(r.validBytes).toBe(expectValid);
        if (reason !== 'any') expect(r.reason).toBe(reason);
        else expect(r.reason).not.toBe('OK');
      }),
      { numRuns: 60 },
    );
  });
});
