// The active segment's tail cache: every slice equals the bytes appended at those positions, for
// any mix of appends kept by reference and appends copied, across evictions, with and without a
// caller buffer; views handed out stay valid while appends go on.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TailCache } from '../../../host/storage/file/tail-cache.js';

describe('file engine: tail cache', () => {
  it('serves exactly the appended bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 90_000 }), fc.boolean()), { minLength: 1, maxLength: 20 }),
        (sizes, cap, reads) => {
          const t = new TailCache();
          const start = 1000;
          t.clear(start);
          const all: number[] = [];
          const handed: Array<{ view: Uint8Array; from: number }> = [];
          for (const [k, n] of sizes.entries()) {
            // Odd appends are small views of a larger buffer (copied), even ones own their buffer.
            const backing = Buffer.alloc(k % 2 === 1 ? n * 3 : n);
            const c = backing.subarray(0, n);
            for (let i = 0; i < n; i++) c[i] = (all.length + i) * 31 % 251;
            for (const b of c) all.push(b);
            t.append(c);
            t.evict(cap);
            const v = t.slice(start + all.length - Math.min(n, 100), start + all.length);
            if (v) handed.push({ view: v, from: all.length - Math.min(n, 100) });
          }
          expect(t.end).toBe(start + all.length);
          for (const [where, len, withBuffer] of reads) {
            const from = start + Math.floor(where * all.length);
            const to = Math.min(from + len, start + all.length);
            const into = withBuffer ? Buffer.alloc(len) : undefined;
            const got = t.slice(from, to, into);
            if (got === null) continue; // evicted
            expect(Buffer.from(got).equals(Buffer.from(all.slice(from - start, to - start)))).toBe(true);
          }
          // The newest `cap` bytes (or the last append, if larger) are always cached.
          expect(t.slice(start + all.length - Math.min(cap, all.length), start + all.length)).not.toBeNull();
          for (const h of handed) expect(Buffer.from(h.view).equals(Buffer.from(all.slice(h.from, h.from + h.view.length)))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps large appends by reference and copies small views (which would pin their backing buffer)', () => {
    const t = new TailCache();
    t.clear(0);
    const big = Buffer.alloc(64 * 1024, 7);
    t.append(big);
    const v = t.slice(100, 200)!;
    expect(v.buffer).toBe(big.buffer); // no copy on the append path
    const chunk = Buffer.alloc(64 * 1024, 1);
    const small = chunk.subarray(0, 500);
    t.append(small);
    small.fill(9); // the cache copied it: later changes to the socket chunk do not show
    expect([...t.slice(big.length, big.length + 500)!].every((b) => b === 1)).toBe(true);
  });

  it('copies a read across pieces into the caller buffer when it is large enough', () => {
    const t = new TailCache();
    t.clear(0);
    t.append(Buffer.alloc(8192, 1));
    t.append(Buffer.alloc(8192, 2));
    const into = Buffer.alloc(20_000);
    const r = t.slice(8000, 8400, into)!;
    expect(r.buffer).toBe(into.buffer);
    expect([...r.subarray(0, 192)].every((b) => b === 1) && [...r.subarray(192)].every((b) => b === 2)).toBe(true);
    expect(t.slice(8000, 8400, Buffer.alloc(10))!.buffer).not.toBe(into.buffer);
  });
});
