// @ts-check
/** The request parameters the routes share: the ids they are given, and the answer an id names. */
import { HttpError } from './http.js';

/**
 * An id parameter: a non-empty string (numbers are accepted), or null when absent.
 * @param {unknown} value
 * @param {string} name
 * @returns {string | null}
 */
export function idParam(value, name) {
  if (value === undefined || value === null || value === '') return null;
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).length > 256) {
    throw new HttpError(400, `${name} must be a string of at most 256 characters`);
  }
  return String(value);
}

/**
 * The answer of a request's `message_id`, or a 404 error.
 * @param {import('./handler.js').AnswerStore} store
 * @param {string | undefined} messageId
 */
export async function requireAnswer(store, messageId) {
  const answer = messageId ? await store.get(messageId) : undefined;
  if (!answer) throw new HttpError(404, `unknown message_id ${messageId ?? '(none given)'}`);
  return answer;
}
