// CRC32C throughput: the WASM core (data already in linear memory, and through the host wrapper
// that copies it in) against @node-rs/crc32 (native, SSE4.2 crc32 instruction) and a plain-JS
// slicing-by-16. Prints GB/s (1e9 bytes/s, median of interleaved rounds) and the ratios measured
// in this run. Timing is noisy on a shared machine: compare ratios, not absolute figures.
//
//   npx tsx bench/crc32c.ts [--rounds N]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadCore } from '../host/core/wasm.js';
import { median, measure, sink, size, table } from './lib/measure.js';

const require = createRequire(import.meta.url);
const native = require('@node-rs/crc32') as { crc32c(input: Uint8Array, initial?: number): number };

const SIZES = [100, 1024, 16 * 1024, 1 << 20];
const argRounds = process.argv.indexOf('--rounds');
const PASSES = argRounds > 0 ? Math.max(1, Number(process.argv[argRounds + 1])) : 5;

// --- plain JS slicing-by-16 (the best a pure-JS host could do) -----------------------------------

const T = new Int32Array(16 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[i] = c;
}
for (let i = 0; i < 256; i++) {
  for (let t = 1; t < 16; t++) T[t * 256 + i] = T[(T[(t - 1) * 256 + i]! & 0xff)]! ^ (T[(t - 1) * 256 + i]! >>> 8);
}

function jsCrc32c(b: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const n = b.length;
  if (n >= 64) {
    // Word reads: align to 4 bytes, then one Int32Array view (little-endian hosts).
    while (((b.byteOffset + i) & 3) !== 0) c = T[(c ^ b[i++]!) & 0xff]! ^ (c >>> 8);
    const w = new Int32Array(b.buffer, b.byteOffset + i, (n - i) >>> 4 << 2);
    for (let k = 0; k < w.length; k += 4) {
      const a = c ^ w[k]!, e = w[k + 1]!, f = w[k + 2]!, g = w[k + 3]!;
      const x =
        (T[2816 + (e & 0xff)]! ^ T[2560 + ((e >>> 8) & 0xff)]! ^ T[2304 + ((e >>> 16) & 0xff)]! ^ T[2048 + (e >>> 24)]!) ^
        (T[1792 + (f & 0xff)]! ^ T[1536 + ((f >>> 8) & 0xff)]! ^ T[1280 + ((f >>> 16) & 0xff)]! ^ T[1024 + (f >>> 24)]!) ^
        (T[768 + (g & 0xff)]! ^ T[512 + ((g >>> 8) & 0xff)]! ^ T[256 + ((g >>> 16) & 0xff)]! ^ T[g >>> 24]!);
      c = x ^ (T[3840 + (a & 0xff)]! ^ T[3584 + ((a >>> 8) & 0xff)]! ^ T[3328 + ((a >>> 16) & 0xff)]! ^ T[3072 + (a >>> 24)]!);
    }
    i += w.length << 2;
  } else {
    for (; i + 16 <= n; i += 16) {
      const x =
        (T[2816 + b[i + 4]!]! ^ T[2560 + b[i + 5]!]! ^ T[2304 + b[i + 6]!]! ^ T[2048 + b[i + 7]!]!) ^
        (T[1792 + b[i + 8]!]! ^ T[1536 + b[i + 9]!]! ^ T[1280 + b[i + 10]!]! ^ T[1024 + b[i + 11]!]!) ^
        (T[768 + b[i + 12]!]! ^ T[512 + b[i + 13]!]! ^ T[256 + b[i + 14]!]! ^ T[b[i + 15]!]!);
      const a = c ^ (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24));
      c = x ^ (T[3840 + (a & 0xff)]! ^ T[3584 + ((a >>> 8) & 0xff)]! ^ T[3328 + ((a >>> 16) & 0xff)]! ^ T[3072 + (a >>> 24)]!);
    }
  }
  for (; i < n; i++) c = T[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

// --- the WASM core, raw (data already in linear memory) -------------------------------------------

const wasmUrl = new URL('../build/kwasm.wasm', import.meta.url);
const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmUrl)), {
  env: { abort: () => { throw new Error('kwasm core abort'); } },
});
const raw = inst.exports as unknown as {
  memory: WebAssembly.Memory;
  arenaBase?: () => number;
  crc32c(ptr: number, len: number, crc: number): number;
};
const base = raw.arenaBase ? raw.arenaBase() : 65536;
const maxSize = SIZES[SIZES.length - 1]!;
const need = base + maxSize + 64 - raw.memory.buffer.byteLength;
if (need > 0) raw.memory.grow(Math.ceil(need / 65536));

const data = new Uint8Array(maxSize + 64);
for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 13) & 0xff;
new Uint8Array(raw.memory.buffer).set(data, base);
const dataBuf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
const core = loadCore();

// What a lean wrapper pays: a cached view of linear memory, refreshed only when a grow detached it
// (its length drops to 0), and one TypedArray.set. Compare with the host wrapper's figure.
let view = new Uint8Array(raw.memory.buffer);
function leanCopy(d: Uint8Array): number {
  if (view.byteLength < base + d.length) view = new Uint8Array(raw.memory.buffer);
  view.set(d, base);
  return raw.crc32c(base, d.length, 0) >>> 0;
}

interface Variant { name: string; fn: (n: number) => () => number }
const variants: Variant[] = [
  { name: 'wasm', fn: (n) => () => raw.crc32c(base, n, 0) },
  { name: 'host', fn: (n) => { const v = data.subarray(0, n); return () => core.crc32c(v, 0); } },
  { name: 'lean', fn: (n) => { const v = data.subarray(0, n); return () => leanCopy(v); } },
  { name: 'native', fn: (n) => { const v = dataBuf.subarray(0, n); return () => native.crc32c(v, 0); } },
  { name: 'js', fn: (n) => { const v = data.subarray(0, n); return () => jsCrc32c(v, 0); } },
];

// Every variant must agree before any of them is timed; varied lengths (also unaligned) first, so
// that no JIT tier is specialised to one shape and deoptimizes in the middle of a round.
for (let n = 0; n < 3000; n += 7) {
  const v = data.subarray(n & 7, (n & 7) + n);
  const want = native.crc32c(Buffer.from(v.buffer, v.byteOffset, v.byteLength), 0) >>> 0;
  if (jsCrc32c(v) !== want || core.crc32c(v) !== want || leanCopy(v) !== want) throw new Error(`mismatch at ${n} B`);
}
new Uint8Array(raw.memory.buffer).set(data, base); // leanCopy wrote shifted data there
for (const n of SIZES) {
  const want = native.crc32c(dataBuf.subarray(0, n), 0) >>> 0;
  for (const v of variants) {
    const got = v.fn(n)() >>> 0;
    if (got !== want) throw new Error(`${v.name} at ${n} B: ${got.toString(16)} != ${want.toString(16)}`);
  }
}

console.log(`CRC32C GB/s (median of ${PASSES} interleaved passes x 3 rounds), node ${process.version}\n`);
const gbps = new Map<string, number>(); // `${variant}@${size}`
for (const n of SIZES) {
  const per = variants.map(() => [] as number[]);
  for (let pass = 0; pass < PASSES; pass++) {
    variants.forEach((v, i) => per[i]!.push(...measure(v.fn(n), n, 3, 30).rounds));
  }
  variants.forEach((v, i) => gbps.set(`${v.name}@${n}`, median(per[i]!) / 1e9));
}

const g = (v: string, n: number) => gbps.get(`${v}@${n}`)!;
const rows = SIZES.map((n) => {
  const [w, h, l, nat, js] = ['wasm', 'host', 'lean', 'native', 'js'].map((v) => g(v, n)) as [number, number, number, number, number];
  return [size(n), ...[w, h, l, nat, js].map((x) => x.toFixed(2)), ...[w / nat, h / nat, l / nat, w / js].map((x) => x.toFixed(2))];
});
console.log(table(['size', 'wasm', 'host', 'lean', 'native', 'js', 'wasm/native', 'host/native', 'lean/native', 'wasm/js'], rows));
console.log(`
wasm    core export on data already in linear memory
host    loadCore().crc32c(buf): the host wrapper, copy into linear memory included
lean    copy + call with a cached memory view (what a wrapper can get down to)
native  @node-rs/crc32 crc32c(buf, 0), SSE4.2 crc32 instruction
js      plain-JS slicing-by-16 (this file)`);

// Pointer alignment of the region (the host wrapper chooses where data lands).
const align = [0, 1, 8].map((off) => {
  const n = 16 * 1024;
  const ms = [] as number[];
  for (let pass = 0; pass < PASSES; pass++) ms.push(...measure(() => raw.crc32c(base + off, n, 0), n, 3, 30).rounds);
  return `offset ${off}: ${(median(ms) / 1e9).toFixed(2)}`;
});
console.log(`\nwasm (in memory) 16 KiB by pointer offset, GB/s: ${align.join(', ')}`);

const big = SIZES.filter((n) => n >= 16 * 1024).map((n) => g('wasm', n));
console.log(`\ngoals (informative, never enforced):`);
console.log(`  wasm >= 3.0 GB/s at >= 16 KiB: ${big.map((x) => x.toFixed(2)).join(', ')} -> ${Math.min(...big) >= 3 ? 'met' : 'missed'}`);
const r100 = g('wasm', 100) / g('native', 100);
const r100c = g('host', 100) / g('native', 100);
const r100l = g('lean', 100) / g('native', 100);
console.log(`  wasm >= 2x @node-rs/crc32 at 100 B: ${r100.toFixed(2)}x in memory (${r100 >= 2 ? 'met' : 'missed'}); with the copy ${r100c.toFixed(2)}x host wrapper, ${r100l.toFixed(2)}x lean`);
if (sink === 0x7fffffff) console.log(''); // keep the sink observable
