/**
 * The C/C++ conversion's commands after `make install`. Once the install is staged with DESTDIR, the installed files
 * are under /out in the builder and only reach `/` in the runtime stage, so a command that uses them must run there:
 * `ln -s /opt/hello/bin/hello /usr/local/bin/hello`, `chmod`, `mkdir`, and the installed program's own self-test
 * (`hello --version`) move to a RUN after the runtime stage's `COPY --from`. Clean-up (`cd`, `rm -rf`, `apt-get purge`,
 * `apt-mark`, `ldconfig`) stays in the builder. Anything else after the install stops the conversion.
 */
import type { Call } from '../kernel/commands.js';
import { positionals } from '../kernel/commands.js';
import type { Model } from '../kernel/model.js';
import { docEnd, docStart } from '../kernel/run-script.js';
import type { Edit } from '../kernel/types.js';
import type { RunView } from '../analysis/run-views.js';
import { blockStartOffset } from './multi-stage.js';
import { USER_CMDS } from './multi-stage-app.js';

/** Stay in the builder after the install: they tidy up or only touch the builder's own state (apt-get/apt calls never get here: convertC reads them first). */
const STAY = new Set(['cd', 'ldconfig', 'true', ':', 'echo', 'set', 'apt-mark', ...USER_CMDS]);
/** Move to the runtime stage when every path they name is absolute. */
const MOVABLE = new Set(['ln', 'mkdir', 'chmod', 'chown', 'touch']);

export type AfterInstall = 'stay' | 'move' | null;
// plainRuns has already refused `||`, `&` and every pipe but a download or checksum one, and no command of those stays
// or moves: the commands seen here are joined by `&&`, `;` or newlines.

/**
 * Where a command after the install runs in the converted file: 'stay' (builder), 'move' (runtime stage), or null
 * when the conversion cannot tell (it may read or change installed files in a way that would break).
 * `program` is the launcher's program name (CMD/ENTRYPOINT), whose self-test moves.
 */
export function afterInstall(call: Call, program: string): AfterInstall {
  const name = call.name;
  const args = call.args.map((w) => w.value);
  const cmd = call.cmd;
  if (name === 'rm') return args.some((a) => /^-[a-zA-Z]*f/.test(a) || a === '--force') ? 'stay' : null; // `rm x` of an installed file now fails
  if (STAY.has(name)) return cmd.redirects.length ? null : 'stay';
  if (!cmd.redirects.every((r) => /^\/dev\//.test(r.target?.value ?? ''))) return null;
  const paths = positionals(call).map((w) => w.value);
  if (MOVABLE.has(name)) {
    // chmod/chown take a mode or owner first; ln -s's target is only text stored in the link.
    const named = name === 'chmod' || name === 'chown' ? paths.slice(1) : name === 'ln' && args.includes('-s') ? paths.slice(1) : paths;
    return named.length && named.every((p) => p.startsWith('/') && !p.includes('$')) ? 'move' : null;
  }
  // The installed program run as a check: its arguments must not name files of the source tree.
  if (name === program && call.nameWord.value === program && paths.every((p) => p.startsWith('/') || !/[/.]/.test(p))) return 'move';
  return null;
}

export interface MovedCommands {
  /** Builder edits deleting the moved commands (whole RUNs when all of theirs move). */
  edits: Edit[];
  /** Lines for the runtime stage, after the copies. */
  lines: string[];
}

/**
 * Takes the moved commands (`moves`: per RUN, the indexes of its calls) out of the builder and words them as
 * runtime RUNs. A RUN whose commands all move moves whole, with the comments above it; otherwise each run of
 * consecutive moved commands is cut with the operator before it. Null when a cut would drop a comment.
 */
export function moveAfterInstall(model: Model, moves: ReadonlyMap<RunView, number[]>): MovedCommands | null {
  const edits: Edit[] = [];
  const lines: string[] = [];
  for (const [v, idx] of moves) {
    const cmds = v.run.script.commands;
    const instr = v.instr;
    if (idx.length === cmds.length) {
      const from = blockStartOffset(model, instr);
      const to = instr.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(instr.endLine + 1) : model.text.length;
      edits.push({ start: from, end: to, text: '' });
      lines.push(model.text.slice(from, instr.end));
      continue;
    }
    const sorted = [...idx].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
      const a = sorted[i] as number;
      const b = sorted[j] as number;
      const [start, end] =
        a > 0 ? [docEnd(v.run, cmds[a - 1]!.end), docEnd(v.run, cmds[b]!.end)] : [docStart(v.run, cmds[a]!.start), docStart(v.run, cmds[b + 1]!.start)];
      if (/^[ \t]*#/m.test(model.text.slice(start, end))) return null; // a comment line inside the cut
      edits.push({ start, end, text: '' });
      i = j + 1;
    }
    lines.push('RUN ' + sorted.map((k) => v.run.script.src.slice(cmds[k]!.start, cmds[k]!.end)).join(' && '));
  }
  return { edits, lines };
}
