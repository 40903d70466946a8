/**
 * The history endpoint's answer, checked and normalised. Pure.
 *
 *   GET history-endpoint?conversation_id=…
 *   → {messages: [{id, author, think, answer, status: "available" | "pending", offset, versions?}]}
 *
 * A malformed message is skipped with one console warning; the others are kept. Likewise a
 * malformed item of an answer's `versions` (each read as a finished answer): the message stays.
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
  /** A regenerated answer: the earlier versions it replaced, oldest first. */
  versions?: Array<{ id: string | number; think?: string; answer: string; stopped?: boolean }>;
}

/** An earlier version of a regenerated answer: a finished assistant message (`offset` 0). */
export type HistoryVersion = Omit<HistoryMessage, 'versions'>;

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
  /** An assistant message that was regenerated: its earlier versions, oldest first (never empty). */
  versions?: HistoryVersion[];
}

export function parseHistory(data: unknown): HistoryMessage[] {
  const list = isObject(data) ? data.messages : undefined;
  if (!Array.isArray(list)) {
    throw new TypeError('the history endpoint did not answer {messages: [...]}');
  }
  return valid(list, toMessage);
}

/** The items `toItem` accepts; each one it refuses is skipped with a warning. */
function valid(list: unknown[], toItem: (item: Record<string, unknown>) => HistoryMessage | undefined) {
  const items: HistoryMessage[] = [];
  for (const item of list) {
    const message = isObject(item) ? toItem(item) : undefined;
    if (message) items.push(message);
    else console.warn('sse-chat: skipped a malformed history message:', item);
  }
  return items;
}

function toMessage(item: Record<string, unknown>): HistoryMessage | undefined {
  const { id, author, think = '', answer = '', status = 'available', offset = 0, stopped, versions } = item;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return undefined;
  if (author !== 'user' && author !== 'assistant') return undefined;
  if (typeof think !== 'string' || typeof answer !== 'string') return undefined;
  if (status !== 'available' && status !== 'pending') return undefined;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) return undefined;
  const message: HistoryMessage = {
    id: String(id),
    author,
    think,
    answer,
    status: status === 'pending' && author === 'assistant' ? 'pending' : stopped === true ? 'stopped' : 'done',
    offset,
  };
  // A regenerated answer's earlier versions: each read as a finished answer of its own.
  const earlier =
    author === 'assistant' && Array.isArray(versions)
      ? valid(versions, (v) => toMessage({ ...v, author, status: 'available', offset: 0, versions: null }))
      : [];
  if (earlier.length) message.versions = earlier;
  return message;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
