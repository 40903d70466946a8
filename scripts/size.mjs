#!/usr/bin/env node
// `npm run size`: the bundle budget. Measures the self-contained files as shipped (minified,
// legal comments included) and gzipped at level 9, prints one line each, and exits 1 when
// the classic-script file is over budget. Builds first when dist/ has no bundle yet.
// `npm test` runs the same check after its build (checkSize()).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildAll, bundleOptions } from './build.mjs';

/**
 * 56 KB gzipped for the file legacy pages load with a <script> tag: the measured size plus
 * room for small changes, so that a regression fails the check — a dependency bundled twice
 * or in its development build, a large new module. The runtime dependencies take about
 * 32 KB of it; where the rest goes: bench/README.md#bundle-size.
 */
export const BUDGET_BYTES = 56 * 1024;

/** What is measured; only the classic-script file has a budget (the ES module is shown for comparison). */
export const BUNDLES = [
  { file: 'dist/sse-chat.iife.js', budget: BUDGET_BYTES },
  { file: 'dist/sse-chat.js', budget: undefined },
];

const root = new URL('..', import.meta.url);
const bytes = (n) => `${n.toLocaleString('en-US')} B`;

/**
 * Minified and gzip -9 sizes of each bundle.
 * @returns {Array<{file: string, minified: number, gzipped: number, budget: number | undefined, ok: boolean}>}
 */
export function measureBundles() {
  return BUNDLES.map(({ file, budget }) => {
    const contents = readFileSync(new URL(file, root));
    const gzipped = gzipSync(contents, { level: 9 }).length;
    return { file, minified: contents.length, gzipped, budget, ok: budget === undefined || gzipped <= budget };
  });
}

/** One line per bundle, e.g. "dist/sse-chat.iife.js: 98,765 B minified, 34,567 B gzipped — budget 46,080 B (45 KB): OK". */
export function formatSize({ file, minified, gzipped, budget, ok }) {
  const sizes = `${file}: ${bytes(minified)} minified, ${bytes(gzipped)} gzipped`;
  if (budget === undefined) return `${sizes} (no budget)`;
  const verdict = ok ? 'OK' : `OVER by ${bytes(gzipped - budget)}`;
  return `${sizes} — budget ${bytes(budget)} (${budget / 1024} KB): ${verdict}`;
}

/**
 * Minified bytes each package (or our own source) contributes to the classic-script file,
 * largest first, from esbuild's metafile of the same build.
 * @returns {Promise<Array<[string, number]>>}
 */
export async function bundleShares() {
  const result = await build({ ...bundleOptions('iife'), write: false, metafile: true, logLevel: 'silent' });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  /** @type {Map<string, number>} */
  const shares = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'sse-chat (src/, components/)';
    shares.set(name, (shares.get(name) ?? 0) + bytesInOutput);
  }
  return [...shares].sort((a, b) => b[1] - a[1]);
}

/** Measures, prints, and returns whether every budget holds. Builds when a bundle is missing. */
export async function checkSize({ log = console.log, shares = false } = {}) {
  if (BUNDLES.some(({ file }) => !existsSync(new URL(file, root)))) await buildAll();
  const results = measureBundles();
  for (const result of results) log(formatSize(result));
  if (shares) {
    log('minified bytes by package in dist/sse-chat.iife.js:');
    for (const [name, size] of await bundleShares()) log(`  ${bytes(size).padStart(10)}  ${name}`);
  }
  return results.every((result) => result.ok);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  checkSize({ shares: true })
    .then((ok) => process.exit(ok ? 0 : 1))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
