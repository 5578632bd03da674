/**
 * What a build context ships that an image almost never needs: `.git`, `node_modules`, build outputs (`target/`,
 * `dist/`), git worktrees of editors and agents, `.env` files and private keys. Grouped by the `.dockerignore`
 * pattern that would exclude them; sizes are of what the context sends after its current `.dockerignore`.
 */
import type { ContextScan } from './walk.js';
import type { Leak, LeakKind } from './types.js';

const ENV = /(^|\/)\.env(\.[^/]+)?$/;
const ENV_TEMPLATE = /\.(example|sample|template|dist|defaults?|schema)$/i;

interface Hit {
  kind: LeakKind;
  pattern: string;
  instance: string;
}

function classify(file: string, worktrees: readonly string[], keys: ReadonlySet<string>): Hit | undefined {
  for (const w of worktrees) if (file.startsWith(`${w}/`)) return { kind: 'worktree', pattern: w, instance: w };
  if (file.startsWith('.claude/worktrees/') || file.startsWith('.worktrees/')) {
    const base = file.startsWith('.claude/') ? '.claude/worktrees' : '.worktrees';
    return { kind: 'worktree', pattern: base, instance: base };
  }
  if (file.startsWith('.git/')) return { kind: 'git', pattern: '.git', instance: '.git' };
  const git = file.indexOf('/.git/');
  if (git > 0) return { kind: 'git', pattern: '**/.git', instance: file.slice(0, git + 5) };
  if (file.startsWith('node_modules/')) return { kind: 'node_modules', pattern: '**/node_modules', instance: 'node_modules' };
  const nm = file.indexOf('/node_modules/');
  if (nm > 0) return { kind: 'node_modules', pattern: '**/node_modules', instance: file.slice(0, nm + 13) };
  if (file.startsWith('target/')) return { kind: 'target', pattern: 'target', instance: 'target' };
  if (file.startsWith('dist/')) return { kind: 'dist', pattern: 'dist', instance: 'dist' };
  if (ENV.test(file) && !ENV_TEMPLATE.test(file)) return { kind: 'env', pattern: file, instance: file };
  if (keys.has(file)) return { kind: 'private-key', pattern: file, instance: file };
  return undefined;
}

/** The leaks of a scan, biggest first (`.env` files and keys first: they are risky at any size). */
export function findLeaks(scan: ContextScan): Leak[] {
  const keys = new Set(scan.privateKeys);
  const byPattern = new Map<string, Leak & { sizes: Map<string, number> }>();
  for (let i = 0; i < scan.files.length; i++) {
    const file = scan.files[i] as string;
    const hit = classify(file, scan.worktrees, keys);
    if (!hit) continue;
    const size = scan.sizes[i] as number;
    let l = byPattern.get(hit.pattern);
    if (!l) {
      l = { kind: hit.kind, path: hit.instance, pattern: hit.pattern, bytes: 0, files: 0, paths: [], sizes: new Map() };
      byPattern.set(hit.pattern, l);
    }
    l.bytes += size;
    l.files++;
    l.sizes.set(hit.instance, (l.sizes.get(hit.instance) ?? 0) + size);
  }
  const risky = (k: LeakKind): number => (k === 'env' || k === 'private-key' ? 0 : 1);
  return [...byPattern.values()]
    .map(({ sizes, ...l }) => {
      const ranked = [...sizes.entries()].sort((a, b) => b[1] - a[1]);
      return { ...l, path: ranked[0]?.[0] ?? l.path, paths: ranked.slice(0, 20).map(([p]) => p) };
    })
    .sort((a, b) => risky(a.kind) - risky(b.kind) || b.bytes - a.bytes);
}
