// ESLint owns correctness; Prettier owns formatting (eslint-config-prettier turns off style rules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const EDITOR = ['vscode', 'vscode-languageclient', 'vscode-languageclient/node'];
const LSP = ['vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument'];
const ENGINE = ['kernel', 'analysis', 'conversion', 'rules', 'engine'];

/** One config per room: the packages it may not import, and regexes of relative paths it may not import. */
function rooms() {
  const restrict = (files, paths, patterns, ignores) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': /** @type {['error', object]} */ (['error', { paths, patterns: patterns.map(([regex, message]) => ({ regex, message })) }]),
    },
  });
  const above = (i) => [...ENGINE.slice(i + 1), 'lsp', 'runner', 'cli'].join('|');
  return [
    restrict(['server/**/*.ts'], EDITOR, []),
    ...ENGINE.map((dir, i) =>
      restrict([`server/src/${dir}/**/*.ts`], [...EDITOR, ...LSP], [[`(^|/)(${above(i)})/`, `${dir}/ imports only the engine folders below it`]]),
    ),
    restrict(
      ['server/src/rules/*.ts'],
      [...EDITOR, ...LSP],
      [
        [`(^|/)(${above(3)})/`, 'rules/ imports only the engine folders below it'],
        ['^\\./', 'a rule imports no other rule (shared analysis goes to analysis/)'],
      ],
      ['server/src/rules/index.ts'],
    ),
    restrict(['server/src/runner/**/*.ts'], [...EDITOR, ...LSP], [['(^|/)(lsp|cli)/', 'runner/ knows neither the language server nor the CLI']]),
    restrict(['server/src/lsp/**/*.ts'], EDITOR, [['(^|/)cli/', 'lsp/ and cli/ never import each other']]),
    restrict(['server/src/cli/**/*.ts'], [...EDITOR, ...LSP], [['(^|/)lsp/', 'lsp/ and cli/ never import each other']]),
    restrict(
      ['client/src/**/*.ts'],
      [],
      [
        [
          '(^|/)server/src/(?!(lsp/(diagnostics|settings|build-context)|runner/costly-shape|kernel/types)\\.js$)',
          'client/ imports only the server files in CLIENT_SERVER_IMPORTS (test/helpers/layering.ts)',
        ],
      ],
    ),
    restrict(['common/src/*.ts'], [...EDITOR, ...LSP], [['(^|/)(server|client)/', 'common/src imports nothing from server/ or client/']]),
    restrict(
      ['common/src/*/**/*.ts'],
      [...EDITOR, ...LSP],
      [
        ['(^|/)(server|client)/', 'common/src imports nothing from server/ or client/'],
        ['^\\.\\./protocol\\.js$', 'the wire contract (protocol.ts) sits above the libraries'],
      ],
    ),
  ];
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'test-results/**', '**/*.js', 'test/docker/npm-app/**'] },
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
  // The rooms and which way their imports point (mirrors test/helpers/layering.ts, which test/unit/layering.test.ts runs).
  ...rooms(),
  {
    // Scripts and browser-driving tests: Node globals, plus the browser's inside page.evaluate callbacks.
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
