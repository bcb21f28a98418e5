// The storage wrapper of the core's time index: Kafka's maybeAppend (only a larger timestamp at a
// later or equal offset), lookups, truncation keeping the last entry right.
import { describe, expect, it } from 'vitest';
import { TimeIndex } from '../../host/storage/time-index.js';
import { testCore } from './helpers/core.js';

const core = testCore();

describe('TimeIndex', () => {
  it('appends only growing timestamps, looks up, and truncates', () => {
    const ix = new TimeIndex(core, 1200);
    ix.maybeAppend(100n, 3);
    ix.maybeAppend(100n, 5); // same timestamp: ignored
    ix.maybeAppend(90n, 6); // smaller: ignored
    ix.maybeAppend(200n, 2); // offset going back: ignored
    ix.maybeAppend(200n, 7);
    expect(ix.entries).toBe(2);
    expect(ix.lastTimestamp()).toBe(200n);
    expect(ix.lastRelativeOffset()).toBe(7);
    expect(ix.lookup(50n)).toBe(-1);
    expect(ix.lookup(150n)).toBe(3);
    expect(ix.lookup(500n)).toBe(7);
    ix.truncateToOffset(7);
    expect(ix.lastTimestamp()).toBe(100n);
    ix.maybeAppend(150n, 4);
    expect(ix.lastRelativeOffset()).toBe(4);
    ix.clear();
    expect(ix.lastTimestamp()).toBe(-1n);
    ix.maybeAppend(5n, 0);
    expect(ix.entries).toBe(1);
    ix.close();
  });

  it('keeps the sound prefix of file bytes', () => {
    const b = Buffer.alloc(36);
    [[10n, 1], [20n, 2], [30n, 50]].forEach(([t, o], i) => {
      b.writeBigInt64BE(t as bigint, i * 12);
      b.writeUInt32BE(o as number, i * 12 + 8);
    });
    const ix = new TimeIndex(core, 1200, b);
    expect(ix.keepValidPrefix(10)).toBe(false);
    expect(ix.lastTimestamp()).toBe(20n);
    ix.maybeAppend(25n, 3);
    expect(ix.entries).toBe(3);
    ix.close();
  });
});
