/**
 * One event-stream attempt of a run. fetch-event-source makes the request and reports the
 * response, the body's end and its failure; everything else is ours: the request (a fresh
 * URL and one `last-event-id` per attempt), the `fetch` that watches every byte for the
 * heartbeat and bounds the wait for headers, the parsing of the body (`event-stream-body.ts`),
 * and every retry (`onerror` rethrows, so the library never tries again on its own).
 */
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { readEventStream } from './event-stream-body.js';
import { chatRequest, type ChatRequestContext, type ChatRequestInit } from './chat-request.js';
import {
  abortable,
  attemptUrl,
  describeFailure,
  eventStreamHeaders,
  isEventStream,
  normalizeHeaders,
  responseError,
} from './http.js';
import { Attempt, type Run, type TransportHost } from './stream-run.js';
import type { StreamConfig } from './stream-types.js';
import { SseChatError } from './types.js';

/** Resolves when the answer is complete, rejects with why the attempt ended before that. */
export async function connectSse(run: Run, host: TransportHost): Promise<void> {
  const attempt = new Attempt(run.resuming, run.restart);
  run.current = attempt;
  const { config } = host;
  const { method } = config;
  try {
    const { url, headers, body } = await attemptRequest(run, config);
    await fetchEventSource(
      attemptUrl(url, run.resumeParams(config.conversationId), method === 'GET' ? body : undefined),
      {
        method,
        headers: eventStreamHeaders(headers, method, run.resuming ? run.offset : undefined),
        body: method === 'POST' ? JSON.stringify(body) : undefined,
        openWhenHidden: true, // the library would abort and re-POST whenever the tab is hidden and shown
        // The body is parsed by this fetch (see readEventStream): the library's own parser sees
        // no bytes, so it never calls onmessage.
        fetch: (input, init) => watchedFetch(run, attempt, host, input, init),
        onopen: (response) => onOpen(run, attempt, host, response),
        onclose: () => {
          if (run.endReceived) return;
          // A stream that never said where it was cannot be resumed; for a protocol without
          // a reliable end marker (plain text), its clean end is the end of the answer.
          // Not a restart that has not replaced the text yet: that would take a cut answer for whole.
          const replacing = attempt.restart && !attempt.replaced;
          if (!run.resumable && run.adapter.endsAtClose && !replacing) return void (run.endReceived = true);
          throw new SseChatError('network', 'the stream closed before the answer finished', { retryable: true });
        },
        onerror: (error: unknown) => {
          throw error; // fetch-event-source retries on its own after 1 s unless onerror throws; we own every retry
        },
      },
    );
  } catch (error) {
    if (run.endReceived) return;
    if (attempt.reason === 'protocol-error') throw run.protocolError;
    // The stream said its content was over (OpenAI's finish_reason) before its end marker.
    if (run.adapter.complete) return void (run.endReceived = true);
    throw attemptFailure(attempt, config, error);
  } finally {
    attempt.abort('ended');
  }
}

/**
 * The URL, headers and body of an attempt, before what a resume adds: the `request` function's
 * (its headers over the `headers` property), else the protocol's shape (`chatRequest`, its
 * headers under the property's).
 */
async function attemptRequest(run: Run, config: StreamConfig): Promise<ChatRequestInit & { url: string }> {
  const context: ChatRequestContext = {
    messages: run.request.messages ?? [],
    conversationId: config.conversationId,
    messageId: run.messageId,
    // Only when set: the answer it replaces.
    ...(run.request.regenerate && { regenerate: run.request.regenerate }),
    ...(run.request.edit && { edit: run.request.edit }),
    model: config.model,
    protocol: config.protocol,
    endpoint: config.endpoint,
    body: { ...config.body, ...run.request.body },
  };
  let own: ChatRequestInit | undefined;
  try {
    own = await config.request?.(context);
  } catch (error) {
    throw new SseChatError('config', `the request function failed: ${describeFailure(error)}`, { cause: error });
  }
  const { headers, body } = own ?? chatRequest(context);
  const [shape, configured] = [normalizeHeaders(headers), normalizeHeaders(config.headers)];
  return {
    url: own?.url ?? config.endpoint,
    headers: own ? { ...configured, ...shape } : { ...shape, ...configured },
    body,
  };
}

/** Why an attempt that did not complete the answer failed, in the words of what we saw. */
function attemptFailure(attempt: Attempt, config: StreamConfig, error: unknown): unknown {
  switch (attempt.reason) {
    case 'heartbeat':
      return new SseChatError('timeout', `no data for ${config.heartbeatTimeout} ms`, { retryable: true });
    case 'connect-timeout':
      return new SseChatError('timeout', `no response within ${config.connectTimeout} ms`, { retryable: true });
  }
  if (attempt.resuming && attempt.dropped > 0 && attempt.applied === 0) {
    // Asked to continue, the server sent only what the client had, then ended: it started over.
    return new SseChatError('resume', 'the server restarted the answer instead of resuming', { retryable: true });
  }
  return error;
}

/** The `fetch` handed to fetch-event-source: the attempt's own signal, timeouts and byte count. */
async function watchedFetch(
  run: Run,
  attempt: Attempt,
  host: TransportHost,
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  // A retry the library schedules by itself (after a failure we did not rethrow) never reaches the network.
  if (run.ended || run.current !== attempt || attempt.controller.signal.aborted) {
    throw new SseChatError('aborted', 'the attempt was superseded');
  }
  init?.signal?.addEventListener('abort', () => attempt.abort('ended'), { once: true });
  run.stats.attempts++;
  const { connectTimeout, heartbeatTimeout } = host.config;
  const connectTimer =
    connectTimeout > 0 ? run.timer(() => attempt.abort('connect-timeout'), connectTimeout) : undefined;
  const { signal } = attempt.controller;
  let response: Response;
  try {
    response = await abortable(host.fetch(input, { ...init, signal }), signal);
  } finally {
    run.clearTimer(connectTimer);
  }
  attempt.headers = response.headers; // for protocol="auto"
  // Anything but a 200 event stream goes to onopen as it came, to be read as an error.
  if (response.status !== 200 || !isEventStream(response) || !response.body || run.current !== attempt) return response;
  attempt.lastByteAt = Date.now();
  if (heartbeatTimeout > 0) watchHeartbeat(run, attempt, heartbeatTimeout);
  const body = readEventStream(
    response.body,
    {
      onBytes: (bytes) => {
        attempt.lastByteAt = Date.now();
        attempt.bytes += bytes;
        run.stats.bytes += bytes;
      },
      onEvent: (message) => host.receive(run, attempt, message),
      onIdOnly: (id) => host.receive(run, attempt, { id, event: '', data: '' }),
      onRetry: (ms) => {
        if (run.current === attempt) run.serverRetry = ms;
      },
    },
    signal,
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Aborts the attempt once no byte came for `timeout` ms (comments count: they are the server's pings). */
function watchHeartbeat(run: Run, attempt: Attempt, timeout: number): void {
  // Compare the clock with the last byte rather than trusting a timer's firing:
  // background tabs delay timers, and a late check must not see a stall that was not.
  const check = () => {
    if (attempt.controller.signal.aborted) return;
    const idle = Date.now() - attempt.lastByteAt;
    if (idle >= timeout) attempt.abort('heartbeat');
    else run.timer(check, timeout - idle);
  };
  run.timer(check, timeout);
}

async function onOpen(run: Run, attempt: Attempt, host: TransportHost, response: Response): Promise<void> {
  if (run.current !== attempt || run.ended) throw new SseChatError('aborted', 'the attempt was superseded');
  if (response.status === 204) {
    if (!attempt.resuming)
      throw new SseChatError('http', 'HTTP 204 No Content: the server sent no answer', { status: 204 });
    // Nothing left to send after the offset: the answer is complete as it stands.
    run.endReceived = true;
    throw new SseChatError('aborted', 'no content');
  }
  const error = await responseError(response, Date.now());
  if (error) throw error;
  run.stats.connectedAt = Date.now();
  host.opened(run);
}
