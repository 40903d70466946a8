#!/usr/bin/env node
// `npm run bench:server`: the server under load, not a test. For each store (memory, Redis)
// and each load (BENCH_SERVER_LOADS, default 100 and 1000 concurrent answers), one server
// process serves N answers at once, each followed by one client; then each client is cut and
// resumes. Reports events/s delivered, p50/p99 from a resume request to its first event,
// memory per open stream and the server's CPU. Then the same cut-and-resume trial
// BENCH_SERVER_TRIALS times (default 200) across two instances on Redis behind a round-robin
// proxy, counting answers that end byte-exact. Needs redis-server (Debian: redis-server).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { scriptFor } from '../server/answer-script.js';
import { roundRobin, startInstance, startRedis } from '../server/test/redis.js';

const LOADS = (process.env.BENCH_SERVER_LOADS ?? '100,1000').split(',').map(Number);
const TRIALS = Number(process.env.BENCH_SERVER_TRIALS ?? 200);
/** Each answer: about 1,500 characters in ~300 events, one every 10 ms (~3 s), like a fast model. */
const SIZE = 1500;
const CHUNK_MS = 10;
/** The client is cut after this many events, then resumes. */
const CUT_AFTER = 40;

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * One streaming request: resolves with its complete events when `stopAfter` events have come
 * (the socket is then destroyed) or the response ends; `firstEventMs` is measured from the request.
 * @param {string} base
 * @param {{method?: string, path: string, body?: string, headers?: Record<string, string>, stopAfter?: number}} request
 */
function stream(base, { method = 'GET', path, body, headers = {}, stopAfter = Infinity }) {
  const url = new URL(base + path);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers },
      (res) => {
        let text = '';
        let scanned = 0; // text before this index has been counted
        let events = 0;
        let firstEventMs = null;
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
          // Count the complete events in what arrived, without rescanning the whole text.
          for (let end = text.indexOf('\n\n', scanned); end !== -1; end = text.indexOf('\n\n', scanned)) {
            const block = text.slice(scanned, end);
            scanned = end + 2;
            if (!block.includes('data:')) continue;
            events++;
            firstEventMs ??= performance.now() - started;
            if (events >= stopAfter) {
              res.destroy();
              resolve({ status: res.statusCode, text: text.slice(0, scanned), firstEventMs });
              return;
            }
          }
        });
        res.on('end', () => resolve({ status: res.statusCode, text, firstEventMs }));
        res.on('error', () => resolve({ status: res.statusCode, text, firstEventMs }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Complete events of a stream's text. */
function eventsOf(text) {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { id: Number(id), event, data: JSON.parse(data) };
    });
}

/** Think and answer texts of agent events. */
function textsOf(events) {
  let think = '';
  let answer = '';
  for (const { event, data } of events) {
    if (event || data.mode !== 'append') continue;
    for (const item of data.data) {
      if (item.type === 'think') think += item.content;
      if (item.type === 'text') answer += item.content;
    }
  }
  return { think, answer };
}

const post = (messageId, prompt) => ({
  method: 'POST',
  path: `/chat?size=${SIZE}&chunk_ms=${CHUNK_MS}`,
  body: JSON.stringify({
    conversation_id: 'bench',
    message_id: messageId,
    messages: [{ role: 'user', content: prompt }],
  }),
  headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
});

async function processStats(base) {
  const res = await fetch(new URL('/_process', base));
  return res.json();
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/**
 * N answers at once on one instance: each followed, cut after CUT_AFTER events, resumed.
 * @param {string} storeName
 * @param {string} redisUrl  '' for memory
 * @param {number} n
 */
async function load(storeName, redisUrl, n) {
  const instance = await startInstance(redisUrl, { leaseMs: 5000, chunkMs: CHUNK_MS });
  try {
    const before = await processStats(instance.base);
    const started = performance.now();
    const run = `${storeName}-${n}-${Date.now()}`;
    let peak = before.memory;
    const sampler = setInterval(async () => {
      const { memory } = await processStats(instance.base).catch(() => ({ memory: peak }));
      if (memory.rss > peak.rss) peak = memory;
    }, 200);
    const results = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const messageId = `${run}-${i}`;
        const first = await stream(instance.base, { ...post(messageId, `question ${i}`), stopAfter: CUT_AFTER });
        const offset = eventsOf(first.text).at(-1)?.id ?? 0;
        const rest = await stream(instance.base, {
          path: `/chat?message_id=${messageId}`,
          headers: { accept: 'text/event-stream', 'last-event-id': String(offset) },
        });
        const events = [...eventsOf(first.text), ...eventsOf(rest.text)];
        const expected = scriptFor(`question ${i}`, { size: SIZE });
        const texts = textsOf(events);
        const exact =
          events.every((event, k) => event.id === k + 1) &&
          texts.think === expected.think &&
          texts.answer === expected.answer;
        return { events: events.length, resumeMs: rest.firstEventMs, exact };
      }),
    );
    const wall = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const after = await processStats(instance.base);
    const cpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1e6;
    const events = results.reduce((sum, r) => sum + r.events, 0);
    const resumes = results.map((r) => r.resumeMs).filter((ms) => ms !== null);
    return {
      store: storeName,
      answers: n,
      exact: results.filter((r) => r.exact).length,
      eventsPerSecond: Math.round(events / wall),
      wall: wall.toFixed(1),
      resumeP50: percentile(resumes, 50).toFixed(1),
      resumeP99: percentile(resumes, 99).toFixed(1),
      kbPerStream: ((peak.rss - before.memory.rss) / 1024 / n).toFixed(1),
      cpu: `${Math.round((cpu / wall) * 100)} %`,
    };
  } finally {
    await instance.stop();
  }
}

/** TRIALS answers, each started on one instance, cut at a varying event and resumed on the other. */
async function crossInstance(redisUrl) {
  const instances = await Promise.all([
    startInstance(redisUrl, { chunkMs: 2 }),
    startInstance(redisUrl, { chunkMs: 2 }),
  ]);
  const balancer = roundRobin(() => instances.map((instance) => new URL(instance.base).origin));
  const proxy = http.createServer((req, res) => balancer.handle(req, res));
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${proxy.address().port}/api`;
  let exact = 0;
  let otherInstance = 0;
  try {
    for (let i = 0; i < TRIALS; i++) {
      const messageId = `trial-${Date.now()}-${i}`;
      const prompt = `trial ${i}`;
      balancer.aim(0);
      const cutAt = 1 + ((i * 37) % 150);
      const first = await stream(base, {
        ...post(messageId, prompt),
        path: `/chat?size=800&chunk_ms=2`,
        stopAfter: cutAt,
      });
      if (balancer.next === 1) otherInstance++;
      const offset = eventsOf(first.text).at(-1)?.id ?? 0;
      const rest = await stream(base, {
        path: `/chat?message_id=${messageId}`,
        headers: { accept: 'text/event-stream', 'last-event-id': String(offset) },
      });
      const events = [...eventsOf(first.text), ...eventsOf(rest.text)];
      const expected = scriptFor(prompt, { size: 800 });
      const texts = textsOf(events);
      if (
        events.every((event, k) => event.id === k + 1) &&
        events.at(-1)?.data.mode === 'finish' &&
        texts.think === expected.think &&
        texts.answer === expected.answer
      ) {
        exact++;
      }
    }
  } finally {
    proxy.closeAllConnections();
    proxy.close();
    await Promise.all(instances.map((instance) => instance.stop()));
  }
  return { exact, otherInstance };
}

const redis = await startRedis();
try {
  const rows = [];
  for (const n of LOADS) {
    for (const [name, url] of [
      ['memory', ''],
      ['redis', redis.url],
    ]) {
      const row = await load(name, url, n);
      rows.push(row);
      console.error(`${name} × ${n}: done`);
    }
  }
  const header = [
    'store',
    'answers',
    'exact',
    'events/s',
    'wall s',
    'resume→1st event p50 ms',
    'p99 ms',
    'KB/stream',
    'server CPU',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) {
    console.log(
      `| ${[r.store, r.answers, `${r.exact}/${r.answers}`, r.eventsPerSecond, r.wall, r.resumeP50, r.resumeP99, r.kbPerStream, r.cpu].join(' | ')} |`,
    );
  }
  if (TRIALS > 0) {
    const { exact, otherInstance } = await crossInstance(redis.url);
    console.log(
      `\ncut and resumed across two instances on Redis: ${exact}/${TRIALS} byte-exact (${otherInstance} resumes on the other instance)`,
    );
  }
} finally {
  await redis.stop();
  agent.destroy();
}
