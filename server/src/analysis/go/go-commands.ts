/**
 * Reading `go build` / `go install` command lines (DS009, DS010): flags with their values,
 * whether the linker strips symbols (`-ldflags="-s -w"`, also via GOFLAGS), and edits that
 * add or extend `-ldflags` while keeping the user's quoting and every existing linker flag.
 */
import type { Call } from '../../kernel/commands.js';
import { expand, type Instr } from '../../kernel/model.js';
import { docEnd, docStart, type RunScript } from '../../kernel/run-script.js';
import type { Word } from '../../kernel/shell/parser.js';
import type { Edit } from '../../kernel/types.js';
import type { RunView } from '../run-views.js';
import { stageChain } from '../layer-contents/contents.js';

/** `go build` flags that take the next word as their value (when not written `-flag=value`). */
export const GO_VALUE_FLAGS: ReadonlySet<string> = new Set([
  'o',
  'p',
  'C',
  'asmflags',
  'buildmode',
  'compiler',
  'gccgoflags',
  'gcflags',
  'installsuffix',
  'ldflags',
  'mod',
  'modfile',
  'overlay',
  'pgo',
  'pkgdir',
  'tags',
  'toolexec',
  'covermode',
  'coverpkg',
  'exec',
]);
const GO_PROGRAMS = new Set(['go', 'xx-go']);

export interface GoFlag {
  name: string;
  /** The word holding the flag (and its value when written `-flag=value`). */
  word: Word;
  /** The separate value word, for `-flag value`. */
  valueWord?: Word;
  value: string;
}

export interface GoBuild {
  view: RunView;
  call: Call;
  sub: Word;
  kind: 'build' | 'install' | 'get';
  flags: GoFlag[];
  packages: Word[];
}

/**
 * Does `go get` build and install binaries here? In GOPATH mode it does (GO111MODULE=off, or Go
 * up to 1.17, where module-mode `go get` still installed); `-d` only downloads.
 */
function getBuilds(view: RunView, call: Call): boolean {
  if (call.args.some((w) => w.value === '-d')) return false;
  const assigned = call.cmd.assigns.find((w) => w.value.startsWith('GO111MODULE='))?.value.slice(12);
  const mode = assigned ?? view.instr.env.get('GO111MODULE');
  if (mode === 'off') return true;
  if (mode === 'on') return false;
  const chain = stageChain(view.instr.stage);
  const root = chain[chain.length - 1]?.imageExpanded ?? '';
  const minor = /^(?:[\w.-]+\/)*golang:1\.(\d+)(?:[.-]|$)/.exec(root)?.[1];
  return minor !== undefined && Number(minor) <= 17;
}

/** Every `go build` / `go install` (and, with `withGet`, GOPATH-mode `go get`) of a RUN, with its flags parsed the way cmd/go does. */
export function goBuilds(view: RunView, withGet = false): GoBuild[] {
  const out: GoBuild[] = [];
  for (const call of view.calls) {
    if (!GO_PROGRAMS.has(call.name)) continue;
    const sub = call.args[0];
    if (!sub || (sub.value !== 'build' && sub.value !== 'install' && !(withGet && sub.value === 'get' && getBuilds(view, call)))) continue;
    const flags: GoFlag[] = [];
    const packages: Word[] = [];
    for (let i = 1; i < call.args.length; i++) {
      const w = call.args[i] as Word;
      const v = w.value;
      if (packages.length === 0 && /^--?[A-Za-z]/.test(v)) {
        const body = v.replace(/^--?/, '');
        const eq = body.indexOf('=');
        const name = eq >= 0 ? body.slice(0, eq) : body;
        if (eq >= 0) flags.push({ name, word: w, value: body.slice(eq + 1) });
        else if (GO_VALUE_FLAGS.has(name) && call.args[i + 1]) {
          const valueWord = call.args[++i] as Word;
          flags.push({ name, word: w, valueWord, value: valueWord.value });
        } else flags.push({ name, word: w, value: 'true' });
      } else packages.push(w);
    }
    out.push({ view, call, sub, kind: sub.value as GoBuild['kind'], flags, packages });
  }
  return out;
}

export function lastFlag(build: GoBuild, name: string): GoFlag | undefined {
  return [...build.flags].reverse().find((f) => f.name === name);
}

/** Does this command leave a binary behind? (`go build ./...` without -o compiles and discards.) */
export function producesBinary(build: GoBuild): boolean {
  const mode = lastFlag(build, 'buildmode')?.value;
  if (mode === 'archive' || mode === 'c-archive') return false;
  const out = lastFlag(build, 'o')?.value;
  if (out === '/dev/null') return false;
  if (build.kind === 'build' && !out && build.packages.some((p) => p.value.includes('...'))) return false;
  return true;
}

/** Splits `[pattern=]flags` the way cmd/go's per-package flags do; returns the index where flags start. */
function listStart(value: string): number {
  if (value === '' || value.startsWith('-') || value.startsWith('$') || /^["']/.test(value)) return 0;
  const eq = value.indexOf('=');
  return eq >= 0 ? eq + 1 : 0;
}

export type StripState = { kind: 'ok' } | { kind: 'unknown' } | { kind: 'missing'; missing: string[] };

const ON = /^(true|1|t|T|TRUE|True)$/;

/** Linker flags: is the symbol table (-s) and DWARF (-w) dropped? An explicit `-w=0` counts as a choice. */
export function stripState(linkerFlags: string): StripState {
  const tokens = linkerFlags.split(/[\s"']+/).filter(Boolean);
  const state: Record<string, boolean | undefined> = {};
  for (const t of tokens) {
    if (/^\$(\{|\(|[A-Za-z_])/.test(t)) return { kind: 'unknown' };
    const m = /^--?([sw])(?:=(.*))?$/.exec(t);
    if (m) state[m[1] as string] = m[2] === undefined || ON.test(m[2]);
  }
  if (state.s === false || state.w === false) return { kind: 'ok' };
  const missing = ['-s', '-w'].filter((f) => !state[f.slice(1)]);
  return missing.length ? { kind: 'missing', missing } : { kind: 'ok' };
}

/** GOFLAGS values visible to a call: ENV/ARG, `GOFLAGS=… go build`, `export GOFLAGS=…`, `go env -w GOFLAGS=…`. */
function goflagsValues(build: GoBuild, stageRuns: readonly RunView[]): string[] {
  const { instr, run } = build.view;
  const out: string[] = [];
  const env = instr.env.get('GOFLAGS');
  if (env) out.push(env);
  const grab = (w: Word): void => {
    if (w.value.startsWith('GOFLAGS=')) out.push(expand(w.value.slice(8), instr.env));
  };
  for (const cmd of run.script.commands) {
    if (cmd.start > build.call.cmd.start) break;
    cmd.assigns.forEach(grab);
    cmd.words.forEach(grab);
  }
  for (const v of stageRuns) {
    if (v.instr.start > instr.start) break;
    for (const c of v.calls) if (GO_PROGRAMS.has(c.name) && c.args[0]?.value === 'env') c.args.forEach(grab);
  }
  return out;
}

function goflagsStrip(values: readonly string[]): boolean {
  return values.some((v) => {
    const i = v.indexOf('-ldflags=');
    return i >= 0 && stripState(v.slice(i + '-ldflags='.length)).kind === 'ok';
  });
}

export interface StripCheck {
  state: StripState;
  ldflags?: GoFlag;
}

/** Is this build's binary stripped? Command-line -ldflags first (the last one wins), then GOFLAGS. */
export function checkStrip(build: GoBuild, stageRuns: readonly RunView[]): StripCheck {
  const ldflags = lastFlag(build, 'ldflags');
  if (goflagsStrip(goflagsValues(build, stageRuns))) return { state: { kind: 'ok' }, ldflags };
  if (!ldflags) return { state: { kind: 'missing', missing: ['-s', '-w'] } };
  const v = ldflags.value;
  return { state: stripState(expand(v.slice(listStart(v)), build.view.instr.env)), ldflags };
}

/** RUN views of the stage an instruction belongs to. */
export function stageRunViews(views: readonly RunView[], instr: Instr): RunView[] {
  return views.filter((v) => v.instr.stage === instr.stage);
}

// ---- edits -------------------------------------------------------------------------------

function jsonInner(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** Text to put into the RUN at a shell position, escaped for exec-form `["sh","-c","…"]`. */
export function encode(run: RunScript, text: string): string {
  return run.form === 'exec' && run.execShell ? jsonInner(text) : text;
}

type Q = '' | '"' | "'" | 'j';

/** For each character of a word's value, its index in the raw text and the quoting around it. */
function rawMap(raw: string, json: boolean): { value: string; idx: number[]; q: Q[] } | null {
  const idx: number[] = [];
  const q: Q[] = [];
  let value = '';
  const push = (i: number, quote: Q, ch?: string): void => {
    idx.push(i);
    q.push(quote);
    value += ch ?? raw[i];
  };
  if (json) {
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'string') return null;
    let i = 1;
    while (i < raw.length - 1) {
      if (raw[i] === '\\') return idx.length === 0 ? null : { value, idx, q }; // stop at the first escape
      push(i, 'j');
      i++;
    }
    return { value, idx, q };
  }
  let quote: Q = '';
  for (let i = 0; i < raw.length;) {
    const c = raw[i] as string;
    if (quote === '') {
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\') {
        push(i + 1, '');
        i++;
      } else if (c === '$' && raw[i + 1] === "'") return null;
      else push(i, '');
      i++;
    } else if (c === quote) {
      quote = '';
      i++;
    } else if (quote === '"' && c === '\\' && '"\\$`'.includes(raw[i + 1] ?? '')) {
      push(i + 1, '"');
      i += 2;
    } else {
      push(i, quote);
      i++;
    }
  }
  return { value, idx, q };
}

function insertEdit(run: RunScript, logical: number, text: string): Edit {
  const at = docStart(run, logical);
  return { start: at, end: at, text: encode(run, text) };
}

/** Document offset right after `build`/`install`, or after `-C dir`, which must come first. */
export function afterSubcommand(build: GoBuild): number {
  const first = build.flags[0];
  const after = first && first.name === 'C' && first.word === build.call.args[1] ? (first.valueWord ?? first.word) : build.sub;
  return docEnd(build.view.run, after.end);
}

/** Edit that adds `-ldflags="-s -w"` (or the missing part) to a build. Null when it cannot be done safely. */
export function stripEdit(build: GoBuild, check: StripCheck): Edit | null {
  if (check.state.kind !== 'missing') return null;
  const { run } = build.view;
  const plainExec = run.form === 'exec' && !run.execShell;
  const lf = check.ldflags;
  if (!lf) {
    const at = afterSubcommand(build);
    return { start: at, end: at, text: plainExec ? ', "-ldflags=-s -w"' : encode(run, ' -ldflags="-s -w"') };
  }
  // `go build -ldflags` with no value (still being typed): there is no value to extend.
  if (!lf.valueWord && !lf.word.value.includes('=')) return null;
  const add = check.state.missing.join(' ') + ' ';
  const word = lf.valueWord ?? lf.word;
  const map = rawMap(word.raw, plainExec);
  if (!map) return null;
  const prefix = lf.valueWord ? 0 : map.value.indexOf('=') + 1;
  if (!plainExec && map.value !== word.value) return null;
  const rest = map.value.slice(prefix);
  const at = prefix + listStart(rest);
  if (at >= map.idx.length) return null; // empty value: nothing sensible to extend
  const rawAt = map.idx[at] as number;
  if (map.q[at] !== '') return insertEdit(run, word.start + rawAt, add);
  // Unquoted value: quote it, so the space-separated flags stay one argument.
  const tail = word.raw.slice(rawAt);
  if (!/["'\\`]/.test(tail)) {
    return { start: docStart(run, word.start + rawAt), end: docEnd(run, word.end), text: encode(run, `"${add}${tail}"`) };
  }
  return insertEdit(run, word.start + rawAt, `"${add}"`);
}

/**
 * `-trimpath` (file paths in the binary become module paths: smaller and reproducible) next to the strip edit, as one
 * alternative. Null when it is there already (flag or GOFLAGS). Unsafe: code that finds files through
 * `runtime.Caller` paths, which we cannot see, no longer finds them.
 */
export function trimpathEdits(build: GoBuild, strip: Edit, stageRuns: readonly RunView[]): Edit[] | null {
  if (build.flags.some((f) => f.name === 'trimpath') || goflagsValues(build, stageRuns).some((v) => /(^|\s)-?-trimpath(\s|=|$)/.test(v))) return null;
  const { run } = build.view;
  const plainExec = run.form === 'exec' && !run.execShell;
  const at = afterSubcommand(build);
  const text = plainExec ? ', "-trimpath"' : encode(run, ' -trimpath');
  // The fresh `-ldflags` goes to the same place: one edit, `-trimpath` first.
  if (strip.start === at && strip.end === at) return [{ start: at, end: at, text: text + strip.text }];
  return [{ start: at, end: at, text }, strip];
}
