// @web/test-runner: every test runs in the system Chromium against the reference SSE
// server, mounted here as middleware so tests hit real same-origin endpoints.
import { chromeLauncher, defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { CHROMIUM_ARGS, requireChromium } from './scripts/chromium.mjs';
import { createSseChatServer } from './server/index.js';
import { summaryFileReporter } from './scripts/wtr-summary-reporter.mjs';
import { startDeployment } from './server/test/redis.js';

const executablePath = requireChromium('the tests');

// Faults on: tests script cuts, stalls and errors per request. Fast pacing for tests.
const server = createSseChatServer({ faults: true, chunkMs: 2, pingMs: 15000, basePath: '/api' });

// A deployment on Redis — redis-server, two instances of the reference server in child
// processes, a round-robin proxy — at /redis-api/, started by the first request for it (only
// the tests that use it need a redis-server). POST /redis-api/_proxy/cut breaks its open streams.
/** @type {ReturnType<typeof startDeployment> | undefined} */
let deployment;

// `TEST_FILES='test/stream/resume.test.ts' npm run test:browser` runs just those files (a glob
// works too) in one group, for a quick loop while working on them. Not for the `iife` files,
// which need the page the `iife` group builds.
const only = process.env.TEST_FILES;

export default {
  nodeResolve: { exportConditions: ['development'] },
  // TypeScript only (target auto: nothing to lower for a current Chromium). JavaScript and HTML
  // are served byte for byte as on disk: the `iife`, `examples` and `demo` groups test the
  // built files and pages exactly as users get them.
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json' }),
    {
      // `executeServerCommand('grant-clipboard')`: lets the test page read and write the real
      // clipboard (Chromium asks the user otherwise), for the copy buttons' tests.
      name: 'grant-clipboard',
      async executeCommand({ command, session }) {
        if (command !== 'grant-clipboard') return undefined;
        const page = session.browser.getPage(session.id);
        await page
          .browserContext()
          .overridePermissions(new URL(page.url()).origin, [
            'clipboard-read',
            'clipboard-write',
            'clipboard-sanitized-write',
          ]);
        return true;
      },
    },
    {
      name: 'redis-deployment',
      async serverStop() {
        await (await deployment?.catch(() => undefined))?.close();
      },
    },
  ],
  middleware: [
    async function redisDeployment(ctx, next) {
      if (!ctx.path.startsWith('/redis-api/')) return next();
      deployment ??= startDeployment({ leaseMs: 2000, chunkMs: 5 });
      const { proxy } = await deployment;
      if (ctx.path === '/redis-api/_proxy/cut') {
        ctx.body = { streams: proxy.cut() };
        return;
      }
      ctx.respond = false;
      ctx.status = 200; // as below: the proxied response speaks for itself
      ctx.res.statusMessage = '';
      proxy.handle(ctx.req, ctx.res, ctx.url.replace('/redis-api/', '/api/'));
    },
    function sseChatApi(ctx, next) {
      if (!ctx.path.startsWith('/api/')) return next();
      if (!server.handle(ctx.req, ctx.res)) return next();
      ctx.respond = false; // the reference server writes the raw response itself
      if (!ctx.res.headersSent) {
        ctx.status = 200; // not Koa's default 404: the test runner would list every stream as a 404
        ctx.res.statusMessage = ''; // ...but let the server's own status line speak ("404 Not Found")
      }
    },
  ],
  groups: only
    ? [{ name: 'only', files: only.split(',') }]
    : [
        { name: 'unit', files: 'test/unit/**/*.test.ts' },
        { name: 'stream', files: 'test/stream/**/*.test.ts' },
        // Other people's event streams, replayed byte for byte by the server's fixture endpoint.
        { name: 'conformance', files: 'test/conformance/**/*.test.ts' },
        { name: 'elements', files: 'test/elements/**/*.test.ts' },
        {
          // The built file, loaded the way legacy pages do: a classic <script>, no modules.
          name: 'iife',
          files: 'test/iife/**/*.test.ts',
          testRunnerHtml: (testFramework) => `<!doctype html>
        <html><body>
          <script src="/dist/sse-chat.iife.js"></script>
          <script type="module" src="${testFramework}"></script>
        </body></html>`,
        },
        // examples/*.html as served, each in an iframe, embedding the built files (needs a build).
        { name: 'examples', files: 'test/examples/**/*.test.ts' },
        // index.html, the demo `npm start` serves (needs a build).
        { name: 'demo', files: 'test/demo/**/*.test.ts' },
      ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  reporters: [defaultReporter(), summaryFileReporter(process.env.SSE_CHAT_TEST_SUMMARY)],
};
