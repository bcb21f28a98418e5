// Every corruption of a batch is rejected with its specific status, never a trap, a throw or a
// read out of bounds; the valid prefix is reported so recovery can truncate there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore, newCore } from '../../host/core/wasm.js';
import { BatchStatus as S } from '../../host/core/types.js';
import { buildBatch, encodeBatch, encodeRecord, encodeRecords, Writer, type RefBatchHeader, type RefRecord } from '../reference/batch.js';
import { arbHeader, arbRecords } from '../reference/arbitrary.js';
import { refValidate } from '../reference/validate.js';

const core = loadCore();
const rec = (i: number, extra: Partial<RefRecord> = {}): RefRecord => ({
  timestampDelta: BigInt(i),
  offsetDelta: i,
  key: new Uint8Array([i]),
  value: new Uint8Array([1, 2, 3, i]),
  headers: [{ name: new Uint8Array([104]), value: null }],
  ...extra,
});
const three = encodeBatch([rec(0), rec(1), rec(2)], { baseOffset: 10n, baseTimestamp: 1000n });
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const header = (h: Partial<RefBatchHeader>): RefBatchHeader => ({
  baseOffset: 0n,
  partitionLeaderEpoch: -1,
  attributes: 0,
  lastOffsetDelta: 0,
  baseTimestamp: 0n,
  maxTimestamp: 0n,
  producerId: -1n,
  producerEpoch: -1,
  baseSequence: -1,
  recordCount: 1,
  ...h,
});
const status = (b: Uint8Array, opts = {}) => core.validateBatches(b, opts).status;

describe('bit flips', () => {
  it('a flip of any bit of a batch between two good ones gets the status of its field', () => {
    const good = encodeBatch([rec(0)]);
    for (let byte = 0; byte < three.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = three.slice();
        bad[byte]! ^= 1 << bit;
        const buf = cat(good, bad, good);
        const res = core.validateBatches(buf, { strict: true, records: true });
        const len = new DataView(bad.buffer).getInt32(8);
        let want: number;
        if (byte < 8 || (byte >= 12 && byte < 16)) want = S.OK; // baseOffset, partitionLeaderEpoch: not covered by the CRC
        else if (byte < 12) want = len < 49 ? S.BAD_LENGTH : len + 12 > buf.length - good.length ? S.TRUNCATED : S.CRC_MISMATCH;
        else if (byte === 16) want = S.BAD_MAGIC;
        else want = S.CRC_MISMATCH;
        expect({ byte, bit, status: res.status }).toEqual({ byte, bit, status: want });
        if (want === S.OK) {
          expect(res.batches.length).toBe(3);
        } else {
          expect(res.validBytes).toBe(good.length);
          expect(res.errorPosition).toBe(good.length);
          expect(res.batches.length).toBe(1);
        }
      }
    }
  });
});

describe('truncation', () => {
  it('at every length of two batches: TRUNCATED with the whole batches before it as the valid prefix', () => {
    const a = three;
    const b = encodeBatch([rec(0), rec(1)], { baseOffset: 13n });
    const buf = cat(a, b);
    for (let n = 0; n <= buf.length; n++) {
      const res = core.validateBatches(buf.subarray(0, n), { strict: true, records: true });
      const whole = n === 0 || n === a.length || n === buf.length;
      expect([n, res.status]).toEqual([n, whole ? S.OK : S.TRUNCATED]);
      expect(res.validBytes).toBe(n >= buf.length ? buf.length : n >= a.length ? a.length : 0);
      expect(res.batches.length).toBe(n >= buf.length ? 2 : n >= a.length ? 1 : 0);
    }
  });
});

describe('lengths and magic', () => {
  const withLength = (v: number) => {
    const b = three.slice();
    new DataView(b.buffer).setInt32(8, v);
    return b;
  };
  it('batchLength past the end of the buffer is TRUNCATED', () => {
    expect(status(withLength(three.length - 12 + 1))).toBe(S.TRUNCATED);
    expect(status(withLength(0x7fffffff))).toBe(S.TRUNCATED);
  });
  it('batchLength below the fixed header, or negative, is BAD_LENGTH', () => {
    for (const v of [-1, -0x80000000, 0, 48]) expect(status(withLength(v))).toBe(S.BAD_LENGTH);
  });
  it('a shorter batchLength that still fits is a CRC_MISMATCH', () => {
    expect(status(withLength(three.length - 12 - 1))).toBe(S.CRC_MISMATCH);
  });
  it('magic other than 2 is BAD_MAGIC (legacy data goes to decodeMessageSet)', () => {
    for (const m of [0, 1, 3, 0xff]) {
      const b = three.slice();
      b[16] = m;
      expect(status(b)).toBe(S.BAD_MAGIC);
    }
  });
  it('unknown compression codecs are BAD_COMPRESSION', () => {
    for (const codec of [5, 6, 7]) expect(status(buildBatch(header({ attributes: codec }), new Uint8Array(10)))).toBe(S.BAD_COMPRESSION);
    for (const codec of [1, 2, 3, 4]) expect(status(buildBatch(header({ attributes: codec }), new Uint8Array(10)))).toBe(S.OK);
  });
});

describe('counts (with a correct CRC)', () => {
  const recs = [rec(0), rec(1), rec(2)];
  const section = encodeRecords(recs);
  it('recordsCount above lastOffsetDelta + 1 is COUNT_MISMATCH', () => {
    expect(status(buildBatch(header({ lastOffsetDelta: 2, recordCount: 4 }), section))).toBe(S.COUNT_MISMATCH);
  });
  it('fewer records than the offset range: fine for log data (compaction), COUNT_MISMATCH for producers', () => {
    const b = buildBatch(header({ lastOffsetDelta: 5, recordCount: 3 }), section);
    expect(status(b, { records: true })).toBe(S.OK);
    expect(status(b, { strict: true })).toBe(S.COUNT_MISMATCH);
    const empty = buildBatch(header({ lastOffsetDelta: 5, recordCount: 0 }), new Uint8Array(0));
    expect(status(empty, { records: true })).toBe(S.OK);
    expect(status(empty, { strict: true })).toBe(S.COUNT_MISMATCH);
  });
  it('negative counts and deltas are COUNT_MISMATCH', () => {
    expect(status(buildBatch(header({ lastOffsetDelta: -1, recordCount: 0 }), new Uint8Array(0)))).toBe(S.COUNT_MISMATCH);
    expect(status(buildBatch(header({ lastOffsetDelta: 2, recordCount: -3 }), section))).toBe(S.COUNT_MISMATCH);
  });
  it('more records declared than bytes could hold is COUNT_MISMATCH even without the record walk', () => {
    expect(status(buildBatch(header({ lastOffsetDelta: 1000, recordCount: 1000 }), section))).toBe(S.COUNT_MISMATCH);
  });
  it('declared count differing from the records present is COUNT_MISMATCH under the record walk', () => {
    const two = buildBatch(header({ lastOffsetDelta: 2, recordCount: 2 }), section);
    expect(status(two)).toBe(S.OK);
    expect(status(two, { records: true })).toBe(S.COUNT_MISMATCH);
    const four = buildBatch(header({ lastOffsetDelta: 3, recordCount: 4 }), section);
    expect(status(four, { records: true })).toBe(S.COUNT_MISMATCH);
    expect(() => core.decodeRecords(four)).toThrow(expect.objectContaining({ status: S.COUNT_MISMATCH }));
  });
});

describe('malformed records (with a correct CRC)', () => {
  const body = (w: Writer) => {
    const b = w.done();
    return new Writer().varint(b.length).bytes(b).done();
  };
  const cases: Array<[string, Uint8Array]> = [
    ['record length past the section', new Writer().varint(100).u8(0).varint(0).varint(0).varint(-1).varint(-1).varint(0).done()],
    ['record length below the minimum', new Writer().varint(3).u8(0).varint(0).varint(0).varint(0).varint(0).varint(0).done()],
    ['key length below -1', body(new Writer().u8(0).varint(0).varint(0).varint(-2).varint(-1).varint(0))],
    ['key past the record', body(new Writer().u8(0).varint(0).varint(0).varint(50).varint(-1).varint(0))],
    ['trailing bytes inside the record', body(new Writer().u8(0).varint(0).varint(0).varint(-1).varint(-1).varint(0).u8(9))],
    ['negative header count', body(new Writer().u8(0).varint(0).varint(0).varint(-1).varint(-1).varint(-1))],
    ['null header key', body(new Writer().u8(0).varint(0).varint(0).varint(-1).varint(-1).varint(1).varint(-1).varint(-1))],
    ['header value past the record', body(new Writer().u8(0).varint(0).varint(0).varint(-1).varint(-1).varint(1).varint(0).varint(9))],
    ['varint longer than 5 bytes', body(new Writer().u8(0).varint(0).bytes(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).varint(-1).varint(-1).varint(0))],
    ['offset delta above lastOffsetDelta', encodeRecord(rec(0, { offsetDelta: 7 }))],
  ];
  for (const [name, section] of cases) {
    it(`${name}: BAD_RECORD with the record walk, and from decodeRecords`, () => {
      const b = buildBatch(header({ lastOffsetDelta: 0, recordCount: 1 }), section);
      expect(status(b, { records: true })).toBe(S.BAD_RECORD);
      expect(status(b, { records: false })).toBe(S.OK);
      expect(() => core.decodeRecords(b)).toThrow(expect.objectContaining({ status: S.BAD_RECORD, code: 'KWASM_BAD_RECORD' }));
    });
  }
  it('offset deltas that do not increase are BAD_RECORD', () => {
    const b = buildBatch(header({ lastOffsetDelta: 1, recordCount: 2 }), encodeRecords([rec(1), rec(1)]));
    expect(status(b, { records: true })).toBe(S.BAD_RECORD);
  });
});

describe('control and transactional flags', () => {
  const marker = (type: number, extra: Partial<RefBatchHeader> = {}, key?: Uint8Array | null, value?: Uint8Array | null) => {
    const k = key !== undefined ? key : new Writer().i16(0).i16(type).done();
    const v = value !== undefined ? value : new Writer().i16(0).i32(7).done();
    return buildBatch(header({ attributes: 0x30, producerId: 5n, producerEpoch: 0, ...extra }), encodeRecord({ timestampDelta: 0n, offsetDelta: 0, key: k, value: v, headers: [] }));
  };
  it('a well-formed COMMIT / ABORT marker is OK and reports its type', () => {
    for (const t of [0, 1]) {
      const res = core.validateBatches(marker(t), { strict: true, records: true });
      expect(res.status).toBe(S.OK);
      expect(res.batches[0]!.controlType).toBe(t);
    }
  });
  it('transactional batches need a producer id', () => {
    expect(status(buildBatch(header({ attributes: 0x10, producerId: -1n }), encodeRecord(rec(0))))).toBe(S.BAD_CONTROL);
    expect(status(buildBatch(header({ attributes: 0x10, producerId: 3n }), encodeRecord(rec(0))))).toBe(S.OK);
  });
  it('markers must be transactional', () => expect(status(marker(1, { attributes: 0x20 }))).toBe(S.BAD_CONTROL));
  it('control batches must be uncompressed', () => expect(status(marker(1, { attributes: 0x31 }))).toBe(S.BAD_CONTROL));
  it('control batches hold one record', () => {
    const two = buildBatch(
      header({ attributes: 0x30, producerId: 5n, lastOffsetDelta: 1, recordCount: 2 }),
      encodeRecords([0, 1].map((i) => ({ timestampDelta: 0n, offsetDelta: i, key: new Uint8Array([0, 0, 0, 1]), value: new Uint8Array(6), headers: [] }))),
    );
    expect(status(two)).toBe(S.BAD_CONTROL);
  });
  it('control key shorter than 4 bytes, null, or of negative version is BAD_CONTROL', () => {
    expect(status(marker(1, {}, new Uint8Array([0, 0, 0])))).toBe(S.BAD_CONTROL);
    expect(status(marker(1, {}, null))).toBe(S.BAD_CONTROL);
    expect(status(marker(1, {}, new Writer().i16(-1).i16(1).done()))).toBe(S.BAD_CONTROL);
  });
  it('marker value shorter than 6 bytes or of negative version is BAD_CONTROL', () => {
    expect(status(marker(0, {}, undefined, new Uint8Array(5)))).toBe(S.BAD_CONTROL);
    expect(status(marker(0, {}, undefined, null))).toBe(S.BAD_CONTROL);
    expect(status(marker(0, {}, undefined, new Writer().i16(-2).i32(1).done()))).toBe(S.BAD_CONTROL);
  });
  it('other control types (KRaft leader change etc.) pass with their type', () => {
    const res = core.validateBatches(marker(2, { attributes: 0x20, producerId: -1n }, undefined, new Uint8Array(0)));
    expect(res.status).toBe(S.OK);
    expect(res.batches[0]!.controlType).toBe(2);
  });
});

describe('differential fuzz against the reference validator', () => {
  const known = new Set(Object.values(S));
  it('random mutations of random batches: same status and valid prefix, never a throw', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbRecords(6, 24), arbHeader), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('xor', 'set', 'cut')), { minLength: 1, maxLength: 4 }),
        fc.constantFrom({}, { records: true }, { strict: true, records: true }),
        (items, muts, opts) => {
          let buf = cat(...items.map(([r, h]) => encodeBatch(r, h)));
          for (const [at, v, kind] of muts) {
            const i = at % buf.length;
            if (kind === 'cut') buf = buf.subarray(0, i);
            else if (kind === 'xor') buf[i]! ^= v || 1;
            else buf[i] = v;
            if (buf.length === 0) break;
          }
          const res = core.validateBatches(buf, opts);
          const ref = refValidate(buf, opts);
          expect(known.has(res.status)).toBe(true);
          expect({ status: res.status, validBytes: res.validBytes, count: res.batches.length }).toEqual(ref);
          expect(res.batches.reduce((n, d) => n + d.size, 0)).toBe(res.validBytes);
          // Decoding any framed batch never traps: records or a CoreError.
          for (const d of res.batches) {
            const bytes = buf.subarray(d.position, d.position + d.size);
            if (d.attributes & 7) continue;
            try {
              core.decodeRecords(bytes);
            } catch (e) {
              expect((e as { code?: string }).code).toMatch(/^KWASM_/);
            }
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('records sections of random bytes: decodeRecordsSection throws only CoreErrors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(30), (bytes, count) => {
        try {
          const out = core.decodeRecordsSection(bytes, count);
          expect(out.length).toBe(count);
        } catch (e) {
          expect((e as { code?: string }).code).toMatch(/^KWASM_/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('the debug build (assertions on) agrees on random batches and mutations', () => {
    const debug = newCore({ debug: true });
    fc.assert(
      fc.property(arbRecords(6, 24), arbHeader, fc.nat(), fc.integer({ min: 1, max: 255 }), (records, h, at, v) => {
        const buf = encodeBatch(records, h);
        buf[at % buf.length]! ^= v;
        for (const opts of [{}, { strict: true, records: true }]) {
          const a = debug.validateBatches(buf, opts);
          const b = core.validateBatches(buf, opts);
          expect(a).toEqual(b);
        }
      }),
      { numRuns: 500 },
    );
  });
});
