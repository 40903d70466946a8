#!/usr/bin/env node
// One build, three outputs (STYLE §15):
//   dist/src/**         npm ESM, one module per source file, dependencies external, + .d.ts
//   dist/sse-chat.js    one self-contained minified ES module
//   dist/sse-chat.iife.js  one classic <script> file, global `SseChat`
//   dist/custom-elements.json  the manifest, from the elements' JSDoc
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const define = { __SSE_CHAT_VERSION__: JSON.stringify(version) };
/**
 * ES2022 keeps `#private` members as they are: lowered to ES2021 they become WeakMaps and
 * helper calls (1.2 KB gzipped). It asks nothing more of a browser than the code already
 * does (`Array.prototype.at`, `crypto.randomUUID`: Chrome 92, Firefox 95, Safari 15.4).
 */
const TARGET = 'es2022';
/** The entry of the self-contained files: everything, tags registered. */
const bundleEntry = 'components/bundle.ts';

/**
 * The esbuild options of a self-contained file: everything inlined, minified, tags registered.
 * @param {'esm' | 'iife'} format `esm` → dist/sse-chat.js, `iife` → dist/sse-chat.iife.js (global `SseChat`)
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleOptions(format) {
  return {
    absWorkingDir: root,
    entryPoints: [bundleEntry],
    outfile: format === 'iife' ? 'dist/sse-chat.iife.js' : 'dist/sse-chat.js',
    bundle: true,
    format,
    ...(format === 'iife' ? { globalName: 'SseChat' } : {}),
    minify: true,
    target: TARGET,
    legalComments: 'eof',
    define,
    logLevel: 'warning',
  };
}

/**
 * esbuild writes an IIFE's `"use strict"` above the function, where it applies to the whole
 * file: a legacy build step that concatenates this file before sloppy-mode scripts (Sprockets,
 * Grunt, a CMS's combiner) would make them strict too. Moved inside the function, it covers
 * our code only. Same length and all on line 1 before any mapped code, so the source map fits.
 * @param {URL} file
 */
function moveStrictIntoIife(file) {
  const code = readFileSync(file, 'utf8');
  const outside = '"use strict";var SseChat=(()=>{';
  if (!code.startsWith(outside)) throw new Error(`dist/sse-chat.iife.js starts unexpectedly: ${code.slice(0, 40)}`);
  writeFileSync(file, `var SseChat=(()=>{"use strict";${code.slice(outside.length)}`);
}

export async function buildAll({ quiet = false } = {}) {
  const started = Date.now();
  rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
  const sources = ['src', 'components']
    .filter((dir) => existsSync(new URL(`../${dir}`, import.meta.url)))
    .flatMap((dir) =>
    readdirSync(new URL(`../${dir}`, import.meta.url), { recursive: true })
      .map((file) => `${dir}/${file}`)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
  );
  await Promise.all([
    build({
      absWorkingDir: root,
      entryPoints: sources,
      outdir: 'dist',
      outbase: '.',
      format: 'esm',
      target: TARGET,
      sourcemap: true,
      define,
      logLevel: 'warning',
    }),
    build({ ...bundleOptions('esm'), sourcemap: true }),
    build({ ...bundleOptions('iife'), sourcemap: true }),
  ]);
  moveStrictIntoIife(new URL('../dist/sse-chat.iife.js', import.meta.url));
  execFileSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // dist/custom-elements.json from the elements' JSDoc (custom-elements-manifest.config.mjs).
  execFileSync(process.execPath, [new URL('../node_modules/@custom-elements-manifest/analyzer/cem.js', import.meta.url).pathname, 'analyze', '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!quiet) console.log(`built dist/ in ${Date.now() - started} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildAll().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
