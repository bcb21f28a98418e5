// Helpers for the runtime tests: a JS copy of the runtime-neutral wrapper and check (transpiled
// with TypeScript, same relative layout), and a 127.0.0.1 static server.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { wasmPath } from '../../host/core/wasm.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['host/core/abi.ts', 'host/core/core.ts', 'host/core/types.ts', 'test/runtimes/check.ts'];

/** A temp dir with host/core/*.js, test/runtimes/check.js and build/kwasm.wasm. */
export function stage(extra: Record<string, string> = {}, opts: { sources?: string[]; prefix?: string } = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kwasm-rt-'));
  for (const rel of opts.sources ?? SOURCES) {
    const out = ts.transpileModule(readFileSync(join(root, rel), 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, verbatimModuleSyntax: true },
      fileName: rel,
    });
    const dest = join(dir, opts.prefix ?? '', rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, out.outputText);
  }
  mkdirSync(join(dir, 'build'), { recursive: true });
  writeFileSync(join(dir, 'build/kwasm.wasm'), readFileSync(wasmPath()));
  for (const [rel, text] of Object.entries(extra)) writeFileSync(join(dir, rel), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };

/** Serves dir on 127.0.0.1 (random port). */
export async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${addr.port}`, server };
}

/** The script that Deno and Bun run: sync instantiation from the file, report as JSON. */
export const CLI_RUNNER = `
import { instantiateCore } from './host/core/core.js';
import { checkCore } from './test/runtimes/check.js';
const here = new URL('.', import.meta.url);
const bytes = typeof Deno !== 'undefined'
  ? await Deno.readFile(new URL('build/kwasm.wasm', here))
  : new Uint8Array(await Bun.file(new URL('build/kwasm.wasm', here)).arrayBuffer());
const report = checkCore(instantiateCore(bytes));
console.log(JSON.stringify(report));
`;

/**
 * The deno / bun executable from npm. The packages' postinstall links the platform binary into
 * node_modules/.bin; when install scripts were not run, the platform package's binary is used.
 */
export function bin(name: 'deno' | 'bun'): string {
  const candidates =
    name === 'deno'
      ? ['node_modules/.bin/deno', 'node_modules/@deno/linux-x64-glibc/deno', 'node_modules/@deno/linux-arm64-glibc/deno']
      : ['node_modules/.bin/bun', 'node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/@oven/bun-linux-x64-baseline/bin/bun', 'node_modules/@oven/bun-linux-aarch64/bin/bun'];
  for (const rel of candidates) {
    const path = join(root, rel);
    // A real binary is tens of MB; a placeholder left by a skipped postinstall is a few KB.
    if (existsSync(path) && statSync(path).size > 1 << 20) return path;
  }
  throw new Error(`${name}: no executable in node_modules (npm install --include=dev)`);
}
