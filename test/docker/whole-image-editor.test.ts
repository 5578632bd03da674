/**
 * The editor's whole-image total (status bar and final FROM lens: the language server's WHOLE_IMAGE_REQUEST, with
 * the local base size the client finds with `docker image inspect`) equals `dockerfile-slim estimate`'s for
 * Dockerfiles of the whole-image real-build set, and stays within the recorded real size (docker image inspect
 * after the build in whole-image.test.ts; no build here). Needs a dockerd with local/debian:bookworm; the package
 * rows need the bookworm index in the default cache (the `curl` case is skipped without it).
 *
 *   node scripts/build-tests.mjs && node esbuild.mjs && node --test out/test/docker/whole-image-editor.test.js
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../helpers/paths.js';
import { LspClient } from '../helpers/lsp-client.js';
import { defaultIndexDir, IndexStore } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import type { WholeImageResult } from '../../common/src/protocol.js';
import { CASES } from './whole-image-cases.js';

const DOCKER = '/usr/bin/docker';
const BASE = 'local/debian:bookworm';

function inspectSize(image: string): number | undefined {
  // What client/src/whole-image.ts runs (trust-gated there): never a pull.
  const r = spawnSync(DOCKER, ['image', 'inspect', '--format', '{{.Size}}', '--', image], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

const baseBytes = process.env.DOCKER_TESTS === 'skip' ? undefined : inspectSize(BASE);
const bookworm = releaseOfImage('debian:bookworm');
const indexCached = !!bookworm && !!new IndexStore({ dir: defaultIndexDir(), offline: true, log: () => undefined }).cached(bookworm);
if (baseBytes === undefined) console.log(`# whole-image-editor: skipped (no dockerd with ${BASE}, or DOCKER_TESTS=skip)`);

for (const name of ['context-copy', 'curl']) {
  const c = CASES.find((x) => x.name === name);
  assert.ok(c?.real);
  const skip = baseBytes === undefined ? 'no dockerd' : name === 'curl' && !indexCached ? 'no cached bookworm index' : false;
  test(`${name}: the editor's whole-image total equals estimate's and is within 2% of the recorded real image`, { skip, timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `whole-editor-${name}-`));
    const client = new LspClient();
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), c.dockerfile);
      for (const [p, n] of Object.entries(c.files ?? {})) {
        fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), crypto.randomBytes(n));
      }
      const file = path.join(dir, 'Dockerfile');
      const est = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'estimate', '--offline', '--format', 'json', '--context', dir, file], {
        encoding: 'utf8',
        env: { ...process.env, DOCKERFILE_SLIM_DOCKER: DOCKER },
      });
      assert.equal(est.status, 0, est.stderr);
      const rows = JSON.parse(est.stdout) as Array<{ bytes: number | null; kind?: string; source?: string }>;
      assert.equal(rows.find((r) => r.kind === 'base')?.source, 'docker');
      const cliTotal = rows.reduce((n, r) => n + (r.bytes ?? 0), 0);

      await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {} });
      client.notify('initialized', {});
      const uri = pathToFileURL(file).toString();
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: c.dockerfile } });
      const w = await client.request<WholeImageResult | null>('dockerfileSlim/wholeImage', { uri, local: [{ image: BASE, bytes: baseBytes }] });
      assert.ok(w && w.bytes !== null);
      assert.equal(w.base.source, 'docker');
      assert.equal(w.bytes, cliTotal, 'one total for the CLI and the editor');
      const diff = (w.bytes - (c.real ?? 0)) / (c.real ?? 1);
      console.log(`${name}: editor ${w.bytes} B, estimate ${cliTotal} B, real (recorded) ${c.real} B, ${(diff * 100).toFixed(2)}%`);
      assert.ok(Math.abs(diff) < 0.02, `${(diff * 100).toFixed(2)}% from the recorded real size`);
    } finally {
      await client.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
