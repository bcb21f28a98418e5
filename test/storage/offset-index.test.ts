// The storage wrapper of the core's offset index: Kafka's append rules (strictly increasing offsets
// and positions, silently ignored otherwise), lookups, truncation, and the unloaded stand-in.
import { describe, expect, it } from 'vitest';
import { OffsetIndex } from '../../host/storage/offset-index.js';
import { testCore } from './helpers/core.js';

const core = testCore();

describe('OffsetIndex', () => {
  it('appends in order only, looks up floors, and stays consistent across truncation', () => {
    const ix = new OffsetIndex(core, 1024);
    ix.append(10, 100);
    ix.append(10, 200); // same offset: ignored
    ix.append(20, 50); // position going back: ignored
    ix.append(20, 300);
    expect(ix.entries).toBe(2);
    expect(ix.lastRelativeOffset()).toBe(20);
    expect(ix.lookup(5)).toBe(0);
    expect(ix.lookup(15)).toBe(100);
    expect(ix.lookup(25)).toBe(300);
    ix.truncateToPosition(300);
    expect(ix.lastRelativeOffset()).toBe(10);
    ix.append(12, 250); // accepted again after the cut
    expect(ix.entries).toBe(2);
    ix.truncateToOffset(12);
    expect(ix.entries).toBe(1);
    ix.append(11, 120);
    expect(ix.lastRelativeOffset()).toBe(11);
    ix.clear();
    expect(ix.lastRelativeOffset()).toBe(-1);
    ix.append(1, 8);
    expect(Buffer.from(ix.bytes()).toString('hex')).toBe('0000000100000008');
    ix.close();
  });

  it('loads file bytes, keeps their sound prefix, and appends after it', () => {
    const bytes = Buffer.alloc(32);
    [[1, 10], [2, 20], [5, 900], [4, 30]].forEach(([o, p], i) => {
      bytes.writeUInt32BE(o!, i * 8);
      bytes.writeUInt32BE(p!, i * 8 + 4);
    });
    const ix = new OffsetIndex(core, 1024, bytes);
    expect(ix.keepValidPrefix(500, 100)).toBe(false); // position 900 is past the segment, 4 < 5
    expect(ix.entries).toBe(2);
    expect(ix.lastRelativeOffset()).toBe(2);
    ix.append(3, 25);
    expect(ix.lookup(4)).toBe(25);
    ix.close();
  });

  it('the unloaded stand-in is empty, refuses appends and survives close()', () => {
    const u = OffsetIndex.unloaded(core);
    expect(u).toBe(OffsetIndex.unloaded(core));
    expect(u.isUnloaded).toBe(true);
    expect(u.lookup(1000)).toBe(0);
    expect(() => u.append(1, 1)).toThrow(/unloaded/);
    u.close();
    expect(u.entries).toBe(0);
  });
});
