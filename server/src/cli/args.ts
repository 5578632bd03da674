/**
 * Command-line parsing for `dockerfile-slim`, strict enough for file names that come from a glob in a
 * hostile repository: `--` ends the options, `--flag=value` is accepted only for flags that take a
 * value (`--unsafe=x.Dockerfile` is an error, not unsafe mode), and an unknown option is an error.
 */

export class UsageError extends Error {}

/** What each option of a command is: a switch, or a flag that takes one value. */
export type FlagSpec = Record<string, 'boolean' | 'value'>;

export interface ParsedArgv {
  /** Switches that were given, and the last value of each value flag. */
  flags: Map<string, string | true>;
  /** Operands in order: everything that is not an option, and everything after `--`. */
  operands: string[];
}

/**
 * Parses `argv` (without the command) against `spec`. `-` alone is an operand (standard input).
 * A value flag takes the next argument even when it starts with `-` (`--context -dir`), but not `--`.
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec): ParsedArgv {
  const flags = new Map<string, string | true>();
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!kind) throw new UsageError(`unknown option ${name} (put -- before file names that start with -)`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === '--') value = undefined;
      else i++;
    }
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, operands };
}

export type Format = 'text' | 'json' | 'sarif';

/** The options of `lint` and `fix`. */
export interface Args {
  command: string;
  format: Format;
  unsafe: boolean;
  stdout: boolean;
  context?: string;
  files: string[];
}

const LINT_FIX_FLAGS: FlagSpec = { '--format': 'value', '--context': 'value', '--unsafe': 'boolean', '--stdout': 'boolean' };

/**
 * Parses a `lint` or `fix` command line (argv[0] is the command). Flags of the other command are
 * accepted and ignored, as before (`lint --unsafe` is harmless); anything else is a usage error.
 */
export function parseArgs(argv: readonly string[]): Args {
  const command = argv[0] ?? '';
  const { flags, operands } = parseFlags(argv.slice(1), LINT_FIX_FLAGS);
  const format = flags.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format "${String(format)}" (text, json or sarif)`);
  const context = flags.get('--context');
  return {
    command,
    format,
    unsafe: flags.get('--unsafe') === true,
    stdout: flags.get('--stdout') === true,
    ...(typeof context === 'string' ? { context } : {}),
    files: operands,
  };
}
