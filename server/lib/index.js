// @ts-check
/**
 * `sse-chat/server`: a resumable `agent` protocol backend for the widget (docs/server.md).
 *
 *   import { createChatHandler } from 'sse-chat/server';
 *   const chat = createChatHandler({ answer: async function* ({ prompt }) { yield { text: prompt } } });
 *   http.createServer(chat.node);      // or app.use(chat.node) in Express
 *   app.all('/api/*', (c) => chat.fetch(c.req.raw));   // Hono, Next.js, Bun, Deno
 */
export { createChatHandler } from './handler.js';
export { createMemoryStore, jobSnapshot, Job } from './memory-store.js';
export { createRedisStore, RedisAnswer, PRODUCER_GONE } from './redis-store.js';
export { producerOf } from './producer.js';
export { formatComment, formatEvent, formatRetry, SSE_HEADERS } from './sse.js';
export { HttpError } from './http.js';

/**
 * @typedef {import('./handler.js').ChatHandlerOptions} ChatHandlerOptions
 * @typedef {import('./handler.js').ChatHandler} ChatHandler
 * @typedef {import('./handler.js').AnswerStore} AnswerStore
 * @typedef {import('./handler.js').Answer} Answer
 * @typedef {import('./handler.js').Snapshot} Snapshot
 * @typedef {import('./redis-store.js').RedisStoreOptions} RedisStoreOptions
 * @typedef {import('./history-route.js').HistoryMessage} HistoryMessage
 * @typedef {import('./producer.js').Answerer} Answerer
 * @typedef {import('./producer.js').AnswerChunk} AnswerChunk
 * @typedef {import('./producer.js').AnswerInput} AnswerInput
 * @typedef {import('./memory-store.js').Producer} Producer
 * @typedef {import('./memory-store.js').ProducerRun} ProducerRun
 * @typedef {import('./memory-store.js').JobEvent} AnswerEvent
 * @typedef {import('./memory-store.js').LogEntry} LogEntry
 */
