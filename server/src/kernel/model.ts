/**
 * The analysed Dockerfile: instructions with document offsets, build stages (which of them
 * ship in the final image), the ARG/ENV values known at each instruction, and the parsed
 * shell script of every RUN (including ONBUILD RUN).
 */
import { DockerfileParser, type Heredoc, type Instruction, type Onbuild, type Run } from 'dockerfile-ast';
import { buildRunScript, logicalText, type HeredocInfo, type RunScript } from './run-script.js';
import { LineIndex } from './text.js';
import type { ParsedDockerfile } from './chunks.js';
import { Env } from './env.js';
import { scanDocument, withoutMissedEscapes } from './scan.js';

export interface Stage {
  index: number;
  name: string | null;
  /** Image as written, and with known ARGs substituted. */
  image: string;
  imageExpanded: string;
  from: Instr;
  instrs: Instr[];
  /** The stage this one is built FROM, when it names an earlier stage. */
  parent: Stage | null;
  final: boolean;
  /** Its files end up in the final image (final stage, its ancestors, or copied wholesale). */
  shipped: boolean;
}

export interface Instr {
  /** Upper-case keyword; for ONBUILD triggers, the trigger's keyword (with onbuild = true). */
  keyword: string;
  start: number;
  end: number;
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  /** Arguments as Docker sees them (continuations and comment lines removed). */
  args: string;
  argsStart: number;
  stage: Stage | null;
  /** dockerfile-ast's node; absent when the fast scanner read the file (then it has no here-document or ONBUILD). */
  ast?: Instruction;
  onbuild: boolean;
  /** ARG/ENV values visible to this instruction. */
  env: Env;
  /** The program RUN's shell form runs under (SHELL instruction; default /bin/sh). */
  shell: string;
  run?: RunScript;
}

export interface Model {
  text: string;
  lines: LineIndex;
  escape: string;
  instrs: Instr[];
  stages: Stage[];
  eol: string;
}

/**
 * The here-documents of a RUN, COPY or ADD that dockerfile-ast sees no end of; none when the library
 * cannot describe the body. Such a document swallows the rest of the file, so no fix may edit after it.
 */
export function unclosedHeredocs(node: Instruction | undefined): Heredoc[] {
  if (!node || !/^(RUN|COPY|ADD)$/i.test(node.getKeyword())) return []; // getHeredocs throws on other instructions
  try {
    return (node as unknown as { getHeredocs(): Heredoc[] }).getHeredocs().filter((h) => !h.getDelimiterRange());
  } catch {
    return []; // a parse the library cannot describe: no here-document known
  }
}

function heredocOf(ins: Run, lines: LineIndex, raw: string): HeredocInfo | null {
  if (!raw.includes('<<')) return null; // getHeredocs re-scans the arguments: skip it when it cannot find any
  let h;
  try {
    h = ins.getHeredocs()[0];
  } catch {
    return null; // dockerfile-ast throws on some malformed bodies (`RUN \<newline>\#x`)
  }
  if (!h) return null;
  const content = h.getContentRange();
  const delim = h.getDelimiterRange();
  const contentStart = content ? lines.offsetAt(content.start) : lines.offsetAt(h.getNameRange().end) + 1;
  const contentEnd = content ? lines.offsetAt(content.end) : contentStart;
  const closeLineStart = delim ? lines.offsetAt({ line: delim.start.line, character: 0 }) : lines.text.length;
  return { contentStart: Math.min(contentStart, lines.text.length), contentEnd, closeLineStart };
}

/**
 * Longest text an expansion may produce. Past it the value is unknown (as an unset variable is): 28 lines of
 * `ENV En=${En-1}${En-1}` (694 bytes) otherwise double to 256 M characters and gigabytes (issue 27). Real values
 * (PATH, flags, URLs) stay far below.
 */
export const MAX_EXPANDED = 8 * 1024;

const REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Substitutes `$X` / `${X}` / `${X:-d}` with known values; unknown ones stay as written. Undefined when the result
 * would be longer than `max`; the work is bounded by `max` plus the input, whatever the values.
 */
export function expandBounded(value: string, env: { get(name: string): string | undefined }, max = MAX_EXPANDED): string | undefined {
  if (!value.includes('$')) return value.length > max ? undefined : value;
  const parts: string[] = [];
  let length = 0;
  let last = 0;
  const re = new RegExp(REF.source, 'g');
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const [whole, a, op, def, b] = m;
    const name = a ?? b ?? '';
    const v = env.get(name);
    const sub = op === '-' ? (v !== undefined && v !== '' ? v : (def ?? '')) : op === '+' ? (v !== undefined && v !== '' ? (def ?? '') : '') : (v ?? whole);
    const lit = value.slice(last, m.index);
    length += lit.length + sub.length;
    if (length > max) return undefined;
    parts.push(lit, sub);
    last = m.index + whole.length;
  }
  const tail = value.slice(last);
  if (length + tail.length > max) return undefined;
  parts.push(tail);
  return parts.join('');
}

/** As expandBounded; a result over the cap is the value as written (its references unknown). */
export function expand(value: string, env: { get(name: string): string | undefined }): string {
  return expandBounded(value, env, Math.max(MAX_EXPANDED, value.length)) ?? value;
}

export function parseDockerfile(text: string): ReturnType<typeof DockerfileParser.parse> {
  const ast = DockerfileParser.parse(text);
  const prepared = withoutMissedEscapes(text, ast.getEscapeCharacter());
  return prepared === text ? ast : DockerfileParser.parse(prepared);
}

/** One instruction as buildModel reads it, from dockerfile-ast's node or from the scanner. */
interface RawInstr {
  start: number;
  end: number;
  kwEnd: number;
  keyword: string;
  node?: Instruction;
}

function fromNode(node: Instruction, lines: LineIndex): RawInstr {
  const range = node.getRange();
  return {
    start: lines.offsetAt(range.start),
    end: lines.offsetAt(range.end),
    kwEnd: lines.offsetAt(node.getInstructionRange().end),
    keyword: node.getKeyword().toUpperCase(),
    node,
  };
}

/** The last text's line index: the editor builds several (partial) models of one text per edit. */
let lastLines: LineIndex | undefined;
function linesOf(text: string): LineIndex {
  return lastLines?.text === text ? lastLines : (lastLines = new LineIndex(text));
}

/**
 * `parsed` lets callers supply the parse (e.g. chunk by chunk, see chunks.ts); by default the fast
 * scanner reads the text, or dockerfile-ast parses it whole where the scanner cannot.
 */
export function buildModel(text: string, parsed?: ParsedDockerfile): Model {
  const fast = parsed ? null : scannedModel(text);
  if (fast) return fast;
  const lines = linesOf(text);
  const ast = parsed ?? parseDockerfile(text);
  return assemble(
    text,
    lines,
    ast.getEscapeCharacter(),
    ast.getInstructions().map((n) => fromNode(n, lines)),
  );
}

/** The model from the fast scanner alone; null when only dockerfile-ast can read the text. */
export function scannedModel(text: string): Model | null {
  const lines = linesOf(text);
  const doc = scanDocument(text, lines);
  return doc && assemble(text, lines, doc.escape, doc.instrs);
}

function assemble(text: string, lines: LineIndex, escape: string, raws: readonly RawInstr[]): Model {
  const instrs: Instr[] = [];
  const stages: Stage[] = [];
  /** Earlier stages by lower-case name (the first of a name wins, as a search from the top finds it). */
  const byName = new Map<string, Stage>();
  const globalArgs = new Map<string, string>();
  let env = Env.EMPTY;
  let stage: Stage | null = null;
  let shell = '/bin/sh';
  /** Characters all ARG/ENV values may expand to together: proportional to the text (each value at most MAX_EXPANDED). */
  const allowance = 1024 * 1024 + 64 * text.length;
  let expanded = 0;

  for (const raw of raws) {
    const { start, end, node } = raw;
    let keyword = raw.keyword;
    let onbuild = false;
    let bodyFrom = raw.kwEnd;
    if (keyword === 'ONBUILD' && node) {
      const trig = (node as Onbuild).getTriggerRange?.();
      if (trig) {
        keyword = ((node as Onbuild).getTrigger() ?? '').toUpperCase();
        onbuild = true;
        bodyFrom = lines.offsetAt(trig.end);
      }
    }
    const args = logicalText(text, bodyFrom, end, escape).trim();
    const ins: Instr = {
      keyword,
      start,
      end,
      line: lines.positionAt(start).line,
      endLine: lines.positionAt(end).line,
      args,
      argsStart: bodyFrom,
      stage,
      ast: node,
      onbuild,
      env,
      shell,
    };

    if (keyword === 'FROM' && !onbuild) {
      const words = args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = words[0] ?? '';
      const name = words[1]?.toLowerCase() === 'as' ? (words[2] ?? null) : null;
      const imageExpanded = expand(image, globalArgs);
      const parent = byName.get(imageExpanded.toLowerCase()) ?? null;
      env = parent ? lastEnv(parent) : Env.EMPTY;
      shell = parent ? (parent.instrs[parent.instrs.length - 1]?.shell ?? '/bin/sh') : '/bin/sh';
      ins.shell = shell;
      stage = { index: stages.length, name, image, imageExpanded, from: ins, instrs: [], parent, final: false, shipped: false };
      stages.push(stage);
      if (name !== null && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), stage);
      ins.stage = stage;
      ins.env = env;
    } else if ((keyword === 'ARG' || keyword === 'ENV') && !onbuild) {
      env = env.extend((env) => {
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)(?:=("[^"]*"|'[^']*'|\S*))?/g)) {
          const name = m[1] ?? '';
          let value = m[2];
          if (keyword === 'ENV' && value === undefined) {
            // Legacy `ENV NAME value` form: the rest of the line is the value.
            const rest = args.slice((m.index ?? 0) + name.length).trim();
            if (!args.includes('=')) {
              env.set(name, rest);
              break;
            }
          }
          if (value !== undefined) value = value.replace(/^(["'])(.*)\1$/, '$2');
          if (!stage && keyword === 'ARG') {
            if (value !== undefined) globalArgs.set(name, value);
            else if (!globalArgs.has(name)) globalArgs.set(name, '');
          } else if (value !== undefined) {
            // Over the cap, or past the file's whole expansion allowance: unknown, i.e. a reference to itself.
            const v = expanded < allowance ? expandBounded(value, env, Math.max(MAX_EXPANDED, value.length)) : undefined;
            expanded += v?.length ?? 0;
            env.set(name, v ?? `\${${name}}`);
          } else if (keyword === 'ARG' && globalArgs.has(name) && !env.has(name)) env.set(name, globalArgs.get(name) ?? '');
        }
      });
      ins.env = env;
    }
    if (keyword === 'SHELL' && !onbuild) {
      try {
        const argv = JSON.parse(args) as unknown;
        if (Array.isArray(argv) && typeof argv[0] === 'string') shell = argv[0];
      } catch {
        /* an invalid SHELL is Docker's error to report; keep the previous shell */
      }
    }
    if (keyword === 'RUN') {
      // Parsed on first use: a model built only for a few rules (the editor's whole-file pass) skips the shell parse of other RUNs.
      let script: RunScript | undefined;
      Object.defineProperty(ins, 'run', {
        enumerable: true,
        get: () => (script ??= buildRunScript(text, bodyFrom, end, escape, onbuild || !node ? null : heredocOf(node as Run, lines, text.slice(start, end)))),
      });
    }
    if (stage && ins.stage === null) ins.stage = stage;
    stage?.instrs.push(ins);
    instrs.push(ins);
  }
  markShipped(stages);
  return { text, lines, escape, instrs, stages, eol: lines.eol() };
}

function lastEnv(stage: Stage): Env {
  return stage.instrs[stage.instrs.length - 1]?.env ?? Env.EMPTY;
}

/** The final stage ships, so do its FROM ancestors and stages it copies wholesale (`COPY --from=x / /`). */
function markShipped(stages: Stage[]): void {
  const last = stages[stages.length - 1];
  if (!last) return;
  last.final = true;
  const queue: Stage[] = [last];
  while (queue.length > 0) {
    const s = queue.pop() as Stage;
    if (s.shipped) continue;
    s.shipped = true;
    if (s.parent) queue.push(s.parent);
    for (const ins of s.instrs) {
      if (ins.keyword !== 'COPY' || ins.onbuild) continue;
      const from = /--from=(\S+)/.exec(ins.args)?.[1];
      const rest = ins.args.replace(/--\S+/g, '').trim().split(/\s+/);
      if (from && rest.length === 2 && rest[0] === '/') {
        const src = stages.find((x) => x.name?.toLowerCase() === from.toLowerCase() || String(x.index) === from);
        if (src && src !== s) queue.push(src);
      }
    }
  }
}
