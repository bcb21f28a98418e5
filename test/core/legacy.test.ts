// Legacy MessageSet v0/v1 (CRC-32 IEEE) decode and encode, against vectors built by the reference.
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { BatchStatus as S } from '../../host/core/types.js';
import { encodeMessage, encodeMessageSet, type RefMessage } from '../reference/legacy.js';
import { refCrc32 } from '../reference/checksum.js';

const core = loadCore();
const te = new TextEncoder();

describe('crc32 (IEEE)', () => {
  it('check value and reference agreement', () => {
    expect(core.crc32(te.encode('123456789'))).toBe(0xcbf43926);
    expect(core.crc32(new Uint8Array(0))).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(0xffffffff), (b, seed) => {
        expect(core.crc32(b, seed)).toBe(refCrc32(b, seed));
      }),
    );
  });
});

const arbMessage = (magic: 0 | 1) =>
  fc.record({
    offset: fc.bigInt({ min: 0n, max: 1n << 40n }),
    magic: fc.constant(magic),
    attributes: fc.constant(0),
    timestamp: fc.bigInt({ min: -1n, max: 1n << 42n }),
    key: fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
    value: fc.option(fc.uint8Array({ maxLength: 60 }), { nil: null }),
  }) as fc.Arbitrary<RefMessage>;

describe('decodeMessageSet', () => {
  it('v0 vector: offsets, null key, no timestamp', () => {
    const set = encodeMessageSet([
      { offset: 0n, magic: 0, attributes: 0, key: null, value: te.encode('hello') },
      { offset: 1n, magic: 0, attributes: 0, key: te.encode('k'), value: te.encode('world') },
    ]);
    const res = core.decodeMessageSet(set);
    expect(res.status).toBe(S.OK);
    expect(res.validBytes).toBe(set.length);
    expect(res.messages.map((m) => [m.offset, m.magic, m.timestamp, m.key && Buffer.from(m.key).toString(), Buffer.from(m.value!).toString()])).toEqual([
      [0n, 0, -1n, null, 'hello'],
      [1n, 0, -1n, 'k', 'world'],
    ]);
    expect(res.messages[0]!.size).toBe(12 + 14 + 5);
    expect(res.messages[1]!.position).toBe(31);
  });

  it('v1 vector: timestamps, timestamp type bit, CRC as stored', () => {
    const m: RefMessage = { offset: 42n, magic: 1, attributes: 0x08, timestamp: 1_600_000_000_000n, key: te.encode('a'), value: null };
    const bytes = encodeMessage(m);
    const res = core.decodeMessageSet(bytes);
    expect(res.status).toBe(S.OK);
    const d = res.messages[0]!;
    expect(d).toMatchObject({ offset: 42n, magic: 1, attributes: 8, compression: 0, timestamp: 1_600_000_000_000n, value: null });
    expect(d.crc).toBe(new DataView(bytes.buffer).getUint32(12));
  });

  it('round trip of random message sets of both magics (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(arbMessage(0), { maxLength: 8 }), fc.array(arbMessage(1), { maxLength: 8 })), (ms) => {
        const set = encodeMessageSet(ms);
        const res = core.decodeMessageSet(set);
        expect(res.status).toBe(S.OK);
        expect(res.messages.length).toBe(ms.length);
        res.messages.forEach((d, i) => {
          const m = ms[i]!;
          expect(d.offset).toBe(m.offset);
          expect(d.timestamp).toBe(m.magic === 1 ? m.timestamp : -1n);
          expect(d.key).toEqual(m.key);
          expect(d.value).toEqual(m.value);
        });
        if (ms.length) {
          const magic = ms[0]!.magic;
          const again = core.encodeMessageSet(ms.map((m) => ({ offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value })), magic);
          expect(again).toEqual(set);
        }
      }),
    );
  });

  it('a gzip wrapper (v1) is reported; the host decompresses its value and decodes the inner set', () => {
    const inner = encodeMessageSet([0, 1, 2].map((i) => ({ offset: BigInt(i), magic: 1, attributes: 0, timestamp: 1000n + BigInt(i), key: null, value: te.encode(`v${i}`) })));
    const wrapper = encodeMessage({ offset: 102n, magic: 1, attributes: 1, timestamp: 1002n, key: null, value: gzipSync(inner) });
    const res = core.decodeMessageSet(wrapper);
    expect(res.status).toBe(S.OK);
    const w = res.messages[0]!;
    expect(w.compression).toBe(1);
    const innerRes = core.decodeMessageSet(gunzipSync(w.value!));
    expect(innerRes.status).toBe(S.OK);
    // v1 inner offsets are relative; the wrapper carries the absolute offset of the last one.
    const last = innerRes.messages[innerRes.messages.length - 1]!.offset;
    expect(innerRes.messages.map((m) => w.offset - last + m.offset)).toEqual([100n, 101n, 102n]);
    expect(innerRes.messages.map((m) => Buffer.from(m.value!).toString())).toEqual(['v0', 'v1', 'v2']);
  });

  it('every corruption gets its status; truncation at every length keeps the valid prefix', () => {
    const a = encodeMessage({ offset: 0n, magic: 1, attributes: 0, timestamp: 5n, key: te.encode('key'), value: te.encode('value') });
    const b = encodeMessage({ offset: 1n, magic: 0, attributes: 0, key: null, value: te.encode('v') });
    const set = new Uint8Array([...a, ...b]);
    for (let n = 0; n <= set.length; n++) {
      const res = core.decodeMessageSet(set.subarray(0, n));
      const whole = n === 0 || n === a.length || n === set.length;
      expect([n, res.status]).toEqual([n, whole ? S.OK : S.TRUNCATED]);
      expect(res.validBytes).toBe(n === set.length ? set.length : n >= a.length ? a.length : 0);
    }
    for (let byte = 0; byte < a.length; byte++) {
      const bad = a.slice();
      bad[byte]! ^= 0x10;
      const res = core.decodeMessageSet(bad);
      const size = new DataView(bad.buffer).getInt32(8);
      let want: number;
      if (byte < 8) want = S.OK; // the offset is outside the CRC
      else if (byte < 12) want = size < 22 ? S.BAD_LENGTH : size + 12 > bad.length ? S.TRUNCATED : S.CRC_MISMATCH;
      else if (byte === 16) want = S.BAD_MAGIC;
      else want = S.CRC_MISMATCH;
      expect([byte, res.status]).toEqual([byte, want]);
    }
  });

  it('well-checksummed but malformed messages: BAD_RECORD, BAD_MAGIC, BAD_COMPRESSION', () => {
    const forge = (body: number[]) => {
      const b = new Uint8Array(body);
      const out = new Uint8Array(16 + b.length);
      const dv = new DataView(out.buffer);
      dv.setInt32(8, 4 + b.length);
      dv.setUint32(12, refCrc32(b));
      out.set(b, 16);
      return out;
    };
    // magic 0, attributes 0, key length 5 but only 4 bytes follow
    expect(core.decodeMessageSet(forge([0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff])).status).toBe(S.BAD_RECORD);
    // value length -2
    expect(core.decodeMessageSet(forge([0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])).status).toBe(S.BAD_RECORD);
    // bytes after the value
    expect(core.decodeMessageSet(forge([0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 7, 8])).status).toBe(S.BAD_RECORD);
    // magic 2 is not a legacy message
    expect(core.decodeMessageSet(forge([2, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).status).toBe(S.BAD_MAGIC);
    // codec 5
    expect(core.decodeMessageSet(forge([0, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).status).toBe(S.BAD_COMPRESSION);
    // the same, well-formed, is OK
    expect(core.decodeMessageSet(forge([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).status).toBe(S.OK);
  });

  it('random bytes never trap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        const res = core.decodeMessageSet(b);
        expect(res.validBytes).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 2000 },
    );
  });
});
