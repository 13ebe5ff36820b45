#!/usr/bin/env node
// Runs axe-core on each URL given on the command line, in Debian's Chromium
// driven by playwright-core (no browser download), and prints one JSON
// document on stdout:
//   {"axeVersion": "...", "results": [{"url": ..., "violations": [...], "error": null}]}
// Each violation: {id, impact, help, helpUrl, targets: [selector, ...]}.
// Exit code: 0 when the runs completed (whatever they found), 2 on a
// launch failure. gate.py decides pass/fail from the JSON.
//
// Environment: CHROME_PATH (default /usr/bin/chromium),
// AXE_TIMEOUT_MS (navigation timeout, default 30000).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axePath = require.resolve('axe-core/axe.min.js');
const axeVersion = JSON.parse(
  readFileSync(require.resolve('axe-core/package.json'), 'utf8'),
).version;

const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const urls = process.argv.slice(2);
if (urls.length === 0) {
  process.stderr.write('usage: node axe.mjs URL [URL ...]\n');
  process.exit(64);
}
const timeout = Number(process.env.AXE_TIMEOUT_MS || 30000);

let browser;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    // playwright adds its own --headless; ours (--headless=new) comes last and wins.
    headless: true,
    args: CHROMIUM_FLAGS,
  });
} catch (err) {
  process.stderr.write(`axe.mjs: could not launch Chromium: ${err.stack || err}\n`);
  process.exit(2);
}

const results = [];
try {
  for (const url of urls) {
    // Mobile-sized viewport, like Lighthouse's default (mobile) form factor.
    const context = await browser.newContext({
      viewport: { width: 412, height: 823 },
      deviceScaleFactor: 1.75,
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
    });
    const page = await context.newPage();
    try {
      const response = await page.goto(url, { waitUntil: 'load', timeout });
      const status = response ? response.status() : null;
      // bypassCSP (context option) lets the injected script run even when
      // the page ships a strict Content-Security-Policy.
      await page.addScriptTag({ path: axePath });
      const raw = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations;
      });
      const violations = raw.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.map(String).join(' ')),
      }));
      results.push({ url, status, violations, error: null });
    } catch (err) {
      results.push({ url, status: null, violations: [], error: String(err && err.message || err) });
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({ axeVersion, results }) + '\n');
