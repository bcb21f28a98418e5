// `npm run generate`: Kafka's JSON schemas -> host/protocol/generated/.
// `npm run generate:check`: regenerate into a temporary directory and fail if the committed output
// differs (CI runs it, so generated code never drifts from the generator or the schemas).
//
// Options: --check, --out <dir>, --schemas <dir> (default ../shared/kafka-protocol from the
// project root). Only this generator ever reads ../shared; the runtime never does.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitCoordinatorIndex, emitErrors, emitRegistry } from './emit-index.js';
import { emitMessage } from './emit-message.js';
import { loadMessage, type MessageDef } from './schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../../..');

export interface GenerateOptions {
  schemasDir: string;
  outDir: string;
}

/** Generates every file into a map of relative path -> content (deterministic). */
export function generateFiles(schemasDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const list = (dir: string): string[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => join(dir, f));

  const messages: MessageDef[] = list(join(schemasDir, 'messages')).map(loadMessage);
  const names = new Set<string>();
  for (const m of messages) {
    if (names.has(m.name)) throw new Error(`duplicate message name ${m.name}`);
    names.add(m.name);
    files.set(`${m.name}.ts`, emitMessage(m, '../runtime.js'));
  }
  files.set('index.ts', emitRegistry(messages));

  const records = list(join(schemasDir, 'coordinator-records')).map(loadMessage);
  for (const m of records) files.set(`coordinator/${m.name}.ts`, emitMessage(m, '../../runtime.js'));
  files.set('coordinator/index.ts', emitCoordinatorIndex(records));

  const errors = JSON.parse(readFileSync(join(schemasDir, 'errors.json'), 'utf8')) as {
    code: number;
    name: string;
    retriable: boolean;
  }[];
  files.set('errors.ts', emitErrors(errors));
  return files;
}

function listTs(dir: string, base = dir): string[] {
  let out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(listTs(p, base));
    else if (e.name.endsWith('.ts')) out.push(relative(base, p).split('\\').join('/'));
  }
  return out.sort();
}

export function writeFiles(outDir: string, files: Map<string, string>): void {
  mkdirSync(outDir, { recursive: true });
  // Remove modules whose schema is gone.
  for (const old of listTs(outDir)) if (!files.has(old)) rmSync(join(outDir, old));
  for (const [rel, content] of files) {
    const p = join(outDir, rel);
    mkdirSync(dirname(p), { recursive: true });
    let prev: string | null = null;
    try {
      prev = readFileSync(p, 'utf8');
    } catch {
      prev = null;
    }
    if (prev !== content) writeFileSync(p, content);
  }
}

/** Differences between the files in `dir` and `files`. */
export function diffFiles(dir: string, files: Map<string, string>): string[] {
  const problems: string[] = [];
  const present = new Set(listTs(dir));
  for (const [rel, content] of files) {
    if (!present.has(rel)) problems.push(`missing: ${rel}`);
    else if (readFileSync(join(dir, rel), 'utf8') !== content) problems.push(`differs: ${rel}`);
  }
  for (const rel of present) if (!files.has(rel)) problems.push(`stale: ${rel}`);
  return problems;
}

function main(argv: string[]): number {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const schemasDir = resolve(arg('--schemas') ?? join(projectRoot, '../shared/kafka-protocol'));
  const outDir = resolve(arg('--out') ?? join(projectRoot, 'host/protocol/generated'));
  const files = generateFiles(schemasDir);
  if (argv.includes('--check')) {
    // Regenerate into a temporary directory (exercising the real write path), then compare.
    const tmp = mkdtempSync(join(tmpdir(), 'kwasm-generate-'));
    try {
      writeFiles(tmp, files);
      const regenerated = new Map(listTs(tmp).map((rel) => [rel, readFileSync(join(tmp, rel), 'utf8')]));
      const problems = diffFiles(outDir, regenerated);
      if (problems.length > 0) {
        console.error(`generate:check: ${relative(process.cwd(), outDir)} is out of date (${problems.length} files):`);
        for (const x of problems.slice(0, 30)) console.error(`  ${x}`);
        console.error('run `npm run generate` and commit the result');
        return 1;
      }
      console.log(`generate:check: ${files.size} generated files up to date`);
      return 0;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  writeFiles(outDir, files);
  console.log(`generate: wrote ${files.size} files to ${relative(process.cwd(), outDir) || '.'}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
