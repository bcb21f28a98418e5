// Batch validation throughput of the WASM core vs its own CRC32C over the same bytes, same run.
// Run: node --import tsx bench/batch.ts [seconds-per-case]
// 16 KiB batches of 100-byte records (Kafka's default batch.size), validated one batch per call
// (a produce request) and 64 batches per call (a 1 MiB segment chunk); "raw" cases call the
// exports directly on bytes already in linear memory (no copy in), "wrapper" cases go through
// host/core (one copy in + descriptor objects out). Ratios are what matter: the machine is shared.
import { loadCore } from '../host/core/wasm.js';
import { instantiateCore } from '../host/core/core.js';
import { coreModule } from '../host/core/wasm.js';
import type { CoreExports } from '../host/core/abi.js';
import { coreImports } from '../host/core/core.js';

const seconds = Number(process.argv[2] ?? 1);
const core = loadCore();

function makeBatch(): Uint8Array {
  const value = new Uint8Array(100).map((_, i) => (i * 31) & 0xff);
  const records = [];
  // Fill up to 16 KiB: each record is ~100 bytes of value + ~8 bytes of framing.
  for (let i = 0; i < 150; i++) records.push({ key: null, value, timestamp: 1_700_000_000_000 + i });
  let b = core.encodeBatch(records, { baseTimestamp: 1_700_000_000_000 });
  while (b.length > 16384) {
    records.pop();
    b = core.encodeBatch(records, { baseTimestamp: 1_700_000_000_000 });
  }
  return b;
}

const batch = makeBatch();
const chunk = new Uint8Array(batch.length * 64);
for (let i = 0; i < 64; i++) chunk.set(batch, i * batch.length);

interface Case {
  name: string;
  bytesPerOp: number;
  fn: () => void;
  samples: number[];
}
const cases: Case[] = [];
function time(name: string, bytesPerOp: number, fn: () => void): Case {
  const c = { name, bytesPerOp, fn, samples: [] };
  cases.push(c);
  return c;
}
/** Rounds of short slices, cases interleaved, so that load from other processes hits all alike. */
function run(rounds: number): void {
  for (const c of cases) for (let i = 0; i < 200; i++) c.fn();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      let ops = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < (seconds * 1000) / rounds) {
        for (let i = 0; i < 50; i++) c.fn();
        ops += 50;
        t = performance.now();
      }
      c.samples.push(ops / ((t - t0) / 1000));
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// Raw ABI on a private instance: input already in linear memory.
const inst = new WebAssembly.Instance(coreModule(), coreImports());
const x = inst.exports as unknown as CoreExports;
const base = x.arenaBase();
x.memory.grow(Math.ceil((chunk.length * 3) / 65536) + 1);
new Uint8Array(x.memory.buffer).set(chunk, base);
const table = base + chunk.length + 64;
const max = Math.floor(chunk.length / 61) + 1;
for (const [flags, label] of [[0, 'framing+CRC+counts'], [3, 'strict + record walk']] as const) {
  if (x.validateBatches(base, chunk.length, flags, table, max) !== 64) throw new Error(`bench batch invalid (${label})`);
}
void instantiateCore;
// The CRC a validator computes covers attributes..end: bytes 21.. of the batch.
const crcRegion = batch.length - 21;

const defs = [
  time('raw crc32c, 16 KiB', batch.length, () => x.crc32c(base + 21, crcRegion, 0)),
  time('raw validate, 1 batch, framing+CRC+counts', batch.length, () => x.validateBatches(base, batch.length, 0, table, max)),
  time('raw validate, 1 batch, strict + record walk', batch.length, () => x.validateBatches(base, batch.length, 3, table, max)),
  time('raw crc32c, 1 MiB', chunk.length, () => { for (let i = 0; i < 64; i++) x.crc32c(base + 21 + i * batch.length, crcRegion, 0); }),
  time('raw validate, 64 batches, framing+CRC+counts', chunk.length, () => x.validateBatches(base, chunk.length, 0, table, max)),
  time('raw validate, 64 batches, strict + record walk', chunk.length, () => x.validateBatches(base, chunk.length, 3, table, max)),
  time('wrapper crc32c, 16 KiB', batch.length, () => core.crc32c(batch)),
  time('wrapper validateBatches, 1 batch', batch.length, () => core.validateBatches(batch)),
  time('wrapper validateBatches, 1 batch, strict+records', batch.length, () => core.validateBatches(batch, { strict: true, records: true })),
  time('wrapper crc32c, 1 MiB', chunk.length, () => core.crc32c(chunk)),
  time('wrapper validateBatches, 64 batches', chunk.length, () => core.validateBatches(chunk)),
  time('wrapper validateBatches, 64 batches, strict+records', chunk.length, () => core.validateBatches(chunk, { strict: true, records: true })),
  time('raw decodeBatch (record table), 1 batch', batch.length, () => x.decodeBatch(base, batch.length, table, 400, table + 400 * 48, 400)),
  time('wrapper decodeRecords (RecordView objects), 1 batch', batch.length, () => core.decodeRecords(batch)),
];

run(7);
const rows = defs.map((c) => ({ name: c.name, ops: median(c.samples), gbps: (median(c.samples) * c.bytesPerOp) / 1e9 }));
const crcOf = (r: (typeof rows)[number]) =>
  rows.find((c) => c.name === (r.name.includes('64') || r.name.includes('1 MiB') ? (r.name.startsWith('raw') ? 'raw crc32c, 1 MiB' : 'wrapper crc32c, 1 MiB') : r.name.startsWith('raw') ? 'raw crc32c, 16 KiB' : 'wrapper crc32c, 16 KiB'))!;
const recordsPerBatch = core.validateBatches(batch).batches[0]!.recordCount;
console.log(`batch: ${batch.length} bytes, ${core.validateBatches(batch).batches[0]!.recordCount} records of 100 B; ${seconds}s per case`);
console.log('"vs CRC": throughput / CRC32C of the same bytes through the same path (raw or wrapper), this run');
console.log('case'.padEnd(56), 'GB/s'.padStart(7), 'batches/s'.padStart(12), 'records/s'.padStart(14), 'vs CRC'.padStart(8));
for (const r of rows) {
  const perBatch = r.name.includes('64') || r.name.includes('1 MiB') ? r.ops * 64 : r.ops;
  console.log(
    r.name.padEnd(56),
    r.gbps.toFixed(2).padStart(7),
    Math.round(perBatch).toLocaleString('en').padStart(12),
    Math.round(perBatch * recordsPerBatch).toLocaleString('en').padStart(14),
    (r.gbps / crcOf(r).gbps).toFixed(2).padStart(8),
  );
}
