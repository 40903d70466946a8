// @ts-check
/** `POST {base}/stop`: cancel an answer. */
import { HttpError, queryObject, readJson, sendText } from './http.js';
import { idParam } from './params.js';

/**
 * Creates the stop route: 204 once the store has stopped the answer, 404 when it knows none.
 * @param {import('./handler.js').AnswerStore} store
 * @returns {import('./handler.js').Handler}
 */
export function createStopRoute(store) {
  return async function stop(req, res, url) {
    const query = queryObject(url);
    const body = await readJson(req);
    const messageId = idParam(body.message_id ?? query.message_id, 'message_id');
    if (messageId === null || !(await store.stop(messageId))) {
      throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
    }
    sendText(res, 204, {});
  };
}
