/**
 * Loads a page (an example, a fixture) in a same-origin iframe and records everything it
 * complains about: `console.error`, `console.warn`, uncaught errors and unhandled
 * rejections — from its very first script on.
 *
 * Chromium gives a navigated iframe a fresh script context (hooks put on its initial
 * `about:blank` window are gone by the time the page runs), and no event fires between
 * the new document's creation and its first script. So the page is loaded from its served
 * HTML as `srcdoc`, with two tags put first in its `<head>`: a `<base href>` naming its real
 * URL (every relative URL, module imports included, resolves as when it is served) and one
 * inline script that installs the hooks before any of the page's own scripts run, then
 * removes itself. The dev server's live-reload `<script type="module">` is taken out again
 * (it is the test server's, not the page's); the rest is the HTML as served — the config
 * keeps the esbuild plugin off `examples/`, `dist/` and the libraries they load, and the dev
 * server only spells inline modules' relative imports its way (`'../x'` → `'./../x'`). Only
 * `location` differs: it reads `about:srcdoc`.
 */
import { waitUntil } from '@open-wc/testing';
import type { SseChat } from '../../components/sse-chat.js';
import { debugMessage, type DebugMessage } from './stream.js';
import { renderedHtml, wholeRender } from './markdown.js';

export type PageWindow = Window & typeof globalThis;

export interface OpenedPage<W extends PageWindow = PageWindow> {
  iframe: HTMLIFrameElement;
  win: W;
  doc: Document;
  /** Every `console.error`/`console.warn`, uncaught error and unhandled rejection, in order. */
  problems: string[];
  close(): void;
}

/** The iframe property the page's first script calls with its own window. */
const INSTALL = '__installTestHooks';
/** What @web/dev-server adds to every HTML page it serves. */
const DEV_SERVER_SCRIPT =
  /\s*<!-- injected by web-dev-server -->\s*<script type="module" src="\/__web-dev-server__web-socket\.js"><\/script>/;

/** Opens `url` in an iframe, waits for its `load` event and for `ready(page)` to hold. */
export async function openPage<W extends PageWindow = PageWindow>(
  url: string,
  ready: (page: OpenedPage<W>) => boolean = () => true,
  { width = 900, height = 760 } = {},
): Promise<OpenedPage<W>> {
  const href = new URL(url, location.href).href;
  const response = await fetch(href);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const source = (await response.text()).replace(DEV_SERVER_SCRIPT, '');
  const head = /<head\b[^>]*>/i.exec(source);
  if (!head) throw new Error(`${url} has no <head>: the hooks have nowhere to go first`);
  const first = `<base href="${href}"><script>frameElement.${INSTALL}(window); document.currentScript.remove()</script>`;
  const at = head.index + head[0].length;

  const problems: string[] = [];
  let hooked: W | undefined;
  const iframe = document.createElement('iframe') as HTMLIFrameElement & { [INSTALL]?: (win: W) => void };
  iframe.style.cssText = `width: ${width}px; height: ${height}px; border: 0`;
  iframe[INSTALL] = (win) => {
    hook(win, problems);
    hooked = win;
  };
  const loaded = new Promise<void>((resolve) => iframe.addEventListener('load', () => resolve(), { once: true }));
  iframe.srcdoc = source.slice(0, at) + first + source.slice(at);
  document.body.append(iframe);
  await loaded;
  const win = iframe.contentWindow as W;
  if (!hooked || hooked !== win || win.document.baseURI !== href) {
    iframe.remove();
    throw new Error(`${url}: the console hooks were not installed before the page ran`);
  }
  const page: OpenedPage<W> = { iframe, win, doc: win.document, problems, close: () => iframe.remove() };
  await waitUntil(() => ready(page), `${url} did not get ready (problems: ${problems.join(' | ') || 'none'})`, {
    timeout: 10000,
  });
  return page;
}

function hook(win: PageWindow, problems: string[]): void {
  const text = (args: unknown[]) =>
    args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' ');
  const console = win.console;
  for (const level of ['error', 'warn'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      problems.push(`console.${level}: ${text(args)}`);
      original(...args);
    };
  }
  win.addEventListener('error', (event) =>
    problems.push(`uncaught: ${event.message} (${event.filename}:${event.lineno})`),
  );
  win.addEventListener('unhandledrejection', (event) => problems.push(`unhandled rejection: ${text([event.reason])}`));
}

/** The page's `<sse-chat>` once its tag is defined and it has rendered. */
export function chatIn(page: OpenedPage, selector = 'sse-chat'): SseChat | undefined {
  const chat = page.doc.querySelector<SseChat>(selector);
  return chat && page.win.customElements.get('sse-chat') && chat.hasUpdated ? chat : undefined;
}

/** Types into the widget's own text box and presses Enter, as a reader does. */
export function typeAndEnter(page: OpenedPage, chat: SseChat, text: string): void {
  const input = chat.shadowRoot!.querySelector<HTMLTextAreaElement>('[part="input"]')!;
  input.focus();
  input.value = text;
  input.dispatchEvent(new page.win.InputEvent('input', { bubbles: true, composed: true }));
  input.dispatchEvent(
    new page.win.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true, cancelable: true }),
  );
}

/** Sets a form control's value the way typing does (fires `input`), for pages that listen to it. */
export function fill(
  page: OpenedPage,
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  value: string,
): void {
  control.value = value;
  control.dispatchEvent(new page.win.Event('input', { bubbles: true }));
  control.dispatchEvent(new page.win.Event('change', { bubbles: true }));
}

/**
 * Asserts that the chat's last answer is done and is the server's answer, byte for byte
 * (source text) and as rendered (its DOM equals rendering the server's whole text at once).
 * Returns the server's record of it.
 */
export async function expectFullAnswer(chat: SseChat): Promise<DebugMessage> {
  const answer = chat.messages.at(-1);
  if (!answer || answer.author !== 'assistant') throw new Error('the chat has no answer');
  const server = await debugMessage(answer.id);
  const problems: string[] = [];
  if (answer.status !== 'done') problems.push(`status ${answer.status}`);
  if (!server.done) problems.push('the server has not finished the answer');
  if (answer.answer !== server.answer)
    problems.push(`answer differs (${answer.answer.length} vs ${server.answer.length} chars)`);
  if (answer.think !== server.think)
    problems.push(`think differs (${answer.think.length} vs ${server.think.length} chars)`);
  const element = [...chat.shadowRoot!.querySelectorAll('sse-message')].at(-1)!;
  const rendered = renderedHtml(element.shadowRoot!.querySelector('[part="answer"]')!);
  if (rendered !== wholeRender(server.answer))
    problems.push('the rendered answer differs from rendering the whole answer');
  if (server.answer.length < 200) problems.push(`suspiciously short answer (${server.answer.length} chars)`);
  if (problems.length) throw new Error(`answer ${answer.id} is not the server's full answer: ${problems.join('; ')}`);
  return server;
}

export interface RecordedRequest {
  /** Absolute. */
  url: string;
  /** The URL's path, e.g. `/api/chat`. */
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The JSON body, parsed (undefined for GET). */
  body: Record<string, unknown> | undefined;
}

/**
 * Records every `fetch` the page makes from now on (the widget calls the page's `fetch` at
 * request time), passing each one through unchanged.
 */
export function recordRequests(page: OpenedPage): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  const original = page.win.fetch.bind(page.win);
  page.win.fetch = (input, init) => {
    const headers = Object.fromEntries(new page.win.Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
    const url = new URL(input instanceof page.win.Request ? input.url : String(input), page.doc.baseURI);
    requests.push({ url: url.href, path: url.pathname, method: init?.method ?? 'GET', headers, body });
    return original(input, init);
  };
  return requests;
}
