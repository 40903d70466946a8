/**
 * The "ours" variant of the bench: `<sse-chat>` straight from the sources. Loaded by
 * bench/page.ts only for this variant (a separate entry, built only when the variant runs).
 *
 * The element gets the same stream settings as the controller of the other variants (no
 * heartbeat, no connect timeout, no retries). `send()` resolves once the answer ended and
 * its final text is rendered (the element awaits its own and the message's update first),
 * so the run's end is "the DOM shows all of it", as for the other variants. The one piece
 * of instrumentation: `SseMessage#appendText()` is wrapped to sample the answer length per
 * change, as the other variants do in their `onChange` (see observeAppends).
 */
import '../components/define.ts';
import type { SseChat } from '../components/sse-chat.ts';
import { SseMessage } from '../components/sse-message.ts';
import { renderMarkdown } from '../src/index.ts';
import { renderedHtml } from '../test/helpers/markdown.ts';
import type { CheckResult, RunOptions, Variant, VariantHooks } from './harness.ts';
import type { OursModule } from './page.ts';

export const createOurs: OursModule['createOurs'] = async (
  stage: HTMLElement,
  endpoint: string,
  options: RunOptions,
  hooks: VariantHooks,
): Promise<Variant> => {
  observeAppends(hooks);
  const chat = document.createElement('sse-chat') as SseChat;
  chat.setAttribute('endpoint', endpoint);
  chat.setAttribute('heartbeat-timeout', '0');
  chat.setAttribute('connect-timeout', '0');
  chat.setAttribute('max-retries', '0');
  stage.append(chat);
  await chat.updateComplete;

  const answer = () => {
    const last = chat.messages.at(-1);
    return last?.author === 'assistant' ? last : undefined;
  };
  let stopped = false;
  return {
    async start() {
      await chat.send(options.prompt);
      const status = answer()?.status;
      if (status === 'error') throw new Error('the answer ended in error');
      return status === 'done' && !stopped ? 'done' : 'stopped';
    },
    stop() {
      stopped = true;
      chat.stop();
    },
    answerLength: () => answer()?.answer.length ?? 0,
    events: () => chat.stats.events,
    firstChangeAt: () => firstChangeAt,
    check: async () => compare(chat),
  };
};

let firstChangeAt: number | null = null;

/**
 * Progress samples at each change, as the other variants take them in their `onChange`:
 * the element routes every streamed change to `SseMessage#appendText()`, so the bench
 * wraps that method (the one piece of instrumentation inside the element; it reads a
 * string length, nothing else).
 */
function observeAppends(hooks: VariantHooks): void {
  const proto = SseMessage.prototype;
  const appendText = proto.appendText;
  proto.appendText = function (this: SseMessage, block, text) {
    appendText.call(this, block, text);
    firstChangeAt ??= performance.now();
    if (block === 'answer' && this.author === 'assistant') hooks.progress(this.answer.length);
  };
}

/** Whether the last answer's rendered DOM equals `renderMarkdown(whole answer)`. */
function compare(chat: SseChat): CheckResult {
  const messages = chat.shadowRoot?.querySelectorAll('sse-message');
  const last = messages?.[messages.length - 1];
  const part = last?.shadowRoot?.querySelector('[part="answer"]');
  const text = chat.messages.at(-1)?.answer;
  if (!part || text === undefined) return { identical: false, detail: 'no answer element found' };
  const expected = document.createElement('div');
  expected.append(renderMarkdown(text));
  const got = renderedHtml(part);
  const want = expected.innerHTML;
  if (got === want) return { identical: true };
  let at = 0;
  while (at < got.length && got[at] === want[at]) at++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 40), at + 60));
  return {
    identical: false,
    detail: `at HTML char ${at} of ${want.length}: got ${around(got)}, expected ${around(want)}`,
  };
}
