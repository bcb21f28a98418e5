// The storage engines under test, created the same way so one suite runs against both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogConfig } from '../../../host/storage/config.js';
import { FileStorage } from '../../../host/storage/file/engine.js';
import type { StorageFs } from '../../../host/storage/fs.js';
import { MemoryStorage } from '../../../host/storage/memory/engine.js';
import type { Storage, StorageLogger } from '../../../host/storage/types.js';
import { testCore } from './core.js';

export interface EngineHandle {
  storage: Storage;
  /** Closes and reopens (file: from disk; memory: not supported, returns null). */
  reopen?: () => Promise<Storage>;
  cleanup: () => Promise<void>;
}

export interface EngineOptions {
  defaultConfig?: Partial<LogConfig>;
  clock?: () => number;
  fs?: StorageFs;
  logger?: StorageLogger;
}

export const ENGINES = ['memory', 'file'] as const;
export type EngineKind = (typeof ENGINES)[number];

export function tempDir(prefix = 'kwasm-storage-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function makeEngine(kind: EngineKind, o: EngineOptions = {}): Promise<EngineHandle> {
  const core = testCore();
  if (kind === 'memory') {
    const storage = new MemoryStorage({ core, defaultConfig: o.defaultConfig, clock: o.clock, logger: o.logger });
    await storage.open();
    return { storage, cleanup: () => storage.close() };
  }
  const dir = tempDir();
  const make = (): FileStorage =>
    new FileStorage({
      logDirs: [dir],
      core,
      defaultConfig: { fileDeleteDelayMs: 0, ...(o.defaultConfig ?? {}) },
      clock: o.clock,
      fs: o.fs,
      logger: o.logger,
      checkpointIntervalMs: 0,
    });
  let storage = make();
  await storage.open();
  const handle: EngineHandle = {
    storage,
    reopen: async () => {
      await handle.storage.close();
      storage = make();
      await storage.open();
      handle.storage = storage;
      return storage;
    },
    cleanup: async () => {
      await handle.storage.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
