// @ts-check
/**
 * One instance of the reference server in a process of its own, for the tests' two-instance
 * deployments and the server benchmark: listens on a free port and prints it. REDIS_URL (else
 * answers are kept in memory), LEASE_MS and CHUNK_MS configure it. `GET /_process` tells its
 * memory and CPU use.
 */
import http from 'node:http';
import { createSseChatServer } from '../index.js';

const api = createSseChatServer({
  faults: true,
  pingMs: 50,
  chunkMs: Number(process.env.CHUNK_MS ?? 5),
  redis: process.env.REDIS_URL
    ? { url: process.env.REDIS_URL, leaseMs: Number(process.env.LEASE_MS ?? 1000) }
    : undefined,
  maxJobs: 100_000,
});
const server = http.createServer((req, res) => {
  if (api.handle(req, res)) return;
  if (req.url === '/_process') {
    const body = JSON.stringify({ memory: process.memoryUsage(), cpu: process.cpuUsage() });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  res.writeHead(404).end('not an API route');
});
server.listen(0, '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`${port}\n`);
});
process.on('SIGTERM', async () => {
  server.closeAllConnections();
  await api.close();
  server.close(() => process.exit(0));
});
