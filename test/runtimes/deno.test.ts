// The same build/kwasm.wasm and runtime-neutral wrapper, run by Deno (npm package `deno`).
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, CLI_RUNNER, stage } from './harness.js';
import type { CheckReport } from './check.js';

const { dir, cleanup } = stage({ 'run.js': CLI_RUNNER });
afterAll(cleanup);

describe('Deno', () => {
  it('passes every check', () => {
    const out = execFileSync(bin('deno'), ['run', '--quiet', '--no-config', '--no-lock', `--allow-read=${dir}`, `${dir}/run.js`], {
      encoding: 'utf8',
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: `${dir}/.deno`, NO_COLOR: '1' },
      timeout: 60_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as CheckReport;
    expect(r.failed).toEqual([]);
    expect(r.passed.length).toBeGreaterThanOrEqual(16);
  });
});
