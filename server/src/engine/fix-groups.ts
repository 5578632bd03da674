/**
 * `fix`, decomposed for a refactor preview: the same rounds as `fix` (same result when every
 * group is applied), but the change is reported as groups of edits on the ORIGINAL text, one
 * group per fix. Fixes of later rounds whose edits touch an earlier fix's edit join its group, so
 * each group can be applied or left out on its own (no group's edits overlap or touch another's).
 */
import { applyEdits, lintDetailed, selectFixes } from './lint.js';
import type { CreateFile, DetailedFinding, Edit, FixOptions } from '../kernel/types.js';

export interface FixGroupMember {
  rule: string;
  /** The fix's title, markdown backticks removed. */
  title: string;
  safe: boolean;
  /** Why an unsafe fix is unsafe, when the rule says so (its `unsafeReason`). */
  reason?: string;
  buildkitOnly?: true;
}

export interface FixGroup {
  fixes: FixGroupMember[];
  /** False when any member is unsafe. */
  safe: boolean;
  /** Non-overlapping edits on the original text, in order. */
  edits: Edit[];
}

export interface GroupedFix {
  /** Equals `fix(text, options).text`. */
  text: string;
  groups: FixGroup[];
  createFiles: { file: CreateFile; fix: FixGroupMember }[];
}

interface Region {
  os: number;
  oe: number;
  text: string;
  group: number;
}

const plain = (s: string): string => s.replace(/`/g, '');
const member = (f: DetailedFinding): FixGroupMember => {
  const reason = f.fixDetail?.unsafeReason;
  return {
    rule: f.rule,
    title: plain(f.fixDetail?.title ?? f.rule),
    safe: f.fixDetail?.safe ?? true,
    ...(reason ? { reason } : {}),
    ...(f.fixDetail?.buildkitOnly ? { buildkitOnly: true } : {}),
  };
};

/** `skip` leaves out fixes the client cannot use (e.g. BuildKit-only ones for a legacy builder). */
export function fixGroups(original: string, options: FixOptions = {}, skip?: (f: DetailedFinding) => boolean): GroupedFix {
  let regions: Region[] = [];
  const members: FixGroupMember[][] = [];
  const parent: number[] = [];
  const find = (g: number): number => {
    const p = parent[g] ?? g;
    return p === g ? g : (parent[g] = find(p));
  };
  const union = (a: number, b: number): number => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[rb] = ra;
    return ra;
  };
  const createFiles: GroupedFix['createFiles'] = [];
  let opts = options;
  let cur = original;
  for (let round = 0; round < 12; round++) {
    const findings = lintDetailed(cur, opts);
    const chosen = selectFixes(skip ? findings.filter((f) => !skip(f)) : findings, opts);
    for (const f of chosen) {
      const cf = f.fixDetail?.createFile;
      const same = cf ? createFiles.findIndex((c) => c.file.path === cf.path) : -1;
      if (cf && same === -1) createFiles.push({ file: cf, fix: member(f) });
      else if (cf?.append && same >= 0) {
        const prev = createFiles[same] as GroupedFix['createFiles'][number];
        if (!prev.file.content.includes(cf.content)) createFiles[same] = { ...prev, file: { ...prev.file, content: `${prev.file.content}${cf.content}` } };
      }
    }
    const withEdits = chosen.filter((f) => (f.fixDetail?.edits.length ?? 0) > 0);
    if (withEdits.length === 0) break;
    type Unit = { start: number; end: number; region?: Region; edit?: Edit; group: number };
    const units: Unit[] = [];
    let delta = 0;
    for (const r of regions) {
      const start = r.os + delta;
      units.push({ start, end: start + r.text.length, region: r, group: r.group });
      delta += r.text.length - (r.oe - r.os);
    }
    for (const f of withEdits) {
      const g = members.length;
      members.push([member(f)]);
      parent.push(g);
      for (const e of f.fixDetail?.edits ?? []) units.push({ start: e.start, end: e.end, edit: e, group: g });
    }
    units.sort((a, b) => a.start - b.start || a.end - b.end);
    const next: Region[] = [];
    let deltaBefore = 0; // of regions wholly before the cluster being built
    for (let i = 0; i < units.length;) {
      const first = units[i] as Unit;
      let j = i + 1;
      let end = first.end;
      for (let u = units[j]; u && u.start <= end; u = units[++j]) end = Math.max(end, u.end);
      const cluster = units.slice(i, j);
      const start = first.start;
      const ownDelta = cluster.reduce((s, u) => s + (u.region ? u.region.text.length - (u.region.oe - u.region.os) : 0), 0);
      const edits = cluster.filter((u) => u.edit).map((u) => ({ start: u.start - start, end: u.end - start, text: u.edit?.text ?? '' }));
      const group = cluster.reduce((g, u) => union(g, u.group), first.group);
      if (edits.length === 0 && cluster.length === 1 && first.region) next.push(first.region);
      else next.push({ os: start - deltaBefore, oe: end - deltaBefore - ownDelta, text: applyEdits(cur.slice(start, end), edits), group });
      deltaBefore += ownDelta;
      i = j;
    }
    regions = next;
    cur = applyEdits(
      original,
      regions.map((r) => ({ start: r.os, end: r.oe, text: r.text })),
    );
    if (chosen.some((f) => f.fixDetail?.createFile)) opts = { ...opts, dockerignoreExists: true, context: undefined };
  }
  const byGroup = new Map<number, FixGroup>();
  for (const r of regions) {
    if (r.text === original.slice(r.os, r.oe)) continue;
    const root = find(r.group);
    let g = byGroup.get(root);
    if (!g) {
      const fixes = members.flatMap((m, i) => (find(i) === root ? m : []));
      g = { fixes, safe: fixes.every((f) => f.safe), edits: [] };
      byGroup.set(root, g);
    }
    g.edits.push({ start: r.os, end: r.oe, text: r.text });
  }
  return { text: cur, groups: [...byGroup.values()], createFiles };
}

/**
 * The fixes of several findings (a grouped problem's members) as one set of edits: each finding's fix
 * in order, left out when its edits overlap or touch one already taken (the next pass fixes it).
 */
export function combinedFix(findings: readonly DetailedFinding[]): { edits: Edit[]; fixed: DetailedFinding[] } {
  const edits: Edit[] = [];
  const fixed: DetailedFinding[] = [];
  const touches = (a: Edit, b: Edit): boolean => a.start <= b.end && b.start <= a.end;
  for (const f of findings) {
    const own = f.fixDetail?.edits ?? [];
    if (own.length === 0 || own.some((e) => edits.some((t) => touches(e, t)))) continue;
    edits.push(...own);
    fixed.push(f);
  }
  return { edits: edits.sort((a, b) => a.start - b.start), fixed };
}
