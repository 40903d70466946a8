// @ts-check
/**
 * The bench's page and API: bench/page.ts bundled in memory, and one node:http server on a
 * free loopback port that serves it next to the reference SSE server.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSseChatServer } from '../../server/index.js';
import { conversationHistory } from './conversation-data.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Bundles the page, and the ours entry when that variant runs, in memory.
 * @param {boolean} withOurs
 * @returns {Promise<Map<string, Uint8Array>>} URL path → file
 */
export async function bundle(withOurs) {
  const outdir = join(tmpdir(), 'sse-chat-bench'); // names the outputs only: write is off
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      page: 'bench/page.ts',
      conversation: 'bench/conversation.ts',
      ...(withOurs ? { ours: 'bench/ours.ts' } : {}),
    },
    bundle: true,
    splitting: true, // page and ours share one copy of src/
    format: 'esm',
    target: 'es2022',
    minify: false,
    sourcemap: false,
    write: false,
    outdir,
    define: { __SSE_CHAT_VERSION__: JSON.stringify(version) },
    logLevel: 'warning',
  });
  const urlPath = (/** @type {string} */ file) => `/${relative(outdir, file).split(sep).join('/')}`;
  return new Map(result.outputFiles.map((file) => [urlPath(file.path), file.contents]));
}

/**
 * Serves the API (reference server, faults off) and the bench page on a free port.
 *
 * Two bench-only additions around the unchanged reference server:
 * `bench_pace=R` on a chat request meters its events out at exactly R per second (the
 *   server's `chunk_ms=1` gives ≈ 880-900/s: Node's 1 ms timers run late);
 * `GET /bench/history?conversation_id=…` answers the conversation case's 500 messages
 *   (scripts/bench/conversation-data.mjs) in the history endpoint's format.
 * @param {Map<string, Uint8Array>} files
 */
export async function serve(files) {
  const api = createSseChatServer({ chunkMs: 0, pingMs: 15_000 });
  const html = readFileSync(join(root, 'bench', 'index.html'));
  const history = JSON.stringify(conversationHistory());
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/chat') {
      const pace = Number(url.searchParams.get('bench_pace'));
      if (pace > 0) meter(res, pace);
    }
    if (api.handle(req, res)) return;
    if (url.pathname === '/bench/history') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(history);
      return;
    }
    const body = url.pathname === '/' ? html : files.get(url.pathname);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = url.pathname === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close() {
      api.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Meters a response's writes (the reference server writes one SSE event per `write`) out
 * at `rate` per second: by the clock, not by counting timer ticks, so late ticks release
 * the events they owe at once and the average rate is exact. The server never sees
 * backpressure (the queue holds at most one answer).
 * @param {import('node:http').ServerResponse} res
 * @param {number} rate  writes per second
 */
function meter(res, rate) {
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  /** @type {Array<string | Uint8Array>} */
  const queue = [];
  let ending = false;
  let released = 0;
  /** @type {number | undefined} */
  let start;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  let closed = false;
  const flush = () => {
    timer = undefined;
    if (closed) return;
    const now = performance.now();
    start ??= now;
    const due = Math.floor(((now - start) * rate) / 1000) + 1;
    while (released < due && queue.length > 0) {
      write(/** @type {string | Uint8Array} */ (queue.shift()));
      released++;
    }
    if (queue.length > 0) timer = setTimeout(flush, 1);
    else if (ending) end();
  };
  // @ts-expect-error the reference server calls write(chunk) and reads the boolean only
  res.write = (chunk) => {
    queue.push(chunk);
    timer ??= setTimeout(flush, 0);
    return true;
  };
  // @ts-expect-error the reference server calls end() without arguments
  res.end = () => {
    ending = true;
    timer ??= setTimeout(flush, 0);
    return res;
  };
  res.once('close', () => {
    closed = true;
    clearTimeout(timer);
  });
}
