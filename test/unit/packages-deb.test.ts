/** DS004 on `.deb` installs (issue 25 item 4): `dpkg -i x.deb || apt-get -f install -y` → `apt-get install --no-install-recommends ./x.deb`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fix, lint } from '../../server/src/engine/index.js';
import type { PackageLookup } from '../../common/src/package-index/types.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

const idx = indexOf(fs.readFileSync(EXCERPT, 'utf8'));
const packages: PackageLookup = { version: 1, lookup: (b) => (b.release === 'debian/bookworm' ? idx : undefined) };
const opts = { dockerignoreExists: true };
const ds004 = (text: string, p?: PackageLookup): { message: string; title: string; safe: boolean } | undefined => {
  const f = lint(text, { ...opts, packages: p }).find((x) => x.rule === 'DS004');
  return f && { message: f.message, title: f.fix?.title ?? '', safe: f.fix?.safe ?? false };
};

test('a reviewed package as a .deb: safe, keeps what the stage needs, converges', () => {
  const text =
    'FROM debian:bookworm\nRUN apt-get update && apt-get download curl \\\n    && (dpkg -i curl_7.88.1-10_amd64.deb || apt-get -f install -y) && rm -rf /var/lib/apt/lists/*\n';
  const f = ds004(text);
  assert.equal(f?.safe, true);
  assert.match(f?.title ?? '', /^Install \.\/curl_7\.88\.1-10_amd64\.deb with `apt-get install --no-install-recommends`, keep ca-certificates$/);
  const once = fix(text, opts).text;
  assert.match(once, /\(apt-get install -y --no-install-recommends \.\/curl_7\.88\.1-10_amd64\.deb ca-certificates\) &&/);
  assert.equal(fix(once, opts).text, once, 'applying twice equals once');
  assert.equal(ds004(once), undefined, 'the finding is gone');
});

test('joined by `;` or `&&`, combined short flags, absolute paths and globs', () => {
  const run = (s: string): string => fix(`FROM debian:bookworm\nRUN ${s}\n`, { ...opts, unsafe: true }).text.split('\n')[1] ?? '';
  assert.equal(run('dpkg -i /tmp/jq_1.6-2.1_amd64.deb; apt-get install -fy'), 'RUN apt-get install -y --no-install-recommends /tmp/jq_1.6-2.1_amd64.deb');
  assert.equal(run('dpkg --install ./jq_*.deb && apt-get -f -y install'), 'RUN apt-get install -y --no-install-recommends ./jq_*.deb');
  // Not a dpkg -i before it: a finding with no fix, as before.
  assert.equal(lint('FROM debian:bookworm\nRUN apt-get -f install -y\n', opts).find((x) => x.rule === 'DS004')?.fix, undefined);
});

test('unknown recommends make it unsafe and say why; the index decides where the table cannot', () => {
  const unnamed = ds004('FROM debian:bookworm\nRUN dpkg -i /tmp/app.deb || apt-get -f install -y\n');
  assert.equal(unnamed?.safe, false);
  assert.match(unnamed?.title ?? '', /recommends of a \.deb that is not named name_version_arch\.deb are unknown/);
  const text = 'FROM debian:bookworm\nRUN dpkg -i /tmp/libpsl5_0.21.2-1_amd64.deb || apt-get -f install -y\n';
  const plain = ds004(text);
  assert.equal(plain?.safe, false);
  assert.match(plain?.title ?? '', /recommends of libpsl5 not reviewed: the program may use what the \.deb recommends/);
  assert.equal(ds004(text, packages)?.safe, true, 'the index knows libpsl5 recommends only publicsuffix');
});
