/**
 * Custom wire formats without forking: the `protocol` setting also takes an `AdapterSpec` (a
 * `parse` function and, optionally, the rest of the `ProtocolAdapter` contract) or a factory of
 * one (docs/design.md#custom-protocols).
 */
import type { BlockOp, SseMessage } from '../types.js';
import { parseSeq, type ParsedEvent, type ProtocolAdapter } from './adapter.js';
import { appendOps, createThinkTagRouter } from './think-tags.js';

/**
 * A custom protocol: only `parse` is required. What it leaves out is the default of a stateless
 * protocol: `apply` gives the event's `ops`, then its `text` routed by `<think>` tags to the
 * answer (or the think block); `end` flushes that routing; `atResumePoint` holds while nothing
 * is held back by it; `complete` holds once an event with `complete: true` was applied;
 * `endsAtClose` is false (a close without the end marker is a cut). An event without a `seq`
 * takes the message's `id:` as its sequence number. A `parse` that throws skips the event: the
 * controller logs the error and goes on.
 */
export interface AdapterSpec {
  parse(message: SseMessage): ParsedEvent | undefined;
  apply?(event: ParsedEvent): BlockOp[];
  end?(): BlockOp[];
  readonly atResumePoint?: boolean;
  readonly complete?: boolean;
  readonly endsAtClose?: boolean;
}

/**
 * What the `protocol` setting takes besides a name: a spec, shared by every answer (so keep it
 * stateless), or a factory of one, called for every answer and every restart (state goes there).
 */
export type CustomProtocol = AdapterSpec | (() => AdapterSpec);

/** A full adapter around a spec, with the defaults of `AdapterSpec` for what it leaves out; fresh state each time. */
export function createCustomAdapter(protocol: CustomProtocol): ProtocolAdapter {
  const spec = typeof protocol === 'function' ? protocol() : protocol;
  const router = createThinkTagRouter();
  let complete = false;
  return {
    parse(message) {
      const event = spec.parse(message);
      return event && { seq: parseSeq(message.id), ...event };
    },
    apply(event) {
      complete ||= !!event.complete;
      if (spec.apply) return spec.apply(event);
      return [...(event.ops ?? []), ...(event.text ? appendOps(router.push(event.text)) : [])];
    },
    end: () => [...(spec.end?.() ?? []), ...appendOps(router.end())],
    get atResumePoint() {
      return (spec.atResumePoint ?? true) && router.atResumePoint;
    },
    get complete() {
      return spec.complete ?? complete;
    },
    get endsAtClose() {
      return spec.endsAtClose ?? false;
    },
  };
}
