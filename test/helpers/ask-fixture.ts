/**
 * One question asked of a byte-exact fixture stream by a `<sse-chat>`, and what the reader and
 * the page saw: the protocol tests (vendor, auto, custom) compare these.
 */
import type { SseStatusDetail } from '../../components/events.js';
import { chatFixture, type ChatHarness } from './chat.js';
import { registerFixture, type FixtureResponse, type RegisteredFixture } from './fixture.js';

export interface Seen {
  think: string;
  answer: string;
  status: string;
  /** `sse-done`'s meta, or `sse-error`'s message. */
  end: { meta?: Record<string, unknown> } | { error: string };
  /** Types of the `sse-event`s, in order. */
  named: string[];
}

export interface Asked extends Seen {
  h: ChatHarness;
  statuses: SseStatusDetail[];
  fixture: RegisteredFixture;
}

/**
 * Registers `responses`, asks `question` of them with these attributes (after `setup`, e.g. a
 * custom adapter), and resolves when the answer ends.
 */
export async function askFixture(
  responses: FixtureResponse[],
  attrs: Record<string, string> = {},
  { question = 'q', setup }: { question?: string; setup?: (h: ChatHarness) => unknown } = {},
): Promise<Asked> {
  const fixture = await registerFixture(responses);
  const h = await chatFixture({ endpoint: fixture.url, ...attrs });
  await setup?.(h);
  const named: string[] = [];
  const statuses: SseStatusDetail[] = [];
  h.chat.addEventListener('sse-event', (e) => named.push(e.detail.type));
  h.chat.addEventListener('sse-status', (e) => statuses.push(e.detail));
  const ended = await h.ask(question);
  const last = h.chat.messages.at(-1)!;
  const end =
    ended.type === 'sse-done'
      ? { meta: (ended as CustomEvent<{ meta?: Record<string, unknown> }>).detail.meta }
      : { error: (ended as CustomEvent<{ error: Error }>).detail.error.message };
  return { h, fixture, statuses, think: last.think, answer: last.answer, status: last.status, end, named };
}

/** Just what was seen, for comparing. */
export const seen = ({ think, answer, status, end, named }: Seen): Seen => ({ think, answer, status, end, named });

/** Every offset that falls inside a UTF-8 character (before a continuation byte). */
export const insideCharacters = (bytes: Uint8Array) =>
  [...bytes.keys()].filter((i) => i > 0 && (bytes[i]! & 0xc0) === 0x80);
