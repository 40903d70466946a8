// A complete Express app on the sse-chat server library: `node examples/server-express.mjs`,
// then point <sse-chat endpoint="http://localhost:8788/api/chat"> at it (docs/server.md).
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import { createChatHandler } from 'sse-chat/server';

/** The producer: an LLM call goes here; this one echoes the question, one word at a time. */
async function* answer({ prompt, signal }) {
  yield { think: 'Reading the question.' };
  for (const word of `You asked: ${prompt}`.split(/(?<= )/)) {
    await sleep(10, undefined, { signal });
    yield { text: word };
  }
}

// POST|GET /api/chat, POST /api/stop, GET /api/poll, GET /api/history; answers kept in
// memory, or in Redis when REDIS_URL is set (then any number of instances can serve them).
export const chat = createChatHandler({ answer, redis: process.env.REDIS_URL });
export const app = express();
app.use(chat.node);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8788);
  app.listen(port, () => console.log(`sse-chat on Express: http://localhost:${port}/api/chat`));
}
