// @ts-check
/** The stories part of the story test: every selected entry of the index, one page each. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, requireChromium } from '../chromium.mjs';
import { openEntry } from './open-entry.mjs';
import { serve } from './static-server.mjs';
import { report } from './tally.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * @param {string} staticDir  the built Storybook (ignored with `url`)
 * @param {{url?: string, only?: string}} args  `--url`: a running Storybook; `--only`: ids containing it
 */
export async function testStories(staticDir, args) {
  const indexFile = join(staticDir, 'index.json');
  if (!args.url && !existsSync(indexFile)) {
    report(false, `${indexFile} exists (run npm run build-storybook)`);
    return;
  }
  const { server, origin } = args.url
    ? { server: undefined, origin: args.url.replace(/\/$/, '') }
    : /** @type {{server: import('node:http').Server, origin: string}} */ (await serve(staticDir));
  const index = args.url
    ? await (await fetch(`${origin}/index.json`)).json()
    : JSON.parse(readFileSync(indexFile, 'utf8'));
  /** @type {Array<{id: string, type: 'story' | 'docs', title: string, importPath: string}>} */
  const entries = Object.values(index.entries);
  const selected = entries.filter((e) => !args.only || e.id.includes(args.only));
  console.log(`stories (${args.url ?? staticDir.slice(root.length)}: ${selected.length} entries)`);
  if (!args.only && !selected.some((e) => e.type === 'story')) report(false, 'the storybook has stories');
  const browser = await puppeteer.launch({
    executablePath: requireChromium('the story test'),
    headless: true,
    defaultViewport: { width: 1000, height: 800 },
    args: CHROMIUM_ARGS,
  });
  try {
    for (const entry of selected) {
      const started = Date.now();
      const docsStories = entries
        .filter((e) => e.type === 'story' && e.importPath === entry.importPath)
        .map((e) => e.id);
      const { problems, state } = await openEntry(browser, origin, entry, docsStories);
      const ms = Date.now() - started;
      report(problems.length === 0, `${entry.id.padEnd(44)} ${state}  ${ms} ms`);
      for (const problem of problems) {
        console.log(`         ${problem.length > 400 ? `${problem.slice(0, 400)}…` : problem}`);
      }
    }
  } finally {
    await browser.close();
    server?.close();
  }
}
