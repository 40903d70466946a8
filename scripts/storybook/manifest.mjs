// @ts-check
/**
 * The manifest check: dist/custom-elements.json against the elements' sources and
 * components/tokens.styles.ts, and README.md against the manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, reportList } from './tally.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * @typedef {{name: string, type?: {text: string}, description?: string, default?: string,
 *   kind?: string, privacy?: string, attribute?: string, static?: boolean}} Item
 * @typedef {{name: string, tagName?: string, customElement?: boolean, members?: Item[],
 *   attributes?: Item[], events?: Item[], cssParts?: Item[], cssProperties?: Item[]}} Declaration
 */

export function checkManifest() {
  console.log('manifest (dist/custom-elements.json)');
  const file = join(root, 'dist', 'custom-elements.json');
  if (!existsSync(file)) {
    report(false, 'dist/custom-elements.json exists (run npm run build or npm run analyze)');
    return;
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Declaration[]} */
  const declarations = manifest.modules.flatMap(
    (/** @type {{declarations?: Declaration[]}} */ m) => m.declarations ?? [],
  );
  const tokens = tokenDefaults();
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const elements = {
    'sse-chat': {
      source: 'components/sse-chat.ts',
      attributes: [
        'endpoint',
        'method',
        'protocol',
        'max-retries',
        'retry-delay',
        'retry-max-delay',
        'heartbeat-timeout',
        'decode-escapes',
        'connect-timeout',
        'conversation-id',
        'history-endpoint',
        'stop-endpoint',
        'poll-endpoint',
        'placeholder',
        'disabled',
        'theme',
        'status',
        'retry-attempt',
        'retry-max',
      ],
      properties: ['headers', 'body', 'fetch', 'strings', 'messages', 'stats'],
      methods: ['send', 'regenerate', 'edit', 'stop', 'resume', 'clear'],
      events: ['sse-status', 'sse-message', 'sse-done', 'sse-error', 'sse-event', 'sse-feedback'],
      // The messages in its shadow root read the same custom properties: it documents all.
      cssProperties: Object.keys(tokens),
    },
    'sse-message': {
      // The code blocks' copy buttons are made by the markdown view it renders with.
      source: ['components/sse-message.ts', 'components/markdown-view.ts'],
      attributes: ['author', 'status', 'thinking', 'theme'],
      properties: ['think', 'answer', 'strings'],
      methods: ['appendText', 'flush', 'startEdit'],
      events: ['sse-feedback', 'sse-regenerate', 'sse-version', 'sse-edit'],
      cssProperties: usedTokens('components/sse-message.styles.ts', tokens),
    },
  };
  for (const [tag, want] of Object.entries(elements)) {
    const element = declarations.find((d) => d.customElement && d.tagName === tag);
    if (!element) {
      report(false, `${tag}: declared (@tag) in the manifest`);
      continue;
    }
    const members = element.members ?? [];
    const described = (/** @type {Item | undefined} */ item) => Boolean(item?.description?.trim());
    const missing = (/** @type {string[]} */ names, /** @type {(name: string) => boolean} */ ok) =>
      names.filter((name) => !ok(name));

    const attributes = element.attributes ?? [];
    const badAttributes = missing(want.attributes, (name) => {
      const item = attributes.find((a) => a.name === name);
      return Boolean(item?.type?.text) && described(item);
    });
    reportList(tag, 'attributes listed with type and description', badAttributes, attributes.length, {
      prefix: 'missing or bare: ',
    });

    const publicFields = members.filter((m) => m.kind === 'field' && m.privacy !== 'private' && !m.static);
    const badFields = [
      ...missing(want.properties, (name) => publicFields.some((m) => m.name === name)),
      ...publicFields.filter((m) => !m.type?.text || !described(m)).map((m) => m.name),
    ];
    reportList(tag, 'properties listed with type and description', badFields, publicFields.length, {
      prefix: 'missing or bare: ',
    });

    const methods = members.filter((m) => m.kind === 'method' && m.privacy !== 'private' && m.privacy !== 'protected');
    const badMethods = missing(want.methods, (name) => described(methods.find((m) => m.name === name)));
    const leaked = members.filter((m) => m.privacy === 'private' || m.name.startsWith('#')).map((m) => m.name);
    const missingMethods = badMethods.length ? ` — missing: ${badMethods.join(', ')}` : '';
    const privateMembers = leaked.length ? ` — private: ${leaked.join(', ')}` : '';
    report(
      badMethods.length === 0 && leaked.length === 0,
      `${tag}: methods described, no private members${missingMethods}${privateMembers}`,
    );

    const events = element.events ?? [];
    const badEvents = [
      ...missing(want.events, (name) => events.some((e) => e.name === name && e.type?.text && described(e))),
      ...events.filter((e) => !want.events.includes(e.name)).map((e) => `unexpected ${e.name}`),
    ];
    reportList(tag, 'events (@fires) with types', badEvents, events.length);

    const parts = new Set((element.cssParts ?? []).map((p) => p.name));
    const source = [want.source]
      .flat()
      .map((file) => readFileSync(join(root, file), 'utf8'))
      .join('\n');
    const rendered = new Set(
      [...source.matchAll(/\bpart="([a-z-]+)"|setAttribute\('part', '([a-z-]+)'\)/g)].map((m) => m[1] ?? m[2] ?? ''),
    );
    const badParts = [
      ...[...rendered].filter((p) => !parts.has(p)).map((p) => `undocumented ${p}`),
      ...[...parts].filter((p) => !rendered.has(p)).map((p) => `stale ${p}`),
    ];
    reportList(tag, '@csspart matches the rendered parts', badParts, parts.size);

    const props = element.cssProperties ?? [];
    const badProps = [
      ...want.cssProperties.filter((name) => !props.some((p) => p.name === name)).map((name) => `missing ${name}`),
      ...props.filter((p) => !(p.name in tokens)).map((p) => `unknown ${p.name}`),
      ...props
        .filter((p) => p.name in tokens && p.default !== tokens[p.name])
        .map((p) => `${p.name} default ${p.default} ≠ ${tokens[p.name]}`),
      ...props.filter((p) => !described(p)).map((p) => `${p.name} undescribed`),
    ];
    reportList(tag, '@cssprop with the light defaults of tokens.styles.ts', badProps, props.length, {
      separator: '; ',
    });

    // The README documents the same API: every name the manifest lists stands there in code.
    const names = new Set(
      [attributes, publicFields, methods, events, element.cssParts ?? [], props].flat().map((item) => item.name),
    );
    const undocumented = [...names].filter((name) => !readme.includes(`\`${name}`));
    reportList(tag, 'README.md documents every manifest name', undocumented, names.size, { prefix: 'missing: ' });
  }
}

/** `--sse-chat-*` → light default, from the `:host` block of components/tokens.styles.ts. */
function tokenDefaults() {
  const source = readFileSync(join(root, 'components', 'tokens.styles.ts'), 'utf8');
  const host = source.slice(source.indexOf(':host {'));
  /** @type {Record<string, string>} */
  const defaults = {};
  for (const match of host.slice(0, host.indexOf('}')).matchAll(/var\((--sse-chat-[a-z-]+),\s*([^;]+)\);/g)) {
    defaults[match[1] ?? ''] = (match[2] ?? '').replace(/\)$/, '').trim();
  }
  return defaults;
}

/** The public names of the `--_*` tokens a style file reads. */
function usedTokens(/** @type {string} */ file, /** @type {Record<string, string>} */ tokens) {
  const source = readFileSync(join(root, file), 'utf8');
  const used = new Set([...source.matchAll(/var\(--_([a-z-]+)\)/g)].map((m) => `--sse-chat-${m[1]}`));
  return Object.keys(tokens).filter((name) => used.has(name));
}

/** What a component's docs table must show: names from the manifest, one of each kind. */
export function docsTableNames(/** @type {string} */ title) {
  const tag = title.split('/').pop() ?? '';
  const manifest = JSON.parse(readFileSync(join(root, 'dist', 'custom-elements.json'), 'utf8'));
  /** @type {Declaration | undefined} */
  const element = manifest.modules
    .flatMap((/** @type {{declarations?: Declaration[]}} */ m) => m.declarations ?? [])
    .find((/** @type {Declaration} */ d) => d.tagName === tag);
  if (!element) return [`<${tag} in the manifest>`];
  return [
    ...(element.attributes ?? []).map((a) => a.name),
    ...(element.events ?? []).map((e) => e.name),
    ...(element.cssParts ?? []).map((p) => p.name),
    ...(element.cssProperties ?? []).map((p) => p.name),
  ];
}
