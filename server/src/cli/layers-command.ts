/**
 * `dockerfile-slim layers (--image IMAGE | --build CONTEXT) [--format text|json|sarif|markdown]
 *   [--budget KEY=SIZE[,KEY=SIZE...]]... [--baseline FILE] [--write-baseline FILE] [--] DOCKERFILE`
 * Exit 0 = within budget, 1 = a budget exceeded, 2 = usage, I/O, no Docker, unknown image (docs/contract.md).
 * Environment: DOCKERFILE_SLIM_DOCKER (docker or podman executable, default `docker`),
 * DOCKERFILE_SLIM_DOCKER_TIMEOUT (seconds per docker call, default 60; `docker save` gets 4×, builds 1 hour).
 */
import { readInput } from './read-input.js';
import { safeLineWriter } from '../../../common/src/text/sanitize.js';
import { writeReport } from './write-file.js';
import { DockerError, imageHistory, saveImage, type DockerOptions } from '../../../common/src/docker/docker-cli.js';
import { finalStage, layerReport } from '../../../common/src/image-layers/index.js';
import { buildImage } from './layers-build.js';
import { evaluateBudgets, LayersUsageError, makeBaseline, parseBaseline, parseBudgets, type Baseline } from './layers-budget.js';
import { renderJson, renderMarkdown, renderSarif, renderText, safeText, type RenderInput } from './layers-render.js';

export const LAYERS_USAGE = `  dockerfile-slim layers (--image IMAGE | --build CONTEXT) [--format text|json|sarif|markdown]
      [--budget KEY=SIZE[,KEY=SIZE...]] [--baseline FILE] [--write-baseline FILE] [--] DOCKERFILE
      budgets: total, layer (largest single layer), wasted, growth (vs --baseline; bytes or %), e.g.
      --budget total=120MB,wasted=0,growth=5%   (sizes: 120MB, 1.5GiB, 2048; 1 MB = 1,000,000 bytes)`;

type Format = 'text' | 'json' | 'sarif' | 'markdown';
interface LayersArgs {
  image?: string;
  build?: string;
  format: Format;
  budgets: string[];
  baseline?: string;
  writeBaseline?: string;
  files: string[];
}

function parseLayersArgs(argv: readonly string[]): LayersArgs {
  const a: LayersArgs = { format: 'text', budgets: [], files: [] };
  let ended = false;
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i] as string;
    if (ended) {
      a.files.push(v);
      continue;
    }
    if (v === '--') {
      ended = true; // the rest are file names, even `--format=json`
      continue;
    }
    const [flag, inline] = v.startsWith('--') ? (v.split(/=(.*)/s) as [string, string | undefined]) : [v, undefined];
    const value = (): string => {
      const x = inline ?? argv[++i];
      if (x === undefined || x === '') throw new LayersUsageError(`${flag} needs a value`);
      return x;
    };
    if (flag === '--format') {
      const f = value();
      if (!['text', 'json', 'sarif', 'markdown'].includes(f)) throw new LayersUsageError(`unknown format "${f}" (text, json, sarif or markdown)`);
      a.format = f as Format;
    } else if (flag === '--image') a.image = value();
    else if (flag === '--build') a.build = value();
    else if (flag === '--budget') a.budgets.push(value());
    else if (flag === '--baseline') a.baseline = value();
    else if (flag === '--write-baseline') a.writeBaseline = value();
    else if (v.startsWith('-') && v !== '-') throw new LayersUsageError(`unknown option ${v}`);
    else a.files.push(v);
  }
  if ((a.image === undefined) === (a.build === undefined)) throw new LayersUsageError('layers needs exactly one of --image IMAGE or --build CONTEXT');
  if (a.files.length !== 1) throw new LayersUsageError('layers needs exactly one DOCKERFILE');
  if (a.files[0] === '-') throw new LayersUsageError('layers reads the Dockerfile from a file, not standard input');
  return a;
}

/** Read as lint reads its inputs (read-input.ts): no devices, FIFOs or links out of the repository, a size cap first. */
function readText(file: string, what: string, limit: number): string {
  try {
    return readInput(file, limit).text;
  } catch (e) {
    throw new LayersUsageError(`${what} ${(e as Error).message}`);
  }
}

function dockerOptions(env: NodeJS.ProcessEnv): DockerOptions {
  const seconds = Number(env['DOCKERFILE_SLIM_DOCKER_TIMEOUT'] ?? '60');
  if (!Number.isFinite(seconds) || seconds <= 0) throw new LayersUsageError('DOCKERFILE_SLIM_DOCKER_TIMEOUT must be a number of seconds');
  return { dockerPath: env['DOCKERFILE_SLIM_DOCKER'] || 'docker', timeoutMs: Math.round(seconds * 1000) };
}

function dockerMessage(e: DockerError, image: string): string {
  switch (e.kind) {
    case 'not-installed':
      return `${e.message}; set DOCKERFILE_SLIM_DOCKER to a docker or podman executable`;
    case 'daemon-down':
      return 'the Docker daemon is not reachable (is it running? DOCKER_HOST?)';
    case 'image-not-found':
      return `no image "${image}" (build it first, or use --build CONTEXT)`;
    case 'timed-out':
      return `${e.message}: the Docker daemon did not answer (raise DOCKERFILE_SLIM_DOCKER_TIMEOUT if it is just slow)`;
    default:
      return e.message;
  }
}

export async function layersCommand(
  argv: readonly string[],
  out: (s: string) => void,
  err: (s: string) => void,
  version: string,
  env = process.env,
): Promise<number> {
  let image = '';
  try {
    const args = parseLayersArgs(argv);
    const file = args.files[0] as string;
    const budgets = parseBudgets(args.budgets);
    if (budgets.growth !== undefined && args.baseline === undefined) throw new LayersUsageError('the growth budget needs --baseline FILE');
    const text = readText(file, 'Dockerfile', 1 << 20);
    const baseline: Baseline | undefined =
      args.baseline !== undefined ? parseBaseline(readText(args.baseline, 'baseline', 16 << 20), args.baseline) : undefined;
    const opts = dockerOptions(env);
    image = args.image ?? '';
    if (args.build !== undefined) {
      const buildOpts = { ...opts, timeoutMs: Math.max(opts.timeoutMs, 3600_000) };
      err(`dockerfile-slim: building ${file} in ${args.build} (docker build --iidfile)…`);
      // Docker's output is the build's (its RUN steps print what they like): sanitised line by line like our own.
      const log = safeLineWriter((s) => process.stderr.write(s));
      try {
        image = await buildImage(file, args.build, buildOpts, (s) => log.push(s));
      } finally {
        log.end();
      }
      err(`dockerfile-slim: built ${image}`);
    }
    const rows = await imageHistory(image, opts);
    const saved = await saveImage(image, { ...opts, timeoutMs: Math.max(opts.timeoutMs * 4, 120_000) });
    const report = layerReport(text, rows, saved);
    if (report.untrustworthy) {
      throw new LayersUsageError(
        `image "${image}" does not look built from ${file}: only ${report.matched} of its ${report.instructions} final-stage instructions match the image history (build it from this Dockerfile, or use --build)`,
      );
    }
    const stage = finalStage(text);
    const instructionAt = (line: number): string =>
      line === stage.fromLine ? `FROM ${stage.fromImage}` : (stage.instructions.find((i) => i.line === line)?.text ?? `line ${line}`);
    const excess = evaluateBudgets(report, budgets, baseline, instructionAt);
    const input: RenderInput = { file, image, report, excess, budgets, baseline, instructionAt, version };
    const render = { text: renderText, json: renderJson, sarif: renderSarif, markdown: renderMarkdown }[args.format];
    out(render(input));
    if (args.format === 'json') for (const e of excess) err(`dockerfile-slim: ${safeText(file)}:${e.line}: ${e.budget} budget: ${safeText(e.message)}`);
    if (args.writeBaseline !== undefined) {
      try {
        writeReport(args.writeBaseline, JSON.stringify(makeBaseline(report, image, instructionAt), null, 2) + '\n');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new LayersUsageError(`cannot write baseline ${safeText(args.writeBaseline)} (${code ?? (e as Error).message})`);
      }
      err(`dockerfile-slim: baseline written to ${safeText(args.writeBaseline)}`);
    }
    return excess.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof LayersUsageError) err(`dockerfile-slim: ${safeText(e.message)}`);
    else if (e instanceof DockerError) err(`dockerfile-slim: ${safeText(dockerMessage(e, image))}`);
    else err(`dockerfile-slim: ${safeText(String((e as Error)?.message ?? e))}`);
    return 2;
  }
}
