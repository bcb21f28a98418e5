// The library entry point as users get it: a project with kwasm in node_modules runs
// `import { startBroker } from 'kwasm'` (package.json exports → dist/host/index.js), starts an
// in-process broker on port 0 with memory or file storage, and real clients (KafkaJS, kcat) use
// it. Start time is measured in the child process and must stay well under a second.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(ROOT, 'dist/host/index.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm install` builds dist (prepare); rebuild here only when the sources are newer. */
function ensureBuilt(): void {
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= newestSource(path.join(ROOT, 'host'))) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors still emit JavaScript; the typecheck script reports them. The import below fails
    // loudly if the output is unusable.
  }
}

interface Started {
  importMs: number;
  startMs: number;
  port: number;
  bootstrap: string;
}

/** Starts `node user.mjs` in a fresh project whose node_modules/kwasm links to this package. */
function startUserBroker(project: string, options: string): Promise<{ child: ChildProcessWithoutNullStreams; info: Started; closed: Promise<{ closeMs: number; code: number | null }> }> {
  const script = path.join(project, `user-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    script,
    `const t0 = performance.now();
const { startBroker } = await import('kwasm');
const t1 = performance.now();
const broker = await startBroker(${options});
const t2 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, port: broker.port, bootstrap: broker.bootstrap }) + '\\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  const t3 = performance.now();
  await broker.close();
  process.stdout.write(JSON.stringify({ closeMs: performance.now() - t3 }) + '\\n');
});
`,
  );
  const child = spawn(process.execPath, [script], { cwd: project, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = new Promise<{ closeMs: number; code: number | null }>((resolve) =>
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      resolve({ closeMs: last.includes('closeMs') ? (JSON.parse(last) as { closeMs: number }).closeMs : NaN, code });
    }),
  );
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && !out.slice(0, nl).includes('closeMs')) resolve({ child, info: JSON.parse(out.slice(0, nl)) as Started, closed });
    });
    child.on('close', (code) => reject(new Error(`user script exited with ${code}: ${err}`)));
  });
}

describe("import { startBroker } from 'kwasm'", () => {
  let project: string;
  beforeAll(() => {
    ensureBuilt();
    project = mkdtempSync(path.join(tmpdir(), 'kwasm-user-'));
    mkdirSync(path.join(project, 'node_modules'));
    symlinkSync(ROOT, path.join(project, 'node_modules', 'kwasm'), 'dir');
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
  }, 180_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('resolves to the built entry point through the exports map', () => {
    const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', "process.stdout.write(import.meta.resolve('kwasm'))"], { cwd: project, encoding: 'utf8' });
    expect(fileURLToPath(resolved)).toBe(ENTRY);
  });

  it('starts an in-process memory broker on port 0 well under a second, and KafkaJS and kcat use it', async () => {
    const { child, info, closed } = await startUserBroker(project, "{ storage: 'memory', port: 0, logger: false }");
    try {
      console.log(`library broker (memory): import ${info.importMs.toFixed(0)} ms, startBroker ${info.startMs.toFixed(1)} ms`);
      expect(info.port).toBeGreaterThan(0);
      expect(info.bootstrap).toBe(`127.0.0.1:${info.port}`);
      expect(info.startMs).toBeLessThan(1000);

      const kafka = new Kafka({ clientId: 'library-test', brokers: [info.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic: 'lib', numPartitions: 2 }] })).toBe(true);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'lib', messages: [{ key: 'a', value: 'one', partition: 0 }, { key: 'b', value: 'two', partition: 0 }] });
      await producer.disconnect();
      const offsets = await admin.fetchTopicOffsets('lib');
      expect(offsets.find((o) => o.partition === 0)?.high).toBe('2');
      await admin.disconnect();

      const out = execFileSync('kcat', ['-b', info.bootstrap, '-C', '-t', 'lib', '-p', '0', '-o', 'beginning', '-e', '-f', '%k=%s@%o\\n'], { encoding: 'utf8', timeout: 20_000 });
      expect(out.trim().split('\n')).toEqual(['a=one@0', 'b=two@1']);
    } finally {
      child.stdin.end();
    }
    const c = await closed;
    expect(c.code).toBe(0);
    expect(c.closeMs).toBeLessThan(1000);
  });

  it('starts with file storage in a given log dir and keeps data across restarts', async () => {
    const logDir = mkdtempSync(path.join(tmpdir(), 'kwasm-lib-data-'));
    try {
      const options = `{ storage: 'file', port: 0, logger: false, config: { 'log.dirs': ${JSON.stringify(logDir)} } }`;
      const first = await startUserBroker(project, options);
      console.log(`library broker (file): startBroker ${first.info.startMs.toFixed(1)} ms`);
      expect(first.info.startMs).toBeLessThan(1000);
      execFileSync('kcat', ['-b', first.info.bootstrap, '-P', '-t', 'kept', '-K:'], { input: 'k1:v1\nk2:v2\n', timeout: 20_000 });
      first.child.stdin.end();
      expect((await first.closed).code).toBe(0);

      const second = await startUserBroker(project, options);
      try {
        const out = execFileSync('kcat', ['-b', second.info.bootstrap, '-C', '-t', 'kept', '-o', 'beginning', '-e', '-f', '%k=%s\\n'], { encoding: 'utf8', timeout: 20_000 });
        expect(out.trim().split('\n')).toEqual(['k1=v1', 'k2=v2']);
      } finally {
        second.child.stdin.end();
      }
      expect((await second.closed).code).toBe(0);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
