/**
 * The classic-script file must work on any page, including pages with an AMD loader
 * (RequireJS) or leaked CommonJS globals: it is a plain IIFE that sets `window.SseChat`,
 * never a UMD wrapper that a loader's `define` would capture.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { chatIn, expectFullAnswer, openPage, typeAndEnter } from '../helpers/example-page.js';
import type * as Api from '../../src/index.js';

/** The globals test/fixtures/amd-page.html defines before loading the file. */
type AmdPageWindow = Window &
  typeof globalThis & {
    SseChat?: typeof Api;
    loaderCalls: Array<[string, number]>;
    define: { amd: unknown };
    module: { exports: Record<string, unknown> };
  };

describe('dist/sse-chat.iife.js on AMD and CommonJS pages', () => {
  it('is a plain IIFE assigned to the global SseChat: no AMD wrapper, no UMD sniffing', async () => {
    const response = await fetch('/dist/sse-chat.iife.js');
    const text = await response.text();
    expect(response.headers.get('content-type')).to.match(/javascript/);
    // "use strict" inside the function, never above it (see the concatenation test below).
    expect(text).to.match(/^var SseChat\s*=\s*\(\(\)\s*=>\s*\{"use strict";/);
    expect(text, 'no AMD detection').not.to.match(/define\.amd/);
    expect(text, 'no loader or CommonJS sniffing').not.to.match(/typeof\s*\(?\s*(?:define|require|module|exports)\b/);
    expect(text, 'no call to a global define() or require()').not.to.match(/(?:^|[^.\w$])(?:define|require)\s*\(/);
    expect(text, 'no ES module syntax').not.to.match(/(?:^|[;}])\s*(?:import|export)\s*[{*\w]|import\.meta/);
  });

  it('concatenated before sloppy-mode code, leaves that code sloppy, and still registers and streams', async () => {
    type ConcatWindow = Window &
      typeof globalThis & { bundleReady: Promise<void>; legacyCounter?: number; legacyThisIsWindow?: boolean };
    const page = await openPage<ConcatWindow>('/test/fixtures/concatenated-page.html');
    try {
      await page.win.bundleReady;
      await waitUntil(() => chatIn(page) !== undefined, 'the tags registered from the bundle');
      expect(page.win.legacyCounter, 'an undeclared global can be assigned').to.equal(42);
      expect(page.win.legacyThisIsWindow, '`this` of a plain call is the window').to.equal(true);
      const chat = chatIn(page)!;
      typeAndEnter(page, chat, 'streamed from a concatenated bundle');
      await waitUntil(() => chat.status === 'done' || chat.status === 'error', 'the answer ended', { timeout: 15000 });
      await expectFullAnswer(chat);
      expect(page.problems).to.deep.equal([]);
    } finally {
      page.close();
    }
  });

  it('on a page with define.amd, require and module/exports: the loader is never called, the tags register and stream', async () => {
    const page = await openPage<AmdPageWindow>('/test/fixtures/amd-page.html', (p) => chatIn(p) !== undefined);
    try {
      const { win } = page;
      expect(win.loaderCalls, 'define()/require() never called').to.deep.equal([]);
      expect(win.define.amd).to.deep.equal({ jQuery: true });
      expect(Object.keys(win.module.exports), 'nothing exported through CommonJS globals').to.deep.equal([]);
      expect(win.SseChat?.StreamController).to.be.a('function');
      expect(win.customElements.get('sse-chat')).to.be.a('function');
      expect(win.customElements.get('sse-message')).to.be.a('function');

      const chat = chatIn(page)!;
      typeAndEnter(page, chat, 'streamed on an AMD page');
      await waitUntil(() => chat.status === 'done' || chat.status === 'error', 'the answer ended', { timeout: 15000 });
      await expectFullAnswer(chat);
      expect(win.loaderCalls).to.deep.equal([]);
      expect(page.problems).to.deep.equal([]);
    } finally {
      page.close();
    }
  });
});
