import { createEventStreamDecoder } from '../../src/event-stream.js';
import { createMessageModel, type MessageModel } from '../../src/message-model.js';
import {
  createAdapter,
  shouldDecodeEscapes,
  type AutoAdapter,
  type ProtocolSetting,
} from '../../src/protocols/index.js';
import type { BlockOp, NamedEvent, ProtocolName, SseMessage } from '../../src/types.js';

export interface Outcome {
  think: string;
  answer: string;
  ends: Array<Extract<BlockOp, { op: 'finish' | 'error' }>>;
  named: NamedEvent[];
  warnings: string[];
  seqs: Array<number | undefined>;
  /** The adapter's `atResumePoint` and `complete` after each parsed event. */
  atResumePoint: boolean[];
  complete: boolean[];
}

export const msg = (data: string, extra: Partial<SseMessage> = {}): SseMessage => ({
  id: '',
  event: '',
  data,
  ...extra,
});

/** Runs messages through an adapter and a message model, the way the controller does (minus dedup). */
export function runAdapter(
  protocol: ProtocolName,
  messages: SseMessage[],
  decode: 'auto' | 'on' | 'off' = 'auto',
): Outcome {
  const warnings: string[] = [];
  const adapter = createAdapter(protocol, { warn: (m) => warnings.push(m) });
  const model = createMessageModel({ decodeEscapes: shouldDecodeEscapes(protocol, decode) });
  const out: Outcome = {
    think: '',
    answer: '',
    ends: [],
    named: [],
    warnings,
    seqs: [],
    atResumePoint: [],
    complete: [],
  };
  for (const message of messages) {
    const event = adapter.parse(message);
    if (!event) continue;
    out.seqs.push(event.seq);
    if (event.named) out.named.push(event.named);
    for (const op of adapter.apply(event)) {
      if (op.op === 'finish' || op.op === 'error') out.ends.push(op);
      else model.apply(op);
    }
    out.atResumePoint.push(adapter.atResumePoint);
    out.complete.push(adapter.complete);
  }
  for (const op of adapter.end()) if (op.op !== 'finish' && op.op !== 'error') model.apply(op);
  model.end();
  out.think = model.think;
  out.answer = model.answer;
  return out;
}

export const agentEvent = (mode: string, items: unknown[] | undefined, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ mode, message_id: 'm1', ...(items ? { data: items } : {}), ...extra });

export interface RunOutcome {
  think: string;
  answer: string;
  end: Extract<BlockOp, { op: 'finish' | 'error' }> | undefined;
  named: NamedEvent[];
  warnings: string[];
  seqs: Array<number | undefined>;
  atResumePoint: boolean[];
  complete: boolean[];
}

/**
 * Runs messages through a fresh adapter and a message model the way the controller does (up to
 * the first end op): escapes are decoded as the protocol says, for `auto` the one decided — the
 * model is made again when the deciding event comes, before any text.
 */
export function runUntilEnd(protocol: ProtocolSetting, messages: SseMessage[], headers?: Headers): RunOutcome {
  const warnings: string[] = [];
  const adapter = createAdapter(protocol, { warn: (m) => warnings.push(m), headers: () => headers });
  const decided = () => (adapter as Partial<AutoAdapter>).protocol ?? protocol;
  const newModel = (): MessageModel => createMessageModel({ decodeEscapes: shouldDecodeEscapes(decided(), 'auto') });
  let model = newModel();
  const out: RunOutcome = {
    think: '',
    answer: '',
    end: undefined,
    named: [],
    warnings,
    seqs: [],
    atResumePoint: [],
    complete: [],
  };
  for (const message of messages) {
    if (out.end) break;
    if (message.data === '' && message.event === '') continue; // the controller skips empty events
    const before = decided();
    const event = adapter.parse(message);
    if (decided() !== before) model = newModel();
    if (!event) continue;
    out.seqs.push(event.seq);
    if (event.named) out.named.push(event.named);
    else
      for (const op of adapter.apply(event)) {
        if (op.op === 'finish' || op.op === 'error') {
          out.end = op;
          break;
        }
        model.apply(op);
      }
    out.atResumePoint.push(adapter.atResumePoint);
    out.complete.push(adapter.complete);
  }
  if (!out.end) for (const op of adapter.end()) if (op.op === 'append') model.apply(op);
  model.end();
  return { ...out, think: model.think, answer: model.answer };
}

/** The events of an event-stream body fed in pieces (an id-only block as the empty message the controller sees). */
export function decodeEventStream(pieces: Uint8Array[]): SseMessage[] {
  const messages: SseMessage[] = [];
  const decoder = createEventStreamDecoder({
    onEvent: (message) => messages.push(message),
    onIdOnly: (id) => messages.push({ id, event: '', data: '' }),
  });
  for (const piece of pieces) decoder.feed(piece);
  decoder.end();
  return messages;
}
