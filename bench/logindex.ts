// Log index lookups/s through the WASM core, compared in the same run with a plain-JS binary
// search over the same big-endian bytes (the peer a host without the core would write).
// Run: node --import tsx bench/logindex.ts [seconds-per-case]
import { loadCore } from '../host/core/wasm.js';

const seconds = Number(process.argv[2] ?? 1);
const core = loadCore();

/** A full default-size index: segment.index.bytes = 10 MiB -> 1,310,720 entries of 8 bytes. */
const ENTRIES = (10 * 1024 * 1024) / 8;
const idx = core.openOffsetIndex({ maxBytes: ENTRIES * 8 });
for (let i = 0; i < ENTRIES; i++) idx.append(i * 3 + 1, i * 1024);
const bytes = idx.bytes();
const tidx = core.openTimeIndex({ maxBytes: ENTRIES * 12 });
for (let i = 0; i < ENTRIES; i++) tidx.maybeAppend(1_700_000_000_000n + BigInt(i * 7), i * 3 + 1);

const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
function jsFloor(target: number): number {
  let lo = 0;
  let hi = ENTRIES;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dv.getUint32(mid * 8) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

// Pseudo-random targets, the same sequence for every case.
const targets = new Int32Array(1 << 16).map((_, i) => ((i * 2654435761) >>> 0) % (ENTRIES * 3));
const tsTargets = Array.from(targets, (t) => 1_700_000_000_000n + BigInt(t));

interface Case {
  name: string;
  fn: (i: number) => unknown;
  samples: number[];
}
const cases: Case[] = [
  { name: 'core OffsetIndex.lookup (resident, 1.3M entries)', fn: (i) => idx.lookup(targets[i & 0xffff]!), samples: [] },
  { name: 'core TimeIndex.lookup (resident, 1.3M entries)', fn: (i) => tidx.lookup(tsTargets[i & 0xffff]!), samples: [] },
  { name: 'plain JS binary search (DataView, same bytes)', fn: (i) => jsFloor(targets[i & 0xffff]!), samples: [] },
];
// Host-buffer lookups copy the entries in first: measure them on a small (4 KiB) index.
const small = bytes.subarray(0, 4096);
cases.push({ name: 'core offsetIndexLookup(host buffer, 512 entries)', fn: (i) => core.offsetIndexLookup(small, 512, targets[i & 0xffff]! % 1536), samples: [] });

for (const c of cases) for (let i = 0; i < 20000; i++) c.fn(i);
const rounds = 5;
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < (seconds * 1000) / rounds) {
      for (let i = 0; i < 1000; i++) c.fn(n + i);
      n += 1000;
      t = performance.now();
    }
    c.samples.push(n / ((t - t0) / 1000));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const peer = median(cases[2]!.samples);
console.log(`log index lookups, ${ENTRIES.toLocaleString('en')} entries; medians of ${rounds} interleaved rounds (shared machine: read the ratios)`);
console.log('case'.padEnd(52), 'lookups/s'.padStart(14), 'vs JS'.padStart(7));
for (const c of cases) {
  const m = median(c.samples);
  console.log(c.name.padEnd(52), Math.round(m).toLocaleString('en').padStart(14), (m / peer).toFixed(2).padStart(7));
}
idx.close();
tidx.close();
