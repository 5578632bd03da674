/**
 * Estimates of the image's npm/yarn install lines before a build (issue 24): for each lockfile install of the stages
 * that ship, the registry's unpacked sizes of what the lockfile installs (production-only when dev dependencies are
 * omitted). One row provider for the CLI (`estimate`: rows of kind `npm`), the editor's lens and hover, and any
 * whole-image total (sum `bytes` of the rows whose `bytes` is a number).
 */
import type { Model, Stage } from '../../kernel/model.js';
import type { NodeProject } from '../../../../common/src/build-context/node-projects.js';
import { estimateNpmInstall, type NpmLineFigures, type NpmSizeLookup } from '../../../../common/src/npm-registry/estimate.js';
import { nodeInstalls } from './node-installs.js';

/** A row of the CLI's `estimate` (kind `npm`); the editor gets the same figures without `kind`. */
export interface NpmLineEstimate extends NpmLineFigures {
  kind: 'npm';
}

/** The final stage and the stages it is built FROM. */
function imageStages(model: Model): Stage[] {
  const out: Stage[] = [];
  for (let s = model.stages[model.stages.length - 1]; s && !out.includes(s); s = s.parent ?? undefined) out.push(s);
  return out;
}

/** Registry packages the image's installs need sizes for (what a fetch should ask). */
export function npmWanted(model: Model, projects: readonly NodeProject[]): Array<{ name: string; version: string }> {
  const out: Array<{ name: string; version: string }> = [];
  for (const s of imageStages(model)) {
    for (const inst of nodeInstalls(model, s, projects)) {
      for (const e of inst.project?.lock?.lockfile?.entries ?? []) if (e.registry && (!inst.production || !e.dev)) out.push(e);
    }
  }
  return out;
}

export function npmEstimates(model: Model, projects: readonly NodeProject[], sizeOf: NpmSizeLookup): NpmLineEstimate[] {
  const rows: NpmLineEstimate[] = [];
  for (const s of imageStages(model)) {
    for (const inst of nodeInstalls(model, s, projects)) {
      const base = { line: inst.instr.line + 1, kind: 'npm' as const, manager: inst.manager, production: inst.production };
      const empty = { packages: 0, unknown: 0, devPackages: 0, devBytes: 0, top: [] };
      const p = inst.project;
      if (!p) {
        rows.push({ ...base, ...empty, bytes: null, reason: 'no package.json from the build context reaches this line (or the context was not read)' });
        continue;
      }
      const lock = p.lock?.lockfile;
      if (!lock || !p.lock) {
        const reason = p.lock?.error ? `${p.lock.file}: ${p.lock.error}` : `no lockfile beside ${p.dir ? `${p.dir}/` : ''}package.json`;
        rows.push({ ...base, ...empty, bytes: null, reason });
        continue;
      }
      if (inst.manager === 'pnpm') {
        rows.push({ ...base, ...empty, lockfile: p.lock.file, bytes: null, reason: 'pnpm installs are not estimated (pnpm-lock.yaml is not read)' });
        continue;
      }
      const e = estimateNpmInstall(lock, inst.production, sizeOf, p.lock.bytes);
      rows.push({
        ...base,
        bytes: e.bytes,
        packages: e.packages,
        unknown: e.unknown,
        devPackages: e.devPackages,
        devBytes: e.devBytes,
        lockfile: p.lock.file,
        top: e.top,
        ...(e.unknown === e.packages && e.packages > 0 ? { bytes: null, reason: 'no package size known yet (registry metadata not fetched)' } : {}),
      });
    }
  }
  return rows.sort((a, b) => a.line - b.line);
}
