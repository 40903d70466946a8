// @ts-check
/** `GET {base}/history`: the messages of a conversation, with resumable pending answers. */
import { HttpError, queryObject, sendJson } from './http.js';
import { idParam } from './params.js';

/**
 * @typedef {object} HistoryMessage one message of `GET /history`, as sent. Its type in
 *   src/history.ts (`HistoryWireMessage`, read by `parseHistory`) is the source of truth; this JSDoc copy
 *   exists because the server is plain JavaScript and cannot import that TypeScript module.
 * @property {string} id  the answer's message_id; `<message_id>:q` for the question
 * @property {'user' | 'assistant'} author
 * @property {string} think
 * @property {string} answer  the prompt, for the user
 * @property {'available' | 'pending'} status  `pending` while the answer is being generated
 * @property {number} offset  the seq the texts end at: resume the stream from here
 * @property {true} [stopped]  the answer was stopped
 * @property {HistoryVersion[]} [versions]  an answer that regenerates another: the earlier
 *   versions of it, oldest first (only when there are some)
 */

/**
 * @typedef {object} HistoryVersion an earlier version of a regenerated answer
 * @property {string} id  its message_id
 * @property {string} think
 * @property {string} answer  its texts (so far, if it is still being generated)
 * @property {true} [stopped]  it was stopped
 */

/**
 * @typedef {import('./handler.js').Answer} Answer
 */

/**
 * Creates the history route: the messages of a conversation, oldest first. Each answer kept by
 * the store gives the user's question then the assistant's answer; a running answer is
 * `pending`, with the texts of the events `1..offset` so that a client resuming the stream from
 * `offset` gets exactly the rest. An answer that a later one regenerates or edits is left out
 * (with its question); one that regenerates others carries them as its `versions`.
 * @param {import('./handler.js').AnswerStore} store
 * @param {NonNullable<import('./handler.js').AnswerStore['snapshot']>} snapshot  an answer's texts so far
 * @returns {import('./handler.js').Handler}
 */
export function createHistoryRoute(store, snapshot) {
  return async function history(_req, res, url) {
    const conversationId = idParam(queryObject(url).conversation_id, 'conversation_id');
    if (conversationId === null) throw new HttpError(400, 'conversation_id is required');
    const answers = await store.list(conversationId);
    /** @type {Map<string, number>} each answer's place in the conversation */
    const places = new Map(answers.map((answer, i) => [answer.messageId, i]));
    /** @type {Set<string>} the answers a later answer regenerates or edits */
    const replaced = new Set();
    answers.forEach((answer, i) => {
      for (const id of [answer.regenerates, answer.edits]) {
        // Only a later answer replaces: a Redis conversation list may hold an id twice (an expired id created anew).
        if (id && (places.get(id) ?? i) < i) replaced.add(id);
      }
    });
    /** @type {HistoryMessage[]} */
    const messages = [];
    for (const answer of answers) {
      if (replaced.has(answer.messageId)) continue;
      const { think, answer: text, offset } = await snapshot(answer);
      const versions = await versionsOf(answer);
      messages.push(
        {
          id: `${answer.messageId}:q`,
          author: 'user',
          think: '',
          answer: answer.prompt,
          status: 'available',
          offset: 0,
        },
        {
          id: answer.messageId,
          author: 'assistant',
          think,
          answer: text,
          status: answer.done ? 'available' : 'pending',
          offset,
          ...(answer.stopped ? { stopped: true } : {}),
          ...(versions.length > 0 ? { versions } : {}),
        },
      );
    }
    sendJson(res, 200, { messages });

    /**
     * The earlier versions of an answer, oldest first: the chain of the answers it regenerates,
     * as far as the store still has them.
     * @param {Answer} answer
     * @returns {Promise<HistoryVersion[]>}
     */
    async function versionsOf(answer) {
      /** @type {Answer[]} */
      const chain = [];
      // Each step goes to an earlier answer: the chain ends.
      for (let place = places.get(answer.messageId) ?? 0, id = answer.regenerates; id;) {
        const earlier = places.get(id);
        // Only earlier places: a Redis list may hold an id twice (an expired id created anew), and a loop must end.
        if (earlier === undefined || earlier >= place) break;
        const version = answers[earlier];
        chain.unshift(version);
        place = earlier;
        id = version.regenerates;
      }
      return Promise.all(
        chain.map(async (version) => {
          const texts = await snapshot(version);
          return {
            id: version.messageId,
            think: texts.think,
            answer: texts.answer,
            ...(version.stopped ? { stopped: /** @type {true} */ (true) } : {}),
          };
        }),
      );
    }
  };
}
