// The final stage of a Dockerfile, as the comparable facts attribution needs. Parsed with dockerfile-ast.
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { collapse } from './history.js';

export interface StageInstruction {
  /** 1-based line of the keyword. */
  line: number;
  /** 1-based last line (continuations). */
  endLine: number;
  keyword: string;
  /** Arguments without flags, continuations joined, whitespace collapsed. */
  args: string;
  /** Parsed JSON (exec) form, when the arguments are a JSON string array. */
  json?: string[] | undefined;
  /** For RUN: the shell in effect (SHELL instruction or /bin/sh -c). */
  shell: string[];
  /** Full instruction text, whitespace collapsed: what a build-time hash is taken of. */
  text: string;
}

export interface FinalStage {
  /** 1-based line of the final stage's FROM; 0 when the Dockerfile has no FROM. */
  fromLine: number;
  /** The image the final stage starts from, as written. */
  fromImage: string;
  /** 0-based index of the final stage and how many stages there are. */
  stageIndex: number;
  stageCount: number;
  instructions: StageInstruction[];
}

function jsonArray(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Arguments with leading `--flag=value` options removed (RUN --mount, COPY --from/--chown, HEALTHCHECK --interval). */
function argsWithoutFlags(ins: Instruction): string {
  const content = ins.getArgumentsContent() ?? '';
  const flags = (ins as unknown as { getFlags?: () => unknown[] }).getFlags?.() ?? [];
  if (flags.length === 0) return collapse(content);
  const words = collapse(content).split(' ');
  let i = 0;
  while (i < words.length && words[i]?.startsWith('--')) i++;
  return words.slice(i).join(' ');
}

export function finalStage(dockerfileText: string): FinalStage {
  const df = DockerfileParser.parse(dockerfileText);
  const all = df.getInstructions();
  let start = -1;
  let stageCount = 0;
  all.forEach((ins, i) => {
    if (ins.getKeyword() === 'FROM') {
      start = i;
      stageCount++;
    }
  });
  const from = start >= 0 ? all[start] : undefined;
  let shell = ['/bin/sh', '-c'];
  const instructions: StageInstruction[] = [];
  for (const ins of all.slice(start + 1)) {
    const keyword = ins.getKeyword();
    const args = argsWithoutFlags(ins);
    const json = jsonArray(args);
    const range = ins.getRange();
    instructions.push({
      line: range.start.line + 1,
      endLine: range.end.line + 1,
      keyword,
      args,
      json,
      shell,
      text: collapse(ins.toString()),
    });
    if (keyword === 'SHELL' && json && json.length > 0) shell = json;
  }
  const fromArgs = from ? collapse(from.getArgumentsContent() ?? '').split(' ') : [];
  return {
    fromLine: from ? from.getRange().start.line + 1 : 0,
    fromImage: fromArgs.find((a) => !a.startsWith('--')) ?? '',
    stageIndex: Math.max(0, stageCount - 1),
    stageCount,
    instructions,
  };
}
