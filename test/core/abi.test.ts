// The raw ABI of build/kwasm.wasm: exports, arena, no allocation after start, no traps on bad
// pointers. What another runtime relies on (README "WASM core ABI").
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreImports } from '../../host/core/core.js';
import { coreModule, wasmPath } from '../../host/core/wasm.js';
import type { CoreExports } from '../../host/core/abi.js';
import { ABI_VERSION } from '../../host/core/abi.js';
import { encodeBatch } from '../reference/batch.js';
import { arbHeader, arbRecords } from '../reference/arbitrary.js';
import { encodeMessageSet } from '../reference/legacy.js';

const raw = () => new WebAssembly.Instance(coreModule(), coreImports()).exports as unknown as CoreExports;
const BAD_ARGUMENT = 10;

describe('exports', () => {
  it('the module exports exactly the documented functions and its memory', () => {
    const names = WebAssembly.Module.exports(coreModule()).map((e) => e.name).sort();
    expect(names).toEqual(
      [
        'abiVersion', 'arenaBase', 'assignOffsets', 'controlRecord', 'crc32', 'crc32c', 'decodeBatch', 'decodeMessageSet',
        'decodeRecords', 'encodeBatch', 'encodeControlBatch', 'encodeMessageSet', 'encodeRecords', 'memory',
        'offsetIndexAppend', 'offsetIndexCheck', 'offsetIndexEntry', 'offsetIndexLookup', 'offsetIndexTruncate', 'resultPtr',
        'setBaseOffset', 'setMaxTimestamp', 'timeIndexAppend', 'timeIndexCheck', 'timeIndexEntry', 'timeIndexLookup',
        'timeIndexTruncate', 'validateBatches', 'writeBatchHeader',
      ].sort(),
    );
    // At most env.abort (AssemblyScript's assertion hook; coreImports() provides it).
    for (const i of WebAssembly.Module.imports(coreModule())) expect(`${i.module}.${i.name}`).toBe('env.abort');
    expect(raw().abiVersion()).toBe(ABI_VERSION);
  });

  it('arenaBase is 64-byte aligned, stable, above the result block', () => {
    const x = raw();
    const base = x.arenaBase();
    expect(base % 64).toBe(0);
    expect(x.arenaBase()).toBe(base);
    expect(x.resultPtr() + 128).toBeLessThanOrEqual(base);
  });
});

describe('no allocation after start', () => {
  it('only arenaBase (once) and start-up code reach the allocator (call graph of the debug build)', () => {
    const wat = readFileSync(wasmPath(true).replace(/\.wasm$/, '.wat'), 'utf8');
    const calls = new Map<string, Set<string>>();
    let fn = '';
    for (const line of wat.split('\n')) {
      const f = /^ \(func (\$\S+)/.exec(line);
      if (f) {
        fn = f[1]!;
        calls.set(fn, new Set());
        continue;
      }
      const c = /\bcall (\$\S+)/.exec(line);
      if (c && fn) calls.get(fn)!.add(c[1]!.replace(/\)+$/, ''));
    }
    const reaches = (f: string, seen = new Set<string>()): boolean => {
      if (f === '$~lib/rt/stub/__alloc') return true;
      if (seen.has(f)) return false;
      seen.add(f);
      return [...(calls.get(f) ?? [])].some((g) => reaches(g, seen));
    };
    const exported = [...wat.matchAll(/\(export "(\w+)" \(func (\$\S+?)\)\)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(exported.length).toBeGreaterThan(20);
    const allocating = exported.filter(([, f]) => reaches(f)).map(([name]) => name);
    expect(allocating).toEqual(['arenaBase']);
  });

  it('bytes above arenaBase outside the regions passed in are never written', () => {
    const x = raw();
    const base = x.arenaBase();
    x.memory.grow(4);
    const u8 = new Uint8Array(x.memory.buffer);
    const guard = base;
    u8.fill(0xa5, guard, guard + 4096);
    const buf = base + 8192;
    const b = encodeBatch([{ timestampDelta: 0n, offsetDelta: 0, key: null, value: new Uint8Array([1]), headers: [] }]);
    u8.set(b, buf);
    const out = buf + 4096;
    expect(x.validateBatches(buf, b.length, 3, out, 4)).toBe(1);
    expect(x.decodeBatch(buf, b.length, out, 4, out + 1024, 4)).toBe(1);
    expect(x.assignOffsets(buf, b.length, 5n, 1, out)).toBe(1);
    x.crc32c(buf, b.length, 0);
    x.crc32(buf, b.length, 0);
    expect(u8.subarray(guard, guard + 4096).every((v) => v === 0xa5)).toBe(true);
  });
});

describe('bad pointers give -BAD_ARGUMENT, never a trap', () => {
  it('every export refuses regions outside linear memory', () => {
    const x = raw();
    const top = x.memory.buffer.byteLength;
    const p = top - 8;
    expect(x.crc32c(p, 100, 0)).toBe(0);
    expect(x.crc32(0xfffffff0, 100, 0)).toBe(0);
    expect(x.validateBatches(p, 100, 0, 0, 0)).toBe(-BAD_ARGUMENT);
    expect(x.validateBatches(0, 0, 0, p, 10)).toBe(-BAD_ARGUMENT);
    expect(x.assignOffsets(p, 100, 0n, 0, 0)).toBe(-BAD_ARGUMENT);
    expect(x.setBaseOffset(p, 100, 0n, 0, 1)).toBe(-BAD_ARGUMENT);
    expect(x.setMaxTimestamp(p, 100, 0, 0n)).toBe(-BAD_ARGUMENT);
    expect(x.decodeRecords(p, 100, 1, 0, 1024, 1, 2048, 1)).toBe(-BAD_ARGUMENT);
    expect(x.decodeRecords(1024, 10, 1, 0, p, 10, 2048, 1)).toBe(-BAD_ARGUMENT);
    expect(x.decodeBatch(p, 100, 1024, 1, 2048, 1)).toBe(-BAD_ARGUMENT);
    expect(x.encodeRecords(p, 1024, 1, 0, 0, 0, 0, 4096, 100)).toBe(-BAD_ARGUMENT);
    expect(x.encodeBatch(1024, p, 10, 0, 0, 0, 0, 4096, 100)).toBe(-BAD_ARGUMENT);
    expect(x.writeBatchHeader(1024, p, 100)).toBe(-BAD_ARGUMENT);
    expect(x.encodeControlBatch(1024, 1, 0, p, 100)).toBe(-BAD_ARGUMENT);
    expect(x.controlRecord(p, 100)).toBe(-BAD_ARGUMENT);
    expect(x.decodeMessageSet(p, 100, 1024, 1)).toBe(-BAD_ARGUMENT);
    expect(x.encodeMessageSet(1024, 1, 0, 0, 1, p, 100)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexAppend(p, 5, 10, 1, 1)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexLookup(p, 5, 1)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexTruncate(p, 5, 1)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexCheck(p, 5)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexEntry(1024, 5, 5)).toBe(-BAD_ARGUMENT);
    expect(x.timeIndexAppend(p, 5, 10, 1n, 1)).toBe(-BAD_ARGUMENT);
    expect(x.timeIndexLookup(p, 5, 1n)).toBe(-BAD_ARGUMENT);
    expect(x.timeIndexTruncate(p, 5, 1)).toBe(-BAD_ARGUMENT);
    expect(x.timeIndexCheck(p, 5)).toBe(-BAD_ARGUMENT);
    expect(x.timeIndexEntry(1024, 2, -1)).toBe(-BAD_ARGUMENT);
    expect(x.offsetIndexLookup(1024, -1, 0)).toBe(-BAD_ARGUMENT);
  });
});

describe('no read past the input', () => {
  it('corrupt inputs that end at the last byte of linear memory never trap (a read past them would)', () => {
    const x = raw();
    const table = x.arenaBase();
    x.memory.grow(64);
    const top = x.memory.buffer.byteLength;
    const tableCap = 200;
    fc.assert(
      fc.property(
        arbRecords(6, 24),
        arbHeader,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.nat(),
        (records, h, flips, cut) => {
          let b = encodeBatch(records, h);
          for (const [at, v] of flips) b[at % b.length] = v;
          b = b.subarray(0, b.length - (cut % 8));
          const p = top - b.length;
          new Uint8Array(x.memory.buffer).set(b, p);
          for (const flags of [0, 1, 2, 3]) x.validateBatches(p, b.length, flags, table, tableCap);
          x.decodeBatch(p, b.length, table, tableCap, table + tableCap * 48, tableCap);
          x.decodeRecords(p + Math.min(61, b.length), Math.max(0, b.length - 61), records.length, 0x7fffffff, table, tableCap, table + tableCap * 48, tableCap);
          x.controlRecord(p, b.length);
          x.decodeMessageSet(p, b.length, table, tableCap);
          x.assignOffsets(p, b.length, 1n, 1, 0);
          x.setMaxTimestamp(p, b.length, 1, 5n);
          x.offsetIndexLookup(p, Math.floor(b.length / 8), 1000);
          x.timeIndexLookup(p, Math.floor(b.length / 12), 1000n);
          x.offsetIndexCheck(p, Math.floor(b.length / 8));
          x.timeIndexCheck(p, Math.floor(b.length / 12));
        },
      ),
      { numRuns: 1500 },
    );
    // Legacy sets too, at the very end of memory.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (value, at, v) => {
        const b = encodeMessageSet([{ offset: 1n, magic: 1, attributes: 0, timestamp: 2n, key: null, value }]);
        b[at % b.length] = v;
        const p = top - b.length;
        new Uint8Array(x.memory.buffer).set(b, p);
        x.decodeMessageSet(p, b.length, table, tableCap);
      }),
      { numRuns: 1000 },
    );
  });
});
