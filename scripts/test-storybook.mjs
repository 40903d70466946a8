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
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS, requireChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, ...value] = arg.replace(/^--/, '').split('=');
    return [key, value.join('=') || 'true'];
  }),
);
const staticDir = join(root, args.dir ?? 'storybook-static');
/** Per entry: Storybook's own end, and a docs page's stories. */
const ENTRY_TIMEOUT_MS = 45_000;

/** @type {{passed: number, failed: number}} */
const totals = { passed: 0, failed: 0 };

/** @param {boolean} ok @param {string} line */
function report(ok, line) {
  if (ok) totals.passed++;
  else totals.failed++;
  console.log(`${ok ? '  ok  ' : '  FAIL'} ${line}`);
}

/**
 * One line of the manifest check, `<tag>: <label>`, passed when `bad` is empty: then it ends
 * with how many were checked, else with what is wrong (after `prefix`).
 * @param {string} tag @param {string} label @param {string[]} bad @param {number} count
 * @param {{prefix?: string, separator?: string}} [options]
 */
function reportList(tag, label, bad, count, { prefix = '', separator = ', ' } = {}) {
  report(bad.length === 0, `${tag}: ${label}${bad.length ? ` — ${prefix}${bad.join(separator)}` : ` (${count})`}`);
}

// --- 1. the manifest --------------------------------------------------------------------

/**
 * @typedef {{name: string, type?: {text: string}, description?: string, default?: string,
 *   kind?: string, privacy?: string, attribute?: string, static?: boolean}} Item
 * @typedef {{name: string, tagName?: string, customElement?: boolean, members?: Item[],
 *   attributes?: Item[], events?: Item[], cssParts?: Item[], cssProperties?: Item[]}} Declaration
 */

function checkManifest() {
  console.log('manifest (dist/custom-elements.json)');
  const file = join(root, 'dist', 'custom-elements.json');
  if (!existsSync(file)) {
    report(false, 'dist/custom-elements.json exists (run npm run build or npm run analyze)');
    return;
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Declaration[]} */
  const declarations = manifest.modules.flatMap(
    (/** @type {{declarations?: Declaration[]}} */ m) => m.declarations ?? [],
  );
  const tokens = tokenDefaults();
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const elements = {
    'sse-chat': {
      source: 'components/sse-chat.ts',
      attributes: [
        'endpoint',
        'method',
        'protocol',
        'max-retries',
        'retry-delay',
        'retry-max-delay',
        'heartbeat-timeout',
        'decode-escapes',
        'connect-timeout',
        'conversation-id',
        'history-endpoint',
        'stop-endpoint',
        'poll-endpoint',
        'placeholder',
        'disabled',
        'theme',
        'status',
        'retry-attempt',
        'retry-max',
      ],
      properties: ['headers', 'body', 'fetch', 'strings', 'messages', 'stats'],
      methods: ['send', 'stop', 'resume', 'clear'],
      events: ['sse-status', 'sse-message', 'sse-done', 'sse-error', 'sse-event'],
      // The messages in its shadow root read the same custom properties: it documents all.
      cssProperties: Object.keys(tokens),
    },
    'sse-message': {
      source: 'components/sse-message.ts',
      attributes: ['author', 'status', 'thinking', 'theme'],
      properties: ['think', 'answer', 'strings'],
      methods: ['appendText', 'flush'],
      events: [],
      cssProperties: usedTokens('components/sse-message.styles.ts', tokens),
    },
  };
  for (const [tag, want] of Object.entries(elements)) {
    const element = declarations.find((d) => d.customElement && d.tagName === tag);
    if (!element) {
      report(false, `${tag}: declared (@tag) in the manifest`);
      continue;
    }
    const members = element.members ?? [];
    const described = (/** @type {Item | undefined} */ item) => Boolean(item?.description?.trim());
    const missing = (/** @type {string[]} */ names, /** @type {(name: string) => boolean} */ ok) =>
      names.filter((name) => !ok(name));

    const attributes = element.attributes ?? [];
    const badAttributes = missing(want.attributes, (name) => {
      const item = attributes.find((a) => a.name === name);
      return Boolean(item?.type?.text) && described(item);
    });
    reportList(tag, 'attributes listed with type and description', badAttributes, attributes.length, {
      prefix: 'missing or bare: ',
    });

    const publicFields = members.filter((m) => m.kind === 'field' && m.privacy !== 'private' && !m.static);
    const badFields = [
      ...missing(want.properties, (name) => publicFields.some((m) => m.name === name)),
      ...publicFields.filter((m) => !m.type?.text || !described(m)).map((m) => m.name),
    ];
    reportList(tag, 'properties listed with type and description', badFields, publicFields.length, {
      prefix: 'missing or bare: ',
    });

    const methods = members.filter((m) => m.kind === 'method' && m.privacy !== 'private' && m.privacy !== 'protected');
    const badMethods = missing(want.methods, (name) => described(methods.find((m) => m.name === name)));
    const leaked = members.filter((m) => m.privacy === 'private' || m.name.startsWith('#')).map((m) => m.name);
    const missingMethods = badMethods.length ? ` — missing: ${badMethods.join(', ')}` : '';
    const privateMembers = leaked.length ? ` — private: ${leaked.join(', ')}` : '';
    report(
      badMethods.length === 0 && leaked.length === 0,
      `${tag}: methods described, no private members${missingMethods}${privateMembers}`,
    );

    const events = element.events ?? [];
    const badEvents = [
      ...missing(want.events, (name) => events.some((e) => e.name === name && e.type?.text && described(e))),
      ...events.filter((e) => !want.events.includes(e.name)).map((e) => `unexpected ${e.name}`),
    ];
    reportList(tag, 'events (@fires) with types', badEvents, events.length);

    const parts = new Set((element.cssParts ?? []).map((p) => p.name));
    const source = readFileSync(join(root, want.source), 'utf8');
    const rendered = new Set([...source.matchAll(/\bpart="([a-z-]+)"/g)].map((m) => m[1] ?? ''));
    const badParts = [
      ...[...rendered].filter((p) => !parts.has(p)).map((p) => `undocumented ${p}`),
      ...[...parts].filter((p) => !rendered.has(p)).map((p) => `stale ${p}`),
    ];
    reportList(tag, '@csspart matches the rendered parts', badParts, parts.size);

    const props = element.cssProperties ?? [];
    const badProps = [
      ...want.cssProperties.filter((name) => !props.some((p) => p.name === name)).map((name) => `missing ${name}`),
      ...props.filter((p) => !(p.name in tokens)).map((p) => `unknown ${p.name}`),
      ...props
        .filter((p) => p.name in tokens && p.default !== tokens[p.name])
        .map((p) => `${p.name} default ${p.default} ≠ ${tokens[p.name]}`),
      ...props.filter((p) => !described(p)).map((p) => `${p.name} undescribed`),
    ];
    reportList(tag, '@cssprop with the light defaults of tokens.styles.ts', badProps, props.length, {
      separator: '; ',
    });

    // The README documents the same API: every name the manifest lists stands there in code.
    const names = new Set(
      [attributes, publicFields, methods, events, element.cssParts ?? [], props].flat().map((item) => item.name),
    );
    const undocumented = [...names].filter((name) => !readme.includes(`\`${name}`));
    reportList(tag, 'README.md documents every manifest name', undocumented, names.size, { prefix: 'missing: ' });
  }
}

/** `--sse-chat-*` → light default, from the `:host` block of components/tokens.styles.ts. */
function tokenDefaults() {
  const source = readFileSync(join(root, 'components', 'tokens.styles.ts'), 'utf8');
  const host = source.slice(source.indexOf(':host {'));
  /** @type {Record<string, string>} */
  const defaults = {};
  for (const match of host.slice(0, host.indexOf('}')).matchAll(/var\((--sse-chat-[a-z-]+),\s*([^;]+)\);/g)) {
    defaults[match[1] ?? ''] = (match[2] ?? '').replace(/\)$/, '').trim();
  }
  return defaults;
}

/** The public names of the `--_*` tokens a style file reads. */
function usedTokens(/** @type {string} */ file, /** @type {Record<string, string>} */ tokens) {
  const source = readFileSync(join(root, file), 'utf8');
  const used = new Set([...source.matchAll(/var\(--_([a-z-]+)\)/g)].map((m) => `--sse-chat-${m[1]}`));
  return Object.keys(tokens).filter((name) => used.has(name));
}

// --- 2. the stories ---------------------------------------------------------------------

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** A static server for `dir` on a free loopback port. */
function serve(/** @type {string} */ dir) {
  const server = createServer((request, response) => {
    let path;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      path = '/\0'; // a malformed URL: not found, like any other path outside the build
    }
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': MIME[/** @type {keyof typeof MIME} */ (extname(file))] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
    });
  });
}

/**
 * Runs in the page before Storybook: records the channel events that say how a render
 * ended (storybook/internal/core-events), whenever the preview creates its channel.
 */
function hookChannel() {
  const EVENTS = [
    'storyFinished',
    'storyErrored',
    'storyThrewException',
    'playFunctionThrewException',
    'storyMissing',
    'docsRendered',
    'unhandledErrorsWhilePlaying',
  ];
  /** @type {Array<{name: string, payload: unknown}>} */
  const events = [];
  const hooked = new WeakSet();
  let channel;
  Object.defineProperty(window, '__storyTest', { value: events });
  Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
    configurable: true,
    get: () => channel,
    set(value) {
      channel = value;
      if (!value || hooked.has(value)) return;
      hooked.add(value);
      for (const name of EVENTS) value.on(name, (/** @type {unknown} */ payload) => events.push({ name, payload }));
    },
  });
}

/**
 * Opens one entry; resolves with what went wrong (empty: passed) and a state summary.
 * @param {import('puppeteer-core').Browser} browser
 * @param {string} origin
 * @param {{id: string, type: 'story' | 'docs', title: string, importPath: string}} entry
 * @param {string[]} docsStories ids of the stories a docs page shows
 */
async function openEntry(browser, origin, entry, docsStories) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const problems = [];
  let warnings = 0;
  // Chromium asks every page for /favicon.ico by itself; Storybook's pages link favicon.svg.
  const favicon = (/** @type {string | undefined} */ url) =>
    url !== undefined && new URL(url, origin).pathname === '/favicon.ico';
  page.on('console', (message) => {
    if (message.type() === 'error' && !favicon(message.location().url)) {
      problems.push(`console.error: ${message.text()}`);
    }
    if (message.type() === 'warn') warnings++;
  });
  page.on('pageerror', (error) => {
    problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`);
  });
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !favicon(response.url())) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  await page.evaluateOnNewDocument(hookChannel);
  let state = '';
  try {
    const url = `${origin}/iframe.html?id=${encodeURIComponent(entry.id)}&viewMode=${entry.type}`;
    await page.goto(url, { waitUntil: 'load' });
    if (entry.type === 'story') {
      const handle = await page.waitForFunction(
        (id) => {
          // @ts-expect-error the page's
          const events = /** @type {Array<{name: string, payload: any}>} */ (window.__storyTest);
          return events.find((e) => e.name !== 'storyFinished' || e.payload?.storyId === id) ?? false;
        },
        { timeout: ENTRY_TIMEOUT_MS, polling: 50 },
        entry.id,
      );
      const event = await handle.jsonValue();
      if (event.name !== 'storyFinished' || event.payload?.status !== 'success') {
        problems.push(`storybook: ${event.name}${event.payload?.status ? ` ${event.payload.status}` : ''}`);
        problems.push(...(await renderErrors(page)));
      }
      const shown = await page.evaluate(describeState);
      state = shown.text;
      const named = namedStatus(entry.id);
      if (named && shown.status !== named) {
        problems.push(`named for status="${named}" but shows status="${shown.status}"`);
      }
    } else {
      await page.waitForFunction(
        (ids) => {
          // @ts-expect-error the page's
          const events = /** @type {Array<{name: string, payload: any}>} */ (window.__storyTest);
          const finished = new Set(events.filter((e) => e.name === 'storyFinished').map((e) => e.payload?.storyId));
          const rendered = events.some((e) => e.name === 'docsRendered');
          return rendered && ids.every((/** @type {string} */ id) => finished.has(id));
        },
        { timeout: ENTRY_TIMEOUT_MS, polling: 50 },
        docsStories,
      );
      const failedStories = await page.evaluate(() =>
        // @ts-expect-error the page's
        /** @type {Array<{name: string, payload: any}>} */ (window.__storyTest)
          .filter((e) => e.name !== 'docsRendered' && (e.name !== 'storyFinished' || e.payload?.status !== 'success'))
          .map((e) => `${e.name} ${e.payload?.storyId ?? ''} ${e.payload?.status ?? ''}`.trim()),
      );
      problems.push(...failedStories.map((text) => `storybook: ${text}`));
      const table = await page.evaluate(() => document.querySelector('.docblock-argstable')?.textContent ?? '');
      const wanted = docsTableNames(entry.title);
      const absent = wanted.filter((name) => !table.includes(name));
      if (absent.length) problems.push(`docs table lacks ${absent.join(', ')}`);
      const listed = `${wanted.length - absent.length}/${wanted.length}`;
      state = `${docsStories.length} stories, table lists ${listed} manifest names`;
    }
  } catch (error) {
    problems.push(error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
    problems.push(...(await renderErrors(page).catch(() => [])));
  } finally {
    await page.close().catch(() => {});
  }
  if (warnings) state += `, ${warnings} console.warn`;
  return { problems, state };
}

/** Storybook's error display, when a render or play function failed. */
async function renderErrors(/** @type {import('puppeteer-core').Page} */ page) {
  return page.evaluate(() => {
    const events = /** @type {Array<{name: string, payload: any}>} */ (/** @type {any} */ (window).__storyTest ?? []);
    return events
      .filter((e) => e.name !== 'storyFinished' && e.name !== 'docsRendered')
      .map((e) => {
        const detail = typeof e.payload === 'object' ? (e.payload?.message ?? JSON.stringify(e.payload)) : e.payload;
        return `${e.name}: ${detail}`;
      });
  });
}

/**
 * Words of a story's name that name a status: that story must end up showing it (on its
 * `<sse-chat>`, else its first `<sse-message>`), whatever its play function checked.
 */
const NAMED_STATUS = {
  idle: 'idle',
  connecting: 'connecting',
  thinking: 'streaming',
  streaming: 'streaming',
  done: 'done',
  reconnecting: 'reconnecting',
  stall: 'done', // resumed, then finished
  error: 'error',
  404: 'error',
  exhausted: 'error',
  stopped: 'stopped',
};

function namedStatus(/** @type {string} */ id) {
  const words = (id.split('--')[1] ?? '').split('-');
  const word = words.find((w) => w in NAMED_STATUS);
  return word ? NAMED_STATUS[/** @type {keyof typeof NAMED_STATUS} */ (word)] : undefined;
}

/** In the page: the state the story left the elements in. */
function describeState() {
  const root = document.querySelector('#storybook-root');
  const chat = root?.querySelector('sse-chat');
  if (chat) {
    const attempt = chat.getAttribute('retry-attempt');
    const max = chat.getAttribute('retry-max');
    const count = chat.shadowRoot?.querySelectorAll('sse-message').length ?? 0;
    const status = chat.getAttribute('status');
    return { status, text: `status=${status}${attempt ? ` (${attempt}/${max})` : ''}, ${count} messages` };
  }
  const messages = [...(root?.querySelectorAll('sse-message') ?? [])];
  return {
    status: messages[0]?.getAttribute('status') ?? null,
    text: messages
      .map((m) => `sse-message status=${m.getAttribute('status')}${m.hasAttribute('thinking') ? ' thinking' : ''}`)
      .join(', '),
  };
}

/** What a component's docs table must show: names from the manifest, one of each kind. */
function docsTableNames(/** @type {string} */ title) {
  const tag = title.split('/').pop() ?? '';
  const manifest = JSON.parse(readFileSync(join(root, 'dist', 'custom-elements.json'), 'utf8'));
  /** @type {Declaration | undefined} */
  const element = manifest.modules
    .flatMap((/** @type {{declarations?: Declaration[]}} */ m) => m.declarations ?? [])
    .find((/** @type {Declaration} */ d) => d.tagName === tag);
  if (!element) return [`<${tag} in the manifest>`];
  return [
    ...(element.attributes ?? []).map((a) => a.name),
    ...(element.events ?? []).map((e) => e.name),
    ...(element.cssParts ?? []).map((p) => p.name),
    ...(element.cssProperties ?? []).map((p) => p.name),
  ];
}

async function testStories() {
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

const started = Date.now();
checkManifest();
await testStories();
console.log(`\n${totals.passed} passed, ${totals.failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (args.json) writeFileSync(args.json, JSON.stringify(totals));
process.exit(totals.failed > 0 ? 1 : 0);
