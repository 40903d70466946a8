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
  /**
   * A regenerated answer's versions, oldest first. The entry itself is the one shown, `version`:
   * its slot in the list is brought up to date when another is shown.
   */
  versions?: Entry[];
  version?: number;
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
  return messages.map(({ versions, ...message }) => {
    const entry: Entry = { ...message, key: randomId(), messageId: message.id };
    if (versions) {
      const earlier = versions.map((v): Entry => ({ ...entry, ...v, messageId: v.id, offset: 0 }));
      entry.version = earlier.length;
      entry.versions = [...earlier, versionOf(entry)];
    }
    return entry;
  });
}

/** A version as kept in `versions`: the entry's fields without the list. */
const versionOf = (entry: Entry): Entry => ({ ...entry, versions: undefined, version: undefined });

/**
 * The id the server knows an answer by: with versions, the newest one's, whichever is shown.
 * A regenerate or an edit replaces that one (the server's history chains the versions by it).
 */
export const newestId = ({ versions, version, messageId }: Entry): string =>
  versions && version !== versions.length - 1 ? versions.at(-1)!.messageId : messageId;

/**
 * The answer asked again: the one shown becomes an earlier version (its feedback and text kept),
 * and the entry starts over as the new one, the last version. Returns the id it replaces (the
 * newest version's, also when an earlier one was shown).
 */
export function regenerateEntry(entry: Entry): string {
  const replaced = newestId(entry);
  const versions = (entry.versions ??= []);
  versions[entry.version ?? 0] = versionOf(entry);
  Object.assign(entry, { messageId: randomId(), think: '', answer: '', status: 'streaming', offset: 0 });
  entry.meta = entry.resume = entry.feedback = undefined;
  entry.version = versions.push(versionOf(entry)) - 1;
  return replaced;
}

/** Shows another version of a regenerated answer (`index` into `versions`). */
export function showVersion(entry: Entry, index: number): void {
  const { versions, version = 0 } = entry;
  const shown = versions?.[index];
  if (!versions || !shown || index === version) return;
  versions[version] = versionOf(entry);
  // Fields a version may lack (no meta, no feedback) must not stay from the one shown before.
  entry.meta = entry.resume = entry.feedback = undefined;
  Object.assign(entry, shown, { versions, version: index });
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
  const { versions, version } = entry;
  if (versions && version !== undefined) {
    message.version = version;
    message.versions = versions.map((v, i) => (i === version ? { ...message } : snapshot(v)));
  }
  return message;
}
