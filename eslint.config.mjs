// ESLint owns correctness; Prettier owns formatting (eslint-config-prettier turns off style rules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'test-results/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The engine and the server must run without VS Code (CLI, tests, benchmark).
    files: ['server/**/*.ts', 'common/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode', 'vscode-languageclient', 'vscode-languageclient/node'] }] },
  },
  {
    // The engine's layers and the shared pure code know nothing of LSP either (test/unit/layering.test.ts checks the folder order).
    files: ['server/src/{kernel,analysis,conversion,rules,engine}/**/*.ts', 'common/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'vscode',
            'vscode-languageclient',
            'vscode-languageclient/node',
            'vscode-languageserver',
            'vscode-languageserver/node',
            'vscode-languageserver-textdocument',
          ],
        },
      ],
    },
  },
  {
    // Scripts and browser-driving tests: Node globals, plus the browser's inside page.evaluate callbacks.
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
