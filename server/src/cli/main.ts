/**
 * `dockerfile-slim`: the engine for CI. Exit codes (the contract in docs/contract.md):
 * lint: 0 = no finding at warning or above, 1 = findings, 2 = usage or I/O error.
 */
import { contextFacts } from './context-facts.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { displayPath, jsonText, oneLine, safeLine, safeLines, terminalText } from '../../../common/src/text/sanitize.js';
import { parseArgs, UsageError, type Args } from './args.js';
import { readInput } from './read-input.js';
import { writeAtomic } from './write-file.js';
import { BudgetedEngine, tooExpensiveMessage } from './budget.js';
import type { DetailedFinding, LintOptions } from '../kernel/types.js';
import { ruleDocsUrl } from './rule-docs-url.js';
import { toSarif } from './sarif.js';
import { ESTIMATE_USAGE, estimateCommand, fetchIndexCommand, fetchNpmCommand } from './estimate-command.js';
import { LAYERS_USAGE, layersCommand } from './layers-command.js';
import { cachedPackages, missingIndexNotice } from './package-lookup.js';

const VERSION = '0.1.0';
const USAGE = `Usage:
  dockerfile-slim lint [--format text|json|sarif] [--context DIR] FILE...
  dockerfile-slim fix [--unsafe] [--stdout] [--context DIR] FILE...
  dockerfile-slim rules
${ESTIMATE_USAGE}
${LAYERS_USAGE}
Options:
  --format      output of lint (default text)
  --context     build context directory: its .dockerignore, and (walked) what each COPY ships (DS017)
  --unsafe      also apply unsafe fixes (multi-stage conversion, base image swaps)
  --stdout      print the fixed text instead of writing the file (needs exactly one FILE)
  --            ends the options: every later argument is a FILE
  FILE may be - for standard input.`;

function optionsFor(file: string, context?: string): LintOptions {
  if (file === '-' && !context) return {};
  const dir = context ?? path.dirname(file);
  return { dockerignoreExists: fs.existsSync(path.join(dir, '.dockerignore')) || (file !== '-' && fs.existsSync(`${file}.dockerignore`)) };
}

async function lintCommand(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.files.length === 0) throw new UsageError('lint needs at least one FILE');
  const all: { file: string; f: DetailedFinding }[] = [];
  let ioError = false;
  const packages = cachedPackages(err); // sizes in DS004/DS014 when an index is cached; lint never fetches
  const engine = new BudgetedEngine(); // big files in a worker with a time and heap budget
  for (const file of args.files) {
    try {
      const { text } = readInput(file);
      const r = await engine.lint(file, text, { ...optionsFor(file, args.context), ...contextFacts(args.context, file, text), packages });
      if (r.kind === 'done') for (const f of r.value) all.push({ file, f });
      else {
        err(`dockerfile-slim: ${oneLine(tooExpensiveMessage(displayPath(file), r.reason))}`);
        ioError = true;
      }
    } catch (e) {
      err(`dockerfile-slim: ${oneLine((e as Error).message)}`);
      ioError = true;
    }
  }
  engine.dispose();
  // Once per release, and only in text mode: the JSON and SARIF outputs are contracts.
  if (args.format === 'text') for (const release of packages.missing) err(missingIndexNotice(release));
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
    out(jsonText(JSON.stringify(rows, null, 2)));
  } else if (args.format === 'sarif') {
    out(jsonText(JSON.stringify(toSarif(all, VERSION), null, 2)));
  } else {
    for (const { file, f } of all) {
      const fixNote = f.fix ? ` [${f.fix.safe ? 'fix' : 'unsafe fix'}: ${oneLine(f.fix.title)}]` : '';
      out(safeLine(`${displayPath(file)}:${f.line}:${f.column}: ${f.severity} ${f.rule} ${oneLine(f.message)}${fixNote} ${ruleDocsUrl(f.rule)}`));
    }
    const counted = all.filter(({ f }) => f.severity !== 'hint');
    if (all.length > 0) {
      out(`${counted.length} finding(s)${all.length > counted.length ? ` and ${all.length - counted.length} hint(s)` : ''} in ${args.files.length} file(s)`);
    } else if (!ioError) {
      out(`no findings in ${args.files.length} file(s)`);
    }
  }
  if (ioError) return 2;
  return all.some(({ f }) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
}

async function fixCommand(args: Args, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (args.files.length === 0) throw new UsageError('fix needs at least one FILE');
  if (args.stdout && args.files.length !== 1) throw new UsageError('--stdout needs exactly one FILE');
  if (args.files.includes('-') && !args.stdout) throw new UsageError('fixing standard input needs --stdout');
  let status = 0;
  const packages = cachedPackages(err); // the index lint reads: fix applies exactly what lint calls safe
  const engine = new BudgetedEngine();
  for (const file of args.files) {
    try {
      const input = readInput(file);
      const { text } = input;
      const r = await engine.fix(file, text, { ...optionsFor(file, args.context), ...contextFacts(args.context, file, text), unsafe: args.unsafe, packages });
      if (r.kind === 'too-expensive') {
        err(`dockerfile-slim: ${oneLine(tooExpensiveMessage(displayPath(file), r.reason))}`);
        status = 2;
        continue;
      }
      const result = r.value;
      if (args.stdout) {
        process.stdout.write(process.stdout.isTTY ? terminalText(result.text) : result.text); // redirected: the exact text
        for (const c of result.createFiles) err(`dockerfile-slim: would create ${displayPath(c.path)} (not written with --stdout)`);
        continue;
      }
      if (result.text !== text) writeAtomic(file, result.text, input);
      for (const c of result.createFiles) {
        const target = path.join(args.context ?? path.dirname(file), c.path);
        try {
          if (c.append && fs.existsSync(target)) {
            const before = fs.readFileSync(target, 'utf8');
            fs.appendFileSync(target, `${before === '' || before.endsWith('\n') ? '' : '\n'}${c.content}`);
            out(`${displayPath(target)}: added to`);
            continue;
          }
          fs.writeFileSync(target, c.content, { flag: 'wx' }); // never overwrite
          out(`${displayPath(target)}: created`);
        } catch {
          err(`dockerfile-slim: ${displayPath(target)} exists; left unchanged`);
        }
      }
      out(`${displayPath(file)}: ${result.applied.length} fix(es) applied${result.applied.length ? ` (${[...new Set(result.applied)].join(', ')})` : ''}`);
    } catch (e) {
      err(`dockerfile-slim: ${oneLine((e as Error).message)}`);
      status = 2;
    }
  }
  engine.dispose();
  return status;
}

export async function main(argv: string[], rawOut = (s: string) => console.log(s), rawErr = (s: string) => console.error(s)): Promise<number> {
  // Text lines may quote a repository's words: none can start a workflow command or a terminal escape.
  const out = (s: string): void => rawOut(safeLines(s));
  const err = (s: string): void => rawErr(safeLines(s));
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      out(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version') {
      out(VERSION);
      return 0;
    }
    if (argv[0] === 'estimate') return await estimateCommand(argv.slice(1), (f) => readInput(f).text, out, err);
    if (argv[0] === 'fetch-index') return await fetchIndexCommand(argv.slice(1), out, err);
    if (argv[0] === 'fetch-npm') return await fetchNpmCommand(argv.slice(1), (f) => readInput(f).text, out, err);
    if (argv[0] === 'layers') return await layersCommand(argv.slice(1), out, err, VERSION);
    const args = parseArgs(argv);
    if (args.command === 'lint') return await lintCommand(args, out, err);
    if (args.command === 'fix') return await fixCommand(args, out, err);
    if (args.command === 'rules') {
      const { rules } = await import('../rules/index.js');
      for (const r of rules) out(`${r.id}  ${r.name.padEnd(28)} ${r.severity.padEnd(8)} ${r.docs.summary}`);
      return 0;
    }
    throw new UsageError(`unknown command "${args.command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`dockerfile-slim: ${oneLine(e.message)}\n${USAGE}`);
      return 2;
    }
    err(`dockerfile-slim: ${oneLine((e as Error).message)}`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
