/**
 * Per-document linting for the server, fast on every keystroke of big files and identical to a
 * full lint (test/properties/incremental.ts proves it on random edits).
 *
 * The text is split into stage chunks at FROM instructions (engine/chunks.ts), each parsed once
 * and cached by its text. Chunks whose stages are linked (FROM parent, `--from=` in COPY or RUN
 * mounts) form a group; rules only look across stages along those links, at the final stage
 * (linked to its ancestors) and at stage names (every FROM is in every partial model). An edit
 * re-lints only the groups whose chunks changed, on a partial model of the preamble, every FROM
 * and the group's own instructions; other groups' findings are moved with their chunks. Anything
 * that could reach across groups (a changed skeleton or preamble, a global ignore pragma, an active
 * rule whose metadata declares `scope: 'file'`, a rule crash, a here-document dockerfile-ast sees no end of)
 * falls back to a full lint of the chunk-parsed model.
 * A rule with one file-wide decision (DS012's .dockerignore) is stage-scoped with a `combine` step instead:
 * groups keep their own findings and the joined findings are combined.
 */
import { ChunkCache, chunkText, parsedFromChunks, type Chunk, type ParsedChunk } from '../kernel/chunks.js';
import { combineFindings, lintModel, MAX_TEXT_LENGTH } from '../engine/lint.js';
import { buildModel, unclosedHeredocs, type Model } from '../kernel/model.js';
import type { DetailedFinding, LintOptions } from '../kernel/types.js';
import { Groups, shiftFindings, type Placement } from './incremental-shift.js';
import { rules } from '../rules/index.js';
import { fileScopeActive } from '../kernel/rule.js';

interface GroupEntry {
  findings: DetailedFinding[];
  placements: Placement[];
}

interface Entry {
  text: string;
  optionsKey: string;
  findings: DetailedFinding[];
  cache: ChunkCache;
  signature: string;
  groups: Map<string, GroupEntry>;
  /** Chunk ids in order, and the members (chunk indices) of every group. */
  ids: number[];
  members: number[][];
}

/** Facts about a chunk's text that decide how it links to others, computed once per chunk. */
interface ChunkFacts {
  id: number;
  breaks: number;
  refs: string[];
  /** Suppression pragmas that can reach beyond the chunk (global ones, and those after its last instruction). */
  pragmas: string;
  /** Indices of its FROM instructions. */
  froms: Set<number>;
  /** A here-document dockerfile-ast sees no end of: fixes after it are withheld file-wide (lint's openHeredocAt). */
  openHeredoc: boolean;
}

const facts = new WeakMap<ParsedChunk, ChunkFacts>();
let nextId = 1;

function factsOf(p: ParsedChunk): ChunkFacts {
  let f = facts.get(p);
  if (!f) {
    const refs = [...p.text.matchAll(/from=("[^"]*"|'[^']*'|[^\s,]+)/gi)].map((m) => (m[1] ?? '').replace(/^["']|["']$/g, '').toLowerCase());
    const last = p.nodes[p.nodes.length - 1];
    const lines = p.text.split('\n');
    const tailFrom = last ? last.getRange().end.line - p.prefixLines + 1 : 0;
    const pragmas = lines.filter((l, i) => /ignore/.test(l) && (i >= tailFrom || /^\s*#\s*\S+\s+global\s/.test(l))).join('\n');
    const froms = new Set<number>();
    p.nodes.forEach((n, i) => n.getKeyword().toUpperCase() === 'FROM' && froms.add(i));
    const openHeredoc = p.text.includes('<<') && p.nodes.some((n) => unclosedHeredocs(n).length > 0);
    f = { id: nextId++, breaks: lines.length - 1, refs, pragmas, froms, openHeredoc };
    facts.set(p, f);
  }
  return f;
}

/** A rule whose metadata says its findings can depend on the whole file (e.g. DS012 without a .dockerignore) is active. */
function wholeFileRulesActive(options: LintOptions): boolean {
  return rules.some((r) => fileScopeActive(r, options));
}

type Result = { findings: DetailedFinding[]; groups: Map<string, GroupEntry>; members: number[][]; signature: string };

export class IncrementalLinter {
  private readonly entries = new Map<string, Entry>();
  /** How the lints went (for tests and the benchmark): full lints, partial ones, groups reused or re-linted. */
  readonly stats = { full: 0, partial: 0, reused: 0, relinted: 0 };

  lint(uri: string, text: string, options: LintOptions): DetailedFinding[] {
    const optionsKey = JSON.stringify(options);
    const prev = this.entries.get(uri);
    if (prev && prev.text === text && prev.optionsKey === optionsKey) return prev.findings;
    if (text.length > MAX_TEXT_LENGTH) {
      this.entries.delete(uri);
      return [];
    }
    const cache = prev?.cache ?? new ChunkCache();
    const { escape, chunks } = chunkText(text, cache);
    const ids = chunks.map((c) => factsOf(c.parsed).id);
    const head = [optionsKey, escape, text.includes('\r\n')].join('\u0000');
    let result: Result | null = null;
    if (prev && prev.optionsKey === optionsKey && prev.ids.length === ids.length && !wholeFileRulesActive(options)) {
      result = this.partial(prev, text, escape, chunks, ids, head, options);
    }
    if (result) this.stats.partial++;
    else this.stats.full++;
    result ??= this.full(text, escape, chunks, head, options);
    // Groups keep their rules' own findings; what is published is combined across the file (rule `combine`).
    const findings = combineFindings(result.findings);
    this.entries.set(uri, {
      text,
      optionsKey,
      findings,
      cache,
      signature: result.signature,
      groups: result.groups,
      ids,
      members: result.members,
    });
    return findings;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  private full(text: string, escape: string, chunks: Chunk[], head: string, options: LintOptions): Result {
    const model = buildModel(text, parsedFromChunks(escape, chunks));
    const plan = planGroups(text, chunks, model);
    const findings = lintModel(model, options, true);
    const groups = new Map<string, GroupEntry>();
    for (const g of plan.groups) {
      const own = findings.filter((f) => plan.owner(f) === g);
      groups.set(g.key, { findings: own, placements: g.members.map((i) => placement(chunks, i)) });
    }
    return { findings, groups, members: plan.groups.map((g) => g.members), signature: head + plan.skeleton };
  }

  /**
   * Lints one partial model (preamble, every FROM, the groups with a changed chunk) and moves the
   * other groups' findings. Null when the skeleton changed or the result might differ from a full lint.
   */
  private partial(prev: Entry, text: string, escape: string, chunks: Chunk[], ids: number[], head: string, options: LintOptions): Result | null {
    // An open here-document withholds every later fix (lint's openHeredocAt): not a per-group question.
    if (chunks.some((c) => factsOf(c.parsed).openHeredoc)) return null;
    const dirty = new Set<number>();
    for (const m of prev.members) if (m.some((i) => ids[i] !== prev.ids[i])) for (const i of m) dirty.add(i);
    const partialModel = (take: ReadonlySet<number>): Model => {
      const index = new Map(chunks.map((c, i) => [c, i]));
      return buildModel(
        text,
        parsedFromChunks(escape, chunks, (c, _n, i) => {
          const ci = index.get(c) ?? -1;
          return take.has(ci) || plan0.inPreamble(ci, i) || factsOf(c.parsed).froms.has(i);
        }),
      );
    };
    const plan0 = preambleOf(chunks);
    let model = partialModel(dirty);
    const plan = planGroups(text, chunks, model);
    const signature = head + plan.skeleton;
    if (signature !== prev.signature) return null;
    const lintOf = (m: Model): DetailedFinding[] | null => {
      const out = lintModel(m, options, true);
      return out.some((f) => f.ruleCrashed) ? null : out;
    };
    let linted = lintOf(model);
    if (!linted) return null;
    const all = linted.filter((f) => plan.owner(f) === null);
    const groups = new Map<string, GroupEntry>();
    const again: Group[] = [];
    for (const g of plan.groups) {
      const placements = g.members.map((i) => placement(chunks, i));
      const old = g.members.some((i) => dirty.has(i)) ? undefined : prev.groups.get(g.key);
      const own = old
        ? shiftFindings(
            old.findings,
            old.placements.map((from, k) => ({ from, to: placements[k] as Placement })),
          )
        : linted.filter((f) => plan.owner(f) === g);
      if (own) {
        this.stats[old ? 'reused' : 'relinted']++;
        groups.set(g.key, { findings: own, placements });
        all.push(...own);
      } else again.push(g);
    }
    if (again.length > 0) {
      // Groups whose findings could not be moved exactly: lint them too.
      model = partialModel(new Set(again.flatMap((g) => g.members)));
      linted = lintOf(model);
      if (!linted) return null;
      for (const g of again) {
        const own = linted.filter((f) => plan.owner(f) === g);
        this.stats.relinted++;
        groups.set(g.key, { findings: own, placements: g.members.map((i) => placement(chunks, i)) });
        all.push(...own);
      }
    }
    all.sort((x, y) => x.start - y.start || x.rule.localeCompare(y.rule));
    return { findings: all, groups, members: plan.groups.map((g) => g.members), signature };
  }
}

function placement(chunks: readonly Chunk[], i: number): Placement {
  const c = chunks[i] as Chunk;
  return { start: c.start, end: c.end, line: c.line, breaks: factsOf(c.parsed).breaks };
}

interface Group {
  key: string;
  members: number[];
}

interface Plan {
  groups: Group[];
  /** What decides which groups exist and what they see of each other. */
  skeleton: string;
  /** The group a finding belongs to (by its instruction's line); null for the preamble. */
  owner(f: DetailedFinding): Group | null;
}

/** The preamble: instructions before the first FROM (all in chunk 0). */
function preambleOf(chunks: readonly Chunk[]): { count: number; endLine: number; inPreamble(chunk: number, node: number): boolean } {
  const first = chunks[0] ? factsOf(chunks[0].parsed) : null;
  const nodes = chunks[0]?.parsed.nodes ?? [];
  let count = nodes.findIndex((_, i) => first?.froms.has(i));
  if (count < 0) count = nodes.length;
  const firstFrom = nodes[count];
  const endLine = firstFrom ? firstFrom.getRange().start.line : (chunks[1]?.line ?? Infinity);
  return { count, endLine, inPreamble: (c, i) => c === 0 && i < count };
}

/** Groups of linked chunks, from a model that has every FROM (and the preamble). */
function planGroups(text: string, chunks: Chunk[], model: Model): Plan {
  const pre = preambleOf(chunks);
  const preambleEndLine = pre.endLine;
  const preambleText = text.slice(0, Number.isFinite(preambleEndLine) ? model.lines.lineStart(preambleEndLine) : text.length);
  const stageChunk: number[] = [];
  chunks.forEach((c, ci) => factsOf(c.parsed).froms.forEach(() => stageChunk.push(ci)));
  const skeletonModel = model;
  const uf = new Groups(chunks.length);
  let wildcard = false;
  for (const s of skeletonModel.stages) if (s.parent) uf.union(stageChunk[s.index] ?? 0, stageChunk[s.parent.index] ?? 0);
  chunks.forEach((c, ci) => {
    for (const ref of factsOf(c.parsed).refs) {
      if (ref.includes('$')) wildcard = true;
      const s = skeletonModel.stages.find((x) => x.name?.toLowerCase() === ref || String(x.index) === ref);
      if (s) uf.union(ci, stageChunk[s.index] ?? 0);
    }
  });
  if (wildcard) for (let i = 1; i < chunks.length; i++) uf.union(0, i);
  // Keyed by position and content: identical chunks share a parse (and id).
  const groups: Group[] = uf
    .list()
    .map((members) => ({ key: `${members.join(',')}:${members.map((i) => factsOf((chunks[i] as Chunk).parsed).id).join(',')}`, members }));
  const groupOf = new Map<number, Group>();
  for (const g of groups) for (const m of g.members) groupOf.set(m, g);
  const chunkStarts = chunks.map((c) => c.line);
  const owner = (f: DetailedFinding): Group | null => {
    if (f.instrLine < preambleEndLine && chunks.length > 0) return null;
    let lo = 0;
    for (let hi = chunkStarts.length - 1; lo < hi;) {
      const mid = (lo + hi + 1) >> 1;
      if ((chunkStarts[mid] ?? 0) <= f.instrLine) lo = mid;
      else hi = mid - 1;
    }
    return groupOf.get(lo) ?? null;
  };
  const skeleton = JSON.stringify([
    preambleText,
    skeletonModel.stages.map((s) => [s.name, s.image, s.imageExpanded, s.parent?.index ?? -1, s.from.args]),
    groups.map((g) => g.members),
    chunks.map((c) => factsOf(c.parsed).pragmas),
  ]);
  return { groups, skeleton, owner };
}
