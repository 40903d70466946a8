// @ts-check
/**
 * One entry of the Storybook index opened in a fresh page, and what went wrong there: how
 * Storybook says the render ended, the state the elements were left in, and the page's
 * errors, failed requests and dialogs.
 */
import { docsTableNames } from './manifest.mjs';

/** Per entry: Storybook's own end, and a docs page's stories. */
const ENTRY_TIMEOUT_MS = 45_000;

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
export async function openEntry(browser, origin, entry, docsStories) {
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
