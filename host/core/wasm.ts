// Node loader of the kwasm WASM core: reads build/kwasm.wasm once and wraps it (host/core/core.ts).
// Works from the TypeScript sources (host/core/) and from the compiled package (dist/host/core/).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateCore } from './core.js';
import type { Core } from './types.js';

export type { Core } from './types.js';
export { createCore, instantiateCore, instantiateCoreAsync, coreImports } from './core.js';

/** Absolute path of build/kwasm.wasm (or the debug build), from source or dist layouts. */
export function wasmPath(debug = false): string {
  const file = debug ? 'kwasm.debug.wasm' : 'kwasm.wasm';
  const candidates = [`../../build/${file}`, `../../../build/${file}`];
  for (const rel of candidates) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`kwasm core: ${file} not found next to ${fileURLToPath(import.meta.url)} (run npm run asbuild)`);
}

let module: WebAssembly.Module | undefined;
let core: Core | undefined;

/** The compiled module (cached): instantiate more cores from it, e.g. one per worker. */
export function coreModule(): WebAssembly.Module {
  module ??= new WebAssembly.Module(readFileSync(wasmPath()));
  return module;
}

/** The process-wide core, loaded on first use. */
export function loadCore(): Core {
  core ??= instantiateCore(coreModule());
  return core;
}

/** A fresh, independent core instance (own memory), e.g. from the debug build in tests. */
export function newCore(opts: { debug?: boolean } = {}): Core {
  return instantiateCore(opts.debug ? new WebAssembly.Module(readFileSync(wasmPath(true))) : coreModule());
}
