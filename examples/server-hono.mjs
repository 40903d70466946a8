// A complete Hono app on the sse-chat server library: `node examples/server-hono.mjs`, then
// point <sse-chat endpoint="http://localhost:8789/api/chat"> at it (docs/server.md).
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createChatHandler } from 'sse-chat/server';

/** The producer: an LLM call goes here; this one echoes the question, one word at a time. */
async function* answer({ prompt, signal }) {
  yield { think: 'Reading the question.' };
  for (const word of `You asked: ${prompt}`.split(/(?<= )/)) {
    await sleep(10, undefined, { signal });
    yield { text: word };
  }
}

// The Fetch front door: the same handler serves Next.js route handlers, Bun and Deno.
// Answers are kept in memory, or in Redis when REDIS_URL is set.
export const chat = createChatHandler({ answer, redis: process.env.REDIS_URL });
export const app = new Hono();
app.all('/api/*', (c) => chat.fetch(c.req.raw));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8789);
  serve({ fetch: app.fetch, port }, () => console.log(`sse-chat on Hono: http://localhost:${port}/api/chat`));
}
