// @ts-check
/**
 * The scripted answers of the reference server, and how they are cut into chunks.
 *
 * Everything here is deterministic: the same prompt gives the same text, the same seed
 * gives the same chunks. The text is built to exercise every hard case of a streaming
 * client early on: multi-byte UTF-8 (CJK, emoji with ZWJ sequences), backslashes, tabs,
 * code fences, tables.
 */

/** Benchmarks may ask for answers this long, not longer. */
export const MAX_SIZE = 500_000;

/**
 * @typedef {object} Variant
 * @property {string} think
 * @property {string} title
 * @property {string} intro
 * @property {string[]} points
 * @property {string} closing
 */

/** @type {Variant[]} */
const VARIANTS = [
  {
    think: [
      '🤔 用户想知道流式回答如何在断线后继续。The reader asks how a streamed answer survives a dropped connection.',
      'Plan: explain sequence numbers first, then the resume request with `offset` and Last-Event-ID, then show a small code sample.',
      'Edge cases worth naming: a cut in the middle of a multi-byte character (你好 or 👩‍💻), an escaped newline split as \\ + n, and a proxy that buffers the whole body.',
      'Keep it short, put the retry rules in a table, and end with a checklist ✅.',
    ].join('\n'),
    title: 'Resumable streams',
    intro:
      'A streamed answer is **never lost**: every event carries a sequence number, and a client that loses the connection *resumes* with `offset=<seq>` instead of asking again. See [the example](https://example.com) for the full flow.',
    points: [
      'Each event has an `id:` line with its sequence number.',
      'On reconnect the client sends `Last-Event-ID` **and** `offset`.',
      'Events the client already has are dropped, so nothing is shown twice.',
    ],
    closing: '完成了 🎉 The answer above arrived in many small pieces, and none of them was lost.',
  },
  {
    think: [
      '🧠 先想一想：心跳和重试是关键。The question is about silent connections and when to give up.',
      'A proxy may keep the socket open and send nothing, so the client needs a heartbeat timer fed by every byte, comments included.',
      'Retries: exponential backoff with jitter, capped, and Retry-After wins when the server sends it (seconds or an HTTP-date).',
      'Mention the tricky bytes too — 👩‍💻 is four code points glued by zero-width joiners, and a path like C:\\temp must keep its backslash. Then a table ✅.',
    ].join('\n'),
    title: 'Heartbeats and retries',
    intro:
      'A connection that goes quiet is **treated as dead** after the heartbeat timeout, and the stream is *resumed* from the last applied event with `Last-Event-ID`. The [reference server](https://example.com) sends `: ping` comments to keep idle streams alive.',
    points: [
      'Any byte resets the idle timer, including `: ping` comments.',
      'Backoff doubles after each failed attempt, with **jitter**, up to a cap.',
      'A `Retry-After` header always wins over the computed delay.',
    ],
    closing: '一切正常 🚦 Silence is a signal too: it means *reconnect*, not *wait forever*.',
  },
  {
    think: [
      '📝 这是关于渲染的问题。The reader wants markdown to render while it streams, without flicker.',
      'Only the open tail block should be re-rendered; finished blocks stay as they are, so the cost per chunk does not grow with the message.',
      'Sanitizing matters: a <script> tag split across two chunks must still be removed, and links open in a new tab.',
      'Show a table, a code block with a tab and a backslash (\\), some 中文 and emoji 👩‍💻 — all of them must survive byte cuts. ✅',
    ].join('\n'),
    title: 'Streaming markdown',
    intro:
      'Markdown is rendered **while it streams**: finished blocks are kept, and only the *open tail* is rendered again with `marked` and DOMPurify. Links such as [this one](https://example.com) open in a new tab.',
    points: [
      'An unfinished code fence is shown as a code block right away.',
      'No script, event handler or `javascript:` URL ever reaches the page.',
      'Updates are coalesced to **one per animation frame**.',
    ],
    closing: '渲染完成 🖼️ Every character above went through the same decoder, chunk by chunk.',
  },
];

/** The code fence shared by all variants: tabs, backslashes and an escaped-looking `\n`. */
const CODE = [
  '```js',
  '// Resume from the last sequence number we applied.',
  "const sep = 'a\\\\b'; // one backslash at run time",
  'async function resume(url, lastId) {',
  "\tconst res = await fetch(url + '?offset=' + lastId, {",
  "\t\theaders: { 'Last-Event-ID': String(lastId) },",
  '\t});',
  "\treturn res.ok ? 'resumed\\n' : 'failed' + sep;",
  '}',
  '```',
].join('\n');

const TABLE = [
  '| Status | Retry? | Why |',
  '| --- | --- | --- |',
  '| 200 | — | the stream flows |',
  '| 503 | yes | honour `Retry-After` |',
  '| 404 | no | unknown answer |',
].join('\n');

const CJK_LINE = '你好，世界。流式传输不会丢失任何字符。👩‍💻 🚀 ✅';

/**
 * 32-bit FNV-1a hash of a string's UTF-16 code units.
 * @param {string} text
 * @returns {number} an unsigned 32-bit integer
 */
export function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The mulberry32 PRNG: a tiny, seedable generator of floats in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One numbered filler paragraph for long (benchmark) answers.
 * @param {number} n
 */
function fillerParagraph(n) {
  const lists = n % 5 === 0 ? `\n\n- point ${n}.a with \`code\`\n- point ${n}.b 🚀` : '';
  return (
    `### Part ${n}\n\n` +
    `Paragraph ${n}: the stream keeps going with **bold**, *italic* and \`inline code\`, ` +
    `some 中文字符 (第${n}段) and an emoji 👩‍💻 so that byte cuts can land anywhere. ` +
    `A path like C:\\\\data\\\\part${n} keeps its backslashes.${lists}`
  );
}

/**
 * The scripted think and answer texts for a prompt.
 * @param {string} prompt the last user message
 * @param {{size?: number, version?: number}} [options] `size`: grow the answer with numbered
 *   paragraphs until it is about this many characters long (at most {@link MAX_SIZE});
 *   `version`: how many earlier versions the answer has (0 for a first answer, 1 for its first
 *   regenerate, …): each version takes the next variant, so a regenerated answer differs from
 *   the one it replaces
 * @returns {{think: string, answer: string}} plain text with real newlines, no CR
 */
export function scriptFor(prompt, { size, version } = {}) {
  const shift = Math.max(0, Math.floor(Number(version) || 0));
  const variant = /** @type {Variant} */ (VARIANTS[(hashString(String(prompt)) + shift) % VARIANTS.length]);
  const parts = [
    `# 🚀 ${variant.title} — ${CJK_LINE}`,
    variant.intro,
    `## How it works\n\n${variant.points.map((p) => `- ${p}`).join('\n')}`,
    CODE,
    TABLE,
    CJK_LINE,
    variant.closing,
  ];
  let answer = parts.join('\n\n');
  const target = Math.min(Math.max(0, Math.floor(Number(size) || 0)), MAX_SIZE);
  if (answer.length < target) {
    const extra = [];
    let length = answer.length;
    for (let n = 1; length < target; n++) {
      const paragraph = fillerParagraph(n);
      extra.push(paragraph);
      length += paragraph.length + 2;
    }
    answer += '\n\n' + extra.join('\n\n');
  }
  return { think: variant.think, answer };
}

/**
 * Splits text into pieces of pseudo-random length 1..12 UTF-16 code units, never inside a
 * surrogate pair.
 * @param {string} text
 * @param {number} seed
 * @returns {string[]} pieces whose concatenation is `text`
 */
export function chunkText(text, seed) {
  const random = mulberry32(seed);
  /** @type {string[]} */
  const chunks = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + 1 + Math.floor(random() * 12));
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) {
      // Keep the pair together: shorten the piece, or take the whole pair if it is all we have.
      end += end - 1 > start ? -1 : 1;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

/** @param {number} code */
function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}
