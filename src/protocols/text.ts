/**
 * The `text` protocol (DESIGN §5.3): raw text events, `<think>` tags route to the think
 * block, `event: done` ends the answer, `event: error` fails it.
 */
import type { BlockOp } from '../types.js';
import { namedEvent, parseSeq, type ParsedEvent, type ProtocolAdapter } from './adapter.js';
import { createThinkTagRouter, type RoutedText } from './think-tags.js';

const toOps = (routed: RoutedText[]): BlockOp[] =>
  routed.map(({ block, text }) => ({ op: 'append', block, text }));

export function createTextAdapter(): ProtocolAdapter {
  const router = createThinkTagRouter();
  return {
    parse(message): ParsedEvent | undefined {
      const seq = parseSeq(message.id);
      switch (message.event) {
        case '':
        case 'message':
          return { seq, text: message.data };
        case 'done':
          return { seq, ops: [{ op: 'finish' }] };
        case 'error':
          return { seq, ops: [{ op: 'error', reason: message.data || 'the server reported an error' }] };
        default:
          return namedEvent(message);
      }
    },
    apply(event) {
      if (event.text === undefined) return event.ops ?? [];
      return toOps(router.push(event.text));
    },
    end: () => toOps(router.end()),
    get settled() {
      return router.settled;
    },
  };
}
