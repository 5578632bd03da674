import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main.js';

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(
    argv,
    (s) => lines.push(s),
    (s) => lines.push(s),
  );
  return { code, out: lines.join('\n') };
}

function context(dockerignore?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-cli-'));
  fs.mkdirSync(path.join(dir, '.git/objects'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git/objects/pack'), Buffer.alloc(2_500_000, 1));
  fs.writeFileSync(path.join(dir, 'app.sh'), 'echo hi\n');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM local/busybox:latest\nWORKDIR /app\nCOPY . .\nCMD ["sh", "app.sh"]\n');
  if (dockerignore !== undefined) fs.writeFileSync(path.join(dir, '.dockerignore'), dockerignore);
  return dir;
}

test('lint --context names .git and its size on the COPY line, with and without a .dockerignore', async () => {
  const bare = context();
  const r1 = await run(['lint', '--context', bare, path.join(bare, 'Dockerfile')]);
  assert.match(r1.out, /Dockerfile:3:1: warning DS012 .*\.git \(2\.5 MB\)/);
  const ignored = context('*.log\n!keep.log\n');
  const r2 = await run(['lint', '--context', ignored, path.join(ignored, 'Dockerfile')]);
  assert.match(r2.out, /Dockerfile:3:1: warning DS017 `COPY \. \.` ships \.git \(2\.5 MB, git history\)/);
  // Without --context the CLI does not walk the context: DS017 stays quiet.
  const r3 = await run(['lint', path.join(ignored, 'Dockerfile')]);
  assert.doesNotMatch(r3.out, /DS017/);
});

test('fix --context adds the pattern at the end of the existing .dockerignore; the next lint is clean', async () => {
  const dir = context('*.log\n!.git\n');
  const r = await run(['fix', '--context', dir, path.join(dir, 'Dockerfile')]);
  assert.match(r.out, /\.dockerignore: added to/);
  const text = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8');
  assert.ok(text.startsWith('*.log\n!.git\n'), 'the user lines are kept');
  assert.match(text, /\n\.git\n$/, '.git comes after the negation, so it wins');
  const again = await run(['lint', '--context', dir, path.join(dir, 'Dockerfile')]);
  assert.doesNotMatch(again.out, /DS017/);
});

test('estimate --context adds a base row (no figure, and why) and a context row per final-stage COPY, keeping package rows', async () => {
  const dir = context('*.log\n');
  const idx = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-idx-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM local/busybox:latest AS b\nCOPY app.sh /x\nFROM b\nWORKDIR /app\nCOPY . .\n');
  const r = await run(['estimate', '--format', 'json', '--offline', '--no-docker', '--index-dir', idx, '--context', dir, path.join(dir, 'Dockerfile')]);
  assert.equal(r.code, 0, r.out);
  const rows = JSON.parse(r.out.slice(r.out.indexOf('['))) as Array<Record<string, unknown>>;
  const base = rows.find((x) => x.kind === 'base');
  assert.equal(base?.line, 3);
  assert.equal(base?.image, 'local/busybox:latest', 'the final stage starts from stage b, which starts from busybox');
  assert.equal(base?.bytes, null);
  assert.match(String(base?.reason), /not a Debian\/Ubuntu base/);
  const ctx = rows.filter((x) => x.kind === 'context');
  assert.deepEqual(
    ctx.map((x) => x.line),
    [2, 5],
    'the final stage and the stage it is built FROM ship; both COPYs read the context',
  );
  assert.ok(Number(ctx[1]?.bytes) > 2_500_000);
  const text = await run(['estimate', '--offline', '--no-docker', '--index-dir', idx, '--context', dir, path.join(dir, 'Dockerfile')]);
  assert.match(text.out, /:3: base local\/busybox:latest: no figure \(not in the local Docker/);
  assert.match(text.out, /:5: ≈2\.5 MB from the build context \(\d+ files; biggest \.git 2\.5 MB\)/);
});
