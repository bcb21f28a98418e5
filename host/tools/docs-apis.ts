// `npm run docs:apis`: rewrites the API table in README.md from the handler registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { withApiTable } from '../broker/api-table.js';

const file = new URL('../../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withApiTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(after === before ? 'README API table is up to date\n' : 'README API table rewritten\n');
