/**
 * Per-document linting for the server, fast on every keystroke of big files and identical to a
 * full lint (test/unit/incremental.test.ts proves it on random edits).
 *
 * The text is split into stage chunks at FROM instructions (engine/chunks.ts), each parsed once
 * and cached by its text. Chunks whose stages are linked (FROM parent, `--from=` in COPY or RUN
 * mounts) form a group; rules only look across stages along those links, at the final stage
 * (linked to its ancestors) and at stage names (every FROM is in every partial model). An edit
 * re-lints only the groups whose chunks changed, on a partial model of the preamble, every FROM
 * and the group's own instructions; other groups' findings are moved with their chunks. Anything
 * that could reach across groups (a changed skeleton or preamble, a global ignore pragma, DS012,
 * a rule error) falls back to a full lint of the chunk-parsed model.
 */
import type { Instruction } from 'dockerfile-ast';
import { ChunkCache, chunkText, parsedFromChunks, type Chunk, type ParsedChunk } from './engine/chunks.js';
import { lintModel, MAX_TEXT_LENGTH } from './engine/lint.js';
import { buildModel, type Model } from './engine/model.js';
import type { DetailedFinding, LintOptions } from './engine/types.js';
import { Groups, shiftFindings, type Placement } from './incremental-shift.js';

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
}

/** Facts about a chunk's text that decide how it links to others, computed once per chunk. */
interface ChunkFacts {
  id: number;
  breaks: number;
  refs: string[];
  /** Suppression pragmas that can reach beyond the chunk (global ones, and those after its last instruction). */
  pragmas: string;
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
    f = { id: nextId++, breaks: lines.length - 1, refs, pragmas };
    facts.set(p, f);
  }
  return f;
}

const isFrom = (n: Instruction): boolean => n.getKeyword().toUpperCase() === 'FROM';

/** DS012 looks at every COPY of the file at once; it only reports when told there is no .dockerignore. */
function wholeFileRulesActive(options: LintOptions): boolean {
  return options.dockerignoreExists === false && options.rules?.DS012 !== 'off';
}

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
    const plan = planGroups(text, escape, chunks);
    const signature = [optionsKey, escape, text.includes('\r\n'), plan.skeleton].join('\u0000');
    let result = null;
    if (prev && prev.signature === signature && !wholeFileRulesActive(options)) result = this.partial(prev, text, escape, chunks, plan, options);
    if (result) this.stats.partial++;
    else this.stats.full++;
    result ??= this.full(text, escape, chunks, plan, options);
    this.entries.set(uri, { text, optionsKey, findings: result.findings, cache, signature, groups: result.groups });
    return result.findings;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  private full(text: string, escape: string, chunks: Chunk[], plan: Plan, options: LintOptions): { findings: DetailedFinding[]; groups: Map<string, GroupEntry> } {
    const findings = lintModel(buildModel(text, parsedFromChunks(escape, chunks)), options);
    const groups = new Map<string, GroupEntry>();
    for (const g of plan.groups) {
      const own = findings.filter((f) => plan.owner(f) === g);
      groups.set(g.key, { findings: own, placements: g.members.map((i) => placement(chunks, i)) });
    }
    return { findings, groups };
  }

  /** Re-lints the changed groups only; null when the result might differ from a full lint. */
  private partial(prev: Entry, text: string, escape: string, chunks: Chunk[], plan: Plan, options: LintOptions): { findings: DetailedFinding[]; groups: Map<string, GroupEntry> } | null {
    const groups = new Map<string, GroupEntry>();
    const lintPart = (keep: (c: number, n: Instruction, i: number) => boolean): DetailedFinding[] | null => {
      const index = new Map(chunks.map((c, i) => [c, i]));
      const model = buildModel(text, parsedFromChunks(escape, chunks, (c, n, i) => keep(index.get(c) ?? -1, n, i)));
      const out = lintModel(model, options);
      return out.some((f) => f.message.startsWith('internal error in ')) ? null : out;
    };
    const preamble = lintModel(plan.model, options);
    if (preamble.some((f) => f.message.startsWith('internal error in '))) return null;
    const all = preamble.filter((f) => plan.owner(f) === null);
    for (const g of plan.groups) {
      const placements = g.members.map((i) => placement(chunks, i));
      const old = prev.groups.get(g.key);
      let own = old ? shiftFindings(old.findings, old.placements.map((from, k) => ({ from, to: placements[k] as Placement }))) : null;
      if (own) this.stats.reused++;
      else {
        this.stats.relinted++;
        const members = new Set(g.members);
        const out = lintPart((c, n, i) => plan.inPreamble(c, i) || isFrom(n) || members.has(c));
        if (!out) return null;
        own = out.filter((f) => plan.owner(f) === g);
      }
      groups.set(g.key, { findings: own, placements });
      all.push(...own);
    }
    all.sort((x, y) => x.start - y.start || x.rule.localeCompare(y.rule));
    return { findings: all, groups };
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
  inPreamble(chunk: number, node: number): boolean;
  /** The group a finding belongs to (by its instruction's line); null for the preamble. */
  owner(f: DetailedFinding): Group | null;
  /** The preamble and every FROM: the skeleton, also linted for the preamble's findings. */
  model: Model;
}

function planGroups(text: string, escape: string, chunks: Chunk[]): Plan {
  // Preamble: instructions before the first FROM (all in chunk 0).
  const first = chunks[0]?.parsed.nodes ?? [];
  let preambleCount = first.findIndex(isFrom);
  if (preambleCount < 0) preambleCount = first.length;
  const inPreamble = (c: number, i: number): boolean => c === 0 && i < preambleCount;
  const firstFrom = first[preambleCount];
  const preambleEndLine = firstFrom ? firstFrom.getRange().start.line : (chunks[1]?.line ?? Infinity);
  const preambleText = text.slice(0, chunks[0]?.parsed.text.split('\n').slice(0, preambleEndLine).join('\n').length ?? 0);

  const skeletonModel = buildModel(text, parsedFromChunks(escape, chunks, (c, n, i) => (c === chunks[0] && i < preambleCount) || isFrom(n)));
  const stageChunk: number[] = [];
  chunks.forEach((c, ci) => c.parsed.nodes.forEach((n) => isFrom(n) && stageChunk.push(ci)));
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
  // Identical chunks share a parse (and id): the key also counts earlier groups with the same ids.
  const seenKeys = new Map<string, number>();
  const groups: Group[] = uf.list().map((members) => {
    const ids = members.map((i) => factsOf((chunks[i] as Chunk).parsed).id).join(',');
    const n = seenKeys.get(ids) ?? 0;
    seenKeys.set(ids, n + 1);
    return { key: `${ids}#${n}`, members };
  });
  const groupOf = new Map<number, Group>();
  for (const g of groups) for (const m of g.members) groupOf.set(m, g);
  const chunkStarts = chunks.map((c) => c.line);
  const owner = (f: DetailedFinding): Group | null => {
    if (f.instrLine < preambleEndLine && chunks.length > 0) return null;
    let lo = 0;
    for (let hi = chunkStarts.length - 1; lo < hi; ) {
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
  return { groups, skeleton, inPreamble, owner, model: skeletonModel };
}
