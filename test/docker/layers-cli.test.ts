// `dockerfile-slim layers` against the real dockerd, with BuildKit and the legacy builder: `--build` runs the
// build, every line's bytes match `docker history` (oracle: the rows above the base image's, in order), the
// wasted bytes sit on the line that wrote them, budgets give exit 1 with the excess on its line, growth is
// measured against a baseline written by an earlier run, and the SARIF validates against the 2.1.0 schema.
// DOCKER_TESTS=0 skips it; otherwise a missing daemon is a failure (see layers.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const DOCKER = '/usr/bin/docker';
const SKIP = process.env['DOCKER_TESTS'] === '0';
const cli = join(repoRoot, 'dist', 'cli.js');
const created: string[] = [];
let tmp = '';

const docker = (args: string[], env: NodeJS.ProcessEnv = {}): string =>
  execFileSync(DOCKER, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });

function layers(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'layers', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKERFILE_SLIM_DOCKER: DOCKER, ...env },
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  if (SKIP) return;
  docker(['image', 'inspect', 'local/busybox:latest']); // scripts/docker-engine.sh images makes it
  tmp = mkdtempSync(join(tmpdir(), 'dfslim-layers-cli-'));
});
after(() => {
  if (SKIP) return;
  if (created.length) spawnSync(DOCKER, ['rmi', '-f', ...created], { stdio: 'ignore' });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Row = { line: number; bytes: number; wastedBytes: number; createdBy: string; stale?: boolean };

for (const builder of ['buildkit', 'legacy'] as const) {
  test(
    `layers --build (${builder}): lines, bytes and wasted bytes from the real image; budgets; growth against a baseline`,
    { skip: SKIP && 'DOCKER_TESTS=0' },
    () => {
      const env = { DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' };
      const ctx = join(tmp, builder);
      cpSync(join(repoRoot, 'test', 'docker', 'fixtures', 'apk-del-later'), ctx, { recursive: true });
      const dockerfile = join(ctx, 'Dockerfile');
      const text = readFileSync(dockerfile, 'utf8');
      const lineOf = (prefix: string): number => text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;

      // 1. Build through the CLI; json contract; bytes per line = docker history's rows above the base image's.
      const r = layers(['--build', ctx, '--format', 'json', dockerfile], env);
      assert.equal(r.status, 0, r.stderr);
      const id = /built (sha256:[0-9a-f]{64})/.exec(r.stderr)?.[1];
      assert.ok(id, r.stderr);
      created.push(id);
      const rows = JSON.parse(r.stdout) as Row[];
      const history = docker(['history', '--no-trunc', '-q', '--format', '{{.Size}}', '--human=false', id]).trim().split('\n').map(Number);
      const baseRows = docker(['history', '-q', 'local/busybox:latest']).trim().split('\n').length;
      const ours = history.slice(0, history.length - baseRows).reverse();
      const expected = [
        [lineOf('FROM'), history.slice(history.length - baseRows).reduce((a, b) => a + b, 0)],
        ...[lineOf('RUN mkdir -p /etc/apk'), lineOf('RUN mkdir -p /usr/lib/build-deps'), lineOf('RUN rm -rf'), lineOf('WORKDIR'), lineOf('CMD')].map((l, k) => [
          l,
          ours[k],
        ]),
      ];
      assert.deepEqual(
        rows.map((x) => [x.line, x.bytes]),
        expected,
      );
      assert.equal(
        rows.reduce((s, x) => s + x.bytes, 0),
        Number(docker(['image', 'inspect', '-f', '{{.Size}}', id]).trim()),
        'lines add up to the image size',
      );
      const toolchain = rows.find((x) => x.line === lineOf('RUN mkdir -p /usr/lib/build-deps'))!;
      assert.ok(toolchain.wastedBytes >= 20 * 1024 * 1024 && toolchain.wastedBytes <= toolchain.bytes, `wasted ${toolchain.wastedBytes}`);
      assert.ok(rows.every((x) => x.stale === undefined));

      // 2. Budgets: exit 1 with each excess on its line, 0 within budget.
      const over = layers(['--image', id, '--budget', 'layer=10MB,wasted=1MB', dockerfile]);
      assert.equal(over.status, 1, over.stderr);
      assert.match(over.stdout, new RegExp(`^  line ${toolchain.line}: layer: layer of 21\\.0 MB, over the budget of 10\\.0 MB`, 'm'));
      assert.match(over.stdout, new RegExp(`^  line ${toolchain.line}: wasted: 21\\.0 MB written here`, 'm'));
      assert.equal(layers(['--image', id, '--budget', 'total=100MB,layer=30MB', dockerfile]).status, 0);

      // 3. SARIF from the real image validates; results on the lines that waste bytes or exceed a budget.
      const sarif = layers(['--image', id, '--format', 'sarif', '--budget', 'total=1MB', dockerfile]);
      assert.equal(sarif.status, 1);
      const log = JSON.parse(sarif.stdout) as {
        runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }>;
      };
      assert.deepEqual(sarifErrors(log), []);
      const hits = log.runs[0]!.results.map((x) => `${x.ruleId}@${x.locations[0]!.physicalLocation.region.startLine}`);
      assert.ok(hits.includes(`layers/wasted-bytes@${toolchain.line}`) && hits.includes(`layers/budget-total@${lineOf('FROM')}`), hits.join(' '));

      // 4. Growth: baseline from this build; a new 6 MB layer in the next build exceeds growth=5%, not growth=10MB.
      const baseline = join(ctx, 'baseline.json');
      assert.equal(layers(['--image', id, '--write-baseline', baseline, dockerfile]).status, 0);
      const grown = text.replace('WORKDIR /root', 'RUN dd if=/dev/zero of=/opt.bin bs=1M count=6 2>/dev/null\nWORKDIR /root');
      writeFileSync(dockerfile, grown);
      const tag = `dsl-layersci/grown:${builder}`;
      docker(['build', '-q', '-t', tag, ctx], env);
      created.push(tag);
      const g = layers(['--image', tag, '--baseline', baseline, '--budget', 'growth=5%', '--format', 'markdown', dockerfile]);
      assert.equal(g.status, 1, g.stderr);
      assert.match(g.stdout, /- line 10, \*\*growth\*\*: \+6\.3 MB on this line: the image grew by 6\.3 MB/);
      assert.match(g.stdout, /\| 10 \| 6\.3 MB \| {2}\| \+6\.3 MB \| `RUN dd if=\/dev\/zero of=\/opt\.bin/);
      assert.equal(layers(['--image', tag, '--baseline', baseline, '--budget', 'growth=10MB', dockerfile]).status, 0);

      // 5. The image does not fit another Dockerfile: exit 2, not a report of the wrong lines.
      const other = join(ctx, 'Other.Dockerfile');
      writeFileSync(other, 'FROM local/busybox\nRUN echo a > /a\nRUN echo b > /b\nCOPY Dockerfile /x\nENTRYPOINT ["/bin/sh"]\n');
      const wrong = layers(['--image', id, other]);
      assert.equal(wrong.status, 2);
      assert.match(wrong.stderr, /does not look built from .*Other\.Dockerfile/);
    },
  );
}
