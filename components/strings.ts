/**
 * Every UI string of the elements, replaceable through the `strings` property (i18n).
 * Functions build the texts that carry numbers. A host page passes only what it changes:
 * `chat.strings = { send: 'Envoyer', reconnecting: (a, m, s) => `Reconnexion (${a}/${m}) dans ${s} s…` }`.
 */
import type { SseChatError } from '../src/types.js';

export interface SseChatStrings {
  /** Accessible name of the message log. */
  log: string;
  /** Accessible name of the text box. */
  input: string;
  /** Placeholder of the text box (the `placeholder` attribute wins). */
  placeholder: string;
  send: string;
  stop: string;
  jumpLatest: string;
  /** Screen-reader label before each message. */
  user: string;
  assistant: string;
  /** Think block summary while thinking, after it, and when the duration is unknown (history). */
  thinking: string;
  thoughtFor: (seconds: number) => string;
  thoughts: string;
  /** The copy button of a code block, and what it (or the answer's) says once it copied. */
  copyCode: string;
  copied: string;
  /** The toolbar under an answer, its copy button, and its good / bad buttons. */
  actions: string;
  copy: string;
  good: string;
  bad: string;
  /** The answer's regenerate button, and its version switcher ("2 / 2" and the arrows' names). */
  regenerate: string;
  version: (shown: number, count: number) => string;
  previousVersion: string;
  nextVersion: string;
  /** The edit button under the last question, the editor's text box and its cancel button (it sends with `send`). */
  edit: string;
  editInput: string;
  cancel: string;
  connecting: string;
  streaming: string;
  polling: string;
  /** Streaming again after the answer had to be asked again (its stream could not be resumed). */
  restarted: string;
  /** Waiting for the browser to be back online. */
  offline: string;
  reconnecting: (attempt: number, max: number, seconds: number, reason: string) => string;
  done: string;
  stopped: string;
  /** The status line after an answer ended in error. */
  error: (reason: string) => string;
  loadingHistory: string;
  historyError: (reason: string) => string;
  /** Words for a failure (the status line and `reconnecting` reason). */
  describeError: (error: SseChatError) => string;
}

export const DEFAULT_STRINGS: SseChatStrings = {
  log: 'Conversation',
  input: 'Message',
  placeholder: 'Ask anything…',
  send: 'Send',
  stop: 'Stop',
  jumpLatest: 'Jump to latest',
  user: 'You said:',
  assistant: 'Assistant:',
  thinking: 'Thinking…',
  thoughtFor: (seconds) => `Thought for ${seconds} s`,
  thoughts: 'Thoughts',
  copyCode: 'Copy',
  copied: 'Copied',
  actions: 'Answer actions',
  copy: 'Copy answer',
  good: 'Good answer',
  bad: 'Bad answer',
  regenerate: 'Regenerate',
  version: (shown, count) => `${shown} / ${count}`,
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  edit: 'Edit',
  editInput: 'Edit your question',
  cancel: 'Cancel',
  connecting: 'Connecting…',
  streaming: 'Answering…',
  polling: 'Answering (over polling: the network blocks live streams)…',
  restarted: 'Connection lost — the answer restarted…',
  offline: 'Offline — waiting for the network…',
  reconnecting: (attempt, max, seconds, reason) => `${reason}. Reconnecting (${attempt}/${max}) in ${seconds} s…`,
  done: 'Answer complete.',
  stopped: 'Stopped.',
  error: (reason) => `No answer: ${reason}.`,
  loadingHistory: 'Loading the conversation…',
  historyError: (reason) => `Could not load the conversation: ${reason}.`,
  describeError,
};

/** Plain words for what went wrong, with the server's own message when it gave one. */
export function describeError(error: SseChatError): string {
  const detail = error.message;
  switch (error.type) {
    case 'http': {
      const status = error.status ?? 0;
      const what =
        status === 401 || status === 403
          ? 'the server refused access'
          : status === 404
            ? 'the chat endpoint or answer was not found'
            : status === 408
              ? 'the server timed out'
              : status === 429
                ? 'the server is busy (too many requests)'
                : status >= 500
                  ? 'the server had a problem'
                  : 'the server rejected the request';
      return `${capitalize(what)} (${detail})`;
    }
    case 'content-type':
      return `The server did not answer with an event stream (${detail})`;
    case 'network':
      return 'The connection was lost';
    case 'timeout':
      return detail.startsWith('no response') ? 'The server did not respond' : 'The stream went silent';
    case 'retries-exhausted': {
      // "gave up after 5 retries: <last failure>" → the last failure in words, then the count.
      const count = detail.split(':')[0] ?? detail;
      const cause = error.cause;
      return isSseChatError(cause) ? `${describeError(cause)}; ${count}` : capitalize(count);
    }
    case 'protocol':
      return `The server reported an error: ${detail}`;
    case 'resume':
      return capitalize(detail);
    case 'config':
      return capitalize(detail);
    case 'aborted':
      return 'The request was cancelled';
  }
}

function isSseChatError(value: unknown): value is SseChatError {
  return value instanceof Error && value.name === 'SseChatError';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
