/**
 * The contract every wire-format adapter fulfils, and the helpers they share.
 *
 * Reading an event is split in two so the stream controller can drop replays between
 * the steps: `parse()` is stateless (it only says what the event is and which sequence
 * number it carries), `apply()` turns a parsed event into block operations and may keep
 * state (the `<think>` routing of the `text` and `openai` protocols). Neither ever throws:
 * bad input is skipped with one `console.warn`.
 */
import type { BlockName, BlockOp, NamedEvent, SseMessage } from '../types.js';

export interface ParsedEvent {
  /** Sequence number for dedup and resume; `undefined`: applied without dedup. */
  seq?: number;
  /** The server's id for this answer, when the event names one. */
  messageId?: string;
  /** Block operations, for stateless protocols. */
  ops?: BlockOp[];
  /** Raw text still to be routed by `<think>` tags, after `ops` (`text`, `openai`, custom adapters without an `apply`). */
  text?: string;
  /** The event says the content is over, ahead of the end marker (an openai `finish_reason`). */
  complete?: boolean;
  /** A named event outside the chat protocol. */
  named?: NamedEvent;
  /**
   * The part of its block that the event's append belongs to (ai-sdk parts, Responses output
   * items, Anthropic thinking blocks): a part after another of the same block is set off by a
   * blank line (`createPartsAdapter`).
   */
  part?: unknown;
  /** Meta for the answer's `finish`, merged over what earlier events gave (ai-sdk metadata, anthropic `message_delta`). */
  meta?: Record<string, unknown>;
}

export interface ProtocolAdapter {
  parse(message: SseMessage): ParsedEvent | undefined;
  apply(event: ParsedEvent): BlockOp[];
  /** The answer ended: returns what was still held back. */
  end(): BlockOp[];
  /**
   * Whether a fresh adapter fed the events after the last one applied would turn them into
   * the same ops (nothing held back, no routing state): a resume by a new run may start there.
   */
  readonly atResumePoint: boolean;
  /**
   * The stream has said its content is over though its end marker has not come yet (openai:
   * a `finish_reason` was applied; a usage chunk often comes before `[DONE]`), so a break now
   * ends the answer as done instead of resuming it.
   */
  readonly complete: boolean;
  /**
   * Whether a clean close of a response without `id:` fields and without an end marker ends
   * the answer (`text`: plain-text servers often just close), rather than being a cut.
   */
  readonly endsAtClose: boolean;
}

/** Receives the warnings of an adapter (defaults to `console.warn`). */
export type Warn = (message: string) => void;

export const defaultWarn: Warn = (message) => console.warn(`sse-chat: ${message}`);

/** What the adapters of JSON protocols (agent, openai) take. */
export interface AdapterOptions {
  warn?: Warn;
}

/** The op of an error event: its reason is the first non-empty string of `reasons`, else a generic one. */
export function errorOp(...reasons: unknown[]): BlockOp {
  const reason = reasons.find((value): value is string => typeof value === 'string' && value !== '');
  return { op: 'error', reason: reason ?? 'the server reported an error' };
}

/** An `id:` field as a sequence number: a non-negative safe integer, else `undefined`. */
export function parseSeq(id: string): number | undefined {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}

/** Whether an event is of the default type (no `event:` field, or `event: message`). */
export function isDefaultEvent(message: SseMessage): boolean {
  return message.event === '' || message.event === 'message';
}

/** A short, printable excerpt of event data for warnings. */
export function excerpt(data: string): string {
  return JSON.stringify(data.length > 80 ? `${data.slice(0, 77)}...` : data);
}

export function namedEvent(message: SseMessage): ParsedEvent {
  return {
    seq: parseSeq(message.id),
    named: { type: message.event, data: message.data, id: message.id },
  };
}

/** A JSON object, else `undefined`. */
export const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** Parses JSON data, warning (and returning `undefined`) when it is not a JSON object. */
export function parseObject(data: string, warn: Warn = defaultWarn): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    warn(`skipped an event whose data is not valid JSON: ${excerpt(data)}`);
    return undefined;
  }
  const object = asObject(value);
  if (!object) warn(`skipped an event whose data is not a JSON object: ${excerpt(data)}`);
  return object;
}

/**
 * A vendor's JSON event as the ai-sdk, anthropic and Responses adapters read it: every field is
 * optional and of unknown shape, so each is checked where it is used (`?.` on a field that is
 * not an object gives `undefined`, never a throw).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VendorEvent = { type: string } & Record<string, any>;

/** Parses a vendor event: a JSON object with a string `type`; warns and returns `undefined` otherwise. */
export function parseTyped(data: string, warn: Warn): VendorEvent | undefined {
  const event = parseObject(data, warn);
  if (event && typeof event.type === 'string') return event as VendorEvent;
  if (event) warn(`skipped an event without a "type": ${excerpt(data)}`);
  return undefined;
}

/** An append of `text` to `block` in `part`; when `text` is not a non-empty string, an event without content. */
export const appendPart = (seq: number | undefined, block: BlockName, text: unknown, part?: unknown): ParsedEvent =>
  typeof text === 'string' && text ? { seq, ops: [{ op: 'append', block, text }], part } : { seq };

/**
 * The state the ai-sdk, anthropic and Responses adapters share around their stateless `parse`.
 * An append in another `part` than the one its block last took text from is set off by a blank
 * line, and an event with a `part` but no ops (an anthropic tool block) ends the answer's
 * current part. `meta` accumulates into the `finish` op; `complete` holds once a `complete`
 * event was applied. A fresh adapter would not set off the next part once a part has given
 * text, so `atResumePoint` holds only until then (docs/design.md#the-vendor-protocols).
 */
export function createPartsAdapter(parse: ProtocolAdapter['parse']): ProtocolAdapter {
  const last: Partial<Record<BlockName, unknown>> = {};
  let meta: Record<string, unknown> | undefined;
  let complete = false;
  return {
    parse,
    apply({ ops = [], part, ...event }) {
      if (event.complete) complete = true;
      if (event.meta) meta = { ...meta, ...event.meta };
      if (part !== undefined && !ops.length && last.answer !== undefined) last.answer = part;
      return ops.map((op): BlockOp => {
        if (op.op === 'finish') return meta ? { op: 'finish', meta } : op;
        if (op.op !== 'append' || part === undefined) return op;
        const before = last[op.block];
        last[op.block] = part;
        return before === undefined || before === part ? op : { ...op, text: `\n\n${op.text}` };
      });
    },
    end: () => [],
    get atResumePoint() {
      return last.think === undefined && last.answer === undefined;
    },
    get complete() {
      return complete;
    },
    endsAtClose: false, // each has an end marker; a close without it is a cut
  };
}
