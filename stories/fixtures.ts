/**
 * Texts the stories stream: questions, think blocks and markdown answers, cut into the uneven
 * chunks a model emits. Pure data and one splitter; no DOM.
 */
import { scriptText, type AnswerScript, type ScriptedHistoryMessage } from './scripted-fetch.js';

/**
 * Cuts `text` into chunks of 1..`max` characters, the same way every time (a fixed LCG), so
 * a story streams identically on every run.
 */
export function chunked(text: string, max = 9, seed = 7): string[] {
  const chunks: string[] = [];
  let state = seed;
  for (let at = 0; at < text.length;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const size = 1 + (state % max);
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/** A script from whole texts: chunked think and answer, a pace, faults. */
export function answerScript(
  answer: string,
  options: Omit<AnswerScript, 'answer' | 'think'> & { think?: string } = {},
): AnswerScript {
  const { think, ...rest } = options;
  return { ...rest, think: think ? chunked(think) : [], answer: chunked(answer) };
}

export const QUESTION = 'How does a resumable event stream avoid duplicated text?';

export const THINK = `The reader asks about **resumable streams**. Points to cover:

1. every event carries a sequence number (\`id:\`);
2. on reconnect the client sends \`Last-Event-ID\` and \`offset\`;
3. events at or below the last applied one are dropped.

Keep it short, with one example.`;

export const ANSWER = `Every event the server sends has a **sequence number**, and the client remembers the highest one it applied.

When the connection drops, the client reconnects with that number:

\`\`\`http
GET /api/chat?offset=42&message_id=m1
Last-Event-ID: 42
\`\`\`

The server continues *after* event 42. If it replays a few older events anyway, the client drops every event whose number is not above 42 — so nothing is shown twice, and nothing is lost.`;

/** A long markdown answer: headings, lists, a table, code, quotes (~9 KB). */
export const LONG_ANSWER = [
  '# Streaming answers without losing a word',
  '',
  "A chat widget that streams a model's answer lives on a connection that *will* drop: a laptop lid closes, a proxy times out, a phone changes networks. What matters is what the reader sees afterwards.",
  '',
  ...(<Array<[string, string]>>[
    [
      'Sequence numbers',
      'Each event carries an `id:` line. The client keeps the highest one it applied and nothing else: the text on screen is exactly the events up to that number.',
    ],
    [
      'Resuming',
      'A reconnect is a new request with `offset=<seq>` and a `Last-Event-ID` header. The server continues after that event; it never starts a new generation for a request that carries an offset.',
    ],
    [
      'Deduplication',
      'A server that replays (some do, from a ring buffer) sends events the client already has. They are dropped by number, so a replay can never duplicate a sentence.',
    ],
    [
      'Heartbeats',
      'A connection can die without closing. The client watches every byte, comments included, and treats silence past the heartbeat timeout as a cut.',
    ],
    [
      'Backoff',
      "Retries wait longer each time — doubling, with jitter, capped — and a server's `Retry-After` wins. After the last attempt the answer ends in an error, and what arrived stays on screen.",
    ],
  ]).flatMap(([title, text], index) => [
    `## ${index + 1}. ${title}`,
    '',
    text,
    '',
    '- it is visible: the status line says what is happening;',
    '- it is counted: `stats` has attempts, reconnects and duplicates dropped;',
    '- it is bounded: `max-retries` attempts, then `error`.',
    '',
    '```ts',
    `// ${title.toLowerCase()}`,
    "const chat = document.querySelector('sse-chat');",
    `chat.addEventListener('sse-status', (event) => console.log(event.detail.status));`,
    '```',
    '',
    '> The reader never has to reload the page to get the rest of an answer.',
    '',
  ]),
  '| event | seq | shown |',
  '|---|---:|---|',
  ...Array.from({ length: 12 }, (_, i) => `| append | ${i + 1} | ${i % 4 === 3 ? 'dropped (replay)' : 'yes'} |`),
  '',
  'That is the whole trick: **number everything, remember one number, resume from it.**',
].join('\n');

/** Payloads that try to run script; each is split across events so no single chunk is whole. */
export const XSS_THINK_PARTS = [
  'Checking <scr',
  'ipt>window.__xss = "think"</scr',
  'ipt> and <img src=x on',
  'error="window.__xss = 1"> in thought.',
];
export const XSS_ANSWER_PARTS = [
  'A script tag: <scr',
  'ipt>window.__xss = "script"; alert("script")</scr',
  'ipt>\n\nAn image: <img src=x one',
  'rror="alert(\'img\')">\n\nA link: [click me](java',
  'script:alert(1)) and a raw one <a href="javas',
  'cript:alert(2)" onclick="alert(3)">raw</a>\n\nA form: <form action="https://example.com"><inp',
  'ut name=q><button>go</button></form>\n\nAn iframe: <ifr',
  'ame src="javascript:alert(4)"></iframe>\n\n**Only text survives.**',
];

export const RTL_QUESTION = 'كيف يستأنف البث بعد انقطاع الاتصال؟';
export const RTL_THINK = 'السؤال عن استئناف البث. أذكر رقم التسلسل و Last-Event-ID.';
export const RTL_ANSWER = `يحمل كل حدث **رقم تسلسل**، ويتذكر العميل أعلى رقم طبّقه.

- عند الانقطاع يعيد الاتصال مع \`offset\`؛
- يتابع الخادم بعد ذلك الرقم؛
- تُهمَل الأحداث المكرّرة.

\`\`\`http
GET /api/chat?offset=42
\`\`\``;

/**
 * A conversation of `pairs` questions and answers for the history endpoint; the last answer
 * is `pending` (still being generated) a third of the way through its script.
 */
export function longConversation(pairs: number): {
  history: ScriptedHistoryMessage[];
  known: Record<string, AnswerScript>;
} {
  const history: ScriptedHistoryMessage[] = [];
  for (let i = 1; i < pairs; i++) {
    history.push({
      id: `m${i}:q`,
      author: 'user',
      answer: `Question ${i}: what happens at reconnect number ${i}?`,
      status: 'available',
    });
    history.push({
      id: `m${i}`,
      author: 'assistant',
      think: i % 3 === 0 ? `Reconnect ${i}: resume from the last sequence number.` : '',
      answer: `At reconnect **${i}** the client sends \`offset\` = the last sequence number it applied, and the server continues after it.\n\n- attempts so far: ${i}\n- duplicates shown: 0`,
      status: 'available',
    });
  }
  const script = answerScript(
    `And the last answer is still being written while you scroll: it was **pending** when the page loaded, so the element resumed it from its offset.\n\n${ANSWER}`,
    {
      think: 'The last question; the server is still generating this answer.',
      paceMs: 30,
    },
  );
  const offset = Math.floor(((script.think?.length ?? 0) + script.answer.length) / 3);
  history.push({
    id: `m${pairs}:q`,
    author: 'user',
    answer: `Question ${pairs}: and the answer being written right now?`,
    status: 'available',
  });
  history.push({ id: `m${pairs}`, author: 'assistant', ...scriptText(script, offset), status: 'pending', offset });
  return { history, known: { [`m${pairs}`]: script } };
}
