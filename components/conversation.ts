/**
 * A conversation as `<sse-chat>` keeps it: its messages (entries), and the rules that change
 * them — a new question or answer, the end of a stream, going back to a resume point, what the
 * next request carries. Pure: the element streams and renders.
 */
import type { HistoryMessage } from '../src/history.js';
import { randomId } from '../src/random-id.js';
import type { ResumePoint, StreamResult } from '../src/stream-types.js';
import type { ChatMessage, MessageStatus } from './events.js';

/** One message as the element keeps it. While an answer streams its text lives in the stream. */
export interface Entry {
  /** Stable render key. */
  key: string;
  /** The id the server knows the message by (it may assign its own). */
  messageId: string;
  author: 'user' | 'assistant';
  think: string;
  answer: string;
  status: MessageStatus;
  meta?: Record<string, unknown>;
  /** Sequence number of the last event `think`/`answer` contain: where a resume continues. */
  offset: number;
  /** After an error or a stop: where a `resume()` continues (nothing held back there). */
  resume?: ResumePoint;
  /** The reader's judgement of an answer (its good / bad buttons). */
  feedback?: 'up' | 'down';
}

/** The text of an answer while it streams (it lives in the stream, not in the entry). */
export interface LiveText {
  messageId: string | undefined;
  think: string;
  answer: string;
}

/** A new message: a question (its text) or an answer about to stream. */
export function newEntry(author: Entry['author'], answer: string, status: MessageStatus): Entry {
  return { key: randomId(), messageId: randomId(), author, think: '', answer, status, offset: 0 };
}

export function historyEntries(messages: HistoryMessage[]): Entry[] {
  return messages.map((message) => ({ ...message, key: randomId(), messageId: message.id }));
}

/** Takes what an ended stream leaves into its entry. */
export function endEntry(entry: Entry, result: StreamResult): void {
  entry.messageId = result.messageId;
  entry.meta = result.meta;
  entry.status = result.status === 'detached' ? 'pending' : result.status;
  if (result.status === 'detached') {
    // Left while streaming: keep exactly what a resume continues (no half escape or tag).
    ({ think: entry.think, answer: entry.answer, offset: entry.offset } = result.resumePoint);
  } else {
    entry.think = result.think;
    entry.answer = result.answer;
    entry.offset = result.resumePoint.offset;
    entry.resume = result.resumePoint;
  }
}

/** An answer about to be resumed: it streams from its resume point on. */
export function prepareResume(entry: Entry): void {
  // Show the text the resume continues: after an error the shown text was flushed (a held
  // back `\` became literal), and the events after the resume point come again.
  if (entry.resume) ({ think: entry.think, answer: entry.answer, offset: entry.offset } = entry.resume);
  entry.resume = undefined;
  entry.status = 'streaming';
}

/** An answer called off before any request: a new one is stopped, a resume stays resumable. */
export function callOffEntry(entry: Entry): void {
  entry.status = entry.offset > 0 || entry.think || entry.answer ? 'pending' : 'stopped';
}

/** The conversation before `before` (all of it without one), as chat messages for a request. */
export function requestMessages(entries: readonly Entry[], before?: Entry): Array<{ role: string; content: string }> {
  const end = before ? entries.indexOf(before) : entries.length;
  return entries
    .slice(0, end < 0 ? entries.length : end)
    .filter((entry) => entry.answer !== '')
    .map((entry) => ({ role: entry.author, content: entry.answer }));
}

/** A message as `messages` and the events report it; `live` while it streams. */
export function snapshot(entry: Entry, live?: LiveText): ChatMessage {
  const message: ChatMessage = {
    id: live?.messageId ?? entry.messageId,
    author: entry.author,
    think: live ? live.think : entry.think,
    answer: live ? live.answer : entry.answer,
    status: entry.status,
  };
  if (entry.meta) message.meta = entry.meta;
  return message;
}
