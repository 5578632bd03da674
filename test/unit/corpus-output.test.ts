/**
 * CI check (issue 17): the CLI's text output for the whole corpus (../shared/corpus, 274 real
 * Dockerfiles) has no line a CI runner would execute as a workflow command and no escape character.
 */
/* eslint-disable no-control-regex -- these tests look for control characters */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main.js';
import { missingIndexNotice } from '../../server/src/cli/package-lookup.js';
import { sharedDir, sharedSkip } from '../helpers/paths.js';

const dir = path.join(sharedDir, 'corpus', 'files');

test('corpus: text output has no workflow-command lines and no escape characters', { skip: sharedSkip('corpus') }, async () => {
  const files = fs
    .readdirSync(dir)
    .sort()
    .map((n) => path.join(dir, n));
  assert.ok(files.length >= 274, `expected the 274 corpus files, found ${files.length}`);
  const lines: string[] = [];
  const errors: string[] = [];
  const status = await main(
    ['lint', '--', ...files],
    (s) => lines.push(...s.split('\n')),
    (s) => errors.push(s),
  );
  // The one notice per release without a cached package index (a rule asked for it; DS014's purge asks for any
  // release) is no read error.
  const notices = new Set(
    ['debian/bullseye', 'debian/buster', 'debian/bookworm', 'debian/trixie', 'ubuntu/jammy', 'ubuntu/focal', 'ubuntu/noble'].map(missingIndexNotice),
  );
  assert.deepEqual(
    errors.flatMap((e) => e.split('\n')).filter((e) => e && !notices.has(e)),
    [],
    'every corpus file was read',
  );
  assert.equal(status, 1, 'the corpus has findings');
  assert.ok(lines.length > 274, `${lines.length} lines printed`);
  const commands = lines.filter((l) => /^\s*(::|##\[|##vso\[)/.test(l));
  assert.deepEqual(commands, []);
  const escapes = lines.filter((l) => /[\u0000-\u001f\u007f-\u009f]/.test(l));
  assert.deepEqual(escapes, []);
});
