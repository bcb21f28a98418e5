// The core for storage tests: the real WASM core once it exposes the CoreApi contract, else a
// pure-TS reference of the same contract (test-only; host code never uses it).
import { crc32c } from '@node-rs/crc32';
import { BatchStatus, type BatchDescriptor, type CoreApi, type ScanResult } from '../../../host/core/types.js';
import { loadCore } from '../../../host/core/wasm.js';

export const refCore: CoreApi = {
  crc32c: (data, crc = 0) => crc32c(Buffer.from(data.buffer, data.byteOffset, data.byteLength), crc) >>> 0,
  validateBatches(data: Uint8Array): ScanResult {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const batches: BatchDescriptor[] = [];
    let p = 0;
    const fail = (status: number): ScanResult => ({ status: status as ScanResult['status'], validBytes: p, errorPosition: p, batches });
    while (p < b.length) {
      if (p + 61 > b.length) {
        if (p + 12 <= b.length && b.readInt32BE(p + 8) < 49) return fail(BatchStatus.BAD_LENGTH);
        return fail(BatchStatus.TRUNCATED);
      }
      const len = b.readInt32BE(p + 8);
      if (len < 49) return fail(BatchStatus.BAD_LENGTH);
      if (b[p + 16] !== 2) return fail(BatchStatus.BAD_MAGIC);
      const size = 12 + len;
      if (p + size > b.length) return fail(BatchStatus.TRUNCATED);
      if ((crc32c(b.subarray(p + 21, p + size)) >>> 0) !== b.readUInt32BE(p + 17)) return fail(BatchStatus.CRC_MISMATCH);
      const attributes = b.readInt16BE(p + 21);
      const lastOffsetDelta = b.readInt32BE(p + 23);
      const recordCount = b.readInt32BE(p + 57);
      if ((attributes & 7) === 0 && recordCount !== lastOffsetDelta + 1) return fail(BatchStatus.COUNT_MISMATCH);
      batches.push({
        position: p,
        size,
        baseOffset: b.readBigInt64BE(p),
        partitionLeaderEpoch: b.readInt32BE(p + 12),
        attributes,
        lastOffsetDelta,
        baseTimestamp: b.readBigInt64BE(p + 27),
        maxTimestamp: b.readBigInt64BE(p + 35),
        producerId: b.readBigInt64BE(p + 43),
        producerEpoch: b.readInt16BE(p + 51),
        baseSequence: b.readInt32BE(p + 53),
        recordCount,
      });
      p += size;
    }
    return { status: BatchStatus.OK, validBytes: p, errorPosition: p, batches };
  },
  setBaseOffset(data, position, baseOffset, partitionLeaderEpoch) {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    b.writeBigInt64BE(baseOffset, position);
    if (partitionLeaderEpoch !== undefined) b.writeInt32BE(partitionLeaderEpoch, position + 12);
  },
  offsetIndexLookup(index, entries, target) {
    const b = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
    let lo = 0;
    let hi = entries - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (b.readUInt32BE(mid * 8) <= target) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  },
  timeIndexLookup(index, entries, target) {
    const b = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
    let lo = 0;
    let hi = entries - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (b.readBigInt64BE(mid * 12) <= target) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  },
};

let cached: CoreApi | undefined;

/** The real WASM core when it implements CoreApi (validateBatches present), else refCore. */
export function testCore(): CoreApi {
  if (cached) return cached;
  const real = loadCore() as unknown as Partial<CoreApi>;
  cached = typeof real.validateBatches === 'function' && typeof real.offsetIndexLookup === 'function' ? (real as CoreApi) : refCore;
  return cached;
}

export const usingRealCore = (): boolean => testCore() !== refCore;
