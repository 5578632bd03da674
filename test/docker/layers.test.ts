// The real suite: builds test/docker/fixtures/*/Dockerfile on a running dockerd with BuildKit and the legacy
// builder and checks every attributed line and byte count against `docker history`, plus wasted bytes from
// `docker save`. Start the engine first: scripts/docker-engine.sh start && scripts/docker-engine.sh images.
// DOCKER_TESTS=0 skips it (printing why); otherwise a missing daemon is a failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { attributeLayers, attributeWaste, readImageArchive } from '../../common/src/image-layers/index.js';
import { DockerError, imageHistory, imageId, saveImage, type DockerOptions } from '../../common/src/docker/docker-cli.js';
import { ociFromDockerSave } from './oci-repack.js';

const DOCKER = '/usr/bin/docker';
const SKIP = process.env['DOCKER_TESTS'] === '0';
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'docker', 'fixtures');
const opts: DockerOptions = { dockerPath: DOCKER, timeoutMs: 60_000 };
const built: string[] = [];
let tmp = '';

if (SKIP) console.log('SKIPPED: no dockerd (DOCKER_TESTS=0)');
const dtest = (name: string, fn: () => Promise<void> | void): void => void test(name, { skip: SKIP && 'DOCKER_TESTS=0' }, fn);

function docker(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(DOCKER, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

before(() => {
  if (SKIP) return;
  try {
    docker(['version', '--format', '{{.Server.Version}}']);
  } catch (e) {
    throw new Error(`no dockerd answering (start it: scripts/docker-engine.sh start), or set DOCKER_TESTS=0 to skip: ${(e as Error).message}`);
  }
  try {
    docker(['image', 'inspect', 'local/busybox:latest']);
  } catch {
    throw new Error('local/busybox:latest missing: run scripts/docker-engine.sh images');
  }
  tmp = mkdtempSync(join(tmpdir(), 'dfslim-docker-'));
});

after(() => {
  if (SKIP) return;
  if (built.length) execFileSync(DOCKER, ['rmi', '-f', ...built], { stdio: 'ignore' });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

type Builder = 'buildkit' | 'legacy';

/** Builds and returns the tag plus, for the legacy builder, the image id each step produced (an independent oracle). */
function build(dir: string, builder: Builder, tag: string): { stepIds: string[] } {
  const out = docker(['build', '--force-rm', '-t', tag, dir], { DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' });
  built.push(tag);
  const stepIds: string[] = [];
  // Legacy output: "Step 3/9 : RUN …" … " ---> 1e4b4ba1298f"; the last arrow before the next step is that step's image.
  for (const block of out.split(/^Step \d+\/\d+ : /m).slice(1)) {
    const arrows = [...block.matchAll(/^ ---> ([0-9a-f]{12})$/gm)];
    stepIds.push(arrows[arrows.length - 1]?.[1] ?? '');
  }
  return { stepIds };
}

function instructionLines(text: string): { keyword: string; line: number; stage: number }[] {
  let stage = -1;
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((i) => {
      if (i.getKeyword() === 'FROM') stage++;
      return { keyword: i.getKeyword(), line: i.getRange().start.line + 1, stage };
    });
}

const baseRowCount = (): number => docker(['history', '-q', 'local/busybox:latest']).trim().split('\n').length;

for (const name of ['apk-del-later', 'kitchen-sink']) {
  for (const builder of ['buildkit', 'legacy'] as const) {
    dtest(`${name} (${builder}): every lens line and byte count matches docker history`, async () => {
      const dir = join(FIXTURES, name);
      const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
      const tag = `dockerfile-slim-test/${name}:${builder}`;
      const { stepIds } = build(dir, builder, tag);
      const rows = await imageHistory(tag, opts);
      const got = attributeLayers(text, rows);
      const ins = instructionLines(text);
      const finalStage = Math.max(...ins.map((i) => i.stage));
      const fromLine = ins.find((i) => i.keyword === 'FROM' && i.stage === finalStage)?.line;
      const size = (r: (typeof rows)[number]): number => Number(r['Size']);
      const expected = new Map<number, number>();
      const nBase = baseRowCount();
      expected.set(
        fromLine ?? -1,
        rows.slice(rows.length - nBase).reduce((s, r) => s + size(r), 0),
      );
      if (builder === 'legacy') {
        // Oracle: the build log says which image id each instruction produced; history rows carry those ids.
        assert.equal(stepIds.length, ins.length, 'one step per instruction');
        ins.forEach((i, k) => {
          if (i.stage !== finalStage || i.keyword === 'FROM') return;
          const row = rows.find((r) =>
            String(r['ID'])
              .replace('sha256:', '')
              .startsWith(stepIds[k] ?? '?'),
          );
          assert.ok(row, `history row for step ${k + 1} (line ${i.line})`);
          expected.set(i.line, size(row));
        });
      } else {
        // Oracle: rows above the base image's, in order, one per final-stage instruction (BuildKit omits ONBUILD).
        const lines = ins.filter((i) => i.stage === finalStage && i.keyword !== 'FROM' && i.keyword !== 'ONBUILD').map((i) => i.line);
        const ours = rows.slice(0, rows.length - nBase).reverse();
        assert.equal(ours.length, lines.length);
        ours.forEach((r, k) => expected.set(lines[k] ?? -1, size(r)));
      }
      assert.deepEqual(new Map(got.map((g) => [g.line, g.bytes])), expected);
      assert.equal(got.length, expected.size, 'one lens per line');
      assert.deepEqual(
        got.filter((g) => g.stale),
        [],
      );
      const imageSize = Number(docker(['image', 'inspect', '-f', '{{.Size}}', tag]).trim());
      assert.equal(
        got.reduce((s, g) => s + g.bytes, 0),
        imageSize,
        'lenses add up to the image size',
      );
      console.log(
        `# ${name} (${builder})\n${got.map((g) => `#   line ${String(g.line).padStart(2)}  ${String(g.bytes).padStart(9)} B  ${g.createdBy.slice(0, 70)}`).join('\n')}`,
      );
    });
  }
}

dtest('seed case: apk del in a later RUN makes the image larger; the wasted bytes sit on the line that added them', async () => {
  const dir = join(FIXTURES, 'apk-del-later');
  const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
  const lines = text.split('\n');
  const addLine = lines.findIndex((l) => l.startsWith('RUN mkdir -p /usr/lib/build-deps')) + 1;
  const delLine = lines.findIndex((l) => l.startsWith('RUN rm -rf /usr/lib/build-deps')) + 1;
  // The same Dockerfile cut just before the "apk del" RUN: the full image must not be smaller.
  const cut = join(tmp, 'cut');
  cpSync(dir, cut, { recursive: true });
  writeFileSync(join(cut, 'Dockerfile'), lines.slice(0, delLine - 1).join('\n') + '\n');
  for (const builder of ['buildkit', 'legacy'] as const) {
    const full = `dockerfile-slim-test/seed-full:${builder}`;
    const before = `dockerfile-slim-test/seed-cut:${builder}`;
    build(dir, builder, full);
    build(cut, builder, before);
    const sizeOf = (t: string): number => Number(docker(['image', 'inspect', '-f', '{{.Size}}', t]).trim());
    assert.ok(sizeOf(full) > sizeOf(before), `${builder}: ${sizeOf(full)} > ${sizeOf(before)}`);

    const rows = await imageHistory(full, opts);
    const lens = new Map(attributeLayers(text, rows).map((g) => [g.line, g]));
    assert.ok((lens.get(delLine)?.bytes ?? 0) > 0);
    const addRow = lens.get(addLine);
    assert.ok(addRow && addRow.bytes >= 20 * 1024 * 1024);

    const saved = await saveImage(full, { ...opts, timeoutMs: 120_000 });
    const waste = new Map(attributeWaste(text, saved).map((w) => [w.line, w]));
    const add = waste.get(addLine);
    // Everything that RUN added (the 20 MiB toolchain and the rewritten package list) is gone in later layers.
    assert.equal(add?.bytes, addRow.bytes, 'layer tar bytes agree with docker history');
    assert.equal(add?.wastedBytes, addRow.bytes);
    assert.deepEqual(add?.removedAt, [{ line: delLine, bytes: addRow.bytes }]);
    assert.deepEqual(add?.topWasted[0] && { path: add.topWasted[0].path, bytes: add.topWasted[0].bytes, at: add.topWasted[0].removedAtLine }, {
      path: 'usr/lib/build-deps/toolchain.bin',
      bytes: 20 * 1024 * 1024,
      at: delLine,
    });
    assert.equal(waste.get(delLine)?.wastedBytes ?? 0, 0, 'nothing after it removes its files');
    console.log(
      `# seed (${builder}): image ${sizeOf(before)} B -> ${sizeOf(full)} B after the delete; line ${addLine}: ${add?.wastedBytes} B removed later at line ${delLine}`,
    );

    // Same figures from the OCI layout (repacked from the real save, gzip layers, no manifest.json).
    const ociTar = join(tmp, `oci-${builder}.tar`);
    writeFileSync(join(tmp, `save-${builder}.tar`), execFileSync(DOCKER, ['save', full], { maxBuffer: 256 << 20 }));
    ociFromDockerSave(join(tmp, `save-${builder}.tar`), ociTar, join(tmp, `x-${builder}`));
    const oci = await readImageArchive(createReadStream(ociTar));
    assert.equal(oci.layout, 'oci');
    assert.deepEqual(attributeWaste(text, oci), attributeWaste(text, saved));
  }
});

dtest('CLI failures are typed: image gone, not installed, daemon down, timed out', async () => {
  const id = await imageId('local/busybox:latest', opts);
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  await assert.rejects(imageHistory('dockerfile-slim-test/never-built:nope', opts), (e: DockerError) => e.kind === 'image-not-found');
  await assert.rejects(imageHistory('x', { ...opts, dockerPath: '/nonexistent/docker' }), (e: DockerError) => e.kind === 'not-installed');
  const down = { ...opts, env: { ...process.env, DOCKER_HOST: `unix://${join(tmp, 'nothing.sock')}` } };
  await assert.rejects(imageHistory('local/busybox', down), (e: DockerError) => e.kind === 'daemon-down');
  await assert.rejects(saveImage('local/busybox', { ...opts, timeoutMs: 1 }), (e: DockerError) => e.kind === 'timed-out');
});
