import { hasFlag, positionals, removes, type Call } from '../kernel/commands.js';
import { expand, type Instr, type Model } from '../kernel/model.js';
import { docEnd, docStart } from '../kernel/run-script.js';
import type { Edit, Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, type RunView } from '../analysis/run-views.js';
import { callDirs, copyArgs, isUrl, joinPath, type Created } from '../analysis/layer-contents/contents.js';
import { copiesWithin, runsStrictlyBetween } from '../analysis/layer-contents/stage-indexes.js';
import { runTreesWithin } from '../analysis/layer-contents/run-trees.js';

/** Past this many copied paths or RUNs in between, the finding names the first ones and offers no fix. */
const MAX_HITS = 32;

const PLAIN_OPTS = new Set(['-R', '--recursive', '-v', '--verbose', '-c', '--changes', '-f', '--silent', '--quiet']);
const USER_CREATION = new Set(['useradd', 'adduser', 'groupadd', 'addgroup']);

/** A COPY/ADD destination that received a directory's contents (`COPY . /app`): it may have existed before. */
function contentsCopy(c: Created): boolean {
  const info = copyArgs(c.instr);
  return !!info && info.sources.some((s) => s === '.' || s.endsWith('/') || s.includes('*'));
}

const inside = (p: string, dir: string): boolean => p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Does a RUN (or the calls of the chown RUN before the chown) write into one of the targets? */
function writesInto(view: RunView, targets: string[], uptoCall = Infinity): boolean {
  const dirs = callDirs(view);
  return view.calls.some((call, i) => {
    if (i >= uptoCall) return false;
    const cwd = dirs[i];
    if (cwd === null || cwd === undefined || targets.some((t) => inside(cwd, t))) return true;
    return (
      [call.nameWord, ...call.args].some((w) => {
        const v = expand(w.value, view.instr.env);
        return v.includes('/') && targets.some((t) => inside(joinPath(cwd, v), t));
      }) || USER_CREATION.has(call.name)
    );
  });
}

/** Edits that take the chown/chmod call out of its RUN, or null when that cannot be done cleanly. */
function removeCall(model: Model, view: RunView, call: Call): Edit | null {
  const { run, instr } = view;
  const cmds = run.script.commands;
  const k = cmds.indexOf(call.cmd);
  const ok = (op: string | null): boolean => op === null || op === '&&' || op === ';' || op === '\n';
  if (run.form !== 'shell' || k < 0 || call.cmd.depth > 0 || !ok(call.cmd.before) || !ok(call.cmd.after)) return null;
  let start: number;
  let end: number;
  if (cmds.length === 1) {
    // The whole instruction, with its line break.
    start = instr.start;
    end = model.lines.lineStart(instr.endLine + 1);
    if (end <= instr.end) end = model.text.length;
  } else if (k === 0) {
    start = docStart(run, call.cmd.start);
    end = docStart(run, (cmds[1] as { start: number }).start);
  } else {
    start = docEnd(run, (cmds[k - 1] as { end: number }).end);
    end = docEnd(run, call.cmd.end);
  }
  if (model.text.slice(start, end).includes('#') && cmds.length > 1) return null;
  return { start, end, text: '' };
}

/** Drops `-R` from a chown/chmod call (the directory itself still needs its owner). */
function dropRecursive(view: RunView, call: Call): Edit | null {
  const w = call.args.find((a) => a.value === '-R' || a.value === '--recursive' || /^-[a-zA-Z]*R[a-zA-Z]*$/.test(a.value));
  if (!w) return null;
  const start = docStart(view.run, w.start);
  const end = docEnd(view.run, w.end);
  if (w.value === '-R' || w.value === '--recursive') return { start: start - 1, end, text: '' };
  return { start, end, text: w.value.replace('R', '') };
}

function check(model: Model, view: RunView, idx: number, call: Call, report: (msg: string, fix?: Fix) => void): void {
  const isChown = call.name === 'chown';
  if (call.args.some((w) => w.value.startsWith('--reference') || w.value === '--from')) return;
  const recursive = hasFlag(call, ['recursive'], ['R']);
  const pos = positionals(call);
  const spec = pos[0];
  const dirs = callDirs(view);
  const cwd = dirs[idx];
  if (!spec || pos.length < 2 || cwd === null || cwd === undefined) return;
  const targets = pos.slice(1).map((w) => expand(w.value, view.instr.env));
  if (targets.some((t) => t.includes('$'))) return;
  const abs = targets.map((t) => joinPath(cwd, t));
  const stage = view.instr.stage;
  if (!stage) return;
  // Recursive: everything copied under a target; otherwise only a copied file named exactly (found through a per-stage index).
  const near = [...new Set(abs.flatMap((t) => copiesWithin(stage, view.instr, t, recursive, MAX_HITS)))];
  const hit = near.filter((c) => abs.some((t) => (recursive ? removes(t, c.path) : t === c.path && !contentsCopy(c))));
  if (hit.length === 0) return checkRunTrees(model, view, call, abs, recursive, report);
  const instrs = [...new Set(hit.map((c) => c.instr))].sort((a, b) => a.start - b.start);
  const more = near.length > MAX_HITS ? ' and more' : '';
  const lines = instrs.map((i) => i.line + 1).join(', ') + more;
  const flag = isChown ? 'chown' : 'chmod';
  const value = expand(spec.value, view.instr.env);
  // ADD <url>: COPY takes no URL, and Docker 20.10's BuildKit ignores `ADD --chmod` for URLs (the file stays 600; the legacy builder rejects the flag).
  const urlAdd = instrs.find((i) => i.keyword === 'ADD' && (copyArgs(i)?.sources ?? []).some((src) => isUrl(expand(src, i.env))));
  if (urlAdd) {
    return report(
      `\`${call.name}${recursive ? ' -R' : ''}\` rewrites the file ADD at line ${urlAdd.line + 1} downloaded, storing it again in this layer: download it in a RUN and set its ${isChown ? 'owner' : 'mode'} there.`,
    );
  }
  // As written: an ARG/ENV reference stays a reference (COPY --chown expands build args in BuildKit and the legacy builder).
  const written = spec.value;
  const shown = isChown ? spec.value : /^[0-7]{3,4}$/.test(value) ? value : '<octal mode>';
  const msg = `\`${call.name}${recursive ? ' -R' : ''}\` rewrites files that COPY/ADD at line ${lines} added, storing them again in this layer: use \`COPY --${flag}=${shown}\` instead.`;

  // The fix: only when the targets are exactly what those COPYs created and nothing else touched them.
  const first = instrs[0] as Instr;
  const between = runsStrictlyBetween(model, stage, first, view.instr, MAX_HITS);
  const exact = abs.every((t) => hit.some((c) => c.path === t)) && hit.every((c) => abs.some((t) => removes(t, c.path)));
  // COPY --chmod takes an octal mode; `chmod +x` depends on the file's current mode.
  const clean =
    (isChown || /^[0-7]{3,4}$/.test(value)) &&
    !/\$\(|`/.test(written) &&
    (isChown || written === value) &&
    !/\s/.test(written) &&
    call.args.every((w) => positionals(call).includes(w) || PLAIN_OPTS.has(w.value) || /^-[Rvcf]+$/.test(w.value));
  const untouched = !more && between !== null && !between.some((v) => writesInto(v, abs)) && !writesInto(view, abs, idx);
  const flagsFree = instrs.every((i) => !copyArgs(i)?.flags.some((f) => f.startsWith(`--${flag}`)));
  if (!(exact && clean && untouched && flagsFree)) return report(msg);
  // A directory that received contents may have existed (WORKDIR): it keeps its own owner, so keep a non-recursive call for it.
  const keepDir = recursive && hit.some((c) => contentsCopy(c) && abs.includes(c.path));
  const edit = keepDir ? dropRecursive(view, call) : removeCall(model, view, call);
  if (!edit) return report(msg);
  const edits: Edit[] = instrs.map((i) => ({ start: i.argsStart, end: i.argsStart, text: ` --${flag}=${written}` }));
  edits.push(edit);
  report(msg, {
    title: `Add \`--${flag}=${written}\` to the COPY at line ${lines}${keepDir ? ` and drop \`-R\`` : ` and remove the ${call.name}`}`,
    safe: isChown,
    edits,
    ...(isChown ? {} : { buildkitOnly: true }),
  });
}

const MADE: Record<Created['how'], string> = { copy: 'copied', download: 'downloaded', clone: 'cloned', unpack: 'unpacked', install: 'installed' };

/** Issue 10: the tree an earlier RUN of the stage downloaded, unpacked, cloned or installed is stored again. No fix. */
function checkRunTrees(model: Model, view: RunView, call: Call, abs: string[], recursive: boolean, report: (msg: string) => void): void {
  const stage = view.instr.stage as NonNullable<Instr['stage']>;
  // Recursive: a tree or file made under a target; otherwise a file (not a directory entry) named exactly.
  const near = [...new Set(abs.flatMap((t) => runTreesWithin(model, stage, view.instr, t, recursive, MAX_HITS)))];
  const hit = near.filter((c) => abs.some((t) => (recursive ? removes(t, c.path) : t === c.path && !c.dir)));
  const first = hit[0];
  if (!first) return;
  const runs = [...new Set(hit.map((c) => c.instr.line + 1))].join(', ') + (near.length > MAX_HITS ? ' and more' : '');
  const what = hit.every((c) => !c.dir) ? 'the file' : 'the tree';
  const how = [...new Set(hit.map((c) => MADE[c.how]))].join('/');
  report(
    `\`${call.name}${recursive ? ' -R' : ''}\` rewrites ${what} that the RUN at line ${runs} ${how}, storing it again in this layer: ` +
      `set its ${call.name === 'chown' ? 'owner' : 'mode'} in the RUN that creates it.`,
  );
}

export default defineRule({
  id: 'DS015',
  name: 'chown-copies-layer',
  severity: 'warning',
  stageAware: true,
  fixable: 'sometimes',
  docs: {
    summary: '`RUN chown -R` / `chmod -R` on files an earlier COPY/ADD or RUN created',
    why: 'Changing owner or mode rewrites every file it touches into a new layer: the copied bytes ship twice (once from COPY, once from the chown layer).',
    bad: 'WORKDIR /app\nCOPY . .\nRUN chown -R app:app /app',
    good: 'WORKDIR /app\nCOPY --chown=app:app . .\nRUN chown app:app /app',
    notes:
      'Relative targets and COPY destinations are resolved against WORKDIR (and `cd` inside the RUN). A non-recursive chown/chmod is reported only when it names a single copied file. ' +
      'The fix adds `--chown=` (safe) or `--chmod=` (unsafe: BuildKit only) to those COPY/ADD instructions and removes the command (the whole RUN if it was alone). When the target is a directory that received copied contents (`COPY . .` into a WORKDIR), the directory itself may have existed before and would keep its owner, so the command stays without `-R` (changing one directory entry costs nothing). ' +
      'No fix when the targets are not exactly the COPY destinations, when a RUN between them writes into the target or creates users, when the owner is not a literal, or when the COPY already has the flag. ' +
      'Trees an earlier RUN of the same stage created are reported too: a download (`curl -o`, `wget`), an archive unpacked with `tar -C`/`unzip -d`, into its own directory, or piped into `tar -x` in the working directory (`curl … | tar -xz` after `WORKDIR /var/www`), a `git clone`, `pip install --target`, and the `node_modules` of `npm install`/`npm ci`/`yarn`, unless that RUN deleted them again. The finding asks to set owner or mode in the RUN that creates the tree (`chown -R`/`chmod` in that RUN, right after the download, unpack, clone or install); it offers no fix, since moving a command across RUNs may change what runs in between. ' +
      'A chown/chmod in the same RUN as the creation is not reported (one layer). In stages that do not ship the finding is a hint.',
    seeAlso: ['docker docs: COPY --chown'],
  },
  check(ctx) {
    for (const view of runViews(ctx.model)) {
      if (view.instr.onbuild) continue;
      view.calls.forEach((call, idx) => {
        if (call.name !== 'chown' && call.name !== 'chmod') return;
        check(ctx.model, view, idx, call, (message, fix) => ctx.report({ instr: view.instr, ...callRange(view.run, call), message, fix }));
      });
    }
  },
});
