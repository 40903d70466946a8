import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { CSSResult } from 'lit';
import '../../components/define.js';
import { SseChat } from '../../components/sse-chat.js';
import { defineElement } from '../../components/define-element.js';
import { SseMessage } from '../../components/sse-message.js';
import type { SseChatStrings } from '../../components/strings.js';
import type { SseChatError } from '../../src/types.js';
import { chatFixture, chatUrl, question, until } from '../helpers/chat.js';

const cssText = (styles: unknown): string =>
  (Array.isArray(styles) ? styles : [styles]).map((s) => (s as CSSResult).cssText).join('\n');

const background = (el: Element) => getComputedStyle(el).backgroundColor;

describe('theming, i18n and registration', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  describe('tokens', () => {
    // Both elements share one token sheet (custom properties inherit from <sse-chat> into
    // its messages, and a lone <sse-message> needs its own defaults), so check them together.
    it('uses only private tokens that are defined, defines none that is unused, reads only --sse-chat-* names', () => {
      const css = cssText(SseChat.styles) + cssText(SseMessage.styles);
      const defined = new Set([...css.matchAll(/(--_[\w-]+)\s*:/g)].map((m) => m[1]));
      const used = new Set([...css.matchAll(/var\((--_[\w-]+)/g)].map((m) => m[1]));
      expect(
        [...used].filter((t) => !defined.has(t)),
        'used but undefined',
      ).to.deep.equal([]);
      expect(
        [...defined].filter((t) => !used.has(t)),
        'defined but unused',
      ).to.deep.equal([]);
      const publicNames = [...css.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]!).filter((t) => !t.startsWith('--_'));
      expect(publicNames.filter((t) => !t.startsWith('--sse-chat-'))).to.deep.equal([]);
      expect(publicNames.length).to.be.greaterThan(10);
    });
  });

  describe('parts', () => {
    it('gives every region of <sse-chat> and <sse-message> a part', async () => {
      const h = await chatFixture();
      await h.ask();
      await h.lastMessage.updateComplete;
      for (const part of ['log', 'jump-latest', 'status', 'composer', 'input', 'send', 'stop']) {
        expect(h.root.querySelector(`[part="${part}"]`), part).to.exist;
      }
      for (const part of ['bubble', 'think', 'think-summary', 'think-body', 'answer']) {
        expect(h.lastMessage.shadowRoot!.querySelector(`[part="${part}"]`), part).to.exist;
      }
    });
  });

  describe('colour themes', () => {
    it('follows prefers-color-scheme, and theme="light" / theme="dark" force one', async () => {
      const h = await chatFixture();
      const light = background(h.chat);
      await emulateMedia({ colorScheme: 'dark' });
      const dark = background(h.chat);
      expect(dark).not.to.equal(light);
      h.chat.theme = 'light';
      await h.chat.updateComplete;
      expect(background(h.chat)).to.equal(light);
      await emulateMedia({ colorScheme: 'light' });
      h.chat.theme = 'dark';
      await h.chat.updateComplete;
      expect(background(h.chat)).to.equal(dark);
    });

    it('passes the theme to its messages', async () => {
      const h = await chatFixture({ theme: 'dark' });
      await h.ask();
      expect(h.lastMessage.getAttribute('theme')).to.equal('dark');
    });

    it('takes colours, radius and font from --sse-chat-* custom properties, down to the messages', async () => {
      const h = await chatFixture();
      h.chat.style.setProperty('--sse-chat-bg', 'rgb(1, 2, 3)');
      h.chat.style.setProperty('--sse-chat-user-bg', 'rgb(4, 5, 6)');
      h.chat.style.setProperty('--sse-chat-radius', '3px');
      h.chat.style.setProperty('--sse-chat-font', 'monospace');
      await h.ask();
      await h.lastMessage.updateComplete;
      expect(background(h.chat)).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(h.chat).borderTopLeftRadius).to.equal('3px');
      const userBubble = h.messageElements[0]!.shadowRoot!.querySelector('[part="bubble"]')!;
      expect(background(userBubble)).to.equal('rgb(4, 5, 6)');
      expect(getComputedStyle(h.answerOf()).fontFamily).to.equal('monospace');
    });
  });

  describe('strings', () => {
    it('replaces labels and status texts through the strings property', async () => {
      const h = await chatFixture({ endpoint: chatUrl('cut:2000') });
      const strings: Partial<SseChatStrings> = {
        send: 'Envoyer',
        stop: 'Arrêter',
        input: 'Votre message',
        placeholder: 'Posez une question…',
        done: 'Réponse terminée.',
        thoughtFor: (s) => `Réfléchi ${s} s`,
        reconnecting: (a, m, s, reason) => `${reason} — reconnexion (${a}/${m}) dans ${s} s`,
        describeError: (e: SseChatError) => `erreur ${e.type}`,
      };
      h.chat.strings = strings;
      await h.chat.updateComplete;
      expect(h.part('send').textContent!.trim()).to.equal('Envoyer');
      expect(h.input.getAttribute('aria-label')).to.equal('Votre message');
      expect(h.input.placeholder).to.equal('Posez une question…');
      const seen: string[] = [];
      h.chat.addEventListener('sse-status', () => void h.chat.updateComplete.then(() => seen.push(h.statusText)));
      await h.ask();
      await h.chat.updateComplete;
      await h.lastMessage.updateComplete;
      expect(seen).to.include('erreur network — reconnexion (1/5) dans 1 s');
      expect(h.statusText).to.equal('Réponse terminée.');
      expect(h.thinkOf().querySelector('summary')!.textContent!.trim()).to.match(/^Réfléchi \d+ s$/);
    });
  });

  describe('right-to-left', () => {
    it('lays out mirrored with dir="rtl": the reader’s messages on the left', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div dir="rtl" style="width: 600px"></div>`);
      const ltr = await fixture<HTMLDivElement>(html`<div dir="ltr" style="width: 600px"></div>`);
      const positions: Record<string, number> = {};
      for (const [name, parent] of [
        ['rtl', wrapper],
        ['ltr', ltr],
      ] as const) {
        const chat = document.createElement('sse-chat');
        chat.setAttribute('endpoint', chatUrl());
        chat.style.height = '300px';
        parent.append(chat);
        await chat.send(question()[0]!.content);
        const user = chat.shadowRoot!.querySelector('sse-message')!;
        await user.updateComplete;
        const bubble = user.shadowRoot!.querySelector('[part="bubble"]')!.getBoundingClientRect();
        const box = chat.getBoundingClientRect();
        positions[name] = bubble.left - box.left + bubble.width / 2 - box.width / 2;
        expect(getComputedStyle(chat.shadowRoot!.querySelector('[part="input"]')!).direction).to.equal(name);
      }
      expect(positions.rtl, 'user bubble left of centre in RTL').to.be.below(0);
      expect(positions.ltr, 'user bubble right of centre in LTR').to.be.above(0);
    });
  });

  describe('registration', () => {
    it('registers both tags through the define module', () => {
      expect(customElements.get('sse-chat')).to.equal(SseChat);
      expect(customElements.get('sse-message')).to.equal(SseMessage);
    });

    it('warns instead of throwing when another copy defines the tags again', () => {
      const warnings: string[] = [];
      const warn = console.warn;
      console.warn = (message: string) => warnings.push(message);
      try {
        class SecondCopy extends SseChat {}
        expect(() => defineElement('sse-chat', SecondCopy)).not.to.throw();
        defineElement('sse-chat', SseChat); // the same class again: silently fine
      } finally {
        console.warn = warn;
      }
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(
        /<sse-chat> is already defined \(version \S+\); this copy \(version \S+\) was not registered/,
      );
      expect(customElements.get('sse-chat')).to.equal(SseChat);
    });

    /** Imports `module` in a fresh page (its own registry) and says which tags it defined. */
    async function tagsDefinedBy(module: string): Promise<{ defined: string[]; exports: string[] }> {
      const iframe = document.createElement('iframe');
      document.body.append(iframe);
      try {
        const win = iframe.contentWindow as Window & { __result?: { defined: string[]; exports: string[] } };
        const script = win.document.createElement('script');
        script.type = 'module';
        script.textContent = `
          import * as m from ${JSON.stringify(new URL(module, location.href).href)};
          window.__result = {
            defined: ['sse-chat', 'sse-message'].filter((tag) => customElements.get(tag)),
            exports: Object.keys(m),
          };`;
        win.document.body.append(script);
        await until(() => win.__result !== undefined, 10000);
        return win.__result!;
      } finally {
        iframe.remove();
      }
    }

    it('class modules and the package entry register nothing; the define module registers both tags', async () => {
      for (const module of ['/components/sse-chat.ts', '/components/sse-message.ts', '/components/index.ts']) {
        const { defined, exports } = await tagsDefinedBy(module);
        expect(defined, module).to.deep.equal([]);
        expect(exports.length, `${module} loaded`).to.be.greaterThan(0);
      }
      expect((await tagsDefinedBy('/components/index.ts')).exports).to.include.members([
        'SseChat',
        'SseMessage',
        'StreamController',
      ]);
      expect((await tagsDefinedBy('/components/define.ts')).defined).to.deep.equal(['sse-chat', 'sse-message']);
    });
  });

  it('keeps working when the theme changes mid-stream', async () => {
    const h = await chatFixture({ endpoint: chatUrl('', { chunk_ms: 5 }) });
    const finished = h.chat.send(question()[0]!.content);
    await until(() => h.lastText().length > 50);
    h.chat.theme = 'dark';
    await finished;
    expect(h.chat.status).to.equal('done');
  });
});
