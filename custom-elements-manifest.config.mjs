// `npm run analyze`: the custom elements manifest, generated from the elements'
// JSDoc into dist/custom-elements.json (`customElements` in package.json), read by Storybook's
// docs (.storybook/preview.ts) and by editors. The build runs it after emptying dist/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export default {
  globs: ['components/*.ts'],
  // Styles are css`` values, not API; bundle.ts only re-exports index.ts.
  exclude: ['components/*.styles.ts', 'components/bundle.ts', '**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // The manifest's path is in package.json already; never let the analyzer rewrite that file.
  packagejson: false,
  plugins: [dropPrivateMembers(), defaultsFromConfig()],
};

/**
 * The element's settings default to the stream core's table (`maxRetries = DEFAULT_CONFIG.maxRetries`),
 * which the analyzer cannot evaluate: it would list no default. Give those fields, and their
 * attributes, the value the table holds (`5`), read from the source that declares it.
 */
function defaultsFromConfig() {
  /** `field name → default` per class, found in the analyze phase, written in the link phase. */
  const found = new Map();
  /** @type {Map<string, string> | undefined} */
  let table;
  return {
    name: 'sse-chat:defaults-from-config',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        const value = member.initializer;
        if (!ts.isPropertyDeclaration(member) || !value || !ts.isPropertyAccessExpression(value)) continue;
        if (value.expression.getText() !== 'DEFAULT_CONFIG') continue;
        table ??= readDefaultConfig(ts);
        const fields = found.get(node.name.getText()) ?? new Map();
        fields.set(member.name.getText(), table.get(value.name.getText()));
        found.set(node.name.getText(), fields);
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        const fields = found.get(declaration.name);
        if (!fields) continue;
        for (const item of [...(declaration.members ?? []), ...(declaration.attributes ?? [])]) {
          const value = fields.get(item.fieldName ?? item.name);
          if (value !== undefined) item.default = value;
        }
      }
    },
  };
}

/** `key → source text of its value` of `export const DEFAULT_CONFIG = {…}`, wherever in src/ it is. */
function readDefaultConfig(ts) {
  for (const file of readdirSync('src', { recursive: true })) {
    if (!String(file).endsWith('.ts')) continue;
    const source = ts.createSourceFile(
      String(file),
      readFileSync(join('src', String(file)), 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const { name, initializer } of statement.declarationList.declarations) {
        if (name.getText() !== 'DEFAULT_CONFIG' || !initializer || !ts.isObjectLiteralExpression(initializer)) continue;
        return new Map(
          initializer.properties
            .filter(ts.isPropertyAssignment)
            .map((p) => [p.name.getText(), p.initializer.getText()]),
        );
      }
    }
  }
  throw new Error('custom-elements-manifest.config.mjs: no `DEFAULT_CONFIG = {…}` found in src/');
}

/** Private members (`#x`, TypeScript `private`, Lit `@state`/`@query`) are not API: keep them out. */
function dropPrivateMembers() {
  return {
    name: 'sse-chat:drop-private-members',
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        if (!declaration.members) continue;
        declaration.members = declaration.members.filter(
          (member) => member.privacy !== 'private' && !member.name.startsWith('#'),
        );
      }
    },
  };
}
