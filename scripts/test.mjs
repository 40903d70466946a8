#!/usr/bin/env node
// `npm test`: the server's node tests, lint and format checks, a build (one browser group loads the built
// classic-script file) and its size budget, then every browser test in Chromium, then the Storybook
// (built, its manifest checked, every story opened: scripts/test-storybook.mjs). Ends with
// one line: "N passed, M failed" over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sse-chat-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const bin = (name) => join(root, 'node_modules', '.bin', name);

// 1. Node tests: the reference server's, and `npm start`'s (scripts/test/). node --test,
// TAP copy to a file for the counts. Node 20 has no globs and would run helper modules as
// test files, so the test files are listed.
const serverTests = [
  ['server', 'test'],
  ['scripts', 'test'],
].flatMap((dir) =>
  readdirSync(join(root, ...dir))
    .filter((f) => /\.test\.m?js$/.test(f))
    .map((f) => join(...dir, f)),
);
const tap = join(work, 'server.tap');
const node = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...serverTests,
  ],
  { cwd: root, stdio: 'inherit' },
);
const tapText = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const tapCount = (key) => Number(tapText.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
totals.passed += tapCount('pass');
totals.failed += tapCount('fail') + (node.status !== 0 && tapCount('fail') === 0 ? 1 : 0);
totals.skipped += tapCount('skipped');

// Lint and format (`npm run lint`): each counts as one check, passed or failed.
for (const [name, args] of [
  ['eslint', ['.', '--max-warnings', '0']],
  ['prettier', ['--check', '.']],
]) {
  const check = spawnSync(bin(name), args, { cwd: root, stdio: 'inherit' });
  if (check.status === 0) totals.passed++;
  else {
    console.error(`${name} failed: run \`npm run format\`, then \`npm run lint\``);
    totals.failed++;
  }
}

// 2. Type-check everything (tests included), build, then 3. the browser tests.
// The elements, tests and stories (tsconfig.json), then the reference server's JSDoc types.
for (const project of ['.', 'server']) {
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (tsc.status !== 0) {
    console.error(`type check failed (${project === '.' ? 'tsconfig.json' : `${project}/tsconfig.json`})`);
    totals.failed++;
  }
}
try {
  await buildAll();
} catch (error) {
  console.error(error);
  totals.failed++;
}
// The bundle budget (`npm run size`): one check, passed or failed.
try {
  const { checkSize } = await import('./size.mjs');
  if (await checkSize()) totals.passed++;
  else {
    console.error('bundle budget exceeded');
    totals.failed++;
  }
} catch (error) {
  console.error(error);
  totals.failed++;
}
const summary = join(work, 'browser.json');
const wtr = spawnSync(bin('web-test-runner'), process.argv.slice(2), {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SSE_CHAT_TEST_SUMMARY: summary },
});
if (existsSync(summary)) {
  const browser = JSON.parse(readFileSync(summary, 'utf8'));
  totals.passed += browser.passed;
  totals.failed += browser.failed;
  totals.skipped += browser.skipped;
}
if (wtr.status !== 0 && !existsSync(summary)) totals.failed++;
if (wtr.status !== 0 && totals.failed === 0) totals.failed++; // runner failed for another reason

// 4. The Storybook: build it (its log only when it fails), then check the manifest and open
// every story in Chromium.
const storyCounts = join(work, 'storybook.json');
const storybookStarted = Date.now();
const storybook = spawnSync(bin('storybook'), ['build', '-o', 'storybook-static', '--disable-telemetry', '--quiet'], {
  cwd: root,
  encoding: 'utf8',
});
if (storybook.status === 0) console.log(`\nbuilt storybook-static/ in ${Date.now() - storybookStarted} ms`);
else console.error(`${storybook.stdout ?? ''}${storybook.stderr ?? ''}\nstorybook build failed`);
const stories =
  storybook.status === 0
    ? spawnSync(process.execPath, [join(root, 'scripts', 'test-storybook.mjs'), `--json=${storyCounts}`], {
        cwd: root,
        stdio: 'inherit',
      })
    : undefined;
if (stories && existsSync(storyCounts)) {
  const counts = JSON.parse(readFileSync(storyCounts, 'utf8'));
  totals.passed += counts.passed;
  totals.failed += counts.failed;
} else totals.failed++;

console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 || node.status !== 0 || wtr.status !== 0 || stories?.status !== 0 ? 1 : 0);
