// @ts-check
/** `GET {base}/poll`: the events after `offset` as JSON, for clients that cannot stream. */
import { intParam, queryObject, sendJson } from './http.js';
import { requireAnswer } from './params.js';

/** At most this many events per poll response. */
const POLL_LIMIT = 500;

/**
 * Creates the poll route: `?message_id=&offset=` → `{events, done}`.
 * @param {import('./handler.js').AnswerStore} store
 * @returns {import('./handler.js').Handler}
 */
export function createPollRoute(store) {
  return async function poll(_req, res, url) {
    const query = queryObject(url);
    const answer = await requireAnswer(store, query.message_id);
    const offset = intParam(query.offset, 'offset') ?? 0;
    const { entries, done } = await answer.read(offset, POLL_LIMIT);
    answer.polls++;
    const events = entries.map((entry) =>
      entry.event ? { id: entry.seq, event: entry.event, data: entry.data } : { id: entry.seq, ...entry.payload },
    );
    sendJson(res, 200, { events, done });
  };
}
