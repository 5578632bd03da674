/**
 * The layers of the engine, as folders: kernel (model, shell, edits) ← analysis (what a Dockerfile's
 * RUNs do) ← conversion (multi-stage) ← rules ← engine (lint/fix over all rules) ← adapters (server,
 * CLI, client). A folder imports only folders below it, and nothing below the adapters imports LSP
 * or VS Code, so the engine runs in the CLI, the tests and the benchmark as it does in the editor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const ORDER = ['kernel', 'analysis', 'conversion', 'rules', 'engine'];
const PURE = [...ORDER.map((d) => path.join('server', 'src', d)), path.join('common', 'src')];
const EDITOR_MODULES = /^(vscode|vscode-languageserver(\/.*)?|vscode-languageserver-textdocument|vscode-languageclient(\/.*)?)$/;

function files(dir: string): string[] {
  const abs = path.join(repoRoot, dir);
  return fs
    .readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

test('engine folders import only the folders below them (no folder cycle)', () => {
  const problems: string[] = [];
  ORDER.forEach((layer, rank) => {
    for (const file of files(path.join('server', 'src', layer))) {
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.relative(path.join(repoRoot, 'server', 'src'), path.resolve(path.dirname(path.join(repoRoot, file)), spec));
        const top = target.split(path.sep)[0] ?? '';
        const targetRank = ORDER.indexOf(top);
        if (top === '..') continue; // common/src: pure code shared with the client
        if (targetRank === -1) problems.push(`${file} imports ${spec}: outside the engine's layers`);
        else if (targetRank > rank) problems.push(`${file} (${layer}) imports ${spec} (${top}, a layer above it)`);
      }
    }
  });
  assert.deepEqual(problems, []);
});

test('nothing below the adapters imports VS Code or LSP modules', () => {
  const offenders = PURE.flatMap((dir) =>
    files(dir).flatMap((f) =>
      imports(f)
        .filter((s) => EDITOR_MODULES.test(s))
        .map((s) => `${f}: ${s}`),
    ),
  );
  assert.deepEqual(offenders, []);
});
