import { createMessageModel } from '../../src/message-model.js';
import { createAdapter, shouldDecodeEscapes } from '../../src/protocols/index.js';
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
