/** Size estimates per RUN (server/src/analysis/package-managers/estimate.ts) against the recorded bookworm excerpt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { buildModel } from '../../server/src/kernel/model.js';
import { estimateModel } from '../../server/src/analysis/package-managers/estimate.js';
import { baseSet } from '../../common/src/package-index/base-set.js';
import { resolveInstall } from '../../common/src/package-index/resolve.js';
import { installLayerBytes } from '../../common/src/package-index/layer-size.js';
import { EXCERPT, indexOf } from './packages-fixtures.js';

const idx = indexOf(fs.readFileSync(EXCERPT, 'utf8'));
const lookup = (b: { release: string }): typeof idx | undefined => (b.release === 'debian/bookworm' ? idx : undefined);
const est = (text: string): ReturnType<typeof estimateModel> => estimateModel(buildModel(text), lookup);

test('estimate: one RUN, with and without recommends, ARG-built tag', () => {
  const base = baseSet(idx, 'minbase');
  const withRec = resolveInstall(idx, { packages: ['curl'], recommends: true }, base);
  const without = resolveInstall(idx, { packages: ['curl'], recommends: false }, base);
  // Layer estimates: installed sizes plus dpkg's bookkeeping (no Python packages here).
  withRec.bytes = installLayerBytes(withRec.added);
  without.bytes = installLayerBytes(without.added);
  assert.ok(withRec.bytes > withRec.added.reduce((s, p) => s + p.bytes, 0));
  const r = est('ARG REL=bookworm\nFROM debian:${REL}-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n');
  assert.equal(r.runs.length, 1);
  const run = r.runs[0];
  assert.ok(run);
  assert.equal(run.line, 3);
  assert.equal(run.release, 'debian/bookworm');
  assert.equal(run.bytes, withRec.bytes);
  assert.equal(run.packages, withRec.added.length);
  assert.equal(run.withoutRecommendsBytes, without.bytes);
  assert.ok(run.dropped.some((p) => p.name === 'ca-certificates'));
  const flag = est('FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n').runs[0];
  assert.equal(flag?.bytes, without.bytes);
  assert.equal(flag?.withRecommendsBytes, withRec.bytes);
  // apt.conf written by an earlier RUN turns recommends off for later ones.
  const conf = est(`FROM debian:12\nRUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norec\nRUN apt-get install -y curl\n`).runs[0];
  assert.equal(conf?.bytes, without.bytes);
});

test('estimate: later RUNs count what earlier ones installed; unknown lines are left out', () => {
  const r = est(
    [
      'FROM local/debian:bookworm AS base',
      'RUN apt-get install -y --no-install-recommends ca-certificates',
      'FROM base',
      'RUN apt-get install -y curl',
      'RUN apt-get install -y $PKGS',
      'RUN apt-get install -y no-such-package',
      'RUN apt-get install -y curl',
      'RUN apk add curl',
      '',
    ].join('\n'),
  );
  const lines = r.runs.map((x) => `${x.line}:${x.final}`);
  assert.deepEqual(lines, ['2:false', '4:true', '7:true']);
  assert.ok(!r.runs[1]?.added.some((p) => p.name === 'ca-certificates'), 'installed by the parent stage');
  assert.equal(r.runs[2]?.bytes, 0, 'already installed');
  assert.deepEqual(r.missing, []);
});

test('estimate: unknown or uncached releases give no estimate and name what is missing', () => {
  assert.deepEqual(est('FROM alpine:3.20\nRUN apk add curl\n'), { runs: [], missing: [] });
  assert.deepEqual(est('FROM python:3.12-slim\nRUN apt-get install -y curl\n'), { runs: [], missing: [] });
  const r = est('FROM ubuntu:24.04\nRUN apt-get install -y curl\n');
  assert.deepEqual(r.runs, []);
  assert.deepEqual(
    r.missing.map((m) => m.release),
    ['ubuntu/noble'],
  );
  // No install RUN: nothing needed.
  assert.deepEqual(est('FROM ubuntu:24.04\nRUN echo hi\n').missing, []);
});
