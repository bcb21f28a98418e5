// Record encode/decode beyond the basic round trip: compressed sections, control batches,
// timestamps, views, large inputs.
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { BatchStatus as S, Compression, ControlType } from '../../host/core/types.js';
import { buildBatch, decodeRecords as refDecode, encodeBatch, encodeRecords, readHeader, Writer } from '../reference/batch.js';
import { arbRecords } from '../reference/arbitrary.js';

const core = loadCore();
const te = new TextEncoder();

describe('decodeRecords', () => {
  it('returns views into the caller bytes, not copies', () => {
    const b = encodeBatch([{ timestampDelta: 0n, offsetDelta: 0, key: te.encode('k'), value: te.encode('value'), headers: [{ name: te.encode('h'), value: te.encode('x') }] }]);
    const [r] = core.decodeRecords(b);
    expect(r!.value!.buffer).toBe(b.buffer);
    expect(r!.headers[0]!.value!.buffer).toBe(b.buffer);
    expect(Buffer.from(r!.value!).toString()).toBe('value');
    b[r!.value!.byteOffset] = 'V'.charCodeAt(0);
    expect(r!.value![0]).toBe('V'.charCodeAt(0));
  });

  it('agrees with the reference decoder on random records (property)', () => {
    fc.assert(
      fc.property(arbRecords(30, 40), (records) => {
        const b = encodeBatch(records);
        const ref = refDecode(b.subarray(61), records.length);
        const mine = core.decodeRecords(b);
        expect(mine.map((r) => [r.offsetDelta, r.timestampDelta, r.key, r.value, r.headers.map((h) => [h.key, h.value])])).toEqual(
          ref.map((r) => [r.offsetDelta, r.timestampDelta, r.key, r.value, r.headers.map((h) => [h.name, h.value])]),
        );
      }),
    );
  });

  it('handles many headers (the wrapper regrows its header table) and many records', () => {
    const headers = Array.from({ length: 3000 }, (_, i) => ({ name: te.encode(`h${i}`), value: i % 2 ? null : new Uint8Array([i & 0xff]) }));
    const records = Array.from({ length: 5 }, (_, i) => ({ timestampDelta: 0n, offsetDelta: i, key: null, value: null, headers }));
    const out = core.decodeRecords(encodeBatch(records));
    expect(out.length).toBe(5);
    expect(out[4]!.headers.length).toBe(3000);
    expect(Buffer.from(out[4]!.headers[2999]!.key).toString()).toBe('h2999');
    const many = Array.from({ length: 20000 }, (_, i) => ({ timestampDelta: BigInt(i), offsetDelta: i, key: null, value: new Uint8Array([i & 0xff]), headers: [] }));
    const big = core.decodeRecords(encodeBatch(many));
    expect(big.length).toBe(20000);
    expect(big[19999]!.timestampDelta).toBe(19999n);
  });

  it('a compressed batch needs a decompress function; with it, records come from the decompressed bytes', () => {
    const records = [0, 1, 2].map((i) => ({ timestampDelta: BigInt(i), offsetDelta: i, key: te.encode(`k${i}`), value: te.encode(`v${i}`), headers: [] }));
    const gz = buildBatch(
      { baseOffset: 0n, partitionLeaderEpoch: 0, attributes: Compression.GZIP, lastOffsetDelta: 2, baseTimestamp: 0n, maxTimestamp: 2n, producerId: -1n, producerEpoch: -1, baseSequence: -1, recordCount: 3 },
      gzipSync(encodeRecords(records)),
    );
    expect(core.validateBatches(gz, { strict: true, records: true }).status).toBe(S.OK);
    expect(() => core.decodeRecords(gz)).toThrow(expect.objectContaining({ status: S.BAD_COMPRESSION }));
    const seen: number[] = [];
    const out = core.decodeRecords(gz, {
      decompress: (data, codec) => {
        seen.push(codec);
        return gunzipSync(data);
      },
    });
    expect(seen).toEqual([Compression.GZIP]);
    expect(out.map((r) => Buffer.from(r.key!).toString())).toEqual(['k0', 'k1', 'k2']);
  });
});

describe('encodeBatch', () => {
  it('defaults: base timestamp from the first record, max timestamp, sequential deltas, Kafka "none" fields', () => {
    const b = core.encodeBatch([{ value: te.encode('a'), timestamp: 500 }, { value: te.encode('b'), timestamp: 900 }, { value: te.encode('c'), timestamp: 700 }]);
    const h = readHeader(b);
    expect(h).toMatchObject({ baseOffset: 0n, partitionLeaderEpoch: -1, magic: 2, attributes: 0, lastOffsetDelta: 2, baseTimestamp: 500n, maxTimestamp: 900n, producerId: -1n, producerEpoch: -1, baseSequence: -1, recordCount: 3 });
    expect(core.decodeRecords(b).map((r) => r.timestampDelta)).toEqual([0n, 400n, 200n]);
  });

  it('header keys as strings are UTF-8; idempotent/transactional header fields are written', () => {
    const b = core.encodeBatch([{ key: null, value: null, headers: [{ key: 'trace-ü', value: te.encode('1') }] }], {
      baseTimestamp: 0n,
      producerId: 77n,
      producerEpoch: 3,
      baseSequence: 10,
      transactional: true,
      partitionLeaderEpoch: 4,
      baseOffset: 99n,
    });
    const d = core.validateBatches(b, { strict: true, records: true });
    expect(d.status).toBe(S.OK);
    expect(d.batches[0]).toMatchObject({ producerId: 77n, producerEpoch: 3, baseSequence: 10, attributes: 0x10, partitionLeaderEpoch: 4, baseOffset: 99n });
    expect(Buffer.from(core.decodeRecords(b)[0]!.headers[0]!.key).toString()).toBe('trace-ü');
  });

  it('compressed encode: the host compresses the section, the core writes header and CRC', () => {
    fc.assert(
      fc.property(arbRecords(15, 40), (records) => {
        const input = records.map((r) => ({ key: r.key, value: r.value, headers: r.headers.map((h) => ({ key: h.name, value: h.value })), timestamp: 1000n + r.timestampDelta }));
        const b = core.encodeBatch(input, { baseTimestamp: 1000n, compression: Compression.GZIP, compress: (s) => gzipSync(s) });
        const res = core.validateBatches(b, { strict: true, records: true });
        expect(res.status).toBe(records.length ? S.OK : S.COUNT_MISMATCH);
        expect(res.batches[0]?.attributes ?? Compression.GZIP).toBe(Compression.GZIP);
        const back = core.decodeRecords(b, { decompress: (d) => gunzipSync(d) });
        expect(back.map((r) => r.value && Uint8Array.from(r.value))).toEqual(records.map((r) => r.value));
        // The same section through encodeRecordsSection + buildBatch gives the same batch.
        const sec = core.encodeRecordsSection(input, { baseTimestamp: 1000n });
        expect(sec.records).toEqual(encodeRecords(records));
        const built = core.buildBatch(gzipSync(sec.records), { ...sec, compression: Compression.GZIP });
        expect(built).toEqual(b);
      }),
      { numRuns: 50 },
    );
  });

  it('a compressed section larger than the plain one still fits', () => {
    const b = core.encodeBatch([{ value: new Uint8Array([1]) }], { baseTimestamp: 0n, compression: Compression.ZSTD, compress: (s) => new Uint8Array(s.length + 1000).fill(7) });
    expect(core.validateBatches(b).status).toBe(S.OK);
    expect(b.length).toBe(61 + 8 + 1000);
  });

  it('compression without a compress function is refused', () => {
    expect(() => core.encodeBatch([{ value: null }], { compression: Compression.LZ4 })).toThrow(expect.objectContaining({ code: 'KWASM_BAD_COMPRESSION' }));
  });

  it('explicit offset deltas (compaction keeps them) must increase; lastOffsetDelta may exceed the last record', () => {
    const b = core.encodeBatch([{ value: null, offsetDelta: 2 }, { value: null, offsetDelta: 7 }], { baseTimestamp: 0n, lastOffsetDelta: 9 });
    const d = core.validateBatches(b, { records: true });
    expect(d.status).toBe(S.OK);
    expect(d.batches[0]).toMatchObject({ lastOffsetDelta: 9, recordCount: 2 });
    expect(core.decodeRecords(b).map((r) => r.offsetDelta)).toEqual([2, 7]);
    expect(() => core.encodeBatch([{ value: null, offsetDelta: 3 }, { value: null, offsetDelta: 3 }])).toThrow(expect.objectContaining({ status: S.BAD_ARGUMENT }));
    expect(() => core.encodeBatch([{ value: null, offsetDelta: 5 }], { lastOffsetDelta: 4 })).toThrow(expect.objectContaining({ status: S.COUNT_MISMATCH }));
  });

  it('large batches grow the core memory (8 MiB of values)', () => {
    const value = new Uint8Array(1 << 20).fill(3);
    const b = core.encodeBatch(Array.from({ length: 8 }, () => ({ value })), { baseTimestamp: 0n });
    expect(core.validateBatches(b, { strict: true, records: true }).status).toBe(S.OK);
    expect(core.decodeRecords(b)[7]!.value!.length).toBe(1 << 20);
  });
});

describe('control batches', () => {
  it('COMMIT and ABORT markers match Kafka layout byte for byte (reference) and read back', () => {
    for (const type of [ControlType.ABORT, ControlType.COMMIT]) {
      const b = core.encodeControlBatch({ type, coordinatorEpoch: 12, producerId: 4000n, producerEpoch: 2, timestamp: 1234n, baseOffset: 50n, partitionLeaderEpoch: 3 });
      const ref = buildBatch(
        { baseOffset: 50n, partitionLeaderEpoch: 3, attributes: 0x30, lastOffsetDelta: 0, baseTimestamp: 1234n, maxTimestamp: 1234n, producerId: 4000n, producerEpoch: 2, baseSequence: -1, recordCount: 1 },
        encodeRecords([{ timestampDelta: 0n, offsetDelta: 0, key: new Writer().i16(0).i16(type).done(), value: new Writer().i16(0).i32(12).done(), headers: [] }]),
      );
      expect(b).toEqual(ref);
      const v = core.validateBatches(b, { strict: true, records: true });
      expect(v.status).toBe(S.OK);
      expect(v.batches[0]!.controlType).toBe(type);
      expect(core.readControl(b)).toEqual({ keyVersion: 0, type, valueVersion: 0, coordinatorEpoch: 12 });
    }
  });

  it('readControl of a data batch is BAD_CONTROL; markers need a producer id and a marker type', () => {
    expect(() => core.readControl(encodeBatch([]))).toThrow(expect.objectContaining({ status: S.BAD_CONTROL }));
    expect(() => core.encodeControlBatch({ type: 1, coordinatorEpoch: 0, producerId: -1n, producerEpoch: 0 })).toThrow(expect.objectContaining({ status: S.BAD_ARGUMENT }));
    expect(() => core.encodeControlBatch({ type: 2, coordinatorEpoch: 0, producerId: 1n, producerEpoch: 0 })).toThrow(expect.objectContaining({ status: S.BAD_ARGUMENT }));
  });
});

describe('setMaxTimestamp (LogAppendTime)', () => {
  it('sets the type bit and max timestamp of every batch and re-CRCs', () => {
    const a = core.encodeBatch([{ value: null, timestamp: 5 }]);
    const b = core.encodeBatch([{ value: null, timestamp: 6 }], { compression: 0 });
    const buf = new Uint8Array([...a, ...b]);
    core.setMaxTimestamp(buf, 999n, true);
    const v = core.validateBatches(buf);
    expect(v.status).toBe(S.OK);
    expect(v.batches.map((d) => [d.attributes & 0x08, d.maxTimestamp])).toEqual([
      [8, 999n],
      [8, 999n],
    ]);
    core.setMaxTimestamp(buf, 6, false);
    expect(core.validateBatches(buf).batches.map((d) => [d.attributes & 0x08, d.maxTimestamp])).toEqual([
      [0, 6n],
      [0, 6n],
    ]);
  });
  it('never gives corrupt bytes a fresh CRC: nothing changes on CRC_MISMATCH', () => {
    const a = core.encodeBatch([{ value: null, timestamp: 5 }]);
    const buf = new Uint8Array([...a, ...a]);
    buf[buf.length - 1]! ^= 1;
    const before = buf.slice();
    expect(() => core.setMaxTimestamp(buf, 1n, true)).toThrow(expect.objectContaining({ status: S.CRC_MISMATCH }));
    expect(buf).toEqual(before);
  });
});
