// ESLint: typescript-eslint's recommended rules for every source file, Lit's and the web
// components plugin's for the elements, the Node globals for the server and scripts. Formatting
// is Prettier's alone (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'storybook-static/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // chai's property assertions (`expect(x).to.exist`) are expressions by design.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  { files: ['components/**/*.ts', 'stories/**/*.ts', 'test/**/*.ts'], ...lit.configs['flat/recommended'] },
  { files: ['components/**/*.ts'], ...wc.configs['flat/recommended'] },
  { languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['server/**/*.js', 'scripts/**/*.mjs', '*.mjs', '*.js', '.storybook/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  prettier,
);
