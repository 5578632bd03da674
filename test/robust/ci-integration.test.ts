/**
 * Where CI users expect us: `npm pack` gives a CLI package that installs from the tarball and runs
 * (`npx dockerfile-slim lint`) with no dependency at all; the composite action's scripts run and report exit
 * codes; its inputs never reach a script by interpolation; the pre-commit hooks name the packaged binary.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { repoRoot } from '../helpers/paths.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dfslim-ci-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const BAD = 'FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\n';
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };

test('npm pack: the tarball installs offline with no dependencies and `npx dockerfile-slim` runs from it', () => {
  // --ignore-scripts: package the dist/ this run built (prepack would rebuild it minified).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path).sort();
  assert.ok(files.includes('dist/cli.js') && files.includes('README.md') && files.includes('package.json'), files.join(' '));
  assert.deepEqual(
    files.filter((f) => !/^(dist\/(cli|engine|layers)\.js|docs\/rules\/[\w-]+\.md|README\.md|LICENSE|package\.json)$/.test(f)),
    [],
    'only the bundles, rule docs, README, LICENSE',
  );
  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(tmp, packed[0]!.filename)], { cwd: app, stdio: 'ignore' });
  assert.deepEqual(
    fs.readdirSync(path.join(app, 'node_modules')).filter((d) => !d.startsWith('.')),
    ['dockerfile-slim'],
    'no dependency installed',
  );
  fs.writeFileSync(path.join(app, 'Dockerfile'), BAD);
  const env = { ...process.env, NODE_PATH: '' };
  const lint = spawnSync('npx', ['--no-install', 'dockerfile-slim', 'lint', 'Dockerfile'], { cwd: app, encoding: 'utf8', env });
  assert.equal(lint.status, 1, lint.stderr);
  assert.match(lint.stdout, /^Dockerfile:2:5: warning DS003 /m);
  const version = spawnSync('npx', ['--no-install', 'dockerfile-slim', '--version'], { cwd: app, encoding: 'utf8', env });
  assert.equal(version.stdout.trim(), pkg.version);
  const layers = spawnSync('npx', ['--no-install', 'dockerfile-slim', 'layers', 'Dockerfile'], { cwd: app, encoding: 'utf8', env });
  assert.equal(layers.status, 2);
  assert.match(layers.stderr, /exactly one of --image IMAGE or --build CONTEXT/);
});

interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

test('action.yml: composite; inputs reach scripts only through env; lint step writes SARIF and its exit code', () => {
  const action = load(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    runs: { using: string; steps: Step[] };
    inputs: Record<string, unknown>;
  };
  assert.equal(action.runs.using, 'composite');
  for (const s of action.runs.steps) assert.doesNotMatch(s.run ?? '', /\$\{\{\s*(inputs|github\.event)\./, 'no input interpolated into a script');
  assert.ok(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@')));
  assert.ok(['files', 'sarif', 'image', 'budget', 'baseline'].every((k) => k in action.inputs));

  fs.writeFileSync(path.join(tmp, 'Dockerfile'), BAD);
  fs.writeFileSync(path.join(tmp, 'clean.Dockerfile'), 'FROM scratch\nCOPY app /app\n');
  const output = path.join(tmp, 'github-output');
  const run = (script: string, env: Record<string, string>): string => {
    fs.writeFileSync(output, '');
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'action', script)], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, DSLIM: path.join(repoRoot, 'dist', 'cli.js'), GITHUB_OUTPUT: output, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return fs.readFileSync(output, 'utf8');
  };
  assert.equal(run('lint.sh', { FILES: 'Dockerfile\n clean.Dockerfile', SARIF_FILE: 'out.sarif' }), 'exit-code=1\n');
  const log = JSON.parse(fs.readFileSync(path.join(tmp, 'out.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
  assert.ok(log.runs[0]!.results.length > 0);
  assert.deepEqual(sarifErrors(log), []);
  assert.equal(run('lint.sh', { FILES: 'clean.Dockerfile', SARIF_FILE: 'clean.sarif' }), 'exit-code=0\n');
  assert.equal(run('lint.sh', { FILES: 'missing.Dockerfile', SARIF_FILE: 'x.sarif' }), 'exit-code=2\n');
  const noDocker = {
    IMAGE: 'x',
    DOCKERFILE: 'Dockerfile',
    BUDGET: 'total=1GB',
    BASELINE: '',
    WRITE_BASELINE: '',
    DOCKERFILE_SLIM_DOCKER: path.join(tmp, 'none'),
  };
  assert.equal(run('layers.sh', noDocker), 'exit-code=2\n');
});

test('.pre-commit-hooks.yaml: node hooks on Dockerfiles running the packaged binary', () => {
  const hooks = load(fs.readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
    id: string;
    entry: string;
    language: string;
    types: string[];
  }>;
  assert.deepEqual(
    hooks.map((h) => [h.id, h.entry, h.language, h.types.join()]),
    [
      ['dockerfile-slim', 'dockerfile-slim lint', 'node', 'dockerfile'],
      ['dockerfile-slim-fix', 'dockerfile-slim fix', 'node', 'dockerfile'],
    ],
  );
  assert.ok(pkg.bin['dockerfile-slim'], 'the entry is the package bin');
});
