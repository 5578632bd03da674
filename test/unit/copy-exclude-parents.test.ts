// COPY --exclude and COPY --parents in the build-context sizes (BuildKit 1.7 labs flags), on real temp directories.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContextMeter } from '../../common/src/build-context/index.js';
import { copyFlags, CopySelector } from '../../common/src/build-context/copy-select.js';
import { contextCopies } from '../../server/src/analysis/context-copies.js';
import { lint } from '../../server/src/engine/lint.js';
import { factsOf } from '../../common/src/build-context/index.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A context of files with these sizes (bytes of zeros). */
function context(files: Record<string, number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-flags-'));
  dirs.push(dir);
  for (const [p, n] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), Buffer.alloc(n));
  }
  return dir;
}

const FILES = {
  'src/app.js': 1000,
  'src/app.test.js': 300,
  'src/lib/util.js': 200,
  'src/lib/util.test.js': 50,
  'README.md': 40,
  'docs/guide.md': 4000,
  'homefile.txt': 7,
  'homedir/a.bin': 11,
  '.git/objects/pack.bin': 100_000,
  'packages/a/package.json': 20,
  'packages/a/index.js': 500,
  'packages/b/package.json': 30,
  'apps/web/package.json': 60,
  'x/y/one.txt': 3,
  'x/y/two.md': 5,
};

function sizes(dockerfile: string, files: Record<string, number> = FILES): Map<number, { bytes: number; files: number; top: string[] }> {
  const dir = context(files);
  const summary = new ContextMeter().measure(dir, undefined, contextCopies(dockerfile));
  return new Map(summary.copies.map((c) => [c.line, { bytes: c.bytes, files: c.files, top: c.top.map((t) => t.path) }]));
}

test('copyFlags reads --exclude (repeatable, quoted) and --parents; copySources still drops every flag', () => {
  assert.deepEqual(copyFlags('--exclude=*.md --chown=1:1 --exclude="**/*.test.js" --parents . /app'), { exclude: ['*.md', '**/*.test.js'], parents: true });
  assert.deepEqual(copyFlags('--parents=false src /app'), { exclude: [], parents: false });
  assert.deepEqual(copyFlags('. /app'), { exclude: [], parents: false });
  assert.equal(CopySelector.of('--from=build /a /b'), null);
});

test('--exclude on COPY . .: patterns relative to the context, parents and ** as in .dockerignore', () => {
  const all = Object.values(FILES).reduce((a, b) => a + b, 0);
  const s = sizes('FROM scratch\nCOPY . /app\nCOPY --exclude=.git . /app\nCOPY --exclude=.git --exclude=**/*.test.js --exclude=*.md . /app\n');
  assert.equal(s.get(2)?.bytes, all);
  assert.equal(s.get(3)?.bytes, all - 100_000, '.git excluded with everything below it');
  assert.equal(s.get(3)?.files, Object.keys(FILES).length - 1);
  assert.equal(s.get(4)?.bytes, all - 100_000 - 300 - 50 - 40, '*.md is anchored (docs/guide.md stays), **/*.test.js is not');
  assert.ok(s.get(4)?.top.includes('docs'));
});

test('--exclude on a folder source is relative to that folder; a file source is never excluded by its own name', () => {
  const s = sizes(
    'FROM scratch\nCOPY --exclude=*.test.js src/ /app/\nCOPY --exclude=lib src /app/\nCOPY --exclude=src/*.test.js src /app/\nCOPY --exclude=*.md README.md /app/\n',
  );
  assert.equal(s.get(2)?.bytes, 1000 + 200 + 50, 'src/app.test.js out; lib/util.test.js stays (* does not cross /)');
  assert.equal(s.get(3)?.bytes, 1000 + 300, 'lib (relative to src) excludes src/lib');
  assert.equal(s.get(4)?.bytes, 1550, 'a context-relative pattern does not match below the source');
  assert.equal(s.get(5)?.bytes, 40);
});

test('--exclude with a wildcard source: COPY --exclude=*.txt hom* /mydir/ copies homedir only', () => {
  const s = sizes('FROM scratch\nCOPY hom* /mydir/\nCOPY --exclude=*.txt hom* /mydir/\nCOPY --exclude=*.bin hom* /mydir/\n');
  assert.equal(s.get(2)?.bytes, 18);
  assert.equal(s.get(3)?.bytes, 11);
  assert.equal(s.get(4)?.bytes, 7, 'a.bin below the matched homedir');
});

test('--parents: sources as patterns from the root (a folder match sends everything below, ** crosses folders) or a /./ pivot', () => {
  const s = sizes(
    [
      'FROM scratch',
      'COPY --parents packages/*/package.json apps/*/package.json /app/',
      'COPY --parents **/package.json /app/',
      'COPY --parents packages/a /app/',
      'COPY --parents x/./y/*.txt /app/',
      'COPY --parents --exclude=**/index.js ./packages/ /app/',
      'COPY --parents --exclude=y/*.md x/./y /app/',
      'COPY --parents . /app/',
    ].join('\n'),
  );
  assert.equal(s.get(2)?.bytes, 20 + 30 + 60);
  assert.equal(s.get(2)?.files, 3);
  assert.equal(s.get(3)?.bytes, 20 + 30 + 60, '** matches at any depth');
  assert.equal(s.get(4)?.bytes, 520);
  assert.equal(s.get(5)?.bytes, 3, 'x/./y/*.txt: y/one.txt from x');
  assert.equal(s.get(6)?.bytes, 50);
  assert.equal(s.get(7)?.bytes, 3, 'exclude patterns are relative to the pivot');
  assert.equal(
    s.get(8)?.bytes,
    Object.values(FILES).reduce((a, b) => a + b, 0),
  );
});

test('DS017 does not report a leak the COPY excludes with --exclude', () => {
  const dir = context({ '.git/objects/pack.bin': 2_000_000, 'app.js': 10 });
  fs.writeFileSync(path.join(dir, '.dockerignore'), '*.log\n');
  const text = (flags: string): string => `FROM local/busybox:latest\nCOPY ${flags}. /app\n`;
  const ids = (flags: string): string[] => {
    const summary = new ContextMeter().measure(dir, undefined, contextCopies(text(flags)));
    return lint(text(flags), { context: factsOf(summary) }).map((f) => f.rule);
  };
  assert.ok(ids('').includes('DS017'), 'a .git shipped by COPY . is reported');
  assert.ok(!ids('--exclude=.git ').includes('DS017'), '--exclude=.git leaves it out');
});
