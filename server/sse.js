// @ts-check
/** The SSE wire format lives in the server library; re-exported for the reference server's modules. */
export { SSE_HEADERS, formatComment, formatEvent, formatRetry } from './lib/sse.js';
