#!/usr/bin/env node
// @ts-check
// Tokenizes Dockerfile snippets with the exact TextMate engine and grammars of VS Code 1.100.3
// (from the code-server that scripts/setup-code-server.sh installs) plus our injection grammar,
// and checks the scopes: shell inside RUN, suppression comments, and that nothing else changes.
//   node test/grammar/grammar-test.mjs [--print 'RUN apk add curl']
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { E2E_ROOT, REPO, requireSetup } from '../../scripts/e2e/code-server.mjs';

requireSetup();
const VSC = path.join(E2E_ROOT, 'node_modules/code-server/lib/vscode');
const req = createRequire(path.join(VSC, 'package.json'));
const tm = req('vscode-textmate');
const onig = req('vscode-oniguruma');
const INJECTION = 'dockerfile-slim.injection';
const files = {
  'source.dockerfile': path.join(VSC, 'extensions/docker/syntaxes/docker.tmLanguage.json'),
  'source.shell': path.join(VSC, 'extensions/shellscript/syntaxes/shell-unix-bash.tmLanguage.json'),
  [INJECTION]: path.join(REPO, 'syntaxes/dockerfile-slim.injection.tmLanguage.json'),
};

await onig.loadWASM(fs.readFileSync(path.join(path.dirname(req.resolve('vscode-oniguruma')), 'onig.wasm')).buffer);
/** @param {boolean} withInjection */
function registry(withInjection) {
  return new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (/** @type {string[]} */ s) => new onig.OnigScanner(s),
      createOnigString: (/** @type {string} */ s) => new onig.OnigString(s),
    }),
    loadGrammar: async (/** @type {string} */ scope) => {
      const f = files[scope];
      return f ? tm.parseRawGrammar(fs.readFileSync(f, 'utf8'), f) : null;
    },
    // what VS Code does with contributes.grammars[].injectTo: ["source.dockerfile"]
    getInjections: (/** @type {string} */ scope) => (withInjection && scope === 'source.dockerfile' ? [INJECTION] : []),
  });
}
const withGrammar = await registry(true).loadGrammar('source.dockerfile');
const plainGrammar = await registry(false).loadGrammar('source.dockerfile');

/** Tokens of a (multi-line) snippet as [text, scopes-joined-by-space] pairs, one array per line. */
function tokenize(/** @type {string} */ text, grammar = withGrammar) {
  let state = tm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((/** @type {any} */ t) => [line.slice(t.startIndex, t.endIndex), t.scopes.join(' ')]);
  });
}
/** Scopes of the first token whose text is `word` (searching all lines). */
function scopesOf(/** @type {string} */ text, /** @type {string} */ word) {
  const tok = tokenize(text)
    .flat()
    .find(([t]) => t.trim() === word);
  assert.ok(tok, `no token "${word}" in ${JSON.stringify(tokenize(text))}`);
  return tok[1];
}

const argv = process.argv.slice(2);
if (argv[0] === '--print') {
  for (const line of tokenize(argv[1] ?? '')) for (const [t, s] of line) console.log(JSON.stringify(t).padEnd(30), s);
  process.exit(0);
}

test('RUN shell form: the command is embedded shell', () => {
  const text = 'RUN apt-get update && apt-get install -y curl';
  assert.match(scopesOf(text, 'RUN'), /keyword\.other\.special-method\.dockerfile/);
  assert.match(scopesOf(text, '&&'), /meta\.embedded\.run\.dockerfile-slim source\.shell punctuation\.separator\.statement\.and\.shell/);
  // the first command after RUN is a command, like the ones after &&
  assert.match(scopesOf(text, 'apt-get'), /source\.shell .*entity\.name\.command\.shell/);
  assert.match(scopesOf('RUN echo hi > /tmp/x', '>'), /keyword\.operator\.redirect\.shell/);
});

test('RUN continued over backslash lines stays shell; the next instruction is Dockerfile again', () => {
  const text = 'RUN apk add --no-cache \\\n    curl \\\n && echo "$HOME" done\nCOPY . /app';
  const lines = tokenize(text);
  assert.ok(
    lines[2]?.some(([t, s]) => t === '&&' && /source\.shell/.test(s)),
    JSON.stringify(lines[2]),
  );
  assert.ok(
    lines[2]?.some(([t, s]) => t === 'HOME' && /variable\.other\.normal\.shell/.test(s)),
    'shell variables are highlighted',
  );
  assert.ok(
    lines[3]?.every(([, s]) => !/source\.shell/.test(s)),
    `COPY line left shell: ${JSON.stringify(lines[3])}`,
  );
  assert.match(scopesOf(text, 'COPY'), /keyword\.other\.special-method\.dockerfile/);
});

test('RUN flags (--mount=type=cache,...) are flags, then shell', () => {
  const text = 'RUN --mount=type=cache,target=/var/cache/apt apt-get update';
  assert.match(scopesOf(text, '--mount'), /entity\.other\.attribute-name\.flag/);
  assert.match(scopesOf(text, 'type=cache,target=/var/cache/apt'), /string\.unquoted\.flag-value/);
  assert.match(scopesOf(text, 'apt-get'), /source\.shell .*entity\.name\.command\.shell/);
});

test('RUN exec form (JSON) is not shell', () => {
  const tokens = tokenize('RUN ["apk", "add", "curl"]').flat();
  assert.ok(
    tokens.every(([, s]) => !/source\.shell/.test(s)),
    JSON.stringify(tokens),
  );
});

test('RUN heredoc: the body is shell until the delimiter', () => {
  const lines = tokenize('RUN <<EOF\nset -eux\napk add curl\nEOF\nUSER app');
  assert.ok(
    lines[1]?.some(([, s]) => /source\.shell/.test(s)),
    JSON.stringify(lines[1]),
  );
  assert.ok(
    lines[3]?.some(([t, s]) => t === 'EOF' && /heredoc-token/.test(s)),
    JSON.stringify(lines[3]),
  );
  assert.ok(
    lines[4]?.every(([, s]) => !/source\.shell/.test(s)),
    JSON.stringify(lines[4]),
  );
});

test('suppression comments: tool, directive and each rule id', () => {
  const text = '# dockerfile-slim ignore=DS003,DS004';
  assert.match(scopesOf(text, 'dockerfile-slim'), /comment\.line\.number-sign\.dockerfile meta\.suppression\.dockerfile-slim entity\.name\.tag\.tool/);
  assert.match(scopesOf(text, 'ignore'), /keyword\.control\.directive\.ignore/);
  assert.match(scopesOf(text, 'DS003'), /constant\.other\.rule-id/);
  assert.match(scopesOf(text, 'DS004'), /constant\.other\.rule-id/);
  assert.match(scopesOf('# hadolint ignore=DL3009', 'DL3009'), /constant\.other\.rule-id/);
  assert.match(scopesOf('# dockerfile-slim ignore=DS003,oops', 'oops'), /invalid\.illegal\.rule-id/);
});

test('ordinary comments and non-RUN lines tokenize exactly as without the injection', () => {
  const text = '# a comment mentioning RUN apk add\nFROM alpine:3.20 AS build\nENV A="x y"\nCMD ["sh"]\n  # hadolint is great';
  assert.deepEqual(tokenize(text), tokenize(text, plainGrammar));
});
