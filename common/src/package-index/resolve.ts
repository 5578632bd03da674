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

/**
 * Work (clauses and providers looked at) one resolve may do: a real `apt-get install` of a desktop takes about 40,000
 * in Debian bookworm. Past it (a hostile or corrupt index: issue 27) the line has no estimate: every requested name
 * is unknown.
 */
export const MAX_RESOLVE_STEPS = 2_000_000;

/** The resolve's state: what is installed, and which virtual names an installed package provides (indexed). */
class Installed {
  readonly names: Set<string>;
  private readonly virtual = new Set<string>();
  steps = 0;

  constructor(
    private readonly index: PackageIndex,
    base: ReadonlySet<string>,
  ) {
    this.names = new Set(base);
    if (index.provides) for (const n of base) this.noteProvides(n);
  }

  private noteProvides(name: string): void {
    const provided = this.index.provides?.(name) ?? [];
    this.steps += provided.length;
    for (const v of provided) this.virtual.add(v);
  }

  add(name: string): void {
    this.names.add(name);
    this.noteProvides(name);
  }

  /** Whether `name` is installed, or a virtual name an installed package provides. */
  satisfies(name: string): boolean {
    this.steps++;
    if (this.names.has(name)) return true;
    if (this.index.provides) return this.virtual.has(name);
    const provs = this.index.providers(name);
    this.steps += provs.length;
    return provs.some((p) => this.names.has(p));
  }
}

/** The real package that satisfies `name`, or undefined when nothing can. */
function candidate(index: PackageIndex, installed: Installed, name: string): string | undefined {
  if (index.get(name)) return name;
  const provs = index.providers(name);
  installed.steps += provs.length;
  if (provs.length === 0) return undefined;
  const inst = provs.find((p) => installed.names.has(p));
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
function choose(index: PackageIndex, installed: Installed, clause: Clause): string | undefined {
  if (clause.some((alt) => installed.satisfies(alt))) return undefined;
  for (const alt of clause) {
    const c = candidate(index, installed, alt);
    if (c) return c;
  }
  return undefined;
}

export function resolveInstall(index: PackageIndex, req: ResolveRequest, base: ReadonlySet<string>, maxSteps = MAX_RESOLVE_STEPS): ResolveResult {
  const installed = new Installed(index, base);
  const added: string[] = [];
  const unknown: string[] = [];
  // Queues read by a moving head (shift() made 200,000 packages take 37 s).
  const depQueue: string[] = [];
  const recQueue: Clause[] = [];
  let depHead = 0;
  let recHead = 0;
  const install = (name: string): void => {
    if (installed.names.has(name)) return;
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
    installed.steps += provs.length;
    if (provs.some((p) => installed.names.has(p))) continue;
    if (provs.length === 1) install(provs[0] as string);
    else unknown.push(raw);
  }
  // Depends first, then Recommends, so that a recommend already pulled in as a dependency counts.
  while (installed.steps <= maxSteps) {
    if (depHead < depQueue.length) {
      const info = index.get(depQueue[depHead++] as string);
      if (!info) continue;
      for (const clause of info.depends) {
        const c = choose(index, installed, clause);
        if (c) install(c);
      }
      if (req.recommends) for (const clause of info.recommends) recQueue.push(clause);
      continue;
    }
    if (recHead >= recQueue.length) break;
    const c = choose(index, installed, recQueue[recHead++] as Clause);
    if (c) install(c);
  }
  if (installed.steps > maxSteps) return { added: [], bytes: 0, unknown: [...req.packages], installed: new Set(base) };
  const list = added.map((name) => ({ name, bytes: index.get(name)?.installedBytes ?? 0 })).sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  return { added: list, bytes: list.reduce((s, p) => s + p.bytes, 0), unknown, installed: installed.names };
}
