// Public library entry point of kwasm.
export { startBroker, ConfigurationError, type BrokerOptions, type RunningBroker } from './broker/broker.js';
export { loadCore } from './core/wasm.js';
export type { Core } from './core/types.js';
