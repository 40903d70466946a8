// @ts-check
/** The `node:http` helpers live in the server library; re-exported for the reference server's modules. */
export {
  BODY_LIMIT,
  HttpError,
  header,
  intParam,
  queryObject,
  readJson,
  readText,
  sendJson,
  sendText,
} from './lib/http.js';
