/** The rule registry's invariants, and generated docs / settings schema kept in sync with it. */
import type { ContextFacts } from '../../common/src/build-context/types.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintDetailed, rules } from '../../server/src/engine/index.js';
import { readFixture } from '../helpers/fixture.js';
import { generatedFiles } from '../helpers/generate-files.js';
import { fixturesDir, repoRoot } from '../helpers/paths.js';

test('rule ids are unique, well-formed and in order; names are kebab-case', () => {
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  for (const r of rules) {
    assert.match(r.id, /^DS\d{3}$/);
    assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const k of ['summary', 'why', 'bad', 'good'] as const) assert.ok(r.docs[k] && r.docs[k] !== 'TODO', `${r.id} docs.${k} missing`);
  }
  // The catalogue in docs/rules/README.md is generated from this registry, so the ids must be contiguous.
  assert.deepEqual(
    ids,
    ids.map((_, i) => `DS${String(i + 1).padStart(3, '0')}`),
    'rule ids must be DS001, DS002, … without gaps (ids are never reused)',
  );
});

test("each rule's `fixable` claim holds on its fixture", () => {
  const problems: string[] = [];
  for (const r of rules) {
    // The rule's fixture, plus variants `DSxxx.<case>.Dockerfile` for cases one file cannot hold (e.g. a final stage).
    const dir = path.join(fixturesDir, 'rules');
    const files = [
      `${r.id}.Dockerfile`,
      ...fs.readdirSync(dir).filter((f) => f.startsWith(`${r.id}.`) && f.endsWith('.Dockerfile') && f !== `${r.id}.Dockerfile`),
    ];
    const own = files.flatMap((file) => {
      const fx = readFixture(path.join(dir, file), r.id);
      const found = lintDetailed(fx.text, fx.options).filter((f) => f.rule === r.id);
      if (found.length === 0) problems.push(`${file} does not fire ${r.id}`);
      return found;
    });
    const withFix = own.filter((f) => f.fixDetail).length;
    const claim = `${r.id} claims fixable: '${r.fixable}'`;
    if (r.fixable === 'always' && withFix < own.length) problems.push(`${claim}, but ${own.length - withFix} of its fixture findings have no fix`);
    if (r.fixable === 'none' && withFix > 0) problems.push(`${claim}, but its fixture has ${withFix} findings with a fix`);
    if (r.fixable === 'sometimes' && withFix === 0) problems.push(`${claim}, but no fixture finding has a fix (should it be 'none'?)`);
    if (r.fixable === 'sometimes' && withFix === own.length) {
      problems.push(`${claim}, but every fixture finding has a fix: add a case without one, or claim 'always'`);
    }
  }
  assert.deepEqual(problems, []);
});

const SHIPS_GIT: ContextFacts = {
  ignoreFile: '.dockerignore',
  complete: true,
  leaks: [{ kind: 'git', path: '.git', pattern: '.git', bytes: 50e6, files: 400, paths: ['.git'] }],
};

/** DS019 reads package.json from the context: one with devDependencies. */
const NODE_DEV: ContextFacts = {
  ignoreFile: '.dockerignore',
  complete: true,
  leaks: [],
  node: [{ dir: '', dependencies: 1, devDependencies: ['typescript'], installScripts: {}, prisma: false }],
};

/** Docs examples may be snippets of one stage: lint them as a file with a base image when they have none. */
function asFile(snippet: string): string {
  return /^\s*FROM\s/im.test(snippet) ? snippet : `FROM alpine:3.20\n${snippet}`;
}

test('docs.bad fires the rule and docs.good is clean of it', () => {
  const problems: string[] = [];
  for (const r of rules) {
    // DS012 is about the build context: its bad example has no .dockerignore, its good one has.
    // DS017 reads a measured context: its bad example's context ships .git; its good one is the fixed .dockerignore (no leak).
    const bad = lintDetailed(asFile(r.docs.bad), {
      dockerignoreExists: r.id === 'DS017',
      context: r.id === 'DS017' ? SHIPS_GIT : r.id === 'DS019' ? NODE_DEV : undefined,
    }).filter((f) => f.rule === r.id);
    if (bad.length === 0) problems.push(`${r.id} docs.bad does not fire ${r.id}`);
    const good = lintDetailed(asFile(r.docs.good), {
      dockerignoreExists: r.id === 'DS012' || r.id === 'DS017',
      ...(r.id === 'DS019' ? { context: NODE_DEV } : {}),
    }).filter((f) => f.rule === r.id);
    for (const f of good) problems.push(`${r.id} docs.good fires ${r.id} at line ${f.line}: ${f.message}`);
  }
  assert.deepEqual(problems, []);
});

const STALE = 'run `npm run generate`';

test('docs/rules are generated from rule metadata', () => {
  for (const [file, content] of generatedFiles()) {
    if (!file.startsWith('docs/')) continue;
    const abs = path.join(repoRoot, file);
    assert.ok(fs.existsSync(abs), `${file} missing: ${STALE}`);
    assert.equal(fs.readFileSync(abs, 'utf8'), content, `${file} is stale: ${STALE}`);
  }
  const pages = fs.readdirSync(path.join(repoRoot, 'docs', 'rules')).filter((f) => /^DS\d+\.md$/.test(f));
  assert.deepEqual(pages.sort(), rules.map((r) => `${r.id}.md`).sort(), 'one page per rule, none left over');
});

test('package.json dockerfileSlim.rules schema is generated from rule metadata', () => {
  type Prop = { properties?: unknown; default?: unknown; markdownDescription?: string; description?: string };
  const props = (text: string): Prop | undefined =>
    (JSON.parse(text) as { contributes: { configuration: { properties: Record<string, Prop> } } }).contributes.configuration.properties['dockerfileSlim.rules'];
  const actual = props(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.ok(actual, 'dockerfileSlim.rules missing from package.json');
  const expected = props(generatedFiles().get('package.json')!)!;
  assert.deepEqual(actual.properties, expected.properties, `package.json rules schema is stale: ${STALE}`);
  assert.deepEqual(actual.default, expected.default, `package.json rules default (every rule listed) is stale: ${STALE}`);
  assert.equal(actual.markdownDescription, expected.markdownDescription, `package.json rules description is stale: ${STALE}`);
});

test('every setting declares a scope: the language client and the provisional diagnostics read the whole section per document', () => {
  // VS Code warns ("Accessing a window scoped configuration for a resource is not expected") for each read of
  // `dockerfileSlim` with a resource while any of its settings has no scope (window scope).
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } | { properties: Record<string, { scope?: string }> }[] };
  };
  const props = [pkg.contributes.configuration].flat().flatMap((c) => Object.entries(c.properties));
  assert.ok(props.length > 5);
  const unscoped = props
    .filter(([, v]) => !['resource', 'machine', 'machine-overridable', 'language-overridable', 'application'].includes(v.scope ?? ''))
    .map(([k]) => k);
  assert.deepEqual(unscoped, []);
});
