// @ts-check
/**
 * A real `redis-server` for the tests, started on a free port with no persistence, and the
 * reference server in child processes on top of it (the instances of a two-instance deployment).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/** Where `redis-server` is: `REDIS_SERVER`, else the PATH. */
const REDIS_SERVER = process.env.REDIS_SERVER || 'redis-server';

/** Throws a clear error when there is no redis-server to start. */
export function requireRedisServer() {
  const probe = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The Redis tests start their own redis-server, and none was found (${REDIS_SERVER}). ` +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) ' +
        'or set REDIS_SERVER to its path.',
    );
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts redis-server on `port`, else a free one (`--save '' --appendonly no`: nothing survives it).
 * `restart()` kills it and starts a new, empty one on the same port.
 */
export async function startRedis(port = 0) {
  requireRedisServer();
  port ||= await freePort();
  /** @type {import('node:child_process').ChildProcess} */
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await kill(child);
    },
    async restart() {
      await kill(child);
      child = await launch(port);
    },
  };
}

/** @param {number} port */
async function launch(port) {
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  child.stdout?.resume();
  return child;
}

/** @param {import('node:child_process').ChildProcess} child */
async function kill(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/**
 * Starts the reference server (faults mode, scripted answers) in a child process, on Redis
 * (or in memory when `redisUrl` is empty).
 * @param {string} redisUrl
 * @param {{leaseMs?: number, chunkMs?: number}} [options]
 */
export async function startInstance(redisUrl, { leaseMs = 1_000, chunkMs = 5 } = {}) {
  const script = fileURLToPath(new URL('./instance.js', import.meta.url));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, REDIS_URL: redisUrl ?? '', LEASE_MS: String(leaseMs), CHUNK_MS: String(chunkMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve(output.split('\n'));
    });
    child.on('exit', (code) => reject(new Error(`the instance exited (${code}) before listening`)));
  });
  const base = `http://127.0.0.1:${Number(line)}/api`;
  return {
    base,
    child,
    /** Kills the process at once, as a crash would. */
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
    /** Stops the process gracefully. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * A round-robin proxy in front of server instances, like a load balancer without affinity:
 * request i goes to instance i mod n. `cut()` destroys every open proxied response, as a
 * network fault between the client and the balancer would.
 * @param {() => string[]} origins  the instances' origins (`http://host:port`), read at each request
 */
export function roundRobin(origins) {
  let next = 0;
  /** @type {Set<import('node:http').ServerResponse>} */
  const open = new Set();
  return {
    /**
     * Proxies one request to the next instance.
     * @param {import('node:http').IncomingMessage} req
     * @param {import('node:http').ServerResponse} res
     * @param {string} [path]  the upstream path (default: the request's)
     */
    handle(req, res, path = req.url ?? '/') {
      const targets = origins();
      const target = new URL(targets[next++ % targets.length]);
      open.add(res);
      res.on('close', () => open.delete(res));
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
          answer.on('aborted', () => res.destroy());
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    },
    /** The index of the instance the next request goes to. */
    get next() {
      return next % origins().length;
    },
    /**
     * Makes the next request go to instance `index`.
     * @param {number} index
     */
    aim(index) {
      while (next % origins().length !== index) next++;
    },
    /** Destroys the open responses; returns how many. */
    cut() {
      const count = open.size;
      for (const res of open) res.destroy();
      open.clear();
      return count;
    },
  };
}

/**
 * Redis, two instances of the reference server on it, and a round-robin proxy: a deployment
 * behind a load balancer, for the browser tests (web-test-runner.config.mjs mounts `handle`).
 * @param {{leaseMs?: number, chunkMs?: number}} [options]
 */
export async function startDeployment(options = {}) {
  const redis = await startRedis();
  const instances = await Promise.all([startInstance(redis.url, options), startInstance(redis.url, options)]);
  const proxy = roundRobin(() => instances.map((instance) => new URL(instance.base).origin));
  return {
    redis,
    instances,
    proxy,
    async close() {
      await Promise.all(instances.map((instance) => instance.stop()));
      await redis.stop();
    },
  };
}
