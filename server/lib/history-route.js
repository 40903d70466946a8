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
 */

/**
 * Creates the history route: the messages of a conversation, oldest first. Each answer kept by
 * the store gives the user's question then the assistant's answer; a running answer is
 * `pending`, with the texts of the events `1..offset` so that a client resuming the stream from
 * `offset` gets exactly the rest.
 * @param {import('./handler.js').AnswerStore} store
 * @param {NonNullable<import('./handler.js').AnswerStore['snapshot']>} snapshot  an answer's texts so far
 * @returns {import('./handler.js').Handler}
 */
export function createHistoryRoute(store, snapshot) {
  return async function history(_req, res, url) {
    const conversationId = idParam(queryObject(url).conversation_id, 'conversation_id');
    if (conversationId === null) throw new HttpError(400, 'conversation_id is required');
    /** @type {HistoryMessage[]} */
    const messages = [];
    for (const answer of await store.list(conversationId)) {
      const { think, answer: text, offset } = await snapshot(answer);
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
        },
      );
    }
    sendJson(res, 200, { messages });
  };
}
