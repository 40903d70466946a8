#!/usr/bin/env node
// `npm start`: build, then serve the demo page and the reference SSE server on
// http://localhost:8787 (PORT overrides). Ctrl+C shuts down cleanly.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';
import { createSseChatServer } from '../server/index.js';
import { DEFAULT_ANTHROPIC_MODEL, DEFAULT_MODEL } from '../server/relay.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST || '127.0.0.1';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
/** Only these are served: the demo page, the built files, the examples and the libraries they load. */
const PUBLIC = [
  'index.html',
  `dist${sep}`,
  `examples${sep}`,
  join('node_modules', 'jquery', 'dist', sep),
  join('node_modules', 'vue', 'dist', sep),
];

await buildAll();
// The demo's chaos panel injects faults, so they are on here (and only here).
// OPENAI_BASE_URL (+ OPENAI_API_KEY, OPENAI_MODEL): answers come from that upstream, not the script.
// UPSTREAM_PROTOCOL says which API it speaks: `openai` (Chat Completions, the default),
// `openai-responses` (the Responses API) or `anthropic` (the Messages API; then
// ANTHROPIC_BASE_URL, default https://api.anthropic.com/v1, and ANTHROPIC_API_KEY).
const protocol = process.env.UPSTREAM_PROTOCOL || 'openai';
const anthropic = protocol === 'anthropic';
const baseUrl = anthropic
  ? process.env.ANTHROPIC_BASE_URL || (process.env.UPSTREAM_PROTOCOL ? 'https://api.anthropic.com/v1' : '')
  : process.env.OPENAI_BASE_URL;
const relay = baseUrl
  ? {
      protocol: /** @type {import('../server/upstream-protocols.js').UpstreamProtocol} */ (protocol),
      baseUrl,
      apiKey: (anthropic ? process.env.ANTHROPIC_API_KEY : process.env.OPENAI_API_KEY) || undefined,
      model:
        (anthropic ? process.env.ANTHROPIC_MODEL : process.env.OPENAI_MODEL) ||
        (anthropic ? DEFAULT_ANTHROPIC_MODEL : DEFAULT_MODEL),
    }
  : undefined;
// REDIS_URL: answers are kept in Redis Streams, so several instances (PORT=8787, PORT=8788, …)
// serve the same answers and a resume may land on any of them.
const redis = process.env.REDIS_URL || undefined;
const api = createSseChatServer({ faults: true, corsOrigin: process.env.CORS_ORIGIN, relay, redis });
if (redis) console.log(`answers kept in Redis at ${withoutCredentials(redis)}`);
if (relay) {
  // Never the key; nor credentials written into the URL.
  const where = withoutCredentials(relay.baseUrl);
  console.log(
    `relaying questions to ${where} (${relay.protocol}, model ${relay.model}${relay.apiKey ? ', with an API key' : ''})`,
  );
}

const server = createServer((req, res) => {
  if (api.handle(req, res)) return;
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed URL');
    return;
  }
  const file = normalize(path === '/' ? 'index.html' : path.slice(1));
  if (!PUBLIC.some((p) => file === p || file.startsWith(p))) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const full = join(root, file);
  try {
    if (!statSync(full).isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(full)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
  });
  createReadStream(full)
    .on('error', () => res.destroy())
    .pipe(res);
});

// Loopback only unless HOST says otherwise: the demo has fault injection and debug routes
// on, and in relay mode it spends the API key for whoever can reach it.
server.listen(port, host, () => {
  const { port: listening } = /** @type {import('node:net').AddressInfo} */ (server.address()); // PORT=0: a free one
  console.log(`sse-chat demo: http://${host === '127.0.0.1' ? 'localhost' : host}:${listening}/`);
});
server.on('error', (error) => {
  console.error(
    `sse-chat demo: cannot listen on port ${port}: ${error.message}${port ? ' (set PORT to use another)' : ''}`,
  );
  void api.close().finally(() => process.exit(1));
});

/** A URL as it may be printed: any user name and password taken out. */
function withoutCredentials(text) {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '(an invalid URL)';
  }
}

async function shutdown() {
  console.log('\nshutting down');
  setTimeout(() => process.exit(0), 2000).unref();
  server.closeAllConnections?.();
  await api.close(); // on Redis: the answers produced here end now, not when their lease lapses
  server.close(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
