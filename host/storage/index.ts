// Public surface of the storage engine (what the broker imports).
export * from './types.js';
export { StorageError, isStorageError, type StorageErrorCode } from './errors.js';
export { DEFAULT_LOG_CONFIG, logConfigFrom, resolveLogConfig, type CleanupPolicy } from './config.js';
export { nodeFs, type StorageFs, type StorageStat } from './fs.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory/engine.js';
export { FileStorage, type FileStorageOptions } from './file/engine.js';
export { Log } from './log.js';
export { createCompactor, defaultCompactor, type CompactorOptions } from './cleaner.js';
export type { AppendOrigin, ProducerEntry, ProducerBatch } from './producer-state.js';
