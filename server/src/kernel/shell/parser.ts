/**
 * Turns shell tokens into a flat, ordered list of simple commands with their context
 * (connecting operators, subshell depth, conditions). Compound commands (if/for/while/case,
 * `{ }`, `( )`) are walked through, so `apt-get update` inside an `if` is still seen.
 */
import { isRedirectOp, lex, type Token, type Word } from './lexer.js';

export type { Word } from './lexer.js';

export interface Redirect {
  op: string;
  target?: Word;
}

export interface Command {
  /** argv: assignments and redirections removed. */
  words: Word[];
  /** Leading `NAME=value` words. */
  assigns: Word[];
  redirects: Redirect[];
  start: number;
  end: number;
  /** Operator before this command (`&&`, `||`, `;`, `|`, `&`, newline as "\n"); null for the first. */
  before: string | null;
  /** Operator after this command; null at the end of the script. */
  after: string | null;
  /** Nesting inside `( )`, `{ }`, if/for/while/case bodies; 0 is top level. */
  depth: number;
  /** Inside `( … )`: state changes (cd, export) do not leak out. */
  subshell: boolean;
  /** Part of an if/while/until condition. */
  condition: boolean;
}

export interface Script {
  src: string;
  commands: Command[];
  /** End offset of the last non-comment token (where to append). */
  contentEnd: number;
  /** A quote or substitution is left open at the end (see lex), or an if/case/loop/group/subshell is never closed. */
  unterminated?: boolean;
  /** A `<<WORD` at the very end, its body not in this script (normal for `RUN cat <<EOF > f`). */
  pendingHeredoc?: boolean;
}

const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', '{', '!', 'then', 'else', 'elif', 'do']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);
const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

export function parseShell(src: string): Script {
  const { tokens, contentEnd, unterminated, pendingHeredoc } = lex(src);
  const commands: Command[] = [];
  // Stack of open constructs: '(' subshell, or a keyword ('if', 'for', 'case', '{', ...).
  const stack: string[] = [];
  let conditionDepth = 0;
  let cur: Command | null = null;
  let lastOp: string | null = null;
  let i = 0;

  const subshell = (): boolean => stack.includes('(');
  const finish = (op: string | null): void => {
    if (cur) {
      cur.after = op;
      commands.push(cur);
      cur = null;
    }
    lastOp = op;
  };
  const wordAt = (k: number): Word | null => {
    const t = tokens[k];
    return t && t.kind === 'word' ? t.word : null;
  };

  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.kind === 'newline') {
      finish(cur ? '\n' : lastOp);
      i++;
      continue;
    }
    if (t.kind === 'op') {
      if (isRedirectOp(t.op)) {
        const target = wordAt(i + 1) ?? undefined;
        if (cur) {
          cur.redirects.push({ op: t.op, target });
          cur.end = target ? target.end : t.end;
        }
        i += target ? 2 : 1;
        continue;
      }
      if (t.op === '(') {
        finish(lastOp);
        // `name() { … }` function definition: skip the parens.
        if (tokens[i + 1]?.kind === 'op' && (tokens[i + 1] as { op: string }).op === ')') {
          i += 2;
          continue;
        }
        stack.push('(');
        i++;
        continue;
      }
      if (t.op === ')') {
        finish(lastOp);
        if (stack[stack.length - 1] === 'case-pattern') stack.pop();
        else if (stack.lastIndexOf('(') >= 0) stack.splice(stack.lastIndexOf('('), 1);
        i++;
        continue;
      }
      if (t.op === ';;' || t.op === ';&') {
        finish(t.op);
        if (stack[stack.length - 1] === 'case') stack.push('case-pattern');
        i++;
        continue;
      }
      finish(t.op);
      i++;
      continue;
    }
    const w = t.word;
    if (!cur) {
      // Command position: reserved words shape the structure and are not commands.
      if (stack[stack.length - 1] === 'case-pattern') {
        if (w.value === 'esac') {
          stack.pop();
          if (stack[stack.length - 1] === 'case') stack.pop();
          i++;
          continue;
        }
        // A pattern runs to the closing ')'.
        while (i < tokens.length && !(tokens[i]?.kind === 'op' && (tokens[i] as { op: string }).op === ')')) i++;
        stack.pop();
        i++;
        continue;
      }
      if (OPENERS.has(w.value) && !w.quoted) {
        if (w.value === 'if' || w.value === 'while' || w.value === 'until' || w.value === 'elif') conditionDepth++;
        if (w.value === 'then' || w.value === 'do') conditionDepth = Math.max(0, conditionDepth - 1);
        if (w.value === 'for') {
          // for NAME [in WORDS]; do — the header is not a command.
          while (i < tokens.length && tokens[i]?.kind === 'word' && wordAt(i)?.value !== 'do') {
            i++;
            if (tokens[i]?.kind !== 'word') break;
          }
          stack.push('for');
          continue;
        }
        if (w.value === 'case') {
          // case WORD in
          i += 1;
          while (i < tokens.length && wordAt(i) && wordAt(i)?.value !== 'in') i++;
          i++;
          stack.push('case', 'case-pattern');
          continue;
        }
        if (w.value === 'if' || w.value === 'while' || w.value === 'until' || w.value === '{') stack.push(w.value);
        i++;
        continue;
      }
      if (CLOSERS.has(w.value) && !w.quoted) {
        const open = stack.length > 0 ? stack.pop() : undefined;
        if (open === 'case-pattern' && stack[stack.length - 1] === 'case') stack.pop();
        i++;
        continue;
      }
      cur = {
        words: [],
        assigns: [],
        redirects: [],
        start: w.start,
        end: w.end,
        before: lastOp,
        after: null,
        depth: stack.length,
        subshell: subshell(),
        condition: conditionDepth > 0,
      };
    }
    if (cur.words.length === 0 && ASSIGN.test(w.raw)) cur.assigns.push(w);
    else cur.words.push(w);
    cur.end = w.end;
    i++;
  }
  finish(null);
  // An `if`, `case`, loop, `{` or `(` left open is a syntax error the shell reports; we do not know where its
  // commands end either (`case $X && cmd` reads cmd as a pattern), so no edit may rely on the structure.
  return { src, commands, contentEnd, unterminated: unterminated || stack.length > 0, pendingHeredoc };
}
