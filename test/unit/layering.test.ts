/**
 * The rooms of the code base (test/helpers/layering.ts says which way imports may point): the engine's folders
 * (kernel ← analysis ← conversion ← rules ← engine), server/src/runner, server/src/lsp and server/src/cli,
 * client/src with an explicit list of server files, and common/src. The checker runs over the real tree, and
 * over the real tree with one wrong-way import planted in each room, which it must catch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { CLIENT_SERVER_IMPORTS, importsOf, layeringProblems, resolve, roomOf, type SourceFile } from '../helpers/layering.js';

function tree(dir: string): SourceFile[] {
  return fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => {
      const file = path.posix.join(dir, f.split(path.sep).join('/'));
      return { file, imports: importsOf(fs.readFileSync(path.join(repoRoot, file), 'utf8')) };
    });
}

const real = [...tree('server/src'), ...tree('client/src'), ...tree('common/src')];

test('every file sits in a room (no loose files in server/src)', () => {
  assert.ok(real.length > 100, `${real.length} files`);
  assert.deepEqual(
    real.filter((f) => roomOf(f.file) === 'other').map((f) => f.file),
    [],
  );
});

test('imports point the allowed way in every room', () => {
  assert.deepEqual(layeringProblems(real), []);
});

test('the extension imports exactly the listed server files, and they pull in no engine rule code', () => {
  const direct = new Set(
    real
      .filter((f) => roomOf(f.file) === 'client')
      .flatMap((f) => f.imports.map((i) => resolve(f.file, i.spec)))
      .filter((t): t is string => !!t && t.startsWith('server/')),
  );
  assert.deepEqual([...direct].sort(), Object.keys(CLIENT_SERVER_IMPORTS).sort());
  // What the extension bundle carries from the server: the value imports' closure.
  const byFile = new Map(real.map((f) => [f.file, f]));
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of byFile.get(file)?.imports ?? []) {
      const t = resolve(file, i.spec);
      if (t && !i.typeOnly && byFile.has(t)) visit(t);
    }
  };
  Object.entries(CLIENT_SERVER_IMPORTS).forEach(([f, kind]) => kind === 'value' && visit(f));
  assert.deepEqual([...seen].filter((f) => f.startsWith('server/')).sort(), [
    'server/src/lsp/build-context.ts',
    'server/src/lsp/diagnostic-shaping.ts',
    'server/src/lsp/diagnostics.ts',
    'server/src/lsp/settings.ts',
    'server/src/runner/costly-shape.ts',
  ]);
});

/** One wrong-way import per room: the checker must name each. */
const planted: { file: string; spec: string; typeOnly?: boolean; why: RegExp }[] = [
  { file: 'server/src/kernel/model.ts', spec: '../analysis/run-views.js', why: /kernel imports analysis, a layer above it/ },
  { file: 'server/src/analysis/run-views.ts', spec: '../rules/index.js', why: /analysis imports rules/ },
  { file: 'server/src/conversion/multi-stage.ts', spec: '../engine/lint.js', why: /conversion imports engine/ },
  { file: 'server/src/rules/apt-lists-kept.ts', spec: './cleanup-in-later-layer.js', why: /a rule imports another rule/ },
  { file: 'server/src/engine/lint.ts', spec: '../lsp/settings.js', why: /the engine \(engine\) imports lsp/ },
  { file: 'server/src/kernel/model.ts', spec: 'vscode-languageserver/node', why: /only lsp\/ speaks LSP/ },
  { file: 'server/src/runner/lint-pool.ts', spec: '../lsp/settings.js', why: /runner\/ imports lsp/ },
  { file: 'server/src/runner/lint-pool.ts', spec: '../cli/args.js', why: /runner\/ imports cli/ },
  { file: 'server/src/runner/incremental.ts', spec: 'vscode-languageserver/node', why: /only lsp\/ speaks LSP/ },
  { file: 'server/src/lsp/hover.ts', spec: '../cli/sarif.js', why: /lsp\/ imports cli\// },
  { file: 'server/src/cli/main.ts', spec: '../lsp/settings.js', why: /cli\/ imports lsp\// },
  { file: 'server/src/cli/main.ts', spec: 'vscode', why: /only client\/ knows VS Code/ },
  { file: 'client/src/extension.ts', spec: '../../server/src/engine/lint.js', why: /not in CLIENT_SERVER_IMPORTS/ },
  { file: 'client/src/extension.ts', spec: '../../server/src/kernel/types.js', why: /for more than its types/ },
  { file: 'common/src/image-layers/measured.ts', spec: '../protocol.js', typeOnly: true, why: /the wire contract sits above the libraries/ },
  { file: 'common/src/docker/docker-cli.ts', spec: '../../../server/src/kernel/types.js', why: /a common\/src library imports kernel/ },
  { file: 'common/src/protocol.ts', spec: '../../client/src/builder.js', why: /protocol imports client/ },
];

for (const p of planted) {
  test(`a planted wrong-way import is caught: ${p.file} → ${p.spec}`, () => {
    const files = real.map((f) => (f.file === p.file ? { ...f, imports: [...f.imports, { spec: p.spec, typeOnly: !!p.typeOnly }] } : f));
    assert.ok(
      files.some((f) => f.file === p.file),
      `${p.file} exists`,
    );
    const problems = layeringProblems(files);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, p.why);
  });
}

test('import specifiers are read with their kind, from real TypeScript text', () => {
  assert.deepEqual(importsOf("import type { A } from './a.js';\nimport { b } from '../b.js';\nexport { c } from './c.js';\n// from './no.js'\n"), [
    { spec: './a.js', typeOnly: true },
    { spec: '../b.js', typeOnly: false },
    { spec: './c.js', typeOnly: false },
  ]);
});
