#!/usr/bin/env node
// @ts-check
/**
 * The story test: every entry of a built Storybook, opened in headless Chromium.
 *
 *   node scripts/test-storybook.mjs [--dir=storybook-static] [--url=ORIGIN] [--only=<substring>] [--json=PATH]
 *
 * First the manifest (dist/custom-elements.json, generated from the elements' JSDoc) is
 * checked against the sources: every attribute, event, part and `--sse-chat-*` custom
 * property is listed, with types and the light defaults of components/tokens.styles.ts.
 * And against README.md: every name the manifest lists appears there in code, as
 * `` `name`` (a backtick, then the name).
 *
 * Then `storybook-static/` is served on a loopback port (node:http) and each entry of its
 * index.json is opened in a fresh page: stories as `iframe.html?id=<id>&viewMode=story`,
 * docs pages as `viewMode=docs`. A story passes when Storybook reports it finished with
 * `status: "success"` — every story's `play` function drives its scripted stream and waits
 * (bounded) for the state the story is named for, asserting it; a story whose name says a
 * status (`…--reconnecting`, `…--error-404`) must also show it — and nothing went wrong on
 * the page: no `console.error`, no page error, no failed request or HTTP error response, no
 * dialog (an XSS payload that ran would `alert`). A docs page passes when it rendered, every
 * story in it finished, its table lists the manifest's attributes, events, parts and custom
 * properties, and nothing went wrong. Every wait has a timeout; there are no fixed sleeps.
 *
 * Prints one line per check and per entry, then "N passed, M failed". Exit code 1 on any
 * failure. `--json` writes `{passed, failed}` for scripts/test.mjs. `--url=http://localhost:6006`
 * tests a running `npm run storybook` instead of the built one (Lit's dev build: its warnings
 * are counted on each line, not failed on).
 * Chromium: CHROME_PATH, else /usr/bin/chromium (scripts/chromium.mjs).
 *
 * The parts, in scripts/storybook/: manifest.mjs (the manifest and README checks),
 * static-server.mjs (serves the build), stories.mjs (opens every entry, one page each, with
 * open-entry.mjs), tally.mjs (the passed and failed counts). This file runs them in order.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkManifest } from './storybook/manifest.mjs';
import { testStories } from './storybook/stories.mjs';
import { totals } from './storybook/tally.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, ...value] = arg.replace(/^--/, '').split('=');
    return [key, value.join('=') || 'true'];
  }),
);
const staticDir = join(root, args.dir ?? 'storybook-static');

const started = Date.now();
checkManifest();
await testStories(staticDir, args);
console.log(`\n${totals.passed} passed, ${totals.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (args.json) writeFileSync(args.json, JSON.stringify(totals));
process.exit(totals.failed > 0 ? 1 : 0);
