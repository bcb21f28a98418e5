// Crash-test child: appends batches to a file-engine partition with an fsync per append and prints
// one line per acknowledged batch ("ack <base> <last> <sha1 of the batch from its magic byte on>")
// until it is killed with SIGKILL by the parent (test/storage/crash/crash.test.ts).
// argv: <logDir> <wasmPath> <seed>
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { instantiateCore } from '../../../host/core/core.js';
import { FileStorage } from '../../../host/storage/file/engine.js';

const [dir, wasmPath, seedArg] = process.argv.slice(2) as [string, string, string];
let seed = Number(seedArg) >>> 0 || 1;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

const core = instantiateCore(new WebAssembly.Module(readFileSync(wasmPath)));
const storage = new FileStorage({
  logDirs: [dir],
  core,
  checkpointIntervalMs: 100,
  defaultConfig: { segmentBytes: 64 * 1024, indexIntervalBytes: 512, segmentIndexBytes: 16 * 1024, fsyncPerAppend: true, fileDeleteDelayMs: 0 },
});
await storage.open();
const log = storage.getPartition('crash', 0) ?? (await storage.createPartition('crash', 0));
process.stdout.write(`ready ${log.logEndOffset}\n`);

let n = 0;
async function appender(): Promise<never> {
  for (;;) {
    const count = 1 + Math.floor(rand() * 5);
    const records = [];
    for (let i = 0; i < count; i++) {
      const size = 10 + Math.floor(rand() * 600);
      records.push({ key: Buffer.from(`k${n % 97}`), value: Buffer.alloc(size, 65 + (n % 26)), timestamp: Date.now() });
      n++;
    }
    const batch = core.encodeBatch(records, {});
    const r = await log.append(batch);
    const hash = createHash('sha1').update(batch.subarray(16)).digest('hex');
    process.stdout.write(`ack ${r.baseOffset} ${r.lastOffset} ${hash}\n`);
  }
}
// Several appenders in flight at once exercise group commit and the write queue.
await Promise.all([appender(), appender(), appender()]);
