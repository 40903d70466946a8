/**
 * Reads a response body as an event stream. Every chunk is counted (the heartbeat watches
 * bytes, comments included), then decoded and parsed here (`event-stream.ts`), and the
 * events go to `callbacks`.
 *
 * The stream returned carries no bytes and ends when the body ends: fetch-event-source reads
 * it only to learn when the body ended or failed. Its own parser never sees the stream: it
 * loses leading empty `data:` lines, drops fields without a colon, strips a BOM from every
 * line and hands over blocks without data as events.
 */
import { createEventStreamDecoder, type EventStreamCallbacks } from './event-stream.js';

export interface BodyCallbacks extends EventStreamCallbacks {
  /** Called with the size of every chunk, before its events. */
  onBytes(byteLength: number): void;
}

export function readEventStream(
  body: ReadableStream<Uint8Array>,
  callbacks: BodyCallbacks,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const events = createEventStreamDecoder(callbacks);
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        // A `fetch` that ignores its signal (a scripted one, say) must not leave the
        // reader hanging: aborting errors the stream and cancels the source.
        const fail = () => controller.error(new DOMException('The stream was aborted.', 'AbortError'));
        if (signal?.aborted) fail();
        else signal?.addEventListener('abort', fail, { once: true });
      },
      transform(chunk) {
        callbacks.onBytes(chunk.byteLength);
        events.feed(chunk);
      },
      flush() {
        events.end();
      },
    }),
  );
}
