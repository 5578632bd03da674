/**
 * DS002's fix when the RUNs cannot be merged (another instruction sits between, different flags, too many RUNs): move
 * the deletion into the RUN that created the files. Only a cleanup RUN that is one `rm` of absolute literal paths, all
 * created by one earlier RUN of the stage. Safe when provably nothing between reads or writes those paths: only
 * instructions that touch no files (ENV, ARG, LABEL, EXPOSE, USER, …), a WORKDIR/COPY/ADD whose destination neither
 * holds nor lies inside those paths, and RUNs that name neither the paths, their
 * basenames nor a directory holding them, with no glob, variable or command substitution; otherwise unsafe, and the
 * reason names the instruction.
 */
import { appendCommand } from '../kernel/edits.js';
import type { Instr, Model } from '../kernel/model.js';
import type { Fix } from '../kernel/types.js';
import { positionIn } from '../kernel/stage-index.js';
import { copyArgs, pragmaBetween } from './layer-contents/contents.js';
import type { RunView } from './run-views.js';

/** At most this many instructions between the creating RUN and the cleanup (robust/linear-shapes: 3,600 `rm` of one file). */
export const MAX_MOVE_SPAN = 32;

/** Instructions that neither read nor write the image's files. */
const NO_FILES = new Set(['ENV', 'ARG', 'LABEL', 'EXPOSE', 'USER', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'SHELL']);

/** Why a RUN or instruction between may read or write one of `targets`, or '' when it provably does not. */
function touches(ins: Instr, targets: readonly string[]): string {
  const where = `line ${ins.line + 1}`;
  if (NO_FILES.has(ins.keyword)) return '';
  if (ins.keyword === 'WORKDIR' || ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    // They write one path (WORKDIR creates its directory): fine when it is neither inside a target nor holds one.
    const dest = ins.keyword === 'WORKDIR' ? ins.args.trim() : (copyArgs(ins)?.dest ?? '');
    const d = dest.replace(/\/+$/, '');
    const related = !d.startsWith('/') || /[$*?[]/.test(d) || targets.some((t) => d === t || d.startsWith(`${t}/`) || t.startsWith(`${d}/`) || d === '');
    return related ? `${ins.keyword} at ${where} may write there` : '';
  }
  if (ins.keyword !== 'RUN') return `${ins.keyword} at ${where} may use the files`;
  const text = ins.args;
  if (/[*?[`]|\$/.test(text)) return `the RUN at ${where} uses a glob, a variable or a command substitution`;
  const words = text.split(/[\s;&|()<>'"=]+/).filter(Boolean);
  for (const t of targets) {
    const base = t.slice(t.lastIndexOf('/') + 1);
    const ancestors: string[] = [];
    for (let d = t.slice(0, t.lastIndexOf('/')); d.length > 0; d = d.slice(0, d.lastIndexOf('/'))) ancestors.push(d);
    const hit = words.find((w) => w.includes(t) || (base.length > 0 && w.includes(base)) || ancestors.some((a) => w === a || w === `${a}/`));
    if (hit) return `the RUN at ${where} may read ${t} (\`${hit}\`)`;
    if (words.some((w) => w === '.' || w.startsWith('./') || w.startsWith('..'))) return `the RUN at ${where} names relative paths`;
  }
  return '';
}

/** The move fix, or undefined when the cleanup is not a lone `rm` of absolute literal paths from one earlier RUN. */
export function moveDeletionFix(model: Model, view: RunView, targets: readonly string[], creator: Instr): Fix | undefined {
  const cleaner = view.instr;
  const stage = cleaner.stage;
  const script = view.run.script;
  if (!stage || creator.stage !== stage || creator.keyword !== 'RUN' || creator.onbuild !== cleaner.onbuild) return undefined;
  if (view.run.form !== 'shell' || script.unterminated || script.commands.length !== 1 || view.calls.length !== 1) return undefined;
  const call = view.calls[0];
  if (!call || call.name !== 'rm' || call.cmd.depth > 0) return undefined;
  const paths = call.args.filter((w) => !w.value.startsWith('-')).map((w) => w.value);
  if (paths.length === 0 || paths.some((p) => !p.startsWith('/') || /[$`*?[]/.test(p))) return undefined;
  if ((view.run.flags ?? []).length > 0 || cleaner.line !== cleaner.endLine) return undefined;
  const a = positionIn(stage, creator);
  const b = positionIn(stage, cleaner);
  // Checking what lies between costs its length for every cleanup: bounded, so a file of many cleanups stays linear.
  if (a < 0 || b <= a || b - a > MAX_MOVE_SPAN) return undefined;
  const between = stage.instrs.slice(a + 1, b);
  if ([creator, ...between, cleaner].some((i, k, all) => k > 0 && pragmaBetween(model, all[k - 1] as Instr, i))) return undefined;
  const command = model.text.slice(view.run.bodyStart, cleaner.end).trim();
  const append = appendCommand(model, creator, command);
  if (!append) return undefined;
  // The cleanup RUN goes, with its line break; comment lines above it stay.
  const lineEnd = cleaner.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(cleaner.endLine + 1) : model.text.length;
  const remove = { start: model.lines.lineStart(cleaner.line), end: lineEnd, text: '' };
  let why = '';
  for (const i of between) if ((why = touches(i, targets))) break;
  return {
    title: `Move \`${command}\` into the RUN at line ${creator.line + 1} that created the files`,
    safe: !why,
    ...(why ? { unsafeReason: why } : {}),
    edits: [append, remove],
  };
}
