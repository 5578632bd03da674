/**
 * Edit builders shared by rule fixes. They respect the RUN's form (shell, exec, heredoc),
 * the file's escape character and line endings, and never drop a comment.
 */
import { changesShellState, isPosixShell } from './commands.js';
import type { Instr, Model } from './model.js';
import { docEnd, docStart, type RunScript } from './run-script.js';
import type { Command, Word } from './shell/parser.js';
import type { Edit } from './types.js';

function jsonInner(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** Where a command can be appended: after the last token, or before a trailing `;`. */
function appendPoint(run: RunScript): number | null {
  if (run.script.unterminated) return null; // an open quote or `$(`: the append would land inside it
  const src = run.script.src.slice(0, run.script.contentEnd);
  const trimmed = src.trimEnd();
  if (trimmed.length === 0) return null;
  if (trimmed.endsWith('&') && !trimmed.endsWith('&&')) return null; // background job: leave it alone
  if (trimmed.endsWith(';') && !trimmed.endsWith(';;')) return docStart(run, trimmed.length - 1);
  if (/(&&|\|\||\|)$/.test(trimmed)) return null; // half-typed: nothing sensible to append to
  return docEnd(run, trimmed.length);
}

/** Appends `&& <command>` to a RUN (a new line for heredoc RUNs). Null when it cannot be done safely. */
export function appendCommand(model: Model, instr: Instr, command: string): Edit | null {
  const run = instr.run;
  if (!run) return null;
  if (run.form === 'heredoc') {
    if (run.heredocCloseLine === undefined || run.heredocCloseLine >= model.text.length) return null;
    return { start: run.heredocCloseLine, end: run.heredocCloseLine, text: command + model.eol };
  }
  if (run.form === 'exec' && !run.execShell) return null;
  const at = appendPoint(run);
  if (at === null) return null;
  if (run.form === 'shell' && model.text[at] !== ';') {
    const own = ownLineAppend(model, instr, at, command);
    if (own) return own;
  }
  const text = ` && ${command}`;
  return { start: at, end: at, text: run.form === 'exec' ? jsonInner(text) : text };
}

/**
 * Where the RUN puts one command per line (`a && \` + `    b`, or `a \` + `    && b`), the new
 * command goes on its own line in the same style, as a person would write it. Null otherwise.
 */
function ownLineAppend(model: Model, instr: Instr, at: number, command: string): Edit | null {
  const run = instr.run as RunScript;
  const cmds = run.script.commands;
  if (cmds.length < 2 || cmds.some((c) => c.depth > 0)) return null;
  const lineOf = (logical: number): number => model.lines.positionAt(docStart(run, logical)).line;
  for (let k = 1; k < cmds.length; k++) {
    const prev = cmds[k - 1] as (typeof cmds)[number];
    const cur = cmds[k] as (typeof cmds)[number];
    if (prev.after !== '&&' || lineOf(cur.start) === lineOf(Math.max(prev.end - 1, 0))) return null;
  }
  const lastLine = lineOf((cmds[cmds.length - 1] as (typeof cmds)[number]).start);
  // Nothing but the last command (and maybe a comment) on its line after the append point.
  if (model.lines.positionAt(at).line !== lastLine) return null;
  const lineText = model.text.slice(model.lines.lineStart(lastLine), model.lines.lineEnd(lastLine));
  const lead = /^([ \t]*)(&&[ \t]*)?/.exec(lineText) as RegExpExecArray;
  if (!lead[1]) return null;
  const esc = model.escape;
  const eol = model.eol;
  const text = lead[2] ? ` ${esc}${eol}${lead[1]}&& ${command}` : ` && ${esc}${eol}${lead[1]}${command}`;
  return { start: at, end: at, text };
}

/** Inserts ` <text>` right after a word of the RUN script. */
export function insertAfterWord(instr: Instr, word: Word, text: string): Edit | null {
  const run = instr.run;
  if (!run || run.script.unterminated) return null;
  const at = docEnd(run, word.end);
  if (run.form === 'exec' && !run.execShell) {
    const items = text
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => `, ${JSON.stringify(t)}`);
    return { start: at, end: at, text: items.join('') };
  }
  return { start: at, end: at, text: run.form === 'exec' ? jsonInner(` ${text}`) : ` ${text}` };
}

/** Indentation used by the RUN's continuation lines, or four spaces. */
function continuationIndent(model: Model, instr: Instr): string {
  if (instr.endLine > instr.line) {
    const s = model.lines.lineStart(instr.line + 1);
    const m = /^[ \t]+/.exec(model.text.slice(s, model.lines.lineEnd(instr.line + 1)));
    if (m) return m[0];
  }
  return '    ';
}

/** Does a top-level command follow `||`, `;`, `&` or a newline (not a plain `&&` chain or pipeline)? */
function looseList(commands: readonly Command[]): boolean {
  return commands.some((c) => c.depth === 0 && c.before !== null && c.before !== '&&' && c.before !== '|');
}

/**
 * A WORKDIR that sits between two RUNs a merge joins (see `runsBetween`): the join runs `mkdir -p <dir> && cd <dir>`
 * where it stood, and the WORKDIR is written again after the merged RUN for the instructions that follow.
 */
export interface MergeWorkdir {
  instr: Instr;
  /** The absolute directory, expanded. */
  dir: string;
}

/** Can these RUNs be merged by `mergeRuns`? (shell form, same flags, nothing but comments between, or a WORKDIR it crosses). */
export function mergeable(model: Model, runs: readonly Instr[], workdirs: readonly MergeWorkdir[] = []): boolean {
  if (runs.length < 2) return false;
  const flags = (i: Instr): string => (i.run?.flags ?? []).map((f) => `${f.name}=${f.value}`).join(' ');
  for (let k = 0; k < runs.length; k++) {
    const r = runs[k] as Instr;
    if (!r.run || r.run.form !== 'shell' || !isPosixShell(r.shell) || r.onbuild !== (runs[0] as Instr).onbuild) return false;
    if (flags(r) !== flags(runs[0] as Instr)) return false;
    if (appendPoint(r.run) === null) return false;
    // `RUN cat <<EOF > f`: the here-document body follows the first line; joining there would drop it.
    if (r.run.script.commands.some((c) => c.redirects.some((x) => x.op === '<<' || x.op === '<<-'))) return false;
    if (k > 0) {
      let gap = model.text.slice((runs[k - 1] as Instr).end, r.start);
      for (const w of workdirs) {
        if (w.instr.start >= (runs[k - 1] as Instr).end && w.instr.end <= r.start) gap = gap.replace(model.text.slice(w.instr.start, w.instr.end), '');
      }
      if (gap.split(/\r?\n|\r/).some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) return false;
    }
  }
  return true;
}

/**
 * A merge fix joins at most this many RUNs: past it no fix is offered rather than a huge one
 * (a hostile file made every cleanup merge thousands of RUNs, O(n²) edits in all).
 */
export const MAX_MERGE_RUNS = 64;

/**
 * Merges consecutive RUNs into the first, joined with `&& \`. Comments between them, and
 * trailing shell comments, become comment lines inside the continuation (Docker strips them).
 * A RUN that changes shell state (cd, export, set) is wrapped in `( … )` when `isolate` is set,
 * so later commands still run where and how they did before.
 */
export function mergeRuns(model: Model, runs: readonly Instr[], isolate = false, workdirs: readonly MergeWorkdir[] = []): Edit[] | null {
  if (runs.length > MAX_MERGE_RUNS || !mergeable(model, runs, workdirs)) return null;
  const esc = model.escape;
  const eol = model.eol;
  const indent = continuationIndent(model, runs[0] as Instr);
  const edits: Edit[] = [];
  for (let k = 0; k < runs.length; k++) {
    const cur = runs[k] as Instr;
    const run = cur.run as RunScript;
    const wrap = isolate && k < runs.length - 1 && changesShellState(run.script.commands);
    // After `prev &&`, a RUN whose own list has `||`, `;`, `&` or a newline would let its last command decide alone
    // (`prev && a || true` succeeds when prev fails): group it, so each RUN still fails the merged one as it failed the build.
    const group = k > 0 && !wrap && looseList(run.script.commands);
    if (wrap || group) {
      // The previous join ends exactly at this body: extend it rather than add a touching edit
      // (fix selection treats touching edits of one fix as a conflict).
      const open = wrap ? '( ' : '{ ';
      const prev = edits[edits.length - 1];
      if (prev && prev.end === run.bodyStart) prev.text += open;
      else edits.push({ start: run.bodyStart, end: run.bodyStart, text: open });
    }
    if (k === runs.length - 1) {
      if (group) edits.push({ start: appendPoint(run) as number, end: appendPoint(run) as number, text: '; }' });
      break;
    }
    const next = runs[k + 1] as Instr;
    const at = appendPoint(run) as number;
    const comments: string[] = [];
    // A trailing shell comment, and comment lines inside a trailing continuation (`a \` + `# note`).
    model.text
      .slice(at, cur.end)
      .split(/\r?\n|\r/)
      .forEach((l, n) => {
        const t = n === 0 ? l.trim().replace(/^;/, '').trim() : l.trim();
        if (t.startsWith('#')) comments.push(t);
      });
    // Comment lines between the RUNs, and inside the next one before its body (`RUN \` + `# note`), which the edit replaces.
    const replaced = model.text
      .slice(cur.end, (next.run as RunScript).bodyStart)
      .split(/\r?\n|\r/)
      .slice(1);
    for (const l of replaced) if (l.trim().startsWith('#')) comments.push(l.trim());
    // When the RUN ends in `;`, the replaced range starts at it, so `a;` becomes `a && …`.
    let text = `${wrap ? ' )' : group ? '; }' : ''} && ${esc}${eol}`;
    for (const c of comments) text += `${indent}${c}${eol}`;
    text += indent;
    // A WORKDIR between the two: the commands after it run where it pointed (mkdir -p creates it, as WORKDIR did).
    for (const w of workdirs) if (w.instr.start >= cur.end && w.instr.end <= next.start) text += `mkdir -p ${w.dir} && cd ${w.dir} && `;
    edits.push({ start: at, end: (next.run as RunScript).bodyStart, text });
  }
  const last = workdirs.length ? workdirs.reduce((a, b) => (b.instr.start > a.instr.start ? b : a)) : undefined;
  if (last) {
    // The instructions after the merged RUN still run in the WORKDIR: write it again after the RUN.
    const end = runs[runs.length - 1] as Instr;
    const nextLine = end.endLine + 1;
    const at = nextLine < model.lines.lineCount ? model.lines.lineStart(nextLine) : model.text.length;
    const keyword = model.text.slice(last.instr.start, last.instr.end);
    edits.push({ start: at, end: at, text: at === model.text.length ? `${model.eol}${keyword}` : `${keyword}${model.eol}` });
  }
  return edits;
}
