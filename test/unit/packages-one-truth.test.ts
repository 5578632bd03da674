/**
 * One truth for numbers (issue 22 item 5): removals in the same RUN count, and `estimate`, the DS004 message,
 * its fix title and the hover give the same figure for the same line and name the same kept packages.
 * Index: the recorded bookworm excerpt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint } from '../../server/src/engine/index.js';
import { buildModel } from '../../server/src/kernel/model.js';
import { estimateModel } from '../../server/src/analysis/package-managers/estimate.js';
import { estimateCommand } from '../../server/src/cli/estimate-command.js';
import { PackageKnowledge } from '../../server/src/lsp/package-features.js';
import { buildCache, cacheFile } from '../../common/src/package-index/store.js';
import { releaseOfImage } from '../../common/src/package-index/release.js';
import type { PackageLookup } from '../../common/src/package-index/types.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

const idx = indexOf(fs.readFileSync(EXCERPT, 'utf8'));
const packages: PackageLookup = { version: 1, lookup: (b) => (b.release === 'debian/bookworm' ? idx : undefined) };

test('estimate: a RUN that installs and purges with --auto-remove counts only what stays', () => {
  const installOnly = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libpsl5 curl && rm -rf /var/lib/apt/lists/*\n';
  const [kept] = estimateModel(buildModel(installOnly), () => idx).runs;
  const purged = installOnly.replace(' && rm -rf', ' && curl --version && apt-get purge -y --auto-remove curl && rm -rf');
  const [p] = estimateModel(buildModel(purged), () => idx).runs;
  assert.ok(kept && p);
  // libpsl5 was asked for (manual): it stays; curl and what only it needed go.
  assert.deepEqual(
    p.added.map((x) => x.name),
    ['libpsl5'],
  );
  assert.ok(p.removed > 5 && p.removed === kept.packages - 1, `${p.removed} removed of ${kept.packages}`);
  assert.ok(p.bytes < kept.bytes / 5, `${p.bytes} vs ${kept.bytes}`);
  // remove without --auto-remove takes only the named package; a later autoremove takes the rest.
  const [plain] = estimateModel(buildModel(purged.replace('purge -y --auto-remove curl', 'remove -y curl')), () => idx).runs;
  assert.equal(plain?.packages, kept.packages - 1);
  const [auto] = estimateModel(buildModel(purged.replace('purge -y --auto-remove curl', 'remove -y curl && apt-get autoremove -y')), () => idx).runs;
  assert.deepEqual(
    auto?.added.map((x) => x.name),
    ['libpsl5'],
  );
  // DS004 on a RUN whose recommends are purged again: no saving claimed. (With libpsl5 kept, its recommended
  // publicsuffix would stay: apt's autoremove keeps what a manual package recommends.)
  const f = lint(purged.replace(' --no-install-recommends libpsl5', ''), { packages }).find((x) => x.rule === 'DS004');
  assert.match(f?.message ?? '', /removed again in the same RUN/);
  assert.doesNotMatch(f?.fix?.title ?? '', /≈/);
});

test('estimate, the DS004 message, its fix title and the hover: the same figure and the same kept packages', async () => {
  const text = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nCMD ["curl", "https://example.com/"]\n';
  const f = lint(text, { packages }).find((x) => x.rule === 'DS004');
  const figure = /≈([\d.]+ (?:kB|MB))/.exec(f?.fix?.title ?? '')?.[1];
  assert.ok(figure, f?.fix?.title);
  assert.match(f?.fix?.title ?? '', /keep ca-certificates/);
  assert.match(f?.message ?? '', new RegExp(`keeping ca-certificates, saves ≈${figure} `));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-one-truth-'));
  try {
    const base = releaseOfImage('debian:bookworm');
    assert.ok(base);
    fs.writeFileSync(cacheFile(tmp, base), buildCache(base, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
    const out: string[] = [];
    const code = await estimateCommand(
      ['--offline', '--index-dir', tmp, 'Dockerfile'],
      () => text,
      (s) => out.push(s),
      () => undefined,
    );
    assert.equal(code, 0);
    assert.match(out.join('\n'), new RegExp(`Dockerfile:2: .*\`--no-install-recommends\`, keeping ca-certificates, would save ≈${figure} `));

    const knowledge = new PackageKnowledge(
      tmp,
      () => undefined,
      () => undefined,
    );
    knowledge.lookup(base); // loads in the background, as in the editor
    await new Promise((r) => setTimeout(r, 20));
    const hover = knowledge.hover(TextDocument.create('file:///x/Dockerfile', 'dockerfile', 1, text), 1, 1);
    const md = (hover?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(md, new RegExp(`\`--no-install-recommends\`, keeping ca-certificates, would save ≈${figure} `));
    // The CodeLens's quick pick shows the server's sentence.
    assert.match(knowledge.estimates(text).runs[0]?.flagSaves ?? '', new RegExp(`keeping ca-certificates, would save ≈${figure} `));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('estimate says when the base is slim and the figure an upper bound', async () => {
  const text = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n';
  const [r] = estimateModel(buildModel(text), () => idx).runs;
  assert.equal(r?.slim, true);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dsl-one-truth-'));
  try {
    const base = releaseOfImage('debian:bookworm');
    assert.ok(base);
    fs.writeFileSync(cacheFile(tmp, base), buildCache(base, [fs.readFileSync(EXCERPT, 'utf8')], ['test'], Date.now()));
    const out: string[] = [];
    await estimateCommand(
      ['--offline', '--index-dir', tmp, 'Dockerfile'],
      () => text,
      (s) => out.push(s),
      () => undefined,
    );
    assert.match(out.join('\n'), /upper bound: a slim base skips docs, man pages and locales/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
