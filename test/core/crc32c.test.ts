import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCore } from '../../host/core/wasm.js';
import { crc32cRef } from '../reference/crc32c.js';

const vectors: Array<[string, Uint8Array, number]> = [
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 x 0xFF', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['0..31', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ['31..0', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ['123456789', new TextEncoder().encode('123456789'), 0xe3069283],
];

/** Deterministic bytes (xorshift32) so that fast-check shrinks lengths, not megabytes of data. */
function bytes(len: number, seed: number): Uint8Array {
  const out = new Uint8Array(len);
  let s = seed | 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s;
  }
  return out;
}

// Lengths around every switch of the core: the scalar/SIMD threshold (48), whole 16-byte
// vectors, and 64-vector blocks (1024 bytes) plus the short first block.
const edges = [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 47, 48, 49, 63, 64, 65, 100, 1023, 1024, 1025, 1039, 1040,
  1041, 1055, 1056, 2063, 2064, 2065, 2079, 16384, 16399, 16400, 16401, 65536 + 15, 65536 + 16, 65536 + 17, 70 * 1024];
const anyLength = fc.oneof(
  fc.constantFrom(...edges),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: 70 * 1024 }),
);

/** The raw module, for pointers the host wrapper never uses (unaligned, at the end of memory). */
function rawCore() {
  const mod = new WebAssembly.Module(readFileSync(new URL('../../build/kwasm.wasm', import.meta.url)));
  const inst = new WebAssembly.Instance(mod, { env: { abort: () => { throw new Error('kwasm core abort'); } } });
  const exp = inst.exports as unknown as {
    memory: WebAssembly.Memory;
    arenaBase?: () => number;
    crc32c(ptr: number, len: number, crc: number): number;
  };
  const base = exp.arenaBase ? exp.arenaBase() : 65536;
  exp.memory.grow(4); // room for 70 KiB + offsets past the arena base
  return { exp, base };
}

describe('crc32c', () => {
  const core = loadCore();

  describe('RFC 3720 vectors', () => {
    for (const [name, data, want] of vectors) {
      it(name, () => expect(core.crc32c(data)).toBe(want));
      it(`${name} (reference)`, () => expect(crc32cRef(data)).toBe(want));
    }
    it('empty input keeps the running crc', () => {
      expect(core.crc32c(new Uint8Array(0))).toBe(0);
      expect(core.crc32c(new Uint8Array(0), 0xe3069283)).toBe(0xe3069283);
    });
  });

  it('matches the reference for random lengths 0..70 KiB', () => {
    fc.assert(
      fc.property(anyLength, fc.integer(), fc.nat(), (len, seed, crc) => {
        const data = bytes(len, seed);
        expect(core.crc32c(data, crc >>> 0)).toBe(crc32cRef(data, crc >>> 0));
      }),
      { numRuns: 300 },
    );
  });

  it('continues incrementally: crc(a + b) == crc(b, crc(a))', () => {
    fc.assert(
      fc.property(anyLength, fc.nat(), fc.integer(), (len, cut, seed) => {
        const data = bytes(len, seed);
        const k = len === 0 ? 0 : cut % (len + 1);
        const whole = core.crc32c(data);
        expect(core.crc32c(data.subarray(k), core.crc32c(data.subarray(0, k)))).toBe(whole);
        expect(whole).toBe(crc32cRef(data));
      }),
      { numRuns: 200 },
    );
  });

  describe('raw export at any alignment', () => {
    const { exp, base } = rawCore();
    const mem = () => new Uint8Array(exp.memory.buffer);

    it('matches the reference for pointer offsets 0..15', () => {
      fc.assert(
        fc.property(anyLength, fc.integer({ min: 0, max: 15 }), fc.integer(), fc.nat(), (len, off, seed, crc) => {
          const data = bytes(len, seed);
          // Poison the bytes around the region: they must not leak into the result.
          mem().fill(0xa5, base, base + len + 64);
          mem().set(data, base + off);
          expect(exp.crc32c(base + off, len, crc) >>> 0).toBe(crc32cRef(data, crc >>> 0));
        }),
        { numRuns: 300 },
      );
    });

    it('every length 0..2100 at offsets 0, 1 and 7', () => {
      const data = bytes(2100 + 7, 12345);
      for (const off of [0, 1, 7]) {
        mem().set(data, base);
        for (let len = 0; len <= 2100; len++) {
          const got = exp.crc32c(base + off, len, 0x12345678) >>> 0;
          const want = crc32cRef(data.subarray(off, off + len), 0x12345678);
          if (got !== want) expect({ off, len, got }).toEqual({ off, len, got: want });
        }
      }
    });

    it('reads nothing past the end of the region (region ends at the end of memory)', () => {
      for (const len of [1, 15, 16, 47, 48, 100, 1040, 4097, 70 * 1024]) {
        const data = bytes(len, len);
        const end = exp.memory.buffer.byteLength;
        mem().set(data, end - len);
        // An over-read would trap with "memory access out of bounds".
        expect(exp.crc32c(end - len, len, 0) >>> 0).toBe(crc32cRef(data));
      }
    });
  });
});
