/**
 * DS010's conversion for stacks whose artefact is more than one binary (Node, Python, Java,
 * C/C++ installed with DESTDIR): the stage becomes the builder and keeps every line; a runtime
 * stage is appended on a slim image and copies what the plan names. CMD, ENTRYPOINT, EXPOSE,
 * VOLUME, LABEL, STOPSIGNAL and HEALTHCHECK move there with the comments above them; ARG, ENV,
 * WORKDIR and USER are repeated verbatim (references stay references). The stack-specific part
 * is an `AppPlan` from one of the convert-*.ts files.
 */
import type { Instr, Model, Stage } from '../kernel/model.js';
import type { Edit } from '../kernel/types.js';
import type { Call } from '../kernel/commands.js';
import { imageRange } from '../analysis/images/base-images.js';
import { installedPackages } from '../analysis/package-managers/install-steps.js';
import { stageRunViews, type RunView } from '../analysis/run-views.js';
import { MOVE, blockStartOffset, coalesce, joinWorkdir, normJoin, stageWorkdirs, uniqueName, workdirAt } from './multi-stage.js';

export interface AppPlan {
  /** FROM text of the runtime stage (may hold the builder's ARG references). */
  runtimeImage: string;
  /** What ships, for the comment above the runtime stage. */
  ships: string;
  builderEdits: Edit[];
  /** Whole stages between the builder and the runtime stage (`b` is the builder's name), e.g. Node's prod-deps. */
  stagesBefore?: (b: string) => string[];
  /** Lines right after the runtime FROM (before the repeated ARG/ENV/WORKDIR); `b` is the builder's name. */
  head(b: string): string[];
  /** RUN lines of the runtime stage, before the copies (e.g. runtime packages). */
  runs: string[];
  /** COPY --from lines of the artefact. */
  copies(b: string): string[];
  /** Lines after the copies (e.g. `RUN ldconfig`). */
  after: string[];
  /** Programs a HEALTHCHECK may run in the runtime image. */
  probes: ReadonlySet<string>;
  /** The rule named in the runtime stage's comment (default DS010). */
  rule?: string;
}

/** Programs that only create users and groups: a RUN of nothing else is repeated in the runtime stage. */
export const USER_CMDS: ReadonlySet<string> = new Set(['useradd', 'adduser', 'groupadd', 'addgroup', 'usermod']);
/** Harmless file and shell commands every stack may run. */
export const FILE_CMDS: ReadonlySet<string> = new Set(['mkdir', 'cp', 'mv', 'rm', 'ln', 'chown', 'chmod', 'touch', 'echo', 'true', 'ls', 'cat', 'printf', ':']);

/** Shell syntax a conversion may accept beyond plain `&&` chains (the C/C++ conversion: `curl … | tar -xz`, `$(nproc)`). */
export interface ShellAllowance {
  /** A pipeline (two or more calls joined by `|`) the conversion follows. */
  pipe?(calls: readonly Call[]): boolean;
  /** A word holding `$(…)` or backquotes that is harmless (e.g. `-j"$(nproc)"`). */
  substitution?(raw: string): boolean;
  /** Commands that only set shell variables (`VERSION=1.6 && curl …/$VERSION`): not calls, the caller accounts for them. */
  bareAssignments?: boolean;
}

/** A command that only sets shell variables (`X=1 && …`): no program runs. */
export function isBareAssignment(c: { words: readonly unknown[]; assigns: readonly unknown[] }): boolean {
  return c.words.length === 0 && c.assigns.length > 0;
}

/** The RUNs of the stage, or null when one uses shell syntax the conversion does not follow. */
export function plainRuns(model: Model, stage: Stage, allow: ShellAllowance = {}): RunView[] | null {
  const views = stageRunViews(model, stage);
  const runs = stage.instrs.filter((i) => i.keyword === 'RUN');
  if (views.length !== runs.length) return null; // a RUN under a non-POSIX SHELL
  const substOk = (raw: string): boolean => !/[`]|\$\(/.test(raw) || (allow.substitution?.(raw) ?? false);
  for (const v of views) {
    const { script } = v.run;
    if (v.instr.onbuild || script.unterminated || script.pendingHeredoc || v.run.form === 'heredoc') return null;
    const bare = allow.bareAssignments ? script.commands.filter(isBareAssignment).length : 0;
    if (v.calls.length + bare !== script.commands.length) return null; // a wrapper we could not see through
    for (let k = 0; k < script.commands.length; k++) {
      const c = script.commands[k] as (typeof script.commands)[number];
      if (c.depth > 0 || c.condition || c.subshell) return null; // if/for/while/case, ( ), { }
      if (c.before === '||' || c.after === '||' || c.after === '&') return null;
      if (c.after === '|' && c.before !== '|') {
        let end = k;
        while (script.commands[end]?.after === '|') end++;
        if (!allow.pipe?.(v.calls.slice(k, end + 1))) return null;
      }
      if (!c.words.every((w) => substOk(w.raw)) || !c.assigns.every((w) => substOk(w.raw))) return null;
    }
  }
  return views;
}

/** Every COPY/ADD destination lies inside one of the directories (files elsewhere would be lost). */
export function copiesInside(stage: Stage, dirs: readonly string[]): boolean {
  for (const i of stage.instrs) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.onbuild) continue;
    const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
    const destRaw = (words[words.length - 1] ?? '').replace(/^\[|\]$/g, '').replace(/^"|"$/g, '');
    if (!destRaw || destRaw.includes('$') || i.args.trim().startsWith('[')) return false;
    const dest = normJoin(workdirAt(stage, i, '/'), destRaw);
    if (!dirs.some((d) => dest === d || dest.startsWith(d + '/'))) return false;
  }
  return true;
}

/** The WORKDIR in effect at the end of the stage; null when it is unknown or `/`. */
export function appDir(stage: Stage): string | null {
  const last = stage.instrs[stage.instrs.length - 1];
  if (!last || !stage.instrs.some((i) => i.keyword === 'WORKDIR' && !i.onbuild)) return null;
  const wd = workdirAt(stage, last, '/');
  // workdirAt stops before `at`: a WORKDIR as the very last instruction counts too.
  const dir = last.keyword === 'WORKDIR' ? joinWorkdir(wd, last) : wd;
  return dir !== '/' && /^\/[\w./@+-]+$/.test(dir) ? dir : null;
}

/** Is a package-manager call harmless for the runtime (update, clean, install of build-only packages)? */
export function buildOnlyPackages(call: Call, buildOnly: (pkg: string) => boolean): boolean {
  if (!['apt-get', 'apt', 'apk'].includes(call.name)) return false;
  const sub = call.args.map((w) => w.value).find((x) => !x.startsWith('-'));
  if (['update', 'clean', 'autoremove', 'autoclean', 'purge', 'remove', 'del', 'upgrade', 'dist-upgrade'].includes(sub ?? '')) return true;
  const pkgs = installedPackages(call);
  return pkgs !== null && pkgs.every(buildOnly);
}

function healthProgram(instr: Instr): string | null {
  const a = instr.args.replace(/^(--\S+\s+)*/, '').trim();
  if (/^NONE$/i.test(a)) return '';
  const m = /^CMD\s+(.*)$/is.exec(a);
  if (!m) return null;
  const body = (m[1] as string).trim();
  if (body.startsWith('[')) {
    try {
      const v = JSON.parse(body) as unknown;
      return Array.isArray(v) && typeof v[0] === 'string' ? v[0].replace(/^.*\//, '') : null;
    } catch {
      return null;
    }
  }
  return /^[\w.-]+/.exec(body)?.[0] ?? null;
}

/** The edits that convert the (single, final) stage with a plan; null when it cannot be done. */
export function convertApp(model: Model, stage: Stage, plan: AppPlan): Edit[] | null {
  const instrs = stage.instrs.filter((i) => i !== stage.from);
  if (instrs.some((i) => i.onbuild)) return null; // ONBUILD triggers belong to the image children build FROM
  for (const hc of instrs.filter((i) => i.keyword === 'HEALTHCHECK')) {
    const prog = healthProgram(hc);
    if (prog === null || (prog !== '' && !plan.probes.has(prog))) return null; // e.g. curl: not in a slim image
  }
  const img = imageRange(model, stage.from);
  if (!img || img.split) return null;
  const name = stage.name ?? uniqueName(model);
  const eol = model.eol;
  const edits: Edit[] = [...plan.builderEdits];
  if (!stage.name) edits.push({ start: img.end, end: img.end, text: ` AS ${name}` });

  const views = stageRunViews(model, stage);
  const workdirs = runtimeWorkdirs(stage);
  const userRuns = views.filter(
    (v) =>
      v.calls.length > 0 && v.calls.every((c) => USER_CMDS.has(c.name) || c.name === 'mkdir' || c.name === 'chown') && !onlyMakesWorkdirs(v, stage, workdirs),
  );
  const named = instrs.some((i) => i.keyword === 'USER' && !/^\d+(:\d+)?$/.test(i.args.trim()));
  const createsElsewhere = views.some((v) => !userRuns.includes(v) && v.calls.some((c) => USER_CMDS.has(c.name)));
  const repeated: string[] = [];
  // A WORKDIR after a repeated user RUN (`RUN useradd -m app` then `WORKDIR /home/app`) stays after it: made first, the
  // home directory would be root's and useradd would not take it over.
  const firstUserRun = Math.min(...userRuns.map((v) => v.instr.start));
  const userBlock: { at: number; text: string }[] = userRuns.map((v) => ({ at: v.instr.start, text: model.text.slice(v.instr.start, v.instr.end) }));
  const users: string[] = [];
  const moved: string[] = [];
  for (const i of instrs) {
    const text = model.text.slice(i.start, i.end);
    if (i.keyword === 'USER') users.push(text);
    else if (i.keyword === 'WORKDIR' && i.start > firstUserRun) userBlock.push({ at: i.start, text });
    else if (i.keyword === 'ARG' || i.keyword === 'ENV' || i.keyword === 'WORKDIR') repeated.push(text);
    if (!MOVE.has(i.keyword)) continue;
    const from = blockStartOffset(model, i);
    const to = i.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(i.endLine + 1) : model.text.length;
    edits.push({ start: from, end: to, text: '' });
    moved.push(model.text.slice(from, i.end));
  }
  const out = [
    ...(plan.stagesBefore?.(name) ?? []),
    `# Runtime stage (Dockerfile Slim ${plan.rule ?? 'DS010'}): ${plan.ships}.`,
    `FROM ${plan.runtimeImage}`,
    ...plan.head(name),
    ...repeated,
    ...plan.runs,
    ...plan.copies(name),
    ...plan.after,
    ...(named && createsElsewhere ? [`COPY --from=${name} /etc/passwd /etc/group /etc/`] : []),
    ...userBlock.sort((a, b) => a.at - b.at).map((u) => u.text),
    ...users,
    ...moved,
  ];
  const end = model.text.length;
  const sep = model.text.endsWith('\n') ? '' : eol;
  edits.push({ start: end, end, text: `${sep}${eol}${out.join(eol)}${eol}` });
  const merged = coalesce(edits);
  return merged.length ? merged : null;
}

/** An edit inserting whole lines right after an instruction. */
export function insertAfterInstr(model: Model, instr: Instr, lines: string[]): Edit {
  const at = instr.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(instr.endLine + 1) : model.text.length;
  const pre = at === model.text.length && !model.text.endsWith('\n') ? model.eol : '';
  return { start: at, end: at, text: pre + lines.map((l) => l + model.eol).join('') };
}

/** An edit inserting whole lines above an instruction (and the comments right above it). */
export function insertBeforeInstr(model: Model, instr: Instr, lines: string[]): Edit {
  const at = blockStartOffset(model, instr);
  return { start: at, end: at, text: lines.map((l) => l + model.eol).join('') };
}

/** The directories the stage's WORKDIRs create (repeated verbatim in the runtime stage); paths with `$VAR` are left out. */
function runtimeWorkdirs(stage: Stage): string[] {
  return stageWorkdirs(stage).filter((d) => !d.includes('$'));
}

/**
 * A RUN of only `mkdir`s of directories a repeated WORKDIR creates anyway (`RUN mkdir /app` then `WORKDIR /app`):
 * repeated after the runtime stage's WORKDIR and copies, a `mkdir` without `-p` fails with "File exists". Such a
 * RUN stays in the builder only.
 */
function onlyMakesWorkdirs(v: RunView, stage: Stage, workdirs: readonly string[]): boolean {
  const wd = workdirAt(stage, v.instr, '/');
  return v.calls.every((c) => {
    if (c.name !== 'mkdir' || c.cmd.redirects.length) return false;
    const args = c.args.map((w) => w.value);
    if (args.some((a) => a.startsWith('-') && !['-p', '--parents', '-v', '--verbose'].includes(a))) return false; // -m MODE: keep it
    const dirs = args.filter((a) => !a.startsWith('-'));
    return (
      dirs.length > 0 &&
      dirs.every(
        (d) =>
          !d.includes('$') &&
          workdirs.some((w) => {
            const p = normJoin(wd, d);
            return w === p || w.startsWith(p === '/' ? '/' : p + '/');
          }),
      )
    );
  });
}
