/**
 * Byte-exact fixtures on the reference server (`server/fixtures.js`, faults mode): register
 * the responses of a stream, point the widget at `url`, read back what it asked.
 */

/** One response of a fixture; connection i is served `responses[min(i, length - 1)]`. */
export interface FixtureResponse {
  /** Default 200. */
  status?: number;
  /** Replace the default event-stream headers entirely. */
  headers?: Record<string, string>;
  body: string;
  /** `base64` for bytes that are not UTF-8 text (see `base64()`). */
  encoding?: 'utf8' | 'base64';
  /** Increasing byte offsets: the body is written in pieces cut there, a pause between them. */
  split?: number[];
  /** Write this many bytes, then destroy the socket: the client sees a network error. */
  cut?: number;
  /** Write this many bytes, then end the response gracefully. */
  close?: number;
  /** Never send the response headers. */
  hang?: boolean;
}

/** What one connection of a fixture asked. */
export interface FixtureRequest {
  method: string;
  query: Record<string, string>;
  headers: { accept: string | null; 'last-event-id': string | null; 'content-type': string | null };
  /** The request body parsed as JSON; null when empty or not JSON. */
  body: unknown;
}

export interface RegisteredFixture {
  id: string;
  /** Same-origin path of the stream: `/api/fixture?id=…`. */
  url: string;
  /** Every request made to `url` so far, in order. */
  requests(): Promise<FixtureRequest[]>;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${body.error ?? ''}`);
  return body;
}

export async function registerFixture(responses: FixtureResponse[]): Promise<RegisteredFixture> {
  const response = await fetch('/api/_debug/fixture', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ responses }),
  });
  const { id } = await json<{ id: string }>(response, 'registering a fixture');
  const query = `id=${encodeURIComponent(id)}`;
  return {
    id,
    url: `/api/fixture?${query}`,
    requests: async () =>
      (await json<{ requests: FixtureRequest[] }>(await fetch(`/api/_debug/fixture?${query}`), 'fixture requests'))
        .requests,
  };
}

/** The UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes as base64, for a `FixtureResponse` with `encoding: 'base64'`. */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A fixture response carrying exactly `bytes` (sent as base64). */
export function bytesResponse(
  bytes: Uint8Array,
  init: Omit<FixtureResponse, 'body' | 'encoding'> = {},
): FixtureResponse {
  return { ...init, body: base64(bytes), encoding: 'base64' };
}
