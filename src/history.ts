/**
 * The history endpoint's answer, checked and normalised. Pure.
 *
 *   GET history-endpoint?conversation_id=…
 *   → {messages: [{id, author, think, answer, status: "available" | "pending", offset}]}
 *
 * A malformed message is skipped with one console warning; the others are kept.
 */
/** One message as the history endpoint sends it (`think` and `offset` may be left out). */
export interface HistoryWireMessage {
  id: string | number;
  author: 'user' | 'assistant';
  think?: string;
  answer: string;
  /** A stopped answer is `available` with `stopped: true`. */
  status: 'available' | 'pending';
  stopped?: boolean;
  offset?: number;
}

/** A history message as the element uses it. */
export interface HistoryMessage {
  id: string;
  author: 'user' | 'assistant';
  think: string;
  answer: string;
  /** `pending`: still being generated on the server, resumable from `offset`. */
  status: 'done' | 'stopped' | 'pending';
  /** Sequence number of the last event `think`/`answer` contain: where a resume continues. */
  offset: number;
}

export function parseHistory(data: unknown): HistoryMessage[] {
  const list = isObject(data) ? data.messages : undefined;
  if (!Array.isArray(list)) {
    throw new TypeError('the history endpoint did not answer {messages: [...]}');
  }
  const messages: HistoryMessage[] = [];
  for (const item of list) {
    const message = isObject(item) ? toMessage(item) : undefined;
    if (message) messages.push(message);
    else console.warn('sse-chat: skipped a malformed history message:', item);
  }
  return messages;
}

function toMessage(item: Record<string, unknown>): HistoryMessage | undefined {
  const { id, author, think = '', answer = '', status = 'available', offset = 0, stopped } = item;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return undefined;
  if (author !== 'user' && author !== 'assistant') return undefined;
  if (typeof think !== 'string' || typeof answer !== 'string') return undefined;
  if (status !== 'available' && status !== 'pending') return undefined;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return undefined;
  return {
    id: String(id),
    author,
    think,
    answer,
    status: status === 'pending' && author === 'assistant' ? 'pending' : stopped === true ? 'stopped' : 'done',
    offset,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
