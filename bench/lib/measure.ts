// Small shared benchmark helpers: calibrated rounds, medians, aligned tables. Benchmarks print
// figures and same-run ratios; they never assert on timing.

export interface Measured {
  /** Median over the rounds, in units of `work` per second. */
  median: number;
  rounds: number[];
}

/** Sink for results so the JIT cannot drop the measured calls. */
export let sink = 0;

/**
 * Calls fn repeatedly: a warm-up (which also calibrates the iteration count to about roundMs per
 * round), then `rounds` timed rounds. `work` is what one call does (bytes, records...); the result
 * is work per second, per round and median.
 */
export function measure(fn: () => number, work: number, rounds = 7, roundMs = 40): Measured {
  let iters = 1;
  const until = performance.now() + Math.max(roundMs, 20);
  while (performance.now() < until) {
    for (let i = 0; i < iters; i++) sink ^= fn();
    iters *= 2;
  }
  // Calibrate on a warm function.
  let t0 = performance.now();
  for (let i = 0; i < iters; i++) sink ^= fn();
  const ms = Math.max(performance.now() - t0, 0.001);
  iters = Math.max(1, Math.round((iters * roundMs) / ms));
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    t0 = performance.now();
    for (let i = 0; i < iters; i++) sink ^= fn();
    per.push((work * iters) / ((performance.now() - t0) / 1000));
  }
  return { median: median(per), rounds: per };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Renders rows as a fixed-width text table (first column left-aligned, the rest right-aligned). */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const width = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]!) : cell.padStart(width[c]!))).join('  ');
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Human size: 100 B, 1 KiB, 16 KiB, 1 MiB. */
export function size(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n >> 10} KiB`;
  return `${n} B`;
}
