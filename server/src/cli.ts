/**
 * `dockerfile-slim`: the engine for CI. Exit codes (the contract in spec.md):
 * lint: 0 = no finding at warning or above, 1 = findings, 2 = usage or I/O error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fix, lintDetailed, MAX_TEXT_LENGTH } from './engine/lint.js';
import type { DetailedFinding, LintOptions } from './engine/types.js';
import { ruleDocsUrl } from './rule-docs-url.js';
import { toSarif } from './sarif.js';

const VERSION = '0.1.0';
const USAGE = `Usage:
  dockerfile-slim lint [--format text|json|sarif] [--context DIR] FILE...
  dockerfile-slim fix [--unsafe] [--stdout] [--context DIR] FILE...
  dockerfile-slim rules
Options:
  --format      output of lint (default text)
  --context     build context directory, to look for .dockerignore (default: the file's folder)
  --unsafe      also apply unsafe fixes (multi-stage conversion, base image swaps)
  --stdout      print the fixed text instead of writing the file (needs exactly one FILE)
  FILE may be - for standard input.`;

class UsageError extends Error {}

interface Args {
  command: string;
  format: 'text' | 'json' | 'sarif';
  unsafe: boolean;
  stdout: boolean;
  context?: string;
  files: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { command: argv[0] ?? '', format: 'text', unsafe: false, stdout: false, files: [] };
  for (let i = 1; i < argv.length; i++) {
    const v = argv[i] as string;
    const [flag, inline] = v.startsWith('--') ? (v.split(/=(.*)/s) as [string, string | undefined]) : [v, undefined];
    const value = (): string => {
      const x = inline ?? argv[++i];
      if (x === undefined) throw new UsageError(`${flag} needs a value`);
      return x;
    };
    if (flag === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format "${f}" (text, json or sarif)`);
      a.format = f;
    } else if (flag === '--unsafe') a.unsafe = true;
    else if (flag === '--stdout') a.stdout = true;
    else if (flag === '--context') a.context = value();
    else if (v.startsWith('-') && v !== '-') throw new UsageError(`unknown option ${v}`);
    else a.files.push(v);
  }
  return a;
}

function readInput(file: string): string {
  let buf: Buffer;
  try {
    buf = file === '-' ? fs.readFileSync(0) : fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file}: is a directory` : `${file}: cannot read (${code ?? String(e)})`,
    );
  }
  if (buf.length > MAX_TEXT_LENGTH) {
    throw new Error(`${file}: too large (${(buf.length / 1048576).toFixed(1)} MB; the limit is ${MAX_TEXT_LENGTH / 1048576} MB)`);
  }
  if (buf.subarray(0, 8192).includes(0)) throw new Error(`${file}: not a text file`);
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM is not part of the first instruction
  return text;
}

function optionsFor(file: string, context?: string): LintOptions {
  if (file === '-' && !context) return {};
  const dir = context ?? path.dirname(file);
  return { dockerignoreExists: fs.existsSync(path.join(dir, '.dockerignore')) || (file !== '-' && fs.existsSync(`${file}.dockerignore`)) };
}

function lintCommand(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  if (args.files.length === 0) throw new UsageError('lint needs at least one FILE');
  const all: { file: string; f: DetailedFinding }[] = [];
  let ioError = false;
  for (const file of args.files) {
    try {
      const text = readInput(file);
      for (const f of lintDetailed(text, optionsFor(file, args.context))) all.push({ file, f });
    } catch (e) {
      err(`dockerfile-slim: ${(e as Error).message}`);
      ioError = true;
    }
  }
  if (args.format === 'json') {
    const rows = all.map(({ file, f }) => ({
      file,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      ...(f.fix ? { fix: f.fix } : {}),
      docs: ruleDocsUrl(f.rule),
    }));
    out(JSON.stringify(rows, null, 2));
  } else if (args.format === 'sarif') {
    out(JSON.stringify(toSarif(all, VERSION), null, 2));
  } else {
    for (const { file, f } of all) {
      out(
        `${file}:${f.line}:${f.column}: ${f.severity} ${f.rule} ${f.message}${f.fix ? ` [${f.fix.safe ? 'fix' : 'unsafe fix'}: ${f.fix.title}]` : ''} ${ruleDocsUrl(f.rule)}`,
      );
    }
    const counted = all.filter(({ f }) => f.severity !== 'hint');
    if (all.length > 0) {
      out(`${counted.length} finding(s)${all.length > counted.length ? ` and ${all.length - counted.length} hint(s)` : ''} in ${args.files.length} file(s)`);
    }
  }
  if (ioError) return 2;
  return all.some(({ f }) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
}

/** Writes a file atomically: the original stays intact if anything fails. */
function writeAtomic(file: string, text: string): void {
  fs.accessSync(file, fs.constants.W_OK); // a read-only file stays as it is (renaming over it would succeed)
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.dockerfile-slim-${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' }); // never follow a planted file or symlink
    try {
      fs.chmodSync(tmp, fs.statSync(file).mode);
    } catch {
      /* keep default mode */
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function fixCommand(args: Args, out: (s: string) => void, err: (s: string) => void): number {
  if (args.files.length === 0) throw new UsageError('fix needs at least one FILE');
  if (args.stdout && args.files.length !== 1) throw new UsageError('--stdout needs exactly one FILE');
  if (args.files.includes('-') && !args.stdout) throw new UsageError('fixing standard input needs --stdout');
  let status = 0;
  for (const file of args.files) {
    try {
      const text = readInput(file);
      const result = fix(text, { ...optionsFor(file, args.context), unsafe: args.unsafe });
      if (args.stdout) {
        process.stdout.write(result.text);
        for (const c of result.createFiles) err(`dockerfile-slim: would create ${c.path} (not written with --stdout)`);
        continue;
      }
      if (result.text !== text) writeAtomic(file, result.text);
      for (const c of result.createFiles) {
        const target = path.join(args.context ?? path.dirname(file), c.path);
        try {
          fs.writeFileSync(target, c.content, { flag: 'wx' }); // never overwrite
          out(`${target}: created`);
        } catch {
          err(`dockerfile-slim: ${target} exists; left unchanged`);
        }
      }
      out(`${file}: ${result.applied.length} fix(es) applied${result.applied.length ? ` (${[...new Set(result.applied)].join(', ')})` : ''}`);
    } catch (e) {
      err(`dockerfile-slim: ${(e as Error).message}`);
      status = 2;
    }
  }
  return status;
}

export async function main(argv: string[], out = (s: string) => console.log(s), err = (s: string) => console.error(s)): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version') {
      out(VERSION);
      return 0;
    }
    const args = parseArgs(argv);
    if (args.command === 'lint') return lintCommand(args, out, err);
    if (args.command === 'fix') return fixCommand(args, out, err);
    if (args.command === 'rules') {
      const { rules } = await import('./rules/index.js');
      for (const r of rules) out(`${r.id}  ${r.name.padEnd(28)} ${r.severity.padEnd(8)} ${r.docs.summary}`);
      return 0;
    }
    throw new UsageError(`unknown command "${args.command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`dockerfile-slim: ${e.message}\n${USAGE}`);
      return 2;
    }
    err(`dockerfile-slim: ${(e as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
