// `npm run analyze`: the custom elements manifest (STYLE §12), generated from the elements'
// JSDoc into dist/custom-elements.json (`customElements` in package.json), read by Storybook's
// docs (.storybook/preview.ts) and by editors. The build runs it after emptying dist/.
export default {
  globs: ['components/*.ts'],
  // Styles are css`` values, not API; bundle.ts only re-exports index.ts.
  exclude: ['components/*.styles.ts', 'components/bundle.ts', '**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  // The manifest's path is in package.json already; never let the analyzer rewrite that file.
  packagejson: false,
  plugins: [dropPrivateMembers()],
};

/** Private members (`#x`, TypeScript `private`, Lit `@state`/`@query`) are not API: keep them out. */
function dropPrivateMembers() {
  return {
    name: 'sse-chat:drop-private-members',
    moduleLinkPhase({ moduleDoc }) {
      for (const declaration of moduleDoc.declarations ?? []) {
        if (!declaration.members) continue;
        declaration.members = declaration.members.filter((member) => member.privacy !== 'private' && !member.name.startsWith('#'));
      }
    },
  };
}
