// @ts-check
/**
 * One instance of the reference server on Redis, for the tests' two-instance deployments:
 * listens on a free port and prints it. REDIS_URL, LEASE_MS and CHUNK_MS configure it.
 */
import http from 'node:http';
import { createSseChatServer } from '../index.js';

const api = createSseChatServer({
  faults: true,
  pingMs: 50,
  chunkMs: Number(process.env.CHUNK_MS ?? 5),
  redis: { url: process.env.REDIS_URL, leaseMs: Number(process.env.LEASE_MS ?? 1000) },
});
const server = http.createServer((req, res) => {
  if (!api.handle(req, res)) res.writeHead(404).end('not an API route');
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
