import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTableMarkdown, withApiTable } from '../../host/broker/api-table.js';
import { HANDLERS } from '../../host/broker/registry.js';
import { apiEntry } from '../../host/protocol/generated/index.js';

describe('API table', () => {
  it('is in the README as the registry generates it (run npm run docs:apis)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withApiTable(readme)).toBe(readme);
  });

  it('has one row per handler, each within the schema range', () => {
    const table = apiTableMarkdown();
    expect(table.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(HANDLERS.length);
    for (const h of HANDLERS) {
      const e = apiEntry(h.apiKey);
      expect(h.minVersion).toBeGreaterThanOrEqual(e.minVersion);
      expect(h.maxVersion).toBeLessThanOrEqual(e.maxVersion);
    }
  });
});
