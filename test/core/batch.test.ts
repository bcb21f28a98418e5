import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { BatchStatus, type RecordInput } from '../../host/core/types.js';
import { encodeBatch, readHeader, type RefRecord } from '../reference/batch.js';
import { arbHeader, arbRecords } from '../reference/arbitrary.js';

const core = loadCore();
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

const toInput = (records: RefRecord[], base: bigint): RecordInput[] =>
  records.map((r) => ({
    key: r.key,
    value: r.value,
    headers: r.headers.map((h) => ({ key: h.name, value: h.value })),
    timestamp: base + r.timestampDelta,
    offsetDelta: r.offsetDelta,
  }));

describe('validateBatches', () => {
  it('an empty buffer is OK with no batches', () => {
    expect(core.validateBatches(new Uint8Array(0))).toEqual({ status: 0, validBytes: 0, errorPosition: 0, batches: [] });
  });

  it('describes every batch of a concatenation (property, against the reference)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbRecords(8, 32), arbHeader), { minLength: 1, maxLength: 5 }), (items) => {
        const batches = items.map(([recs, h]) => encodeBatch(recs, h));
        const buf = concat(batches);
        const res = core.validateBatches(buf, { records: true });
        expect(res.status).toBe(BatchStatus.OK);
        expect(res.validBytes).toBe(buf.length);
        expect(res.batches.length).toBe(batches.length);
        let pos = 0;
        res.batches.forEach((d, i) => {
          const ref = readHeader(batches[i]!);
          expect(d.position).toBe(pos);
          expect(d.size).toBe(batches[i]!.length);
          expect(d).toMatchObject({
            baseOffset: ref.baseOffset,
            partitionLeaderEpoch: ref.partitionLeaderEpoch,
            attributes: ref.attributes,
            lastOffsetDelta: ref.lastOffsetDelta,
            baseTimestamp: ref.baseTimestamp,
            maxTimestamp: ref.maxTimestamp,
            producerId: ref.producerId,
            producerEpoch: ref.producerEpoch,
            baseSequence: ref.baseSequence,
            recordCount: ref.recordCount,
            controlType: -1,
          });
          pos += d.size;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('assigns offsets and epoch in place, consecutively, and the CRC still holds', () => {
    const a = encodeBatch([0, 1, 2].map((i) => ({ timestampDelta: 0n, offsetDelta: i, key: null, value: new Uint8Array([i]), headers: [] })));
    const b = encodeBatch([0].map((i) => ({ timestampDelta: 0n, offsetDelta: i, key: null, value: null, headers: [] })));
    const buf = concat([a, b, a]);
    const res = core.validateBatches(buf, { strict: true, assign: { baseOffset: 1000n, leaderEpoch: 42 } });
    expect(res.status).toBe(BatchStatus.OK);
    expect(res.batches.map((d) => [d.baseOffset, d.partitionLeaderEpoch])).toEqual([
      [1000n, 42],
      [1003n, 42],
      [1004n, 42],
    ]);
    expect(readHeader(buf, a.length + b.length).baseOffset).toBe(1004n);
    const again = core.validateBatches(buf, { strict: true, records: true });
    expect(again.status).toBe(BatchStatus.OK);
    expect(again.batches.map((d) => d.baseOffset)).toEqual([1000n, 1003n, 1004n]);
    expect(core.assignOffsets(buf, 7n, 3)).toBe(7n + 3n + 1n + 3n);
    expect(core.validateBatches(buf).batches.map((d) => [d.baseOffset, d.partitionLeaderEpoch])).toEqual([
      [7n, 3],
      [10n, 3],
      [11n, 3],
    ]);
  });

  it('does not assign offsets when a batch is bad', () => {
    const a = encodeBatch([{ timestampDelta: 0n, offsetDelta: 0, key: null, value: null, headers: [] }]);
    const buf = concat([a, a.subarray(0, 30)]);
    const before = buf.slice();
    const res = core.validateBatches(buf, { assign: { baseOffset: 5n, leaderEpoch: 1 } });
    expect(res.status).toBe(BatchStatus.TRUNCATED);
    expect(res.validBytes).toBe(a.length);
    expect(res.errorPosition).toBe(a.length);
    expect(res.batches.length).toBe(1);
    expect(buf).toEqual(before);
  });
});

describe('encode / decode round trip', () => {
  it('core encode is byte-identical to the reference and decodes back to the input', () => {
    fc.assert(
      fc.property(arbRecords(20, 64), arbHeader, (records, h) => {
        const ref = encodeBatch(records, h);
        const mine = core.encodeBatch(toInput(records, h.baseTimestamp), h);
        expect(mine).toEqual(ref);
        const views = core.decodeRecords(mine);
        expect(views.length).toBe(records.length);
        views.forEach((v, i) => {
          const r = records[i]!;
          expect(v.offsetDelta).toBe(r.offsetDelta);
          expect(v.timestampDelta).toBe(r.timestampDelta);
          expect(v.key).toEqual(r.key);
          expect(v.value).toEqual(r.value);
          expect(v.headers).toEqual(r.headers.map((x) => ({ key: x.name, value: x.value })));
        });
      }),
      { numRuns: 300 },
    );
  });
});
