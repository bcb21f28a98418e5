// Public library entry point of kwasm.
export { loadCore } from './core/wasm.js';
