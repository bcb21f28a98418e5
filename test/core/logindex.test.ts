// Kafka's .index and .timeindex through the core: append, floor lookup, truncate, on-disk bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { BatchStatus as S } from '../../host/core/types.js';
import { offsetIndexBytes, refFloor, timeIndexBytes } from '../reference/logindex.js';

const core = loadCore();

describe('offset index', () => {
  it('floor lookups: empty, before the first, first, between, last, past the last', () => {
    const idx = core.openOffsetIndex();
    expect(idx.lookup(0)).toBeNull();
    idx.append(10, 4096);
    idx.append(20, 8192);
    idx.append(35, 12288);
    expect(idx.entries).toBe(3);
    expect(idx.lookup(9)).toBeNull();
    expect(idx.lookup(10)).toEqual({ relativeOffset: 10, position: 4096 });
    expect(idx.lookup(19)).toEqual({ relativeOffset: 10, position: 4096 });
    expect(idx.lookup(20)).toEqual({ relativeOffset: 20, position: 8192 });
    expect(idx.lookup(34)).toEqual({ relativeOffset: 20, position: 8192 });
    expect(idx.lookup(35)).toEqual({ relativeOffset: 35, position: 12288 });
    expect(idx.lookup(2 ** 31 - 1)).toEqual({ relativeOffset: 35, position: 12288 });
    expect(idx.entry(1)).toEqual({ relativeOffset: 20, position: 8192 });
    idx.close();
  });

  it('bytes are Kafka on-disk entries (big-endian relative offset, position)', () => {
    const idx = core.openOffsetIndex();
    idx.append(1, 2);
    idx.append(0x01020304, 0x0a0b0c0d);
    expect(Array.from(idx.bytes())).toEqual([0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d]);
    const again = core.openOffsetIndex({ bytes: idx.bytes() });
    expect(again.entries).toBe(2);
    expect(again.lookup(0x01020304)).toEqual({ relativeOffset: 0x01020304, position: 0x0a0b0c0d });
    idx.close();
    again.close();
  });

  it('append refuses offsets that do not increase (INDEX_ORDER) and a full index (INDEX_FULL)', () => {
    const idx = core.openOffsetIndex({ maxBytes: 24 });
    idx.append(5, 0);
    expect(() => idx.append(5, 10)).toThrow(expect.objectContaining({ status: S.INDEX_ORDER }));
    expect(() => idx.append(4, 10)).toThrow(expect.objectContaining({ status: S.INDEX_ORDER }));
    idx.append(6, 10);
    idx.append(7, 20);
    expect(idx.isFull).toBe(true);
    expect(() => idx.append(8, 30)).toThrow(expect.objectContaining({ status: S.INDEX_FULL }));
    idx.close();
  });

  it('truncateTo drops entries at or above the offset (Kafka truncateTo), zeroing them', () => {
    const idx = core.openOffsetIndex();
    for (const [o, p] of [[10, 1], [20, 2], [30, 3]] as const) idx.append(o, p);
    expect(idx.truncateTo(31)).toBe(3);
    expect(idx.truncateTo(30)).toBe(2);
    expect(idx.truncateTo(15)).toBe(1);
    expect(idx.bytes()).toEqual(offsetIndexBytes([[10, 1]]));
    expect(idx.truncateTo(0)).toBe(0);
    expect(idx.lookup(100)).toBeNull();
    idx.append(3, 7);
    expect(idx.lookup(3)).toEqual({ relativeOffset: 3, position: 7 });
    idx.close();
  });

  it('validEntries finds the ordered prefix of a preallocated (zero-padded) or damaged file', () => {
    const file = new Uint8Array(80);
    file.set(offsetIndexBytes([[3, 4096], [9, 8192], [12, 12288]]));
    const idx = core.openOffsetIndex({ bytes: file });
    expect(idx.entries).toBe(10);
    expect(idx.validEntries()).toBe(3);
    idx.truncateToEntries(3);
    expect(idx.lookup(10)).toEqual({ relativeOffset: 9, position: 8192 });
    idx.close();
  });

  it('grows from a small block to many entries and matches the reference (property)', () => {
    const idx = core.openOffsetIndex();
    const ref: Array<{ key: bigint; value: number }> = [];
    let rel = 0;
    for (let i = 0; i < 5000; i++) {
      rel += 1 + (i % 7);
      idx.append(rel, i * 100);
      ref.push({ key: BigInt(rel), value: i * 100 });
    }
    fc.assert(
      fc.property(fc.integer({ min: -5, max: rel + 5 }), (t) => {
        const slot = refFloor(ref, BigInt(t));
        expect(idx.lookup(t)).toEqual(slot < 0 ? null : { relativeOffset: Number(ref[slot]!.key), position: ref[slot]!.value });
      }),
      { numRuns: 2000 },
    );
    idx.close();
  });

  it('CoreApi lookups over host buffers agree, including duplicates (first of equal keys)', () => {
    const bytes = offsetIndexBytes([[1, 10], [4, 40], [4, 41], [4, 42], [9, 90]]);
    const ref = [1, 4, 4, 4, 9].map((k, i) => ({ key: BigInt(k), value: i }));
    for (let t = -1; t <= 10; t++) expect([t, core.offsetIndexLookup(bytes, 5, t)]).toEqual([t, refFloor(ref, BigInt(t))]);
    expect(core.offsetIndexLookup(bytes, 0, 5)).toBe(-1);
    expect(core.offsetIndexLookup(bytes, 99, 100)).toBe(4); // entries clamped to the bytes present
  });
});

describe('time index', () => {
  it('maybeAppend as Kafka: only larger timestamps are appended; smaller ones or lower offsets are refused', () => {
    const idx = core.openTimeIndex();
    expect(idx.maybeAppend(-1n, 0)).toBe(false); // nothing is appended at or below NoTimestamp
    expect(idx.maybeAppend(100n, 5)).toBe(true);
    expect(idx.maybeAppend(100n, 6)).toBe(false); // same timestamp: skipped
    expect(idx.maybeAppend(150n, 6)).toBe(true);
    expect(() => idx.maybeAppend(140n, 7)).toThrow(expect.objectContaining({ status: S.INDEX_ORDER }));
    expect(() => idx.maybeAppend(200n, 5)).toThrow(expect.objectContaining({ status: S.INDEX_ORDER }));
    expect(idx.entries).toBe(2);
    expect(idx.lastEntry()).toEqual({ timestamp: 150n, relativeOffset: 6 });
    expect(idx.bytes()).toEqual(timeIndexBytes([[100n, 5], [150n, 6]]));
    idx.close();
  });

  it('floor lookups: empty, first, between, last; null below the first (Kafka returns the base offset)', () => {
    const idx = core.openTimeIndex();
    expect(idx.lookup(0n)).toBeNull();
    idx.maybeAppend(1000n, 0);
    idx.maybeAppend(2000n, 10);
    idx.maybeAppend(3000n, 25);
    expect(idx.lookup(999n)).toBeNull();
    expect(idx.lookup(1000n)).toEqual({ timestamp: 1000n, relativeOffset: 0 });
    expect(idx.lookup(2500n)).toEqual({ timestamp: 2000n, relativeOffset: 10 });
    expect(idx.lookup(3000n)).toEqual({ timestamp: 3000n, relativeOffset: 25 });
    expect(idx.lookup(1n << 62n)).toEqual({ timestamp: 3000n, relativeOffset: 25 });
    idx.close();
  });

  it('truncateTo removes entries whose offset is at or above the target', () => {
    const idx = core.openTimeIndex({ bytes: timeIndexBytes([[10n, 1], [20n, 5], [30n, 9]]) });
    expect(idx.truncateTo(6)).toBe(2);
    expect(idx.truncateTo(5)).toBe(1);
    expect(idx.lookup(100n)).toEqual({ timestamp: 10n, relativeOffset: 1 });
    idx.close();
  });

  it('duplicate timestamps in a loaded file: the first of equal ones (scan from the earliest position)', () => {
    const entries: Array<[bigint, number]> = [[5n, 0], [7n, 2], [7n, 3], [7n, 4], [9n, 8]];
    const bytes = timeIndexBytes(entries);
    const idx = core.openTimeIndex({ bytes });
    const ref = entries.map(([k, v]) => ({ key: k, value: v }));
    for (let t = 0n; t <= 10n; t++) {
      const slot = refFloor(ref, t);
      expect(idx.lookup(t)).toEqual(slot < 0 ? null : { timestamp: entries[slot]![0], relativeOffset: entries[slot]![1] });
      expect(core.timeIndexLookup(bytes, 5, t)).toBe(slot);
    }
    expect(idx.validEntries()).toBe(5);
    idx.close();
  });

  it('validEntries stops at a zero-padded tail', () => {
    const file = new Uint8Array(12 * 6);
    file.set(timeIndexBytes([[100n, 1], [200n, 3]]));
    const idx = core.openTimeIndex({ bytes: file });
    expect(idx.validEntries()).toBe(2);
    idx.close();
  });

  it('closed indexes give their memory back and refuse use', () => {
    const idx = core.openTimeIndex();
    idx.close();
    expect(() => idx.lookup(1n)).toThrow(/after close/);
  });
});
