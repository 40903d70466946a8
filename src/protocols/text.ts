/**
 * The `text` protocol: raw text events, a `<think>` block at the start of the
 * answer routes to the think block, `event: done` ends the answer, `event: error` fails it.
 */
import { errorOp, namedEvent, parseSeq, type ParsedEvent, type ProtocolAdapter } from './adapter.js';
import { appendOps, createThinkTagRouter } from './think-tags.js';

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
          return { seq, ops: [errorOp(message.data)] };
        default:
          return namedEvent(message);
      }
    },
    apply(event) {
      if (event.text === undefined) return event.ops ?? [];
      return appendOps(router.push(event.text));
    },
    end: () => appendOps(router.end()),
    get atResumePoint() {
      return router.atResumePoint;
    },
    complete: false,
    endsAtClose: true, // plain-text servers often just close when the answer is over
  };
}
