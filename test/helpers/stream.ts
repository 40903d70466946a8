/**
 * Helpers for stream tests against the reference server mounted at /api (faults on).
 */
import { expect } from '@open-wc/testing';
import {
  StreamController,
  type StatusDetail,
  type StreamControllerOptions,
  type StreamResult,
} from '../../src/stream-controller.js';
import type { NamedEvent } from '../../src/types.js';

export interface ConnectionRecord {
  index: number;
  method: string;
  offset: number | null;
  lastEventId: string | null;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  bodyConversationId?: string;
  fault?: unknown;
}

export interface DebugMessage {
  messageId: string;
  prompt: string;
  think: string;
  answer: string;
  done: boolean;
  stopped: boolean;
  events: number;
  lastSeq: number;
  generations: number;
  connections: ConnectionRecord[];
  openConnections: number;
}

/** The server's own record of an answer: its exact text and every request made for it. */
export async function debugMessage(messageId: string): Promise<DebugMessage> {
  const response = await fetch(`/api/_debug/message?message_id=${encodeURIComponent(messageId)}`);
  if (!response.ok) throw new Error(`debug endpoint: HTTP ${response.status}`);
  return (await response.json()) as DebugMessage;
}

/** Asserts the answer ended `done` with think and answer equal to the server's, byte for byte. */
export async function expectExact(end: StreamResult): Promise<DebugMessage> {
  const server = await debugMessage(end.messageId);
  expect(end.status, end.error?.message).to.equal('done');
  expect(end.think).to.equal(server.think);
  expect(end.answer).to.equal(server.answer);
  return server;
}

/** The chat endpoint with a fault plan (one entry per request of the answer) and pacing. */
export function chatUrl(faults = '', params: Record<string, string | number> = {}): string {
  const url = new URL('/api/chat', location.href);
  if (faults) url.searchParams.set('faults', faults);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.pathname + url.search;
}

/** Fast retries so fault tests take milliseconds, a fixed jitter so delays are exact. */
export const FAST: StreamControllerOptions = {
  retryDelay: 10,
  retryMaxDelay: 100,
  heartbeatTimeout: 2000,
  connectTimeout: 3000,
  random: () => 0.5,
};

export interface Recorded {
  controller: StreamController;
  statuses: StatusDetail[];
  events: NamedEvent[];
  result: Promise<StreamResult>;
}

let counter = 0;
/** A unique question per test, so each answer is its own job on the server. */
export const question = (text = 'Explain resumable streams') => [{ role: 'user', content: `${text} #${++counter}` }];

/** Starts an answer on a host-less controller and records what it reports. */
export function startStream(
  options: StreamControllerOptions,
  request: Parameters<StreamController['start']>[0] = {},
): Recorded {
  const statuses: StatusDetail[] = [];
  const events: NamedEvent[] = [];
  const controller = new StreamController(undefined, {
    ...FAST,
    ...options,
    onStatus: (detail) => {
      statuses.push(detail);
      options.onStatus?.(detail);
    },
    onEvent: (event) => events.push(event),
  });
  const result = controller.start({ messages: question(), ...request });
  return { controller, statuses, events, result };
}

/** Resolves once `predicate` holds, polling each animation-free tick; rejects after `timeout` ms. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeout = 10000,
  what = 'condition',
): Promise<void> {
  const end = performance.now() + timeout;
  while (!(await predicate())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Reads the whole raw SSE body of an answer (creates it when new). */
export async function rawStream(messageId: string, messages = question()): Promise<Uint8Array> {
  const response = await fetch('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ conversation_id: 'c-raw', message_id: messageId, messages }),
  });
  return new Uint8Array(await response.arrayBuffer());
}

/** A `fetch` whose single response body the test writes by hand (exact chunk timing). */
export function scriptedFetch(init: ResponseInit = { headers: { 'content-type': 'text/event-stream' } }) {
  let push!: (chunk: string | Uint8Array) => void;
  let close!: () => void;
  const encoder = new TextEncoder();
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (chunk) => controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      close = () => controller.close();
    },
  });
  const fetchImpl: typeof fetch = async (input, requestInit) => {
    calls.push({ url: String(input), init: requestInit });
    if (calls.length > 1) throw new TypeError('scripted fetch: only one response');
    return new Response(body, init);
  };
  return { fetch: fetchImpl, push: (chunk: string | Uint8Array) => push(chunk), close: () => close(), calls };
}
