/**
 * Event-stream conformance: the widget reads other people's event streams exactly as the
 * WHATWG HTML standard says (https://html.spec.whatwg.org/multipage/server-sent-events.html,
 * "Parsing an event stream" and "Interpreting an event stream"). Each case is named after
 * the web-platform-tests file it comes from (https://github.com/web-platform-tests/wpt,
 * `eventsource/`) or after the spec rule it checks, and is streamed byte for byte by the
 * reference server's fixture endpoint into a real `<sse-chat>`: whole, then split at every
 * byte offset (one stream per offset).
 *
 * How events are observed: `protocol="text"` appends the data of every default-type
 * (`message`) event to the answer verbatim (`decode-escapes="off"`), so the answer is the
 * concatenation of the dispatched events' data; `event: done` ends the answer, `event: error`
 * fails it, and any other event type reaches the page as an `sse-event` with
 * `{type, data, id}` (`id`: that event's own `id:` field, `''` when none).
 *
 * The cases, and what a fetch-based widget cannot observe: docs/conformance.md.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/define.js';
import type {
  MessageStatus,
  SseErrorEvent,
  SseEventEvent,
  SseStatusDetail,
  SseStatusEvent,
} from '../../components/events.js';
import type { SseChat } from '../../components/sse-chat.js';
import type { NamedEvent } from '../../src/types.js';
import { bytesResponse, registerFixture, utf8, type FixtureRequest } from '../helpers/fixture.js';

/** The end marker of the `text` protocol, with empty data: a dispatched event all the same. */
const DONE = 'event: done\ndata:\n\n';

/** What a reader (or the host page) gets from one answer. */
interface Seen {
  answer: string;
  think: string;
  status: MessageStatus;
  events: NamedEvent[];
}

interface Observed extends Seen {
  error: { type: string; status: number | undefined; message: string } | undefined;
  statusLine: string;
  statuses: SseStatusDetail[];
}

/** A format case: one response, its bytes streamed whole and split at every offset. */
interface FormatCase {
  /** The WPT file (`format-field-data`) or the spec rule (`spec: …`) it comes from. */
  name: string;
  /** What it proves. */
  rule: string;
  stream: string | Uint8Array;
  headers?: Record<string, string>;
  /** The concatenated data of the default-type events. */
  answer: string;
  /** The other events, in order (default: none). */
  events?: NamedEvent[];
  /** Offsets to split at instead of every one (a long stream). */
  splits?: number[];
}

const probe = (data: string, id = ''): NamedEvent => ({ type: 'probe', data, id });

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

const bytesOf = (stream: string | Uint8Array): Uint8Array => (typeof stream === 'string' ? utf8(stream) : stream);

function concat(...parts: Array<string | number[]>): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...utf8(part)] : part)));
}

const comment2k = 'x'.repeat(2048);

/** Every offset within 2 bytes of a line end, and every 256th: a long stream's interesting splits. */
function splitsNearLineEnds(stream: string): number[] {
  const bytes = utf8(stream);
  const offsets = new Set<number>();
  bytes.forEach((byte, i) => {
    if (byte === 0x0a || byte === 0x0d) for (let k = i - 1; k <= i + 2; k++) offsets.add(k);
    if (i % 256 === 0) offsets.add(i);
  });
  return [...offsets].filter((k) => k > 0 && k < bytes.length).sort((a, b) => a - b);
}

const FORMAT_CASES: FormatCase[] = [
  // --- line ends ---------------------------------------------------------------------
  {
    name: 'format-newlines',
    rule: 'CRLF, LF and CR all end a line',
    stream: `data:test\r\ndata\ndata:test\r\n\r\n${DONE}`,
    answer: 'test\n\ntest',
  },
  {
    name: 'spec: line ends',
    rule: 'CR, LF and CRLF end lines and blank lines, mixed in one stream',
    stream: `data:a\rdata:b\ndata:c\r\ndata:d\r\rdata:e\n\ndata:f\r\n\r\n${DONE}`,
    answer: 'a\nb\nc\ndef',
  },
  {
    name: 'spec: CRLF split between chunks',
    rule: 'a CR ending one chunk and the LF starting the next are one line end, not a blank line',
    stream: `data:a\r\ndata:b\r\n\r\nevent:probe\r\ndata:p\r\n\r\n${DONE}`,
    answer: 'a\nb',
    events: [probe('p')],
  },
  // --- the byte order mark ---------------------------------------------------------------
  {
    name: 'format-bom',
    rule: 'one leading BOM is dropped; a BOM starting a later line is part of the field name',
    stream: `\uFEFFdata:1\n\n\uFEFFdata:2\n\ndata:3\n\n${DONE}`,
    answer: '13',
  },
  {
    name: 'format-bom-2',
    rule: 'only one leading BOM is dropped: a second one is part of the first field name',
    stream: `\uFEFF\uFEFFdata:1\n\ndata:2\n\ndata:3\n\n${DONE}`,
    answer: '23',
  },
  {
    name: 'spec: BOM inside a value',
    rule: 'a U+FEFF after the start of the stream is data like any other character',
    stream: `\uFEFFdata:1\uFEFF\n\ndata:\uFEFF2\n\n${DONE}`,
    answer: '1\uFEFF\uFEFF2',
  },
  {
    name: 'spec: incomplete BOM',
    rule: 'EF BB without BF is an invalid UTF-8 sequence (one U+FFFD), not a BOM: the first line is an unknown field',
    stream: concat([0xef, 0xbb], `data:x\n\ndata:y\n\n${DONE}`),
    answer: 'y',
  },
  // --- fields ------------------------------------------------------------------------------
  {
    name: 'format-field-data',
    rule: 'an empty data line, and colon-less `data` lines, are data fields with an empty value',
    stream: `data:\n\ndata\ndata\n\ndata:test\n\n${DONE}`,
    answer: '\ntest',
  },
  {
    name: 'spec: field without a colon',
    rule: 'a line without a colon is a field named by the whole line, with an empty value',
    stream: `data:a\ndata\ndata:b\n\nevent\ndata:c\n\nevent:probe\ndata\n\n${DONE}`,
    answer: 'a\n\nbc',
    events: [probe('')],
  },
  {
    name: 'spec: data lines joined with LF',
    rule: 'data lines are joined with LF, empty ones too (`data:` ×3 is "\\n\\n": paragraph breaks survive)',
    stream: `data:[\n\ndata:\ndata:\ndata:\n\ndata:\ndata:x\n\ndata:x\ndata:\n\ndata:]\n\n${DONE}`,
    answer: '[\n\n\nxx\n]',
  },
  {
    name: 'spec: empty data is dispatched',
    rule: 'an event whose data is empty is dispatched (so `event: done` + `data:` ends the answer)',
    stream: `event:probe\ndata:\n\nevent:probe\ndata\n\ndata:x\n\n${DONE}`,
    answer: 'x',
    events: [probe(''), probe('')],
  },
  {
    name: 'spec: block without data',
    rule: 'a block without a data field dispatches nothing, whatever its event type',
    stream: `data:a\n\nevent: done\n\nevent: probe\n\nevent: error\nid: 9\n\n: only a comment\n\nretry: 5\n\ndata:b\n\n${DONE}`,
    answer: 'ab',
  },
  {
    name: 'format-leading-space',
    rule: 'one leading space is stripped from a value, a tab is not',
    stream: `data:\ttest\rdata: \ndata:test\n\n${DONE}`,
    answer: '\ttest\n\ntest',
  },
  {
    name: 'spec: only one leading space',
    rule: 'exactly one space after the colon is stripped; more stay',
    stream: `data: one\ndata:  two\ndata:   three\ndata:four \n\n${DONE}`,
    answer: 'one\n two\n  three\nfour ',
  },
  {
    name: 'format-field-parsing',
    rule: 'field names are compared exactly: NUL, case, hyphen, underscore and a leading space make them unknown',
    stream: `data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n${DONE}`,
    answer: '\0\n 2\n1\n3\n\n4',
  },
  {
    name: 'spec: field names are case-sensitive',
    rule: '`Data`, `DATA`, `Event`, `ID`, `Retry` are unknown fields',
    stream: `Data:no\nDATA:no\nEvent:done\ndata:yes\n\nID:1\nRetry:5\nevent:probe\ndata:p\n\n${DONE}`,
    answer: 'yes',
    events: [probe('p')],
  },
  {
    name: 'format-field-unknown',
    rule: 'unknown fields, a field with a leading space and a comment are ignored',
    stream: `data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n${DONE}`,
    answer: 'test\n\ntest',
  },
  {
    name: 'event-data',
    rule: 'data lines, comments, false fields and a colon-less data line (resources/message2.py, one round)',
    stream: `data:msg\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData:data\n\ndata\n\ndata:end\n\n${DONE}`,
    answer: 'msg\nmsgend',
  },
  {
    name: 'format-comments',
    rule: 'comment lines are ignored anywhere, with any line end, even holding NUL or `data:`',
    stream: `data:1\r:\0\n:\r\ndata:2\n:${'x'.repeat(24)}\rdata:3\n:data:fail\r:${'x'.repeat(24)}\ndata:4\n\n${DONE}`,
    answer: '1\n2\n3\n4',
  },
  {
    name: 'format-comments (2 KiB comments)',
    rule: 'the same with the 2 KiB comment lines of the WPT file (split near every line end)',
    stream: `data:1\r:\0\n:\r\ndata:2\n:${comment2k}\rdata:3\n:data:fail\r:${comment2k}\ndata:4\n\n${DONE}`,
    answer: '1\n2\n3\n4',
    splits: splitsNearLineEnds(
      `data:1\r:\0\n:\r\ndata:2\n:${comment2k}\rdata:3\n:data:fail\r:${comment2k}\ndata:4\n\n${DONE}`,
    ),
  },
  // --- event types -------------------------------------------------------------------------
  {
    name: 'format-field-event',
    rule: 'an `event` field names the event type; the next block is `message` again',
    stream: `event:test\ndata:x\n\ndata:x\n\n${DONE}`,
    answer: 'x',
    events: [{ type: 'test', data: 'x', id: '' }],
  },
  {
    name: 'format-field-event-empty',
    rule: '`event:` with an empty value (after the stripped space) is the default type',
    stream: `event: \ndata:data\n\n${DONE}`,
    answer: 'data',
  },
  {
    name: 'spec: event type message',
    rule: '`event: message` is the default type, and a later empty `event:` resets a type set before it',
    stream: `event: message\ndata:a\n\nevent: probe\nevent:\ndata:b\n\n${DONE}`,
    answer: 'ab',
  },
  // --- id ------------------------------------------------------------------------------------
  {
    name: 'format-field-id',
    rule: "an `id` field is the event's id, any Unicode text (U+2026 here), split anywhere",
    stream: `id: \u2026\nevent: probe\ndata: hello\n\n${DONE}`,
    answer: '',
    events: [probe('hello', '\u2026')],
  },
  {
    name: 'format-field-id-null',
    rule: 'an `id` field containing U+0000 is ignored',
    stream: `id: 1\nevent: probe\ndata: a\n\nid: \0\0\nevent: probe\ndata: b\n\nid: x\0y\nevent: probe\ndata: c\n\n${DONE}`,
    answer: '',
    events: [probe('a', '1'), probe('b'), probe('c')],
  },
  // --- NUL, UTF-8 ----------------------------------------------------------------------------
  {
    name: 'format-null-character',
    rule: 'U+0000 in data is data',
    stream: `data:\0\n\n${DONE}`,
    answer: '\0',
  },
  {
    name: 'format-utf-8',
    rule: 'the stream is always UTF-8, whatever charset the Content-Type names',
    stream: `data:ok\u2026\n\n${DONE}`,
    headers: { 'Content-Type': 'text/event-stream;charset=windows-1252' },
    answer: 'ok\u2026',
  },
  {
    name: 'spec: UTF-8 split anywhere',
    rule: '2-, 3- and 4-byte characters split between chunks decode whole',
    stream: `data:\u00e9\u65e5\u{1F600}\n\nid: \u00e9\nevent:probe\ndata:\u{1F600}\n\n${DONE}`,
    answer: '\u00e9\u65e5\u{1F600}',
    events: [probe('\u{1F600}', '\u00e9')],
  },
  {
    name: 'spec: invalid UTF-8',
    rule: 'invalid bytes become U+FFFD (one per maximal invalid subpart), split or not',
    // a FF b E2-82 c 😀 C0 AF: a lone FF, a truncated 3-byte sequence, an overlong pair.
    stream: concat('data:a', [0xff], 'b', [0xe2, 0x82], 'c', [0xf0, 0x9f, 0x98, 0x80], [0xc0, 0xaf], `\n\n${DONE}`),
    answer: 'a\uFFFDb\uFFFDc\u{1F600}\uFFFD\uFFFD',
  },
  // --- the end of the stream -------------------------------------------------------------------
  {
    name: 'format-data-before-final-empty-line',
    rule: 'an event not followed by a blank line when the stream ends is not dispatched (nor its id)',
    stream: 'data:test1\n\nid:test\ndata:test2',
    answer: 'test1',
  },
  {
    name: 'spec: end of stream inside an event',
    rule: 'a final event ended by one line end only is not dispatched; a clean close without ids is the end',
    stream: 'data:a\n\ndata:b\n',
    answer: 'a',
  },
];

/** Attributes that make every answer quick: the `text` protocol, few and fast retries. */
async function chatElement(): Promise<SseChat> {
  return fixture<SseChat>(
    html`<sse-chat
      protocol="text"
      decode-escapes="off"
      max-retries="1"
      retry-delay="10"
      retry-max-delay="2000"
      heartbeat-timeout="5000"
      connect-timeout="5000"
      style="height: 300px"
    ></sse-chat>`,
  );
}

/**
 * Sends a question to `url` and returns what the answer showed, then clears the chat.
 * `stopWhenReconnecting`: stop the answer as soon as it waits to reconnect (its delay is
 * in `statuses`).
 */
async function observe(chat: SseChat, url: string, { stopWhenReconnecting = false } = {}): Promise<Observed> {
  const events: NamedEvent[] = [];
  const statuses: SseStatusDetail[] = [];
  let error: Observed['error'];
  const onEvent = (e: SseEventEvent) => events.push({ type: e.detail.type, data: e.detail.data, id: e.detail.id });
  const onError = (e: SseErrorEvent) => {
    error = { type: e.detail.error.type, status: e.detail.error.status, message: e.detail.error.message };
  };
  const onStatus = (e: SseStatusEvent) => {
    statuses.push(e.detail);
    if (stopWhenReconnecting && e.detail.status === 'reconnecting') queueMicrotask(() => chat.stop());
  };
  chat.addEventListener('sse-event', onEvent);
  chat.addEventListener('sse-error', onError);
  chat.addEventListener('sse-status', onStatus);
  chat.endpoint = url;
  try {
    await chat.send('q');
  } finally {
    chat.removeEventListener('sse-event', onEvent);
    chat.removeEventListener('sse-error', onError);
    chat.removeEventListener('sse-status', onStatus);
  }
  const last = chat.messages.at(-1);
  const statusLine = chat.shadowRoot?.querySelector('[part="status"]')?.textContent?.trim() ?? '';
  chat.clear();
  return {
    answer: last?.answer ?? '',
    think: last?.think ?? '',
    status: last?.status ?? 'streaming',
    events,
    error,
    statusLine,
    statuses,
  };
}

const seen = ({ answer, think, status, events }: Seen): Seen => ({ answer, think, status, events });
const label = (k: number | undefined) => (k === undefined ? 'whole' : `split at byte ${k}`);

/** Fails with the first few variants that differ from `want`. */
function expectAll(wrong: string[], total: number, want: unknown): void {
  const head = `${wrong.length} of ${total} streams differ from ${JSON.stringify(want)}`;
  expect(wrong, `${head}:\n${wrong.slice(0, 6).join('\n')}`).to.deep.equal([]);
}

describe('event-stream conformance', () => {
  let chat: SseChat;
  beforeEach(async () => {
    chat = await chatElement();
  });

  describe('parsing and interpreting the stream (whole, and split at every byte offset)', () => {
    for (const c of FORMAT_CASES) {
      it(`${c.name}: ${c.rule}`, async () => {
        const bytes = bytesOf(c.stream);
        const variants = [undefined, ...(c.splits ?? range(1, bytes.length))];
        // One fixture for the case: connection i gets variant i (each stream is one request).
        const stream = await registerFixture(
          variants.map((k) =>
            bytesResponse(bytes, { ...(c.headers && { headers: c.headers }), ...(k !== undefined && { split: [k] }) }),
          ),
        );
        const want: Seen = { answer: c.answer, think: '', status: 'done', events: c.events ?? [] };
        const wrong: string[] = [];
        for (const k of variants) {
          const got = seen(await observe(chat, stream.url));
          if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${label(k)}: ${JSON.stringify(got)}`);
        }
        expectAll(wrong, variants.length, want);
        expect((await stream.requests()).length, 'one request per stream: none was resumed').to.equal(variants.length);
      });
    }
  });

  describe('retry (observed as the delay before a reconnect, the stream cut after its last byte)', () => {
    const retryCases: Array<{
      name: string;
      rule: string;
      stream: string;
      delay: (ms: number) => boolean;
      want: string;
    }> = [
      {
        name: 'format-field-retry',
        rule: '`retry:` sets the reconnection time, read in base ten (02000 is 2000)',
        stream: 'retry:02000\ndata:x\n\n',
        delay: (ms) => ms === 2000,
        want: '2000 ms',
      },
      {
        name: 'format-field-retry-bogus',
        rule: 'a `retry` value that is not all ASCII digits is ignored (1000x does not replace 2000)',
        stream: 'retry:2000\nretry:1000x\ndata:x\n\n',
        delay: (ms) => ms === 2000,
        want: '2000 ms',
      },
      {
        name: 'format-field-retry-empty',
        rule: 'a colon-less `retry` (empty value) is ignored: the own backoff applies',
        stream: 'retry\ndata:x\n\n',
        delay: (ms) => ms >= 750 && ms <= 1250, // retry-delay 1000 ± 25 % jitter
        want: '750–1250 ms',
      },
    ];
    for (const c of retryCases) {
      it(`${c.name}: ${c.rule}`, async () => {
        // Long enough that the answer is stopped while it waits, before a second request.
        chat.retryDelay = 1000;
        const bytes = utf8(c.stream);
        const variants = [undefined, ...range(1, bytes.length)];
        const stream = await registerFixture(
          variants.map((k) => bytesResponse(bytes, { cut: bytes.length, ...(k !== undefined && { split: [k] }) })),
        );
        const wrong: string[] = [];
        for (const k of variants) {
          const got = await observe(chat, stream.url, { stopWhenReconnecting: true });
          const delayMs = got.statuses.find((s) => s.status === 'reconnecting')?.delayMs;
          if (delayMs === undefined || !c.delay(delayMs) || got.answer !== 'x' || got.status !== 'stopped') {
            wrong.push(`${label(k)}: delay ${delayMs} ms, ${JSON.stringify(seen(got))}`);
          }
        }
        expectAll(wrong, variants.length, `a ${c.want} delay, answer "x", stopped`);
        expect((await stream.requests()).length, 'stopped before any reconnect').to.equal(variants.length);
      });
    }
  });

  describe('reconnecting (first response split at every offset)', () => {
    interface ReconnectCase {
      name: string;
      rule: string;
      first: string;
      /** The first response is cut (a network error) rather than closed cleanly. */
      cut: boolean;
      second: string;
      answer: string;
      lastEventId: string;
    }
    const reconnectCases: ReconnectCase[] = [
      {
        name: 'format-field-id-2 / Last-Event-ID',
        rule: 'a reconnect sends Last-Event-ID = the last id received, an id-only block included',
        first: 'id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\n\n',
        cut: true,
        second: `id: 4\ndata: c\n\n${DONE}`,
        answer: 'abc',
        lastEventId: '3',
      },
      {
        name: 'eventsource-reconnect',
        rule: 'a stream with ids that closes cleanly without its end marker is resumed, with Last-Event-ID',
        first: 'id: 1\ndata: a\n\n',
        cut: false,
        second: `id: 2\ndata: b\n\n${DONE}`,
        answer: 'ab',
        lastEventId: '1',
      },
    ];
    for (const c of reconnectCases) {
      it(`${c.name}: ${c.rule}`, async () => {
        const bytes = utf8(c.first);
        const variants = [undefined, ...range(1, bytes.length)];
        const want = { answer: c.answer, think: '', status: 'done', events: [] };
        const wrong: string[] = [];
        for (const k of variants) {
          const first = bytesResponse(bytes, {
            ...(c.cut && { cut: bytes.length }),
            ...(k !== undefined && { split: [k] }),
          });
          const stream = await registerFixture([first, { body: c.second }]);
          const got = seen(await observe(chat, stream.url));
          const requests = await stream.requests();
          const ids = requests.map((r) => r.headers['last-event-id']);
          if (
            JSON.stringify(got) !== JSON.stringify(want) ||
            JSON.stringify(ids) !== JSON.stringify([null, c.lastEventId])
          ) {
            wrong.push(`${label(k)}: ${JSON.stringify(got)}, Last-Event-ID per request ${JSON.stringify(ids)}`);
          }
        }
        expectAll(wrong, variants.length, { ...want, 'Last-Event-ID per request': [null, c.lastEventId] });
      });
    }
  });

  describe('requests and responses', () => {
    const eventStreamBody = `data:x\n\n${DONE}`;

    it('request-accept: the request says Accept: text/event-stream', async () => {
      const stream = await registerFixture([{ body: eventStreamBody }]);
      const got = await observe(chat, stream.url);
      expect(seen(got)).to.deep.equal({ answer: 'x', think: '', status: 'done', events: [] });
      const [request] = await stream.requests();
      expect(request?.headers.accept).to.equal('text/event-stream');
      expect(request?.headers['last-event-id'], 'no Last-Event-ID on a first request').to.equal(null);
    });

    // Only 200 is a stream: "any other HTTP response code than 200 ... must cause the user
    // agent to fail the connection" (spec, "Processing the response"). The widget reads no
    // event of such a response and does not retry it; 5xx are its own deliberate exception.
    for (const status of [202, 205, 210, 299, 404, 410]) {
      it(`request-status-error (${status}): the answer ends in error after one request, naming the status`, async () => {
        const stream = await registerFixture([{ status, body: status === 205 ? '' : eventStreamBody }]);
        const got = await observe(chat, stream.url);
        expect(seen(got)).to.deep.equal({ answer: '', think: '', status: 'error', events: [] });
        expect(got.error?.status).to.equal(status);
        expect(got.error?.message).to.contain(String(status));
        expect(got.statusLine).to.contain(String(status));
        expect((await stream.requests()).length).to.equal(1);
      });
    }

    it('request-status-error (204): a 204 to the first request is an error (nothing to show), after one request', async () => {
      const stream = await registerFixture([{ status: 204, body: '' }]);
      const got = await observe(chat, stream.url);
      expect(seen(got)).to.deep.equal({ answer: '', think: '', status: 'error', events: [] });
      expect((await stream.requests()).length).to.equal(1);
    });

    it('request-status-error (503): retried (unlike EventSource, a deliberate difference), then an error naming it', async () => {
      const stream = await registerFixture([{ status: 503, body: eventStreamBody }]);
      const got = await observe(chat, stream.url);
      expect(seen(got)).to.deep.equal({ answer: '', think: '', status: 'error', events: [] });
      expect(got.error?.message).to.contain('503');
      expect((await stream.requests()).length, 'the first request and max-retries="1" reconnect').to.equal(2);
    });

    for (const [name, type] of [
      ['format-mime-bogus', 'x bogus'],
      ['format-mime-valid-bogus', 'text/x-bogus'],
    ] as const) {
      it(`${name}: a Content-Type of ${JSON.stringify(type)} is not an event stream: error, one request`, async () => {
        const stream = await registerFixture([{ headers: { 'Content-Type': type }, body: eventStreamBody }]);
        const got = await observe(chat, stream.url);
        expect(seen(got)).to.deep.equal({ answer: '', think: '', status: 'error', events: [] });
        expect(got.error?.type).to.equal('content-type');
        expect((await stream.requests()).length).to.equal(1);
      });
    }

    it('format-mime-trailing-semicolon: text/event-stream; is an event stream', async () => {
      const stream = await registerFixture([
        { headers: { 'Content-Type': 'text/event-stream;' }, body: eventStreamBody },
      ]);
      expect(seen(await observe(chat, stream.url))).to.deep.equal({
        answer: 'x',
        think: '',
        status: 'done',
        events: [],
      });
    });

    // The browser follows redirects inside fetch(); what is observable is that the stream at
    // the end of one reaches the answer, and with which method (fetch's redirect rules).
    for (const [status, method] of [
      [301, 'GET'],
      [302, 'GET'],
      [303, 'GET'],
      [307, 'POST'],
      [308, 'POST'],
    ] as const) {
      it(`request-redirect (${status}): the stream behind the redirect is read (the browser re-asks with ${method})`, async () => {
        const target = await registerFixture([{ body: eventStreamBody }]);
        const redirect = await registerFixture([{ status, headers: { Location: target.url }, body: '' }]);
        expect(seen(await observe(chat, redirect.url))).to.deep.equal({
          answer: 'x',
          think: '',
          status: 'done',
          events: [],
        });
        const requests: FixtureRequest[] = await target.requests();
        expect(requests.map((r) => r.method)).to.deep.equal([method]);
        expect((await redirect.requests()).length).to.equal(1);
      });
    }
  });
});
