/**
 * The fast instruction scanner (kernel/scan.ts) must give the model dockerfile-ast gives: same
 * instructions, offsets, lines, keywords, arguments, stages, ARG/ENV and shell, on fixtures,
 * fuzz regressions, the corpus and generated or mutated input. Where it gives up (here-documents,
 * ONBUILD) the model comes from dockerfile-ast, which is what the comparison then checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixturesDir, sharedDir, sharedSkip } from '../helpers/paths.js';
import { both } from '../properties/scan.js';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.name.includes('Dockerfile') && !e.name.endsWith('.golden') ? [p] : [];
  });
}

test('scanner = dockerfile-ast on every fixture and fuzz regression', () => {
  const files = filesUnder(fixturesDir);
  assert.ok(files.length > 50, `found ${files.length} fixtures`);
  for (const f of files) {
    const r = both(fs.readFileSync(f, 'utf8'));
    assert.deepEqual(r.fast, r.lib, f);
  }
});

test('scanner = dockerfile-ast on hand-picked corners', () => {
  const cases = [
    'FROM a\nRUN echo a \\ \\\n  b\n',
    'FROM a\r\nRUN x \\\r\n  # c\r\n\r\n  y\r\n',
    'FROM a\rRUN x \\\r y\r',
    '\uFEFFFROM a\n',
    '\uFEFF# escape=`\nFROM a\nRUN x `\n y\n',
    '# escape=`\n# syntax=x\nFROM a\nRUN x \\\n',
    '# a=b # escape=`\nFROM a\nRUN b `\n c\n',
    'R\\\nUN x\nFROM\\ \n a\n',
    'FR\\ OM a\nRU\\N x\nRUN \\ x\n',
    'FROM a\nRUN a \\\n \\ \n b\n',
    'FROM a\nRUN a \\\n#x\n\n \\',
    'FROM a\n  RUN\tx\t\\\t\n\ty #z\n',
    'FROM a AS b\nONBUILD RUN x\nFROM b\nCOPY <<EOF /x\nhi\nEOF\n',
    'FROM a\nRUN\\',
    'FROM a\nRUN\\\n#c\nx y\n',
    '\\',
    '#',
    '',
  ];
  for (const c of cases) {
    const r = both(c);
    assert.deepEqual(r.fast, r.lib, JSON.stringify(c));
  }
});

const corpusDir = path.join(sharedDir, 'corpus', 'files');
const corpus = fs.existsSync(corpusDir) ? fs.readdirSync(corpusDir).map((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8')) : [];

test('scanner = dockerfile-ast on the corpus, and reads nearly all of it itself', { skip: sharedSkip('corpus') }, () => {
  let scanned = 0;
  for (const text of corpus) {
    const r = both(text);
    assert.deepEqual(r.fast, r.lib);
    if (r.scanned) scanned++;
  }
  assert.ok(scanned >= corpus.length * 0.9, `scanner read ${scanned} of ${corpus.length} files`);
});
