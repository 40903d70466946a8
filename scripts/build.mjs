#!/usr/bin/env node
// One build, three outputs and the manifest:
//   dist/src/**         npm ESM, one module per source file, dependencies external, + .d.ts
//   dist/sse-chat.js    one self-contained minified ES module
//   dist/sse-chat.iife.js  one classic <script> file, global `SseChat`
//   dist/custom-elements.json  the manifest, from the elements' JSDoc
import { build } from 'esbuild';
import { minify } from 'terser';
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
/**
 * esbuild does not minify the CSS inside Lit's css`…` templates. This drops its comments and
 * collapses its white space (keeping one space where a selector or value needs it: only
 * the space around `{`, `}`, `;` and `,` and after `:` goes), about 0.4 KB gzipped.
 * @type {import('esbuild').Plugin}
 */
const minifyCssTemplates = {
  name: 'minify-css-templates',
  setup(build) {
    build.onLoad({ filter: /\.styles\.ts$/ }, async ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source.replace(/css`([^`]*)`/g, (_, body) => {
        const css = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,])\s*/g, '$1')
          .replace(/:\s+/g, ':')
          .trim();
        return `css\`${css}\``;
      });
      return { contents, loader: 'ts' };
    });
  },
};
/** `name` as a literal piece of a RegExp (minified identifiers may hold `$`). */
const literal = (name) => name.replace(/[$]/g, '\\$&');

/**
 * marked's module ends by making its default instance (`marked()`, `marked.use()`, …): top-level
 * statements esbuild must keep, and with them the `Marked` class and its extension machinery,
 * though src/markdown/render.ts uses only `Lexer` and `Parser`. This cuts that tail and exports
 * the classes alone, 1.7 KB gzipped. The code before the cut is as published (the source map
 * still fits); a marked whose module does not end that way fails the build.
 * @type {import('esbuild').Plugin}
 */
const markedWithoutDefaultInstance = {
  name: 'marked-without-default-instance',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]marked[\\/]lib[\\/]marked\.esm\.js$/ }, ({ path }) => {
      const fail = (why) => {
        throw new Error(`${path}: ${why}; update markedWithoutDefaultInstance in scripts/build.mjs`);
      };
      const source = readFileSync(path, 'utf8');
      const clause = /export\{([^}]*)\};?\s*(\/\/# sourceMappingURL=\S+\s*)?$/.exec(source);
      if (!clause) fail('no export clause at the end');
      /** exported name → local name */
      const locals = new Map(
        clause[1].split(',').map((entry) => {
          const [local, exported = local] = entry.trim().split(/\s+as\s+/);
          return [exported, local];
        }),
      );
      const marked = locals.get('Marked');
      const start = marked ? source.search(new RegExp(`var [\\w$]+=new ${literal(marked)};`)) : -1;
      if (start === -1) fail('no `var … = new Marked;` default instance');
      const tail = source.slice(start, clause.index);
      const kept = ['Lexer', 'Parser', 'Renderer', 'TextRenderer', 'Tokenizer', 'Hooks', 'getDefaults'].map((name) => {
        const local = locals.get(name) ?? fail(`no export ${name}`);
        if (new RegExp(`(?:^|[^\\w$.])${literal(local)}=(?!=)|function ${literal(local)}\\(`).test(tail))
          fail(`${name} is declared after the default instance`);
        return `${local} as ${name}`;
      });
      const contents = `${source.slice(0, start)}export{${kept.join(',')}};\n${clause[2] ?? ''}`;
      return { contents, loader: 'js' };
    });
  },
};

/**
 * DOMPurify's ES module opens with Babel helpers: an `AsyncGenerator` that nothing calls (its
 * prototype assignments keep it in a bundle) and `_slicedToArray`, used once to destructure an
 * `Object.entries` pair, which is an array already and which it returns as it is. This drops
 * them (that call becomes the pair itself), with the regenerator-runtime notice that covers
 * them, 0.9 KB gzipped; the sanitizer's own code is as published, on the same lines. A
 * DOMPurify whose helpers differ fails the build.
 * @type {import('esbuild').Plugin}
 */
const dompurifyWithoutBabelHelpers = {
  name: 'dompurify-without-babel-helpers',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]dompurify[\\/]dist[\\/]purify\.es\.mjs$/ }, ({ path }) => {
      const fail = (why) => {
        throw new Error(`${path}: ${why}; update dompurifyWithoutBabelHelpers in scripts/build.mjs`);
      };
      const source = readFileSync(path, 'utf8');
      const start = source.indexOf('function _OverloadYield(');
      const end = source.indexOf('const entries = Object.entries;');
      if (start === -1 || end < start) fail('the Babel helpers are not where expected');
      const helpers = source.slice(start, end);
      const names = [...helpers.matchAll(/^function (\w+)\(/gm)].map((match) => match[1]);
      const expected = [
        '_OverloadYield',
        '_arrayLikeToArray',
        '_arrayWithHoles',
        '_iterableToArrayLimit',
        '_nonIterableRest',
        '_slicedToArray',
        '_unsupportedIterableToArray',
        'AsyncGenerator',
      ];
      if (names.join() !== expected.join()) fail(`unexpected helpers ${names.join(', ')}`);
      const pair = 'for (const _ref2 of entries(object)) {\n\t\tvar _ref3 = _slicedToArray(_ref2, 2);';
      let rest = source.slice(end);
      if (!rest.includes(pair)) fail('`_slicedToArray` is not used as expected');
      rest = rest.replace(pair, 'for (const _ref2 of entries(object)) {\n\t\tvar _ref3 = _ref2;');
      const used = expected.find((name) => new RegExp(`\\b${name}\\b`).test(rest));
      if (used) fail(`${used} is still used`);
      // Blank lines in their place keep every later line where the published source map says.
      const blank = '\n'.repeat(helpers.split('\n').length - 1);
      return { contents: source.slice(0, start) + blank + rest, loader: 'js' };
    });
  },
};

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
    plugins: [minifyCssTemplates, markedWithoutDefaultInstance, dompurifyWithoutBabelHelpers],
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

/**
 * esbuild keeps every bundled file's license comment at the end of the file, each under the
 * list of files it covers: Lit alone repeats its three-line notice for fifteen files, about
 * 0.5 KB gzipped. This keeps each distinct notice once, under the packages it covers, on
 * one line. The block follows all the code, so the source map is unaffected.
 * @param {URL} file
 */
function compactLegalComments(file) {
  const code = readFileSync(file, 'utf8');
  const start = code.lastIndexOf('/*! Bundled license information:');
  if (start === -1) return;
  const end = code.indexOf('*/', start);
  /** @type {Map<string, Set<string>>} notice → packages */
  const notices = new Map();
  let files = [];
  for (const block of code.slice(start, end).split('\n\n').slice(1)) {
    const lines = block.split('\n');
    const paths = lines.filter((line) => /^\S.*:$/.test(line)).map((line) => line.slice(0, -1));
    files.push(...paths);
    const text = lines
      .filter((line) => /^\s/.test(line))
      .map((line) => line.trim().replace(/^\(\*\*?!?\s*|\s*\*\)$|^\*\s?/g, ''))
      .filter((line) => line && line !== '@license')
      .join(' ');
    if (!text) continue;
    const packages = notices.get(text) ?? new Set();
    for (const path of files) packages.add(path.startsWith('@') ? path.split('/', 2).join('/') : path.split('/')[0]);
    notices.set(text, packages);
    files = [];
  }
  const lines = [...notices].map(([text, packages]) => `${[...packages].join(', ')}: ${text}`);
  // Some runtime dependencies (marked, eventsource-parser, fetch-event-source) ship no license
  // comment that esbuild would keep, yet their licenses ask for the copyright notice in every
  // copy: it is taken from their LICENSE files.
  const covered = new Set([...notices.values()].flatMap((packages) => [...packages]));
  const { dependencies = {} } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const name of Object.keys(dependencies).filter((dep) => !covered.has(dep))) {
    const dir = new URL(`../node_modules/${name}/`, import.meta.url);
    const license = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => new URL(f, dir)).find((f) => existsSync(f));
    if (!license) continue;
    const { version, license: kind } = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8'));
    const copyright = readFileSync(license, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^copyright\b/i.test(line) && !/notice/i.test(line));
    if (copyright.length > 0) lines.push(`${name} ${version}: ${copyright.join('; ')} (${kind} License)`);
  }
  writeFileSync(
    file,
    `${code.slice(0, start)}/*! Bundled license information:\n${lines.join('\n')}\n${code.slice(end)}`,
  );
}

/**
 * A second minifier over esbuild's output: terser names identifiers by how often they occur
 * and compresses over several passes, which leaves text gzip packs better — 1.8 KB gzipped
 * less on the classic script, about 3 % (bench/README.md#bundle-size). esbuild alone stays
 * the bundler (and the minifier of everything else: it is forty times faster). The source map
 * is carried through: terser composes its own over esbuild's. The `/*!` license block at the
 * end is kept as it is.
 * @param {URL} file a self-contained bundle with its `.map` beside it
 * @param {{module: boolean}} options `module`: an ES module (its top-level names may be mangled)
 */
async function terse(file, { module }) {
  const name = file.pathname.split('/').pop();
  const mapFile = new URL(`${name}.map`, file);
  const { code, map } = await minify(readFileSync(file, 'utf8'), {
    ecma: 2022,
    module,
    compress: { passes: 3 },
    mangle: true,
    format: { comments: /^!/ },
    sourceMap: { content: readFileSync(mapFile, 'utf8'), url: `${name}.map` },
  });
  if (code === undefined || typeof map !== 'string') throw new Error(`terser gave no output for ${name}`);
  writeFileSync(file, code);
  writeFileSync(mapFile, map);
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
    // The demo page's code highlighting: highlight.js (a dev dependency, in no bundle of the
    // package) and its GitHub themes as text, one module the page imports.
    build({
      absWorkingDir: root,
      stdin: {
        contents: [
          "export { default as hljs } from 'highlight.js/lib/common';",
          "export { default as light } from 'highlight.js/styles/github.min.css';",
          "export { default as dark } from 'highlight.js/styles/github-dark.min.css';",
        ].join('\n'),
        resolveDir: root,
      },
      bundle: true,
      format: 'esm',
      minify: true,
      target: TARGET,
      loader: { '.css': 'text' },
      outfile: 'dist/demo/highlight.js',
      logLevel: 'warning',
    }),
  ]);
  moveStrictIntoIife(new URL('../dist/sse-chat.iife.js', import.meta.url));
  for (const name of ['sse-chat.iife.js', 'sse-chat.js']) {
    const file = new URL(`../dist/${name}`, import.meta.url);
    compactLegalComments(file);
    await terse(file, { module: name === 'sse-chat.js' });
  }
  execFileSync(
    process.execPath,
    [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // The server library is plain JavaScript with JSDoc types: its declarations for TypeScript users.
  execFileSync(
    process.execPath,
    [
      new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname,
      ...['--allowJs', '--declaration', '--emitDeclarationOnly', '--skipLibCheck'],
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'],
      ...['--types', 'node', '--outDir', 'dist/server', 'server/lib/index.js'],
    ],
    { cwd: root, stdio: 'inherit' },
  );
  // dist/custom-elements.json from the elements' JSDoc (custom-elements-manifest.config.mjs).
  execFileSync(
    process.execPath,
    [
      new URL('../node_modules/@custom-elements-manifest/analyzer/cem.js', import.meta.url).pathname,
      'analyze',
      '--quiet',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (!quiet) console.log(`built dist/ in ${Date.now() - started} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildAll().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
