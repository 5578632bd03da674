import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IgnoreMatcher, parseIgnoreFile } from '../../common/src/build-context/ignore.js';
import { ContextMeter } from '../../common/src/build-context/index.js';
import { copySources, sourceCovers } from '../../common/src/build-context/copy-sources.js';

const ignored = (lines: string[], file: string): boolean => new IgnoreMatcher(lines).ignores(file);

test('ignore file reading: comments only in column one, BOM, trimming, leading slash, cleaning', () => {
  assert.deepEqual(parseIgnoreFile('\uFEFF# c\n  .git  \n #x\n/dist/\n!./keep/../keep.md\r\n\n./a//b/'), ['.git', '#x', 'dist', '!keep.md', 'a/b']);
});

test('patterns as BuildKit matches them: *, ?, **, parents, negation, last match wins', () => {
  assert.equal(ignored(['*.go'], 'main.go'), true);
  assert.equal(ignored(['*.go'], 'cmd/main.go'), false, '* never crosses /');
  assert.equal(ignored(['**/*.go'], 'cmd/x/main.go'), true);
  assert.equal(ignored(['**/*.go'], 'main.go'), true, '**/ matches zero folders');
  assert.equal(ignored(['dir/**'], 'dir/a/b'), true);
  assert.equal(ignored(['docs'], 'docs/a/b.md'), true, 'a parent folder match covers everything below');
  assert.equal(ignored(['a?c'], 'abc'), true);
  assert.equal(ignored(['a?c'], 'a/c'), false);
  assert.equal(ignored(['*.md', '!README.md'], 'README.md'), false);
  assert.equal(ignored(['*.md', '!README.md'], 'CHANGES.md'), true);
  assert.equal(ignored(['docs', '!docs/keep.md'], 'docs/keep.md'), false);
  assert.equal(ignored(['docs', '!docs/keep.md'], 'docs/drop.md'), true);
  assert.equal(ignored(['!docs/keep.md', 'docs'], 'docs/keep.md'), true, 'the last match wins');
  assert.equal(ignored(['**'], 'anything/at/all'), true);
  assert.equal(ignored(['**/node_modules'], 'node_modules/x/index.js'), true);
  assert.equal(ignored(['**/node_modules'], 'web/node_modules/x/index.js'), true);
  assert.equal(ignored(['node_modules'], 'web/node_modules/x/index.js'), false, 'patterns are anchored at the root');
  assert.equal(ignored(['a.b'], 'axb'), false, 'a dot is literal');
  assert.equal(ignored(['[ab].txt'], 'b.txt'), true);
  assert.equal(ignored(['[^ab].txt'], 'b.txt'), false);
  assert.equal(ignored(['\\*.txt'], '*.txt'), true);
  assert.equal(ignored(['\\*.txt'], 'a.txt'), false);
  assert.equal(ignored(['.git', '!.git/HEAD'], '.git/HEAD'), false);
});

test('pruning: an ignored folder is walked into only when a ! pattern may bring something back', () => {
  const m = new IgnoreMatcher(['.git', 'docs', '!docs/keep.md', '!README.md']);
  assert.equal(m.mayIncludeBelow('.git'), false);
  assert.equal(m.mayIncludeBelow('docs'), true);
  assert.equal(new IgnoreMatcher(['x', '!**/keep']).mayIncludeBelow('x'), true);
});

test('COPY sources: flags, JSON form, --from, heredocs, URLs, wildcards', () => {
  assert.deepEqual(copySources('--chown=1:1 . /app'), ['.']);
  assert.deepEqual(copySources('["a b", "c", "/d/"]'), ['a b', 'c']);
  assert.equal(copySources('--from=build /out /out'), null);
  assert.equal(copySources('<<EOF /x'), null);
  assert.deepEqual(copySources('https://x/y.tgz src /z'), ['src']);
  assert.equal(sourceCovers('src', 'src/a/b.ts'), true);
  assert.equal(sourceCovers('src', 'srcx/a'), false);
  assert.equal(sourceCovers('*.json', 'package.json'), true);
  assert.equal(sourceCovers('*.json', 'sub/package.json'), false);
  assert.equal(sourceCovers('pkg/*', 'pkg/a/b'), true);
});

function makeContext(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
  const w = (p: string, bytes: number): void => {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), Buffer.alloc(bytes, 7));
  };
  w('.git/objects/pack/p.pack', 300_000);
  w('.git/HEAD', 20);
  w('node_modules/a/index.js', 50_000);
  w('web/node_modules/b/index.js', 20_000);
  w('src/main.ts', 1_000);
  w('package.json', 100);
  w('.env', 30);
  w('.env.example', 30);
  fs.writeFileSync(path.join(dir, 'id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n');
  fs.mkdirSync(path.join(dir, 'wt/feature'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'wt/feature/.git'), 'gitdir: /home/u/repo/.git/worktrees/feature\n');
  w('wt/feature/big.bin', 40_000);
  return dir;
}

test('a context measured: per COPY sizes, biggest paths, leaks, .dockerignore with negations, links not followed', () => {
  const dir = makeContext();
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'outside-'));
  fs.writeFileSync(path.join(outside, 'huge'), Buffer.alloc(500_000));
  fs.symlinkSync(outside, path.join(dir, 'link-out'));
  const meter = new ContextMeter();
  const copies = [
    { line: 3, sources: ['.'] },
    { line: 4, sources: ['src', 'package.json'] },
  ];
  const s = meter.measure(dir, undefined, copies);
  const all = s.copies[0];
  assert.ok(all);
  assert.equal(all.bytes, s.bytes);
  assert.equal(all.top[0]?.path, '.git');
  assert.equal(all.top[0]?.bytes, 300_020);
  assert.ok(s.bytes < 500_000, 'the link out of the context is a link, not its target');
  assert.equal(s.copies[1]?.bytes, 1_100);
  assert.deepEqual(s.copies[1]?.leaks, []);
  const kinds = Object.fromEntries(s.leaks.map((l) => [l.pattern, l.kind]));
  assert.deepEqual(kinds, { '.git': 'git', '**/node_modules': 'node_modules', '.env': 'env', id_ed25519: 'private-key', 'wt/feature': 'worktree' });
  assert.equal(s.leaks.find((l) => l.kind === 'node_modules')?.bytes, 70_000);

  // .dockerignore with a negation: .git excluded except HEAD; node_modules excluded except one package.
  fs.writeFileSync(path.join(dir, '.dockerignore'), '.git\n!.git/HEAD\n**/node_modules\n!node_modules/a\n');
  const t = meter.measure(dir, undefined, copies);
  assert.equal(t.ignoreFile, '.dockerignore');
  assert.equal(t.leaks.find((l) => l.kind === 'git')?.bytes, 20);
  assert.equal(t.leaks.find((l) => l.kind === 'node_modules')?.bytes, 50_000);
  assert.equal(t.copies[0]?.bytes, s.bytes - 300_000 - 20_000 + fs.statSync(path.join(dir, '.dockerignore')).size);

  // <Dockerfile>.dockerignore wins over the context's.
  const df = path.join(dir, 'app.Dockerfile');
  fs.writeFileSync(`${df}.dockerignore`, '*\n!src\n');
  const u = meter.measure(dir, df, copies);
  assert.equal(u.ignoreFile, 'app.Dockerfile.dockerignore');
  assert.equal(u.bytes, 1_000);
});

test('a repeat reuses the cache; a file-system change is seen', () => {
  const dir = makeContext();
  const meter = new ContextMeter();
  const first = meter.measure(dir, undefined, [{ line: 1, sources: ['.'] }]);
  const gen = meter.walker.generation;
  const again = meter.measure(dir, undefined, [{ line: 1, sources: ['.'] }]);
  assert.equal(meter.walker.generation, gen, 'nothing listed again');
  assert.equal(again.bytes, first.bytes);
  fs.writeFileSync(path.join(dir, 'src/main.ts'), Buffer.alloc(5_000)); // size change: folder mtime unchanged
  meter.changed(path.join(dir, 'src/main.ts'));
  assert.equal(meter.measure(dir, undefined, [{ line: 1, sources: ['.'] }]).bytes, first.bytes + 4_000);
  fs.writeFileSync(path.join(dir, 'src/new.ts'), Buffer.alloc(10)); // new file: folder mtime changes
  assert.equal(meter.measure(dir, undefined, [{ line: 1, sources: ['.'] }]).bytes, first.bytes + 4_010);
});

test('the budget stops the walk and says why', () => {
  const dir = makeContext();
  const s = new ContextMeter().measure(dir, undefined, [{ line: 1, sources: ['.'] }], { maxFiles: 3, maxMs: 10_000, maxReadBytes: 0 });
  assert.equal(s.complete, false);
  assert.match(s.reason ?? '', /more than 3 entries/);
});
