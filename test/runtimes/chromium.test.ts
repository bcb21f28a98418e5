// The same build/kwasm.wasm and runtime-neutral wrapper in headless Chromium (Debian's, driven by
// playwright-core), served from 127.0.0.1; instantiated asynchronously from fetch() as a page would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, stage } from './harness.js';
import type { CheckReport } from './check.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>kwasm core check</title>
<script type="module">
import { instantiateCoreAsync } from './host/core/core.js';
import { checkCore } from './test/runtimes/check.js';
try {
  window.report = checkCore(await instantiateCoreAsync(fetch('./build/kwasm.wasm')));
} catch (e) {
  window.report = { passed: [], failed: ['load: ' + e] };
}
</script>`;

const { dir, cleanup } = stage({ 'index.html': PAGE });
const profile = mkdtempSync(join(tmpdir(), 'kwasm-chromium-'));
let server: Server;
let url: string;
let browser: BrowserContext;

beforeAll(async () => {
  ({ server, url } = await serve(dir));
  // A fresh profile directory per run (launchPersistentContext passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
  cleanup();
  rmSync(profile, { recursive: true, force: true });
});

describe('Chromium', () => {
  it('passes every check', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => (window as unknown as { report?: unknown }).report !== undefined, undefined, { timeout: 30_000 });
    const r = (await page.evaluate(() => (window as unknown as { report: unknown }).report)) as CheckReport;
    expect(errors).toEqual([]);
    expect(r.failed).toEqual([]);
    expect(r.passed.length).toBeGreaterThanOrEqual(16);
    await page.close();
  });
});
