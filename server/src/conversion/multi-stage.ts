/**
 * Deterministic single-stage → multi-stage conversion (DS010), toolchain-independent part:
 * the original stage becomes the builder (nothing removed but runtime metadata), a runtime
 * stage is appended that copies the artefact, and every runtime instruction (CMD, ENTRYPOINT,
 * EXPOSE, LABEL, …) moves there verbatim; ARG/ENV/WORKDIR/USER are repeated so paths, users
 * and configuration stay as they were. The toolchain-specific part is a `Spec`.
 */
import type { Instr, Model, Stage } from '../kernel/model.js';
import type { Edit } from '../kernel/types.js';
import { imageRange } from '../analysis/images/base-images.js';

export interface Spec {
  /** Runtime base image and a word for the comment (`the binary`). */
  runtimeImage: string;
  /** scratch has no /bin/sh: shell-form CMD/ENTRYPOINT must become exec form. */
  needsExec: boolean;
  /** Edits of the builder (build flags, ENV CGO_ENABLED=0). */
  builderEdits: Edit[];
  /** Concrete absolute path of the artefact in the builder. */
  artefact: string;
  binName: string;
  /** Is this launcher program the artefact? `abs` is resolved against WORKDIR, `bare` is a PATH lookup. */
  isBinary(prog: { abs: string | null; bare: string | null }): boolean;
  /** For `go run …` / `cargo run …` launchers: the program's own args; null when it cannot be rewritten; undefined when not a run. */
  runArgs(args: string[]): string[] | null | undefined;
}

export const MOVE: ReadonlySet<string> = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE', 'STOPSIGNAL', 'VOLUME', 'LABEL', 'HEALTHCHECK']);
const REPEAT = new Set(['ARG', 'ENV', 'WORKDIR', 'USER']);

export function normJoin(base: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${base}/${p}`).split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return '/' + out.join('/');
}

/** WORKDIR in effect at an instruction, symbolically (unknown variables stay as `$X`). */
export function workdirAt(stage: Stage, at: Instr, initial: string): string {
  let wd = initial;
  for (const i of stage.instrs) {
    if (i === at || i.start >= at.start) break;
    if (i.keyword === 'WORKDIR' && !i.onbuild) wd = joinWorkdir(wd, i);
  }
  return wd;
}

/** The directory a WORKDIR makes from `wd` (quotes removed). A `$VAR` stays in the path (so it is not concrete): the runtime stage would otherwise get the ARG's default inlined. */
export function joinWorkdir(wd: string, workdir: Instr): string {
  return normJoin(wd, workdir.args.replace(/^(["'])(.*)\1$/, '$2'));
}

/** The directory each of the stage's WORKDIRs makes, in order (one walk). */
export function stageWorkdirs(stage: Stage): string[] {
  const out: string[] = [];
  let wd = '/';
  for (const i of stage.instrs) if (i.keyword === 'WORKDIR' && !i.onbuild) out.push((wd = joinWorkdir(wd, i)));
  return out;
}

export function isConcrete(path: string): boolean {
  return path.startsWith('/') && !/[$<>]/.test(path);
}

/** What the image runs: the last ENTRYPOINT, else the last CMD (undefined: the base image's). */
export function launcherOf(instrs: readonly Instr[]): Instr | undefined {
  let cmd: Instr | undefined;
  for (let k = instrs.length - 1; k >= 0; k--) {
    const i = instrs[k] as Instr;
    if (i.keyword === 'ENTRYPOINT') return i;
    if (i.keyword === 'CMD') cmd ??= i;
  }
  return cmd;
}

/** CMD/ENTRYPOINT arguments; null for shell syntax we will not split. */
export function launchArgs(instr: Instr): { args: string[]; exec: boolean } | null {
  const a = instr.args.trim();
  if (a.startsWith('[')) {
    try {
      const v = JSON.parse(a) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { args: v as string[], exec: true };
    } catch {
      /* not JSON: Docker runs it as shell form */
    }
  }
  if (/[$|&;<>()`'"*?\\{}~]/.test(a)) return null;
  return { args: a.split(/\s+/).filter(Boolean), exec: false };
}

/** First line of the comment block directly above an instruction (no blank line between). */
function commentBlockStart(model: Model, instr: Instr): number {
  let line = instr.line;
  while (line > 0) {
    const s = model.lines.lineStart(line - 1);
    const t = model.text.slice(s, model.lines.lineEnd(line - 1)).trim();
    if (!t.startsWith('#') || /^#\s*(syntax|escape|check)\s*=/.test(t)) break;
    line--;
  }
  return line;
}

export function blockStartOffset(model: Model, instr: Instr): number {
  return model.lines.lineStart(commentBlockStart(model, instr));
}

/** Merges touching or overlapping edits (a fix's edits must not touch each other). */
export function coalesce(edits: Edit[]): Edit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Edit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start <= last.end) {
      if (e.start < last.end) return []; // overlapping: a bug in a spec; offer nothing
      last.text += e.text;
      last.end = e.end;
    } else out.push({ ...e });
  }
  return out;
}

export function uniqueName(model: Model): string {
  for (const n of ['builder', 'build', 'go-builder', 'toolchain']) if (!model.stages.some((s) => s.name?.toLowerCase() === n)) return n;
  return `builder${model.stages.length}`;
}

/** The edits that convert the (single, final) stage; null when it cannot be done without changing behaviour. */
export function convert(model: Model, stage: Stage, spec: Spec): Edit[] | null {
  const instrs = stage.instrs.filter((i) => i !== stage.from);
  if (instrs.some((i) => i.onbuild)) return null; // ONBUILD triggers belong to the image children build FROM
  const hc = instrs.filter((i) => i.keyword === 'HEALTHCHECK');
  if (hc.some((i) => !/^NONE$/i.test(i.args.trim()))) return null; // probes usually need a shell or curl
  const name = stage.name ?? uniqueName(model);
  const eol = model.eol;
  const edits: Edit[] = [...spec.builderEdits];
  const img = imageRange(model, stage.from);
  if (!img || img.split) return null;
  if (!stage.name) edits.push({ start: img.end, end: img.end, text: ` AS ${name}` });

  const entry = [...instrs].reverse().find((i) => i.keyword === 'ENTRYPOINT');
  const cmd = [...instrs].reverse().find((i) => i.keyword === 'CMD');
  const launcher = entry ?? cmd;
  const rewritten = new Map<Instr, string>();
  let dest = `/${spec.binName}`;
  let addCmd = false;
  if (!launcher) addCmd = true;
  else {
    const la = launchArgs(launcher);
    if (!la || la.args.length === 0) return null;
    const run = spec.runArgs(la.args);
    if (run === null) return null;
    if (run !== undefined) {
      rewritten.set(launcher, `${launcher.keyword} ${JSON.stringify([dest, ...run]).replace(/","/g, '", "')}`);
    } else {
      const prog = la.args[0] as string;
      const bare = prog.includes('/') ? null : prog;
      const abs = bare ? null : normJoin(workdirAt(stage, launcher, '/'), prog);
      if (!spec.isBinary({ abs, bare })) return null;
      dest = bare ? `/usr/local/bin/${bare}` : prog;
      if (!la.exec && spec.needsExec) {
        if (entry && cmd && launcher === entry) return null; // exec-form ENTRYPOINT would start taking CMD as args
        rewritten.set(launcher, `${launcher.keyword} ${JSON.stringify(la.args).replace(/","/g, '", "')}`);
      }
    }
  }

  const repeated: string[] = [];
  const moved: string[] = [];
  const needPasswd = instrs.some((i) => i.keyword === 'USER' && !/^\d+(:\d+)?$/.test(i.args.trim()));
  for (const i of instrs) {
    const text = model.text.slice(i.start, i.end);
    if (REPEAT.has(i.keyword)) repeated.push(text);
    if (!MOVE.has(i.keyword)) continue;
    const from = blockStartOffset(model, i);
    const to = i.endLine + 1 < model.lines.lineCount ? model.lines.lineStart(i.endLine + 1) : model.text.length;
    edits.push({ start: from, end: to, text: '' });
    moved.push(model.text.slice(from, i.start) + (rewritten.get(i) ?? text));
  }
  const out = [
    `# Runtime stage (Dockerfile Slim DS010): only ${spec.binName} ships, not the toolchain.`,
    `FROM ${spec.runtimeImage}`,
    `COPY --from=${name} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/`,
    ...(needPasswd ? [`COPY --from=${name} /etc/passwd /etc/group /etc/`] : []),
    ...repeated,
    `COPY --from=${name} ${spec.artefact} ${dest}`,
    ...moved,
    ...(addCmd ? [`CMD ["${dest}"]`] : []),
  ];
  const end = model.text.length;
  const sep = model.text.endsWith('\n') ? '' : eol;
  edits.push({ start: end, end, text: `${sep}${eol}${out.join(eol)}${eol}` });
  const merged = coalesce(edits);
  return merged.length ? merged : null;
}
