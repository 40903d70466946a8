/**
 * Bytes of an event stream → events, as the WHATWG HTML standard interprets them:
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 *
 * UTF-8 decoding (invalid bytes become U+FFFD, a character may be split across chunks),
 * then eventsource-parser for the lines and fields: CR, LF or CRLF line ends split anywhere,
 * one leading BOM dropped, a field without a colon has an empty value, one leading space
 * stripped from a value, `data` lines joined with LF (empty ones too), an `id` containing
 * NUL ignored, `retry` only when all ASCII digits, comments and unknown fields ignored, an
 * event dispatched when its block had a `data` field (even an empty one), and an unfinished
 * event at the end of the stream discarded.
 *
 * What this adds to the parser: the decoding, and a callback for a block that carries an
 * `id` but no data. Such a block dispatches no event, but it moves the stream's last event
 * id, so a reconnect continues after it.
 */
import { createParser } from 'eventsource-parser';
import type { SseMessage } from './types.js';

export interface EventStreamCallbacks {
  /** A dispatched event; `id` is this event's own `id` field (`''` when it has none). */
  onEvent(message: SseMessage): void;
  /** A block with an `id` field and no `data` field. */
  onIdOnly?(id: string): void;
  /** A valid `retry` field, in ms. */
  onRetry?(ms: number): void;
}

export interface EventStreamDecoder {
  feed(bytes: Uint8Array): void;
  /** The body ended: flushes a character cut short (U+FFFD). An unfinished event is dropped. */
  end(): void;
}

export function createEventStreamDecoder(callbacks: EventStreamCallbacks): EventStreamDecoder {
  // ignoreBOM keeps the BOM in the text: the parser drops exactly one. Letting the decoder
  // drop it too would lose a second U+FEFF, which is part of the first field name.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // The parser reports a block's id just before its event, if it has one: an id still
  // pending when the next block's id (or the end of the chunk) comes belonged to an id-only block.
  let pendingId: string | undefined;
  const flushId = () => {
    if (pendingId === undefined) return;
    const id = pendingId;
    pendingId = undefined;
    callbacks.onIdOnly?.(id);
  };
  const parser = createParser({
    onId(id) {
      flushId();
      pendingId = id;
    },
    onEvent({ id, event, data }) {
      // With an id of its own, the pending id was this block's; without, an id-only block's.
      if (id === undefined) flushId();
      else pendingId = undefined;
      callbacks.onEvent({ id: id ?? '', event: event ?? '', data });
    },
    onRetry: (ms) => callbacks.onRetry?.(ms),
  });
  const feedText = (text: string) => {
    if (text) parser.feed(text);
    flushId();
  };
  return {
    feed: (bytes) => feedText(decoder.decode(bytes, { stream: true })),
    end: () => feedText(decoder.decode()),
  };
}
