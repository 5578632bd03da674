/**
 * What apt removes: `apt-get remove/purge NAMES` takes the named packages; with `--auto-remove`
 * (or a later `apt-get autoremove`) also every automatically installed package that no manually
 * installed one still needs. apt's mark-and-sweep follows Depends, Pre-Depends and (by default,
 * APT::AutoRemove::RecommendsImportant) Recommends from the manual packages, through every
 * installed alternative and provider. Suggests (also important by default) are not in the index:
 * a package kept only by a Suggests is counted as removed.
 */
import type { PackageIndex } from '../../../../common/src/package-index/types.js';

/** The installed packages `autoremove` would remove: those unreachable from `manual`. */
export function autoremovable(index: PackageIndex, installed: ReadonlySet<string>, manual: ReadonlySet<string>, recommendsImportant = true): string[] {
  const reached = new Set<string>();
  const stack = [...manual].filter((n) => installed.has(n));
  const reach = (name: string): void => {
    if (installed.has(name) && !reached.has(name)) stack.push(name);
    for (const p of index.providers(name)) if (installed.has(p) && !reached.has(p)) stack.push(p);
  };
  for (;;) {
    const n = stack.pop();
    if (n === undefined) break;
    if (reached.has(n)) continue;
    reached.add(n);
    const info = index.get(n);
    if (!info) continue;
    for (const clause of info.depends) for (const alt of clause) reach(alt);
    if (recommendsImportant) for (const clause of info.recommends) for (const alt of clause) reach(alt);
  }
  const out: string[] = [];
  for (const n of installed) {
    if (reached.has(n)) continue;
    const info = index.get(n);
    // apt never removes Essential or Priority: required packages on its own.
    if (info && (info.essential || info.priority === 'required')) continue;
    out.push(n);
  }
  return out;
}
