/**
 * Helpers shared by the package-manager cache rules (DS004, DS006, DS007, DS008): subcommands
 * past global options, what earlier instructions configured, and cache mounts on a directory.
 */
import { normPath, positionals, type Call } from '../../kernel/commands.js';
import { expand, type Instr, type Model } from '../../kernel/model.js';
import type { RunScript } from '../../kernel/run-script.js';
import type { Command, Word } from '../../kernel/shell/parser.js';

/** The first positional argument (the subcommand), skipping values of global options. */
export function subcommand(call: Call, valueOpts: ReadonlySet<string> = new Set()): Word | undefined {
  return positionals(call, valueOpts)[0];
}

/** The value of an option given as `--name value`, `--name=value` or `-x value`, if present. */
export function optionValue(call: Call, names: readonly string[]): Word | string | undefined {
  for (let i = 0; i < call.args.length; i++) {
    const v = (call.args[i] as Word).value;
    if (v === '--') return undefined;
    for (const n of names) {
      if (v === n) return call.args[i + 1];
      if (n.startsWith('--') && v.startsWith(`${n}=`)) return v.slice(n.length + 1);
    }
  }
  return undefined;
}

export function wordValue(w: Word | string | undefined, env: ReadonlyMap<string, string>): string | undefined {
  if (w === undefined) return undefined;
  return expand(typeof w === 'string' ? w : w.value, env);
}

/**
 * Instructions whose effects the given one inherits: earlier instructions of its stage and all
 * of its FROM ancestors. ONBUILD triggers run in a child image, so they only count for each other.
 */
export function priorInstrs(model: Model, instr: Instr): Instr[] {
  const out: Instr[] = [];
  const chain = [];
  for (let s = instr.stage; s; s = s.parent) chain.unshift(s);
  if (chain.length === 0) {
    for (const i of model.instrs) {
      if (i === instr) break;
      out.push(i);
    }
  }
  for (const s of chain) {
    for (const i of s.instrs) {
      if (i === instr) break;
      out.push(i);
    }
  }
  return out.filter((i) => !i.onbuild || instr.onbuild);
}

/** The instruction's text as written (continuations and heredoc bodies included). */
export function instrText(model: Model, instr: Instr): string {
  return model.text.slice(instr.start, instr.end);
}

/** Does a BuildKit cache/tmpfs mount hold `dir` (the mount target is `dir` or one of its parents)? */
export function mountCovers(run: RunScript, dirs: readonly string[]): boolean {
  return run.mounts.some((m) => {
    if (m.type !== 'cache' && m.type !== 'tmpfs') return false;
    const t = normPath(m.target);
    return dirs.some((d) => {
      const n = normPath(d);
      return n === t || n.startsWith(t === '/' ? '/' : `${t}/`);
    });
  });
}

/** The home directory spelled the ways people write it in `rm` commands, joined with `rel`. */
export function homePaths(rel: string): string[] {
  return ['/root', '~', '$HOME', '${HOME}'].map((h) => `${h}/${rel}`);
}

/** The value of the last `export NAME=…` that runs before the command `cmd` in the same script. */
export function exportedBefore(run: RunScript, cmd: Command, name: string): string | undefined {
  const cmds = run.script.commands;
  let found: string | undefined;
  for (const c of cmds) {
    if (c === cmd) break;
    if (c.words[0]?.value !== 'export' || (c.subshell && !cmd.subshell)) continue;
    for (const w of c.words.slice(1)) if (w.value.startsWith(`${name}=`)) found = w.value.slice(name.length + 1);
  }
  return found;
}
