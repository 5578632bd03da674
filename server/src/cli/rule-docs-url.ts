/**
 * The web address of each rule's docs page, built from package.json's `repository`
 * (`https://github.com/<owner>/<repo>/blob/main/docs/rules/DSxxx.md`), for CLI text, JSON and SARIF.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

let base: string | null | undefined;

/** `https://github.com/o/r` from `git+https://github.com/o/r.git`, `github:o/r` or `{ url }`; null if unusable. */
export function repositoryWebUrl(repository: unknown): string | null {
  const raw = typeof repository === 'string' ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  let url = raw
    .trim()
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  const short = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(url);
  if (short) url = `https://github.com/${short[1]}/${short[2]}`;
  url = url.replace(/^git@github\.com:/, 'https://github.com/').replace(/^(git|ssh):\/\/(git@)?github\.com\//, 'https://github.com/');
  return /^https:\/\/[^\s]+$/.test(url) ? url : null;
}

/** package.json of this package: next to dist/ (bundled) or four folders up (compiled to out/server/src/cli). */
function readBase(): string | null {
  for (const rel of ['..', '../..', '../../..', '../../../..']) {
    const file = path.resolve(__dirname, rel, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; repository?: unknown };
      if (pkg.name === 'dockerfile-slim') return repositoryWebUrl(pkg.repository);
    } catch {
      /* not here: try the next folder */
    }
  }
  return null;
}

/** The docs page of a rule: absolute when package.json names the repository, else the path in the package. */
export function ruleDocsUrl(rule: string): string {
  if (base === undefined) base = readBase();
  return base ? `${base}/blob/main/docs/rules/${rule}.md` : `docs/rules/${rule}.md`;
}
