// The same build/kwasm.wasm and runtime-neutral wrapper, run by Bun (npm package `bun`).
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, CLI_RUNNER, stage } from './harness.js';
import type { CheckReport } from './check.js';

const { dir, cleanup } = stage({ 'run.js': CLI_RUNNER });
afterAll(cleanup);

describe('Bun', () => {
  it('passes every check', () => {
    const out = execFileSync(bin('bun'), ['run', `${dir}/run.js`], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, BUN_INSTALL_CACHE_DIR: `${dir}/.bun`, DO_NOT_TRACK: '1', NO_COLOR: '1' },
      timeout: 60_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as CheckReport;
    expect(r.failed).toEqual([]);
    expect(r.passed.length).toBeGreaterThanOrEqual(16);
  });
});
