/**
 * The polling fallback, for when event streams cannot get through (a buffering or blocking
 * proxy): `GET poll-endpoint?offset=…&message_id=…&conversation_id=…` → `{events, done}`,
 * again and again, each poll an attempt of its own. The events go through the same dedup
 * and the same text as streamed ones, and a failed poll fails like an event-stream attempt.
 */
import { abortable, attemptUrl, describeFailure, normalizeHeaders, responseError } from './http.js';
import { Attempt, type Run, type TransportHost } from './stream-run.js';
import { SseChatError, type SseMessage } from './types.js';

/** Polls come this often while events arrive… */
const POLL_MIN_INTERVAL = 250;
/** …and back off, doubling, to this while none do. */
const POLL_MAX_INTERVAL = 4000;

/** Resolves when the answer is complete (or the run ended), rejects with why a poll failed. */
export async function poll(run: Run, host: TransportHost): Promise<void> {
  const endpoint = host.config.pollEndpoint!;
  let interval = POLL_MIN_INTERVAL;
  for (;;) {
    const attempt = new Attempt(true, run.restart);
    run.current = attempt;
    run.resuming = true;
    run.stats.attempts++;
    const reply = await requestEvents(run, attempt, host, endpoint);
    if (!reply) return;
    run.stats.connectedAt ??= Date.now();
    host.opened(run);
    const { events, done } = (reply.json ?? {}) as { events?: unknown; done?: unknown };
    const offset = run.offset;
    const applied = run.stats.events;
    for (const item of Array.isArray(events) ? events : []) {
      host.receive(run, attempt, pollMessage(item));
      if (run.endReceived) return;
      if (run.protocolError) throw run.protocolError;
    }
    if (done === true) return;
    const moved = run.offset > offset || run.stats.events > applied;
    interval = moved ? POLL_MIN_INTERVAL : Math.min(interval * 2, POLL_MAX_INTERVAL);
    await run.sleep(interval);
    if (run.ended) return;
  }
}

/** One poll request: its JSON, or `undefined` when the run ended or the answer is complete (204). */
async function requestEvents(
  run: Run,
  attempt: Attempt,
  host: TransportHost,
  endpoint: string,
): Promise<{ json: unknown } | undefined> {
  const url = attemptUrl(endpoint, run.resumeParams(host.config.conversationId));
  try {
    const { signal } = attempt.controller;
    const headers = { ...normalizeHeaders(host.config.headers), accept: 'application/json' };
    const response = await abortable(host.fetch(url, { headers, signal }), signal);
    if (run.ended) return undefined;
    if (response.status === 204) {
      run.endReceived = true;
      return undefined;
    }
    if (!response.ok) throw (await responseError(response, Date.now()))!;
    const text = await response.text();
    attempt.bytes += text.length;
    run.stats.bytes += new TextEncoder().encode(text).byteLength;
    return { json: JSON.parse(text) };
  } catch (error) {
    if (run.ended) return undefined;
    throw error instanceof SseChatError
      ? error
      : new SseChatError('network', `polling failed: ${describeFailure(error)}`, { retryable: true, cause: error });
  } finally {
    attempt.abort('ended');
  }
}

/**
 * A poll item as the SSE event it stands for: `{id, event?, data: "<raw data>"}` for any
 * protocol, or `{id, ...agent JSON}`. Its id obeys the event-stream rule (one containing
 * NUL is ignored), so polling and streaming resume alike.
 */
export function pollMessage(item: unknown): SseMessage {
  if (typeof item !== 'object' || item === null) return { id: '', event: '', data: JSON.stringify(item) };
  const { id, event, data, ...rest } = item as Record<string, unknown>;
  const idText = id === undefined || id === null || String(id).includes('\0') ? '' : String(id);
  if (typeof data === 'string') {
    // `{id, event?, data: "<raw SSE data>"}`: any protocol, named events included.
    return { id: idText, event: typeof event === 'string' ? event : '', data };
  }
  // `{id, ...agent JSON}`: the SSE data object with its sequence number added.
  return { id: idText, event: '', data: JSON.stringify(data === undefined ? rest : { ...rest, data }) };
}
