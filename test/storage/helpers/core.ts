// The WASM core used by the storage tests (the real one: build/kwasm.wasm, built by `npm run asbuild`).
import type { Core } from '../../../host/core/types.js';
import { loadCore } from '../../../host/core/wasm.js';

export function testCore(): Core {
  return loadCore();
}
