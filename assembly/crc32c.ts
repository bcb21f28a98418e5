// CRC32C (Castagnoli, reflected polynomial 0x82F63B78) over a region of linear memory.
//
// Figures: GB/s, Node 20.20 (V8 11.3), AMD EPYC Zen 4 VM, 2 cores shared with other work, medians;
// noisy, so compare within one run. Final numbers: `npx tsx bench/crc32c.ts`.
//
//   variant (experiments, one run)               100 B   1 KiB   16 KiB   1 MiB
//   byte-wise table                               0.42    0.45    0.46     0.46
//   slicing-by-16, XOR chain as written           1.72    2.23    2.32     2.30
//   slicing-by-16, balanced XOR tree (kept)       2.18    2.94    3.03     3.02
//   SIMD lanes, K = 16 vectors per block          2.12    3.68    4.57     4.69
//   SIMD lanes, K = 64 (scalar below 1 block)     2.13    2.92    5.12     5.42
//   @node-rs/crc32 (native, SSE4.2 crc32)         0.80    3.53    5.83     6.15
//   kept: K = 64, short first block, SIMD >= 48 B 2.6-2.8   5.0     5.2      5.3   (vs native 0.8/3.7/5.8/6.1)
//
// 1. Scalar (< SIMD_MIN bytes, and tails): slicing-by-16, 16 tables of 256 u32 (16 KiB). What
//    matters in WebAssembly: indices come out already scaled (`(w >>> 6) & 0x3fc`: one shift, one
//    mask; the table offset rides in the load's immediate), and the 16 loads are XORed as a tree
//    whose 12 CRC-independent loads are combined first. As one left-to-right chain (how Binaryen
//    and V8 keep it) the loop waits on a 16-XOR dependency chain: 2.3 GB/s; as a tree, 3.0.
//    Then 8 and 4 bytes with the same tables (slicing-by-8 / -4) and at most 3 single bytes.
//
// 2. SIMD lanes (>= SIMD_MIN bytes): 16 byte lanes; lane i owns bytes i, i+16, i+32, ... and keeps
//    r_i = (its bytes as a polynomial in x^128) mod P, byte-sliced over four v128 (a0..a3 hold
//    byte 0..3 of every lane's r_i). Appending a vector multiplies each r_i by x^128 and XORs the
//    new byte into byte 3, so a block of K vectors v_0..v_{K-1} does
//      r' = r * x^(128K)  ^  sum_{t<K-1} v_t * x^(128(K-1-t))  ^  v_{K-1}        (mod P)
//    Each product is linear in the lane's bits and is computed 16 lanes at a time with
//    i8x16.swizzle as a 16-entry table: one swizzle per (input nibble, output byte), i.e. 8 per
//    data vector and 32 for the state once per block. That is the floor for nibble tables: every
//    input bit reaches 32 output bits and a swizzle lane maps 4 bits to 8. At the end the lanes
//    fold into a 19-byte residue R = sum r_i * x^(8(15-i)) whose plain CRC (slicing tables) is the
//    CRC of the region: the 16 lanes are 16 independent streams that need no "shift over zeros".
//    The first block is the short one (N mod K vectors) and starts from a zero state, so any
//    length is one short block plus whole blocks and only x^(128K) needs a state table.
//    K = 64: state work is 32 swizzles per 504 data swizzles; K = 32/64/128 measured 4.80/5.06/5.13
//    at 1 MiB; 128 would double the data tables to 16 KiB for 1.5%.
//    The ceiling: V8 lowers i8x16.swizzle to paddusb (indices > 15 must give 0; the 0x70 mask is
//    loaded through an external reference) + pshufb, so each swizzle costs ~3 loads and 3 vector
//    ops and the loop runs ~11 cycles per 16 bytes, at the load-port limit. i8x16.relaxed_swizzle
//    (bare pshufb) would drop the paddusb, but is off by default before V8 11.4 (Node 22), and one
//    .wasm must run everywhere.
//
// Tried and dropped (same-run figures at 1 MiB unless said):
//  - Independent scalar streams (halves / thirds interleaved, before any combine cost): 2.7 vs
//    3.0 single stream; the tree-ordered loop is bound by instruction count, not latency.
//  - A scalar stream interleaved into the SIMD loop (hybrid, combined at the end): 2.5-3.6 vs 5.4;
//    both compete for the same load ports.
//  - 32 lanes (two vectors per step sharing each table load): 4.7 vs 5.4, register spills.
//  - Fully unrolled blocks: Binaryen sinks the four accumulator chains apart, every nibble vector
//    stays live and V8 spills: 2.9 vs 4.6 for the same K as a loop.
//  - A clmul-style fold of a 128-bit accumulator with nibble tables: 32 lookups per 16 bytes
//    instead of 8 (not built). Byte loads instead of shifts for the scalar's 12 independent bytes:
//    no faster. Unrolling the scalar loop by two: slower (spills).
//  Tables are computed by the start function (~0.2 ms per instantiation), never per call.

const POLY: u32 = 0x82f63b78;

/** Bytes at and above which the SIMD lanes are used (measured crossover with the scalar path). */
const SIMD_MIN: usize = 48;
/** Vectors per SIMD block. */
const K: u32 = 64;

// --- static tables (filled once by the start function; no allocation) ---------------------------

/** Slicing table t (0..15) at TAB + t*1024: CRC register after byte i followed by t zero bytes. */
const TAB: usize = memory.data(16 * 1024, 64);
/** Data tables, (K-1) x 128 bytes. Entry j (power x^(128(K-1-j))): 4 lo-nibble then 4 hi-nibble vectors. */
const DT: usize = memory.data((K - 1) * 128, 64);
/** State table for x^(128K): nibble n (0..7) x output byte o at ST + n*64 + o*16. */
const ST: usize = memory.data(32 * 16, 64);

/** a * b mod P, both reflected (bit 31 is x^0). */
function mulmod(a: u32, b: u32): u32 {
  let p: u32 = 0;
  for (let i = 0; i < 32; i++) {
    if (a & 0x80000000) p ^= b;
    a <<= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p;
}

/** x^(8n) mod P, reflected. */
function xpow8(n: u32): u32 {
  let r: u32 = 0x80000000;
  let sq: u32 = 0x00800000; // x^8
  while (n) {
    if (n & 1) r = mulmod(r, sq);
    sq = mulmod(sq, sq);
    n >>= 1;
  }
  return r;
}

/** Four swizzle tables at dst: lane v of table o = byte o of (v << shift) * x mod P. */
function fillNibbles(dst: usize, shift: u32, x: u32): void {
  for (let v: u32 = 0; v < 16; v++) {
    const r = mulmod(v << shift, x);
    for (let o: u32 = 0; o < 4; o++) store<u8>(dst + o * 16 + v, <u8>(r >>> (o * 8)));
  }
}

for (let i: u32 = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  store<u32>(TAB + (i << 2), c);
}
for (let i: u32 = 0; i < 256; i++) {
  let c = load<u32>(TAB + (i << 2));
  for (let t: u32 = 1; t < 16; t++) {
    c = load<u32>(TAB + ((c & 0xff) << 2)) ^ (c >>> 8);
    store<u32>(TAB + (t << 10) + (i << 2), c);
  }
}
for (let j: u32 = 0; j < K - 1; j++) {
  const x = xpow8(16 * (K - 1 - j));
  fillNibbles(DT + j * 128, 24, x); // a data byte enters at byte 3 of the lane's r_i
  fillNibbles(DT + j * 128 + 64, 28, x);
}
{
  const x = xpow8(16 * K);
  for (let n: u32 = 0; n < 8; n++) fillNibbles(ST + n * 64, n * 4, x);
}

// --- scalar --------------------------------------------------------------------------------------

/** Slicing-by-16 step: register c (inverted form) over the 16 bytes at p. */
// @ts-ignore: decorator
@inline function step16(c: u32, p: usize): u32 {
  const b = load<u32>(p, 4), d = load<u32>(p, 8), e = load<u32>(p, 12);
  const x =
    ((load<u32>((b << 2) & 0x3fc, TAB + 11 * 1024) ^ load<u32>((b >>> 6) & 0x3fc, TAB + 10 * 1024)) ^
     (load<u32>((b >>> 14) & 0x3fc, TAB + 9 * 1024) ^ load<u32>((b >>> 22) & 0x3fc, TAB + 8 * 1024))) ^
    ((load<u32>((d << 2) & 0x3fc, TAB + 7 * 1024) ^ load<u32>((d >>> 6) & 0x3fc, TAB + 6 * 1024)) ^
     (load<u32>((d >>> 14) & 0x3fc, TAB + 5 * 1024) ^ load<u32>((d >>> 22) & 0x3fc, TAB + 4 * 1024))) ^
    ((load<u32>((e << 2) & 0x3fc, TAB + 3 * 1024) ^ load<u32>((e >>> 6) & 0x3fc, TAB + 2 * 1024)) ^
     (load<u32>((e >>> 14) & 0x3fc, TAB + 1 * 1024) ^ load<u32>((e >>> 22) & 0x3fc, TAB)));
  const a = load<u32>(p) ^ c;
  return x ^
    ((load<u32>((a << 2) & 0x3fc, TAB + 15 * 1024) ^ load<u32>((a >>> 6) & 0x3fc, TAB + 14 * 1024)) ^
     (load<u32>((a >>> 14) & 0x3fc, TAB + 13 * 1024) ^ load<u32>((a >>> 22) & 0x3fc, TAB + 12 * 1024)));
}

/** Slicing-by-4 step over the word w (already loaded, not yet XORed with c). */
// @ts-ignore: decorator
@inline function step4(c: u32, w: u32): u32 {
  const a = w ^ c;
  return (load<u32>((a << 2) & 0x3fc, TAB + 3 * 1024) ^ load<u32>((a >>> 6) & 0x3fc, TAB + 2 * 1024)) ^
         (load<u32>((a >>> 14) & 0x3fc, TAB + 1 * 1024) ^ load<u32>((a >>> 22) & 0x3fc, TAB));
}

/** Register c over [p, end): 16-byte steps, then 8, 4 and single bytes. */
// @ts-ignore: decorator
@inline function scalar(c: u32, p: usize, end: usize): u32 {
  while (end - p >= 16) {
    c = step16(c, p);
    p += 16;
  }
  if (end - p >= 8) {
    const a = load<u32>(p) ^ c, b = load<u32>(p, 4);
    c = ((load<u32>((b << 2) & 0x3fc, TAB + 3 * 1024) ^ load<u32>((b >>> 6) & 0x3fc, TAB + 2 * 1024)) ^
         (load<u32>((b >>> 14) & 0x3fc, TAB + 1 * 1024) ^ load<u32>((b >>> 22) & 0x3fc, TAB))) ^
        ((load<u32>((a << 2) & 0x3fc, TAB + 7 * 1024) ^ load<u32>((a >>> 6) & 0x3fc, TAB + 6 * 1024)) ^
         (load<u32>((a >>> 14) & 0x3fc, TAB + 5 * 1024) ^ load<u32>((a >>> 22) & 0x3fc, TAB + 4 * 1024)));
    p += 8;
  }
  if (end - p >= 4) {
    c = step4(c, load<u32>(p));
    p += 4;
  }
  while (p < end) {
    c = load<u32>(((c ^ <u32>load<u8>(p)) & 0xff) << 2, TAB) ^ (c >>> 8);
    p++;
  }
  return c;
}

// --- SIMD lanes ------------------------------------------------------------------------------------

/** Two swizzle lookups (lo and hi nibble of each lane) XORed. */
// @ts-ignore: decorator
@inline function nib2(tlo: v128, thi: v128, lo: v128, hi: v128): v128 {
  return v128.xor(i8x16.swizzle(tlo, lo), i8x16.swizzle(thi, hi));
}

/** Output byte o of state * x^(128K): sum over the 8 state nibbles. tab = ST + o*16 (constant). */
// @ts-ignore: decorator
@inline function stateByte(tab: usize, l0: v128, h0: v128, l1: v128, h1: v128, l2: v128, h2: v128, l3: v128, h3: v128): v128 {
  return v128.xor(
    v128.xor(nib2(v128.load(tab), v128.load(tab + 64), l0, h0), nib2(v128.load(tab + 128), v128.load(tab + 192), l1, h1)),
    v128.xor(nib2(v128.load(tab + 256), v128.load(tab + 320), l2, h2), nib2(v128.load(tab + 384), v128.load(tab + 448), l3, h3)),
  );
}

/** CRC over len >= 16 bytes with the SIMD lanes; c is the register (inverted form). */
function lanes(ptr: usize, len: usize, c: u32): u32 {
  const m = i8x16.splat(0x0f);
  const n = <u32>(len >>> 4); // whole vectors
  let blocks = (n - 1) / K; // whole blocks after the first
  let p = ptr;
  // First block: (n - blocks*K) vectors from a zero state, the register XORed into bytes 0..3.
  let tp = DT + (K - (n - blocks * K)) * 128;
  let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
  const tend = DT + (K - 1) * 128;
  let d = v128.xor(v128.load(p), i32x4.replace_lane(i32x4.splat(0), 0, c));
  while (true) {
    while (tp < tend) {
      const lo = v128.and(d, m), hi = v128.and(i16x8.shr_u(d, 4), m);
      a0 = v128.xor(a0, nib2(v128.load(tp), v128.load(tp, 64), lo, hi));
      a1 = v128.xor(a1, nib2(v128.load(tp, 16), v128.load(tp, 80), lo, hi));
      a2 = v128.xor(a2, nib2(v128.load(tp, 32), v128.load(tp, 96), lo, hi));
      a3 = v128.xor(a3, nib2(v128.load(tp, 48), v128.load(tp, 112), lo, hi));
      tp += 128;
      p += 16;
      d = v128.load(p);
    }
    // The block's last vector enters as raw bytes (power x^0).
    a3 = v128.xor(a3, d);
    p += 16;
    if (blocks == 0) break;
    blocks--;
    const l0 = v128.and(a0, m), h0 = v128.and(i16x8.shr_u(a0, 4), m);
    const l1 = v128.and(a1, m), h1 = v128.and(i16x8.shr_u(a1, 4), m);
    const l2 = v128.and(a2, m), h2 = v128.and(i16x8.shr_u(a2, 4), m);
    const l3 = v128.and(a3, m), h3 = v128.and(i16x8.shr_u(a3, 4), m);
    a0 = stateByte(ST, l0, h0, l1, h1, l2, h2, l3, h3);
    a1 = stateByte(ST + 16, l0, h0, l1, h1, l2, h2, l3, h3);
    a2 = stateByte(ST + 32, l0, h0, l1, h1, l2, h2, l3, h3);
    a3 = stateByte(ST + 48, l0, h0, l1, h1, l2, h2, l3, h3);
    tp = DT;
    d = v128.load(p);
  }
  // Residue R[i + j] ^= byte j of r_i (19 bytes). A leading zero byte does not change a CRC from a
  // zero register, so take R' = 0 . R (20 bytes) = one 16-byte step and one 4-byte step.
  const z = i32x4.splat(0);
  const r0 = v128.xor(
    v128.xor(i8x16.shuffle(z, a0, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30),
             i8x16.shuffle(z, a1, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29)),
    v128.xor(i8x16.shuffle(z, a2, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28),
             i8x16.shuffle(z, a3, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27)),
  );
  const r1 = v128.xor(
    v128.xor(i8x16.shuffle(a0, z, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16),
             i8x16.shuffle(a1, z, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16)),
    v128.xor(i8x16.shuffle(a2, z, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16),
             i8x16.shuffle(a3, z, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16)),
  );
  const w0 = <u32>i32x4.extract_lane(r0, 0), w1 = <u32>i32x4.extract_lane(r0, 1);
  const w2 = <u32>i32x4.extract_lane(r0, 2), w3 = <u32>i32x4.extract_lane(r0, 3);
  // step16 with c = 0 and byte 0 of R' zero (table 15 entry 0 is 0).
  c = ((load<u32>((w0 >>> 6) & 0x3fc, TAB + 14 * 1024) ^
        (load<u32>((w0 >>> 14) & 0x3fc, TAB + 13 * 1024) ^ load<u32>((w0 >>> 22) & 0x3fc, TAB + 12 * 1024))) ^
       ((load<u32>((w1 << 2) & 0x3fc, TAB + 11 * 1024) ^ load<u32>((w1 >>> 6) & 0x3fc, TAB + 10 * 1024)) ^
        (load<u32>((w1 >>> 14) & 0x3fc, TAB + 9 * 1024) ^ load<u32>((w1 >>> 22) & 0x3fc, TAB + 8 * 1024)))) ^
      (((load<u32>((w2 << 2) & 0x3fc, TAB + 7 * 1024) ^ load<u32>((w2 >>> 6) & 0x3fc, TAB + 6 * 1024)) ^
        (load<u32>((w2 >>> 14) & 0x3fc, TAB + 5 * 1024) ^ load<u32>((w2 >>> 22) & 0x3fc, TAB + 4 * 1024))) ^
       ((load<u32>((w3 << 2) & 0x3fc, TAB + 3 * 1024) ^ load<u32>((w3 >>> 6) & 0x3fc, TAB + 2 * 1024)) ^
        (load<u32>((w3 >>> 14) & 0x3fc, TAB + 1 * 1024) ^ load<u32>((w3 >>> 22) & 0x3fc, TAB))));
  c = step4(c, <u32>i32x4.extract_lane(r1, 0));
  return scalar(c, p, ptr + len);
}

/** CRC32C of `len` bytes at `ptr`, continuing from `crc` (0 to start). */
export function crc32c(ptr: usize, len: usize, crc: u32): u32 {
  if (len < SIMD_MIN) return ~scalar(~crc, ptr, ptr + len);
  return ~lanes(ptr, len, ~crc);
}
