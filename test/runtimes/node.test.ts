// The same check as the other runtimes, in Node: through the Node loader and through the
// runtime-neutral entry points (sync from bytes, async from a Response).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { instantiateCore, instantiateCoreAsync } from '../../host/core/core.js';
import { loadCore, wasmPath } from '../../host/core/wasm.js';
import { checkCore } from './check.js';
import { stage } from './harness.js';

describe('Node', () => {
  it('loadCore() passes every check', () => {
    const r = checkCore(loadCore());
    expect(r.failed).toEqual([]);
    expect(r.passed.length).toBeGreaterThanOrEqual(16);
  });
  it('instantiateCore(bytes) passes every check', () => {
    expect(checkCore(instantiateCore(readFileSync(wasmPath()))).failed).toEqual([]);
  });
  it('instantiateCoreAsync(Response) passes every check', async () => {
    const res = new Response(readFileSync(wasmPath()), { headers: { 'content-type': 'application/wasm' } });
    expect(checkCore(await instantiateCoreAsync(res)).failed).toEqual([]);
  });
  it('the compiled package layout (dist/host/core/wasm.js) finds build/kwasm.wasm', async () => {
    const sources = ['host/core/abi.ts', 'host/core/core.ts', 'host/core/types.ts', 'host/core/wasm.ts'];
    const { dir, cleanup } = stage({}, { sources, prefix: 'dist' });
    try {
      const mod = (await import(`${dir}/dist/host/core/wasm.js`)) as typeof import('../../host/core/wasm.js');
      expect(mod.wasmPath()).toBe(`${dir}/build/kwasm.wasm`);
      expect(checkCore(mod.loadCore()).failed).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
