/**
 * The `agent` protocol: JSON events with a `mode` (`append`, `overwrite`, `update`, `finish`,
 * `error`) and `data` items `{id, type: "think" | "text", content}`.
 */
import type { BlockName, BlockOp, SseMessage } from '../types.js';
import {
  defaultWarn,
  errorOp,
  excerpt,
  isDefaultEvent,
  namedEvent,
  parseObject,
  parseSeq,
  type AdapterOptions,
  type ParsedEvent,
  type ProtocolAdapter,
} from './adapter.js';

const BLOCK_OF_TYPE: Record<string, BlockName> = { think: 'think', text: 'answer' };

interface Item {
  id: number | undefined;
  block: BlockName;
  content: string;
}

export function createAgentAdapter(options: AdapterOptions = {}): ProtocolAdapter {
  const warn = options.warn ?? defaultWarn;

  /** The valid items of `data`; each bad one is skipped with a warning. */
  function readItems(data: unknown, raw: string): Item[] | undefined {
    if (!Array.isArray(data)) {
      warn(`skipped an event whose "data" is not an array: ${excerpt(raw)}`);
      return undefined;
    }
    const items: Item[] = [];
    for (const item of data as unknown[]) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        warn(`skipped an item that is not an object: ${excerpt(raw)}`);
        continue;
      }
      const { id, type, content } = item as Record<string, unknown>;
      const block = typeof type === 'string' ? BLOCK_OF_TYPE[type] : undefined;
      if (!block) {
        warn(`skipped an item of unknown type ${JSON.stringify(type)}`);
        continue;
      }
      if (typeof content !== 'string') {
        warn(`skipped an item whose "content" is not a string: ${excerpt(raw)}`);
        continue;
      }
      items.push({ id: typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined, block, content });
    }
    return items;
  }

  function opsFor(mode: string, items: Item[]): BlockOp[] {
    switch (mode) {
      case 'append':
        return items.map(({ id, block, content }) => ({ op: 'append', block, text: content, itemId: id }));
      case 'update':
        return items.map(({ id, block, content }) =>
          id === undefined
            ? { op: 'append', block, text: content }
            : { op: 'update', block, itemId: id, text: content },
        );
      default: {
        // overwrite: each block present becomes the concatenation of its items.
        const ops: BlockOp[] = [];
        for (const block of ['think', 'answer'] as const) {
          const mine = items.filter((item) => item.block === block);
          if (mine.length) ops.push({ op: 'overwrite', block, text: mine.map((item) => item.content).join('') });
        }
        return ops;
      }
    }
  }

  function parse(message: SseMessage): ParsedEvent | undefined {
    if (!isDefaultEvent(message)) return namedEvent(message);
    const event = parseObject(message.data, warn);
    if (!event) return undefined;
    const { mode } = event;
    const messageId = typeof event.message_id === 'string' && event.message_id ? event.message_id : undefined;
    let seq = parseSeq(message.id);
    switch (mode) {
      case 'append':
      case 'overwrite':
      case 'update': {
        const items = readItems(event.data, message.data);
        if (!items) return undefined;
        if (seq === undefined) {
          // Without an `id:` line, the highest item id is the event's sequence number.
          for (const item of items) if (item.id !== undefined && (seq === undefined || item.id > seq)) seq = item.id;
        }
        return { seq, messageId, ops: opsFor(mode, items) };
      }
      case 'finish': {
        const meta =
          typeof event.meta === 'object' && event.meta !== null ? (event.meta as Record<string, unknown>) : undefined;
        return { seq, messageId, ops: [{ op: 'finish', meta }] };
      }
      case 'error':
        return { seq, messageId, ops: [errorOp(event.finish_reason, event.error, event.message)] };
      default:
        warn(`skipped an event of unknown mode ${JSON.stringify(mode)}`);
        return undefined;
    }
  }

  return {
    parse,
    apply: (event) => event.ops ?? [],
    end: () => [],
    atResumePoint: true, // stateless: every event stands alone
    complete: false,
    endsAtClose: false, // `finish` ends an answer; a close without it is a cut
  };
}
