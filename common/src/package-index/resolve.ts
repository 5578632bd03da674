/**
 * What apt would add for `apt-get install NAMES`: Depends and Pre-Depends of everything newly
 * installed, recursively, and with recommends on their Recommends too. Alternatives take the
 * first one that is already installed, else the first that can be installed; virtual names go
 * through Provides (an installed provider first, else the highest-priority one). Everything
 * already in `installed` (the base image, earlier RUNs) adds nothing. Cycles end at the
 * visited set. Versions are ignored: an index holds one version of each package.
 */
import type { Clause, PackageIndex, Priority, Resolution } from './types.js';

export interface ResolveRequest {
  packages: readonly string[];
  recommends: boolean;
}

const RANK: Record<Priority, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4, unknown: 5 };

export interface ResolveResult extends Resolution {
  /** Every name now installed (input set plus what was added), for the next install line. */
  installed: Set<string>;
}

function isInstalled(index: PackageIndex, installed: ReadonlySet<string>, name: string): boolean {
  if (installed.has(name)) return true;
  return index.providers(name).some((p) => installed.has(p));
}

/** The real package that satisfies `name`, or undefined when nothing can. */
function candidate(index: PackageIndex, installed: ReadonlySet<string>, name: string): string | undefined {
  if (index.get(name)) return name;
  const provs = index.providers(name);
  if (provs.length === 0) return undefined;
  const inst = provs.find((p) => installed.has(p));
  if (inst) return inst;
  let best: string | undefined;
  let rank = Infinity;
  for (const p of provs) {
    const r = RANK[index.get(p)?.priority ?? 'unknown'];
    if (r < rank) [best, rank] = [p, r];
  }
  return best;
}

/** The package a clause makes apt install; undefined when satisfied already or unsatisfiable. */
function choose(index: PackageIndex, installed: ReadonlySet<string>, clause: Clause): string | undefined {
  if (clause.some((alt) => isInstalled(index, installed, alt))) return undefined;
  for (const alt of clause) {
    const c = candidate(index, installed, alt);
    if (c) return c;
  }
  return undefined;
}

export function resolveInstall(index: PackageIndex, req: ResolveRequest, base: ReadonlySet<string>): ResolveResult {
  const installed = new Set(base);
  const added: string[] = [];
  const unknown: string[] = [];
  const depQueue: string[] = [];
  const recQueue: Clause[] = [];
  const install = (name: string): void => {
    if (installed.has(name)) return;
    installed.add(name);
    added.push(name);
    depQueue.push(name);
  };
  for (const raw of req.packages) {
    const name = raw.toLowerCase();
    if (index.get(name)) {
      install(name);
      continue;
    }
    const provs = index.providers(name);
    // apt installs a virtual name's only provider, and asks the user to choose among several.
    if (provs.some((p) => installed.has(p))) continue;
    if (provs.length === 1) install(provs[0] as string);
    else unknown.push(raw);
  }
  // Depends first, then Recommends, so that a recommend already pulled in as a dependency counts.
  for (;;) {
    const next = depQueue.shift();
    if (next !== undefined) {
      const info = index.get(next);
      if (!info) continue;
      for (const clause of info.depends) {
        const c = choose(index, installed, clause);
        if (c) install(c);
      }
      if (req.recommends) for (const clause of info.recommends) recQueue.push(clause);
      continue;
    }
    const clause = recQueue.shift();
    if (clause === undefined) break;
    const c = choose(index, installed, clause);
    if (c) install(c);
  }
  const list = added.map((name) => ({ name, bytes: index.get(name)?.installedBytes ?? 0 })).sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  return { added: list, bytes: list.reduce((s, p) => s + p.bytes, 0), unknown, installed };
}
