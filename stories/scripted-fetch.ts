/**
 * A `fetch` for stories: a stand-in for the reference server (`server/`) that serves scripted
 * answers in the `agent` protocol (docs/design.md#the-agent-protocol) without a network, so
 * every story runs from the static Storybook alone. Pass it as `<sse-chat>`'s `fetch` property.
 *
 * What it does, like the reference server:
 * - `POST endpoint` (or `GET` with the request in the query) starts the next scripted answer
 *   under the request's `message_id`; each event is `id: <seq>` + one `data:` line
 *   (`{"mode":"append","message_id":…,"data":[{"id":seq,"type":"think"|"text","content":…}]}`),
 *   one every `paceMs`, then `{"mode":"finish"}`. Content is the script's text itself (JSON
 *   carries its newlines), so the element shows it exactly with `decode-escapes="auto"`;
 * - a resume (`offset` query parameter, else the `last-event-id` header) continues after that
 *   sequence number; an unknown `message_id` on a resume is a 404;
 * - `GET historyEndpoint?conversation_id=` answers `{messages}` from `history`;
 *   `POST stopEndpoint` is recorded and answered 204;
 * - the request's `AbortSignal` is honoured at every step: before the response it rejects
 *   with an `AbortError`, after it the body errors and the timers stop.
 *
 * Faults are scripted per request of an answer (`faults[0]` the first request, `faults[1]` the
 * first resume, …), like the reference server's `?faults=`; see {@link Fault}.
 */

import type { HistoryWireMessage } from '../src/history.js';

/** What request `i` of an answer does instead of (or before) streaming normally. */
export type Fault =
  /** Streams normally. */
  | { kind: 'ok' }
  /** Sends `after` events, then the body errors (a dropped connection). */
  | { kind: 'cut'; after: number }
  /** Sends `after` events, then nothing, connection open (pair with a small `heartbeat-timeout`). */
  | { kind: 'stall'; after: number }
  /** Answers this HTTP status with a JSON error body; `retryAfter` (seconds) sets `Retry-After`. */
  | { kind: 'status'; status: number; retryAfter?: number; message?: string }
  /** Starts `count` events before the requested offset (a server that replays). */
  | { kind: 'replay'; count: number }
  /** Never answers: no headers, ever, until the request is aborted. */
  | { kind: 'hold' };

export interface AnswerScript {
  /** Think text, one entry per event. */
  think?: readonly string[];
  /** Answer text, one entry per event. */
  answer: readonly string[];
  /** Milliseconds before each event (default 40). */
  paceMs?: number;
  /** One entry per request of this answer; requests past the list stream normally. */
  faults?: readonly Fault[];
}

/** A message of the history endpoint's answer, as sent (the type lives with its parser). */
export type ScriptedHistoryMessage = HistoryWireMessage;

export interface ScriptedServerOptions {
  /** The answers to questions, in the order they are asked (the last one repeats). */
  answers?: readonly AnswerScript[];
  /** The conversation the history endpoint returns. */
  history?: readonly ScriptedHistoryMessage[];
  /** Scripts of answers that exist before any question: `pending` history answers, by id. */
  known?: Readonly<Record<string, AnswerScript>>;
  /** Paths it answers (the element's attributes point at them). */
  endpoint?: string;
  historyEndpoint?: string;
  stopEndpoint?: string;
}

/** One request as the scripted server saw it. */
export interface ScriptedRequest {
  path: string;
  method: string;
  messageId?: string;
  /** Request number within its answer (0: the first, then resumes). */
  index?: number;
  /** The resume point asked for, if any. */
  offset?: number;
  lastEventId?: string;
  fault?: Fault['kind'];
}

export interface ScriptedServer {
  /** Hand this to `<sse-chat>.fetch`. */
  readonly fetch: typeof fetch;
  /** Every request so far, in order. */
  readonly requests: readonly ScriptedRequest[];
}

const DEFAULT_PACE_MS = 40;
const encoder = new TextEncoder();

/** The SSE events of a script: `[seq, event data]`, think first, then answer, then finish. */
function scriptEvents(script: AnswerScript, messageId: string): Array<[number, string]> {
  const items = [
    ...(script.think ?? []).map((content) => ({ type: 'think', content })),
    ...script.answer.map((content) => ({ type: 'text', content })),
  ];
  const events = items.map((item, index): [number, string] => {
    const seq = index + 1;
    const data = [{ id: seq, type: item.type, content: item.content }];
    return [seq, JSON.stringify({ mode: 'append', message_id: messageId, data })];
  });
  events.push([
    items.length + 1,
    JSON.stringify({ mode: 'finish', message_id: messageId, meta: { status: 'available' } }),
  ]);
  return events;
}

/** The text a script has produced after its first `upTo` events (all of them by default). */
export function scriptText(script: AnswerScript, upTo = Infinity): { think: string; answer: string } {
  const think = script.think ?? [];
  return {
    think: think.slice(0, upTo).join(''),
    answer: script.answer.slice(0, Math.max(0, upTo - think.length)).join(''),
  };
}

export function createScriptedServer(options: ScriptedServerOptions = {}): ScriptedServer {
  const {
    answers = [],
    history = [],
    known = {},
    endpoint = '/api/chat',
    historyEndpoint = '/api/history',
    stopEndpoint = '/api/stop',
  } = options;
  const requests: ScriptedRequest[] = [];
  const jobs = new Map<string, { script: AnswerScript; requests: number }>(
    Object.entries(known).map(([id, script]) => [id, { script, requests: 0 }]),
  );
  let asked = 0;

  async function scriptedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const { signal } = request; // follows `init.signal` (or the input Request's own)
    throwIfAborted(signal);
    const url = new URL(request.url, location.href);
    const record: ScriptedRequest = { path: url.pathname, method: request.method };
    requests.push(record);

    if (url.pathname === pathOf(historyEndpoint)) return json(200, { messages: history });
    const body = request.method === 'POST' ? (JSON.parse(await request.text()) as Record<string, unknown>) : {};
    throwIfAborted(signal);
    if (url.pathname === pathOf(stopEndpoint)) {
      record.messageId = stringOr(body.message_id);
      return new Response(null, { status: 204 });
    }
    if (url.pathname !== pathOf(endpoint)) return json(404, { error: `no scripted route for ${url.pathname}` });

    const messageId = url.searchParams.get('message_id') ?? stringOr(body.message_id) ?? 'scripted';
    const offsetText = url.searchParams.get('offset') ?? request.headers.get('last-event-id');
    const offset = offsetText === null ? undefined : Number(offsetText);
    record.messageId = messageId;
    record.offset = offset;
    record.lastEventId = request.headers.get('last-event-id') ?? undefined;

    let job = jobs.get(messageId);
    if (!job) {
      // A resume must continue an answer, never start one: a new generation would not match
      // the text the client already shows.
      if (offset !== undefined) return json(404, { error: `unknown message ${messageId}` });
      const script = answers[Math.min(asked++, answers.length - 1)];
      if (!script) return json(404, { error: 'no scripted answer' });
      job = { script, requests: 0 };
      jobs.set(messageId, job);
    }
    const index = job.requests++;
    const fault: Fault = job.script.faults?.[index] ?? { kind: 'ok' };
    record.index = index;
    record.fault = fault.kind;

    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        return json(fault.status, { error: fault.message ?? `scripted ${fault.status}` }, headers);
      }
      case 'hold':
        return new Promise<Response>((_, reject) => onAbort(signal, () => reject(abortError())));
      default: {
        const from = Math.max(0, (offset ?? 0) - (fault.kind === 'replay' ? fault.count : 0));
        const events = scriptEvents(job.script, messageId).filter(([seq]) => seq > from);
        const limit = fault.kind === 'cut' || fault.kind === 'stall' ? fault.after : Infinity;
        return new Response(eventStream(events, job.script.paceMs ?? DEFAULT_PACE_MS, limit, fault.kind, signal), {
          status: 200,
          headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
        });
      }
    }
  }

  return { fetch: scriptedFetch, requests };
}

/** The body: `events` one per `paceMs`; after `limit` of them a cut errors it, a stall goes quiet. */
function eventStream(
  events: ReadonlyArray<[number, string]>,
  paceMs: number,
  limit: number,
  fault: Fault['kind'],
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let over = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const finish = (how: () => void) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        try {
          how();
        } catch {
          // Already errored or closed by the reader.
        }
      };
      onAbort(signal, () => finish(() => controller.error(abortError())));
      let sent = 0;
      const next = () => {
        if (over) return;
        if (sent >= limit) {
          if (fault === 'cut') finish(() => controller.error(new TypeError('network error (scripted cut)')));
          return; // stall: stay open, send nothing, until aborted
        }
        const event = events[sent];
        if (!event) {
          finish(() => controller.close());
          return;
        }
        sent++;
        controller.enqueue(encoder.encode(`id: ${event[0]}\ndata: ${event[1]}\n\n`));
        timer = setTimeout(next, paceMs);
      };
      timer = setTimeout(next, paceMs);
    },
    cancel() {
      over = true;
      clearTimeout(timer);
    },
  });
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  const nullBody = status === 204 || status === 205 || status === 304;
  return new Response(nullBody ? null : JSON.stringify(value), {
    status,
    statusText: STATUS_TEXT[status] ?? '',
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function pathOf(path: string): string {
  return new URL(path, location.href).pathname;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function abortError(): DOMException {
  return new DOMException('The request was aborted.', 'AbortError');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

function onAbort(signal: AbortSignal | undefined, fn: () => void): void {
  if (signal?.aborted) fn();
  else signal?.addEventListener('abort', fn, { once: true });
}
