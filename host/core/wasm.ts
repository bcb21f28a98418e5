// Loads the kwasm WASM core once and exposes a typed API over it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Core {
  crc32c(data: Uint8Array, crc?: number): number;
}

let core: Core | undefined;

export function loadCore(): Core {
  if (core) return core;
  const url = new URL('../../build/kwasm.wasm', import.meta.url);
  let path = fileURLToPath(url);
  // Compiled to dist/host/core: the wasm lives at the package root's build/.
  if (path.includes('/dist/build/')) path = path.replace('/dist/build/', '/build/');
  const mod = new WebAssembly.Module(readFileSync(path));
  const inst = new WebAssembly.Instance(mod, {
    env: { abort: () => { throw new Error('kwasm core abort'); } },
  });
  const exp = inst.exports as unknown as { memory: WebAssembly.Memory; crc32c(p: number, l: number, c: number): number };
  const base = 65536;
  core = {
    crc32c(data, crc = 0) {
      const need = base + data.length;
      if (exp.memory.buffer.byteLength < need) exp.memory.grow(Math.ceil((need - exp.memory.buffer.byteLength) / 65536));
      new Uint8Array(exp.memory.buffer, base, data.length).set(data);
      return exp.crc32c(base, data.length, crc) >>> 0;
    },
  };
  return core;
}
