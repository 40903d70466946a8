// @ts-check
/**
 * The long conversation of the bench's conversation case: 250 questions and 250 answers of
 * about 1 KB of markdown each (a heading, paragraphs with inline markup, a code block, a
 * table, a list), deterministic, in the history endpoint's wire format
 * (`HistoryWireMessage` in src/history.ts). Served by scripts/bench/server.mjs at
 * `GET /bench/history?conversation_id=…` (the id is ignored: always the same conversation).
 */

/** Questions and answers: 500 messages. */
export const CONVERSATION_PAIRS = 250;

const TOPICS = [
  'retry a failed request',
  'stream a large file',
  'cache a slow query',
  'validate a form',
  'paginate a list',
  'debounce a search box',
  'log structured errors',
  'cancel a running job',
];
const LANGUAGES = ['TypeScript', 'Python', 'Go', 'Rust'];

/**
 * One question and its answer.
 * @param {number} i  0-based pair index
 * @returns {{question: string, answer: string}}
 */
export function conversationPair(i) {
  const topic = TOPICS[i % TOPICS.length];
  const language = LANGUAGES[i % LANGUAGES.length];
  const question = `Question ${i + 1}: how do I ${topic} in a ${language} service, and what should the defaults be?`;
  const answer = `### ${i + 1}. How to ${topic}

In a **${language}** service the usual way is a small helper around the call, with the
settings in one place. See [the guide](https://example.com/docs/${i}) and keep \`retries\`
low: a retry multiplies the load when the other side is already slow.

\`\`\`ts
export async function step${i}(input: string, retries = ${i % 5}): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return input.split(',').length * ${i + 1};
    } catch (error) {
      if (attempt >= retries) throw error;
    }
  }
}
\`\`\`

| option    | default        | meaning                                |
| --------- | -------------- | -------------------------------------- |
| \`retries\` | ${i % 5}              | attempts after the first one           |
| \`timeout\` | ${1000 + i} ms        | how long one attempt may take          |
| \`mode\`    | \`${i % 2 ? 'fast' : 'safe'}\`         | \`safe\` waits for the server to confirm |

- measure first, then tune the *timeout*;
- log every attempt with its number (${i + 1} here);
- never retry a request that is not idempotent.

That is all it takes for step ${i + 1}.
`;
  return { question, answer };
}

/**
 * The whole conversation as the history endpoint answers it.
 * @returns {{messages: Array<{id: string, author: 'user' | 'assistant', answer: string, status: 'available', offset: number}>}}
 */
export function conversationHistory() {
  /** @type {ReturnType<typeof conversationHistory>['messages']} */
  const messages = [];
  for (let i = 0; i < CONVERSATION_PAIRS; i++) {
    const { question, answer } = conversationPair(i);
    messages.push(
      { id: `bench-${i}:q`, author: 'user', answer: question, status: 'available', offset: 0 },
      { id: `bench-${i}`, author: 'assistant', answer, status: 'available', offset: 0 },
    );
  }
  return { messages };
}
