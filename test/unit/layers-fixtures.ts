// Loads the recorded `docker history` fixtures and computes the expected attribution with an independent,
// positional oracle: the rows this build added are the ones not from the imported base image (empty CreatedBy),
// and they correspond one to one, in order, to the final stage's instructions (BuildKit writes no row for ONBUILD).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import type { RawHistoryRow } from '../../common/src/image-layers/index.js';

export interface RecordedFixture {
  recorded: string;
  builder: 'buildkit' | 'legacy' | 'podman';
  dockerfile: string;
  rows: RawHistoryRow[];
  configHistory?: Array<{ created_by?: string; empty_layer?: boolean }>;
  podmanJson?: string;
}

// Compiled tests live in out/test/unit; fixtures stay in the source tree.
export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'docker-history');

export function loadFixture(name: string): RecordedFixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as RecordedFixture;
}

export function positionalOracle(dockerfile: string, rows: RawHistoryRow[], builder: string): Array<{ line: number; bytes: number }> {
  const all = DockerfileParser.parse(dockerfile).getInstructions();
  const lastFrom = all.map((i) => i.getKeyword()).lastIndexOf('FROM');
  const fromLine = (all[lastFrom]?.getRange().start.line ?? -1) + 1;
  const lines = all
    .slice(lastFrom + 1)
    .filter((i) => !(builder === 'buildkit' && i.getKeyword() === 'ONBUILD'))
    .map((i) => i.getRange().start.line + 1);
  const size = (r: RawHistoryRow): number => Number(r['Size'] ?? r['size']);
  const createdBy = (r: RawHistoryRow): unknown => r['CreatedBy'] ?? r['createdBy'] ?? '';
  const ours = rows.filter((r) => createdBy(r) !== '').reverse();
  const base = rows.filter((r) => createdBy(r) === '');
  if (ours.length !== lines.length) throw new Error(`oracle: ${ours.length} rows for ${lines.length} instructions`);
  return [{ line: fromLine, bytes: base.reduce((s, r) => s + size(r), 0) }, ...ours.map((r, k) => ({ line: lines[k] ?? -1, bytes: size(r) }))];
}
