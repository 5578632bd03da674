/**
 * `dockerfile-slim estimate [--format text|json] [--index-dir DIR] [--offline] FILE...` (contract
 * in docs/contract.md) and the helper `fetch-index --index-dir DIR IMAGE...` the editor runs in a child
 * process (downloading and parsing an index takes seconds; the editor must not wait for it).
 */
import { parseFlags } from './args.js';
import { buildModel } from '../kernel/model.js';
import { formatBytes } from '../analysis/package-managers/format.js';
import { estimateModel } from '../analysis/package-managers/estimate.js';
import { estimateQualifiers, flagSavingsText } from '../analysis/package-managers/recommends-plan.js';
import { packagesWord } from '../analysis/package-managers/size-data.js';
import { releaseOfImage, type BaseRelease } from '../../../common/src/package-index/release.js';
import { defaultIndexDir, IndexStore } from '../../../common/src/package-index/store.js';
import { imageRows } from './estimate-image.js';
import { measureContext } from './context-facts.js';
import { npmRows, npmRowText, projectsOf } from './estimate-npm.js';
import { npmWanted } from '../analysis/package-managers/npm-estimate.js';
import { NpmSizeStore } from '../../../common/src/npm-registry/size-store.js';

/** `docker image inspect` of the base only (never a pull, never a build), 5 s at most. */
const DOCKER = { dockerPath: process.env.DOCKERFILE_SLIM_DOCKER ?? 'docker', timeoutMs: 5000 };

class EstimateUsage extends Error {}

interface EstimateArgs {
  format: 'text' | 'json';
  indexDir: string;
  offline: boolean;
  mirrors: { debian?: string; ubuntu?: string };
  files: string[];
  /** Build context to measure (context rows); `docker: false` skips the local-image lookup of the base. */
  context?: string;
  docker: boolean;
  /** npm registry for package sizes (`--npm-registry`, DOCKERFILE_SLIM_NPM_REGISTRY; default registry.npmjs.org). */
  npmRegistry?: string;
}

function parse(argv: string[]): EstimateArgs {
  const a: EstimateArgs = {
    format: 'text',
    indexDir: defaultIndexDir(),
    offline: false,
    mirrors: { debian: process.env.DOCKERFILE_SLIM_DEBIAN_MIRROR, ubuntu: process.env.DOCKERFILE_SLIM_UBUNTU_MIRROR },
    files: [],
    docker: true,
    npmRegistry: process.env.DOCKERFILE_SLIM_NPM_REGISTRY,
  };
  // The CLI's strict parser: `--` ends the options, `--offline=x` is an error, unknown options too.
  let parsed;
  try {
    parsed = parseFlags(argv, {
      '--format': 'value',
      '--index-dir': 'value',
      '--offline': 'boolean',
      '--mirror-debian': 'value',
      '--mirror-ubuntu': 'value',
      '--context': 'value',
      '--no-docker': 'boolean',
      '--npm-registry': 'value',
    });
  } catch (e) {
    throw new EstimateUsage((e as Error).message);
  }
  const f = parsed.flags;
  const format = f.get('--format');
  if (format !== undefined) {
    if (format !== 'text' && format !== 'json') throw new EstimateUsage(`unknown format "${String(format)}" for estimate (text or json)`);
    a.format = format;
  }
  if (typeof f.get('--index-dir') === 'string') a.indexDir = f.get('--index-dir') as string;
  if (f.has('--offline')) a.offline = true;
  if (typeof f.get('--mirror-debian') === 'string') a.mirrors.debian = f.get('--mirror-debian') as string;
  if (typeof f.get('--mirror-ubuntu') === 'string') a.mirrors.ubuntu = f.get('--mirror-ubuntu') as string;
  if (typeof f.get('--context') === 'string') a.context = f.get('--context') as string;
  if (f.has('--no-docker')) a.docker = false;
  if (typeof f.get('--npm-registry') === 'string') a.npmRegistry = f.get('--npm-registry') as string;
  a.files.push(...parsed.operands);
  return a;
}

export const ESTIMATE_USAGE = `  dockerfile-slim estimate [--format text|json] [--index-dir DIR] [--offline] [--context DIR] [--no-docker] [--npm-registry URL] FILE...`;

type Out = (s: string) => void;

export async function estimateCommand(argv: string[], readInput: (file: string) => string, out: Out, err: Out): Promise<number> {
  let args: EstimateArgs;
  try {
    args = parse(argv);
    if (args.files.length === 0) throw new EstimateUsage('estimate needs at least one FILE');
  } catch (e) {
    err(`dockerfile-slim: ${(e as Error).message}\nUsage:\n${ESTIMATE_USAGE}`);
    return 2;
  }
  let progressShown = false;
  const store = new IndexStore({
    dir: args.indexDir,
    offline: args.offline,
    mirrors: args.mirrors,
    log: (m) => err(`dockerfile-slim: ${m}`),
    progress: (m) => {
      if (!progressShown) err(`dockerfile-slim: ${m}`);
      progressShown = true;
    },
  });
  const npmStore = npmSizes(args, args.offline, err);
  const rows: object[] = [];
  let status = 0;
  for (const file of args.files) {
    const text = readOrSay(file, readInput, err);
    if (text === undefined) {
      status = 2;
      continue;
    }
    const model = buildModel(text);
    // First pass finds the releases the file needs; fetch those (when allowed), then estimate.
    const { missing } = estimateModel(model, (b) => store.cached(b));
    const stale = model.stages.map((s) => releaseOfImage(s.imageExpanded)).filter((b): b is BaseRelease => !!b);
    for (const b of [...missing, ...stale]) await store.ensure(b);
    const { runs } = estimateModel(model, (b) => store.cached(b));
    const packages = { version: 0, lookup: (b: BaseRelease) => store.cached(b) };
    for (const r of runs.filter((x) => x.final)) {
      const dropped = r.dropped.map((p) => p.name);
      const row = {
        file,
        line: r.line,
        bytes: r.bytes,
        packages: r.packages,
        release: r.release,
        withRecommendsBytes: r.withRecommendsBytes,
        ...(dropped.length ? { dropped } : {}),
      };
      rows.push(row);
      if (args.format === 'text') {
        const flag = r.installs.some((i) => i.recommends) ? flagSavingsText(model, r, { packages }) : '';
        const saves = r.withRecommendsBytes - r.withoutRecommendsBytes;
        const rec = flag ? `; ${flag}` : !r.installs.some((i) => i.recommends) && saves > 0 ? `; recommends would add ≈${formatBytes(saves)}` : '';
        const notes = estimateQualifiers(r);
        out(`${file}:${r.line}: ≈${formatBytes(r.bytes)} · ${packagesWord(r.packages)} (${[r.release, ...notes].join('; ')})${rec}`);
      }
    }
    // The whole image (issue 24): base and build-context rows, in estimate-image.ts.
    const context = args.context ? measureContext(args.context, file, text) : undefined;
    const packageRows = runs.filter((x) => x.final);
    // npm/yarn install lines (kind 'npm'): lockfile × registry sizes, in estimate-npm.ts.
    const npm = await npmRows(file, model, projectsOf(file, text, args.context, context?.node), npmStore);
    if (args.format === 'text') for (const r of npm) out(npmRowText(r));
    rows.push(
      ...(await imageRows(
        {
          file,
          text,
          model,
          packageRows,
          npmRows: npm,
          cached: (b) => store.cached(b),
          docker: args.docker ? DOCKER : undefined,
          context,
          format: args.format,
        },
        out,
      )),
    );
    rows.push(...npm);
  }
  if (args.format === 'json') out(JSON.stringify(rows, null, 2));
  return status;
}

/** The arguments of a helper command (fetch-index, fetch-npm), or undefined after saying why they are wrong. */
function parseOrSay(argv: string[], err: Out): EstimateArgs | undefined {
  try {
    return parse(argv);
  } catch (e) {
    err(`dockerfile-slim: ${(e as Error).message}`);
    return undefined;
  }
}

/** `fetch-index --index-dir DIR [--mirror-debian URL] [--mirror-ubuntu URL] IMAGE...`: fetch and cache indexes. */
export async function fetchIndexCommand(argv: string[], out: Out, err: Out): Promise<number> {
  const args = parseOrSay(argv, err);
  if (!args) return 2;
  let status = 0;
  const store = new IndexStore({
    dir: args.indexDir,
    offline: false,
    mirrors: args.mirrors,
    log: (m) => err(`dockerfile-slim: ${m}`),
    progress: (m) => err(`dockerfile-slim: ${m}`),
  });
  for (const image of args.files) {
    const base = releaseOfImage(image);
    if (!base) {
      err(`dockerfile-slim: ${image}: the release is unknown (no estimate)`);
      continue;
    }
    const index = await store.ensure(base);
    if (index && store.isFresh(index)) out(`${base.release}: ${index.size} packages`);
    else status = 1;
  }
  return status;
}

/** `fetch-npm --index-dir DIR [--context DIR] [--npm-registry URL] DOCKERFILE...`: fetch and cache npm sizes (the editor's child). */
export async function fetchNpmCommand(argv: string[], readInput: (file: string) => string, out: Out, err: Out): Promise<number> {
  const args = parseOrSay(argv, err);
  if (!args) return 2;
  const store = npmSizes(args, false, err);
  let status = 0;
  for (const file of args.files) {
    const text = readOrSay(file, readInput, err);
    if (text === undefined) {
      status = 2;
      continue;
    }
    const wanted = npmWanted(buildModel(text), projectsOf(file, text, args.context));
    const added = await store.ensure(wanted);
    const left = store.missing(wanted).length;
    out(`${file}: ${added} npm package sizes fetched${left ? `, ${left} still unknown` : ''}`);
    if (left) status = 1;
  }
  return status;
}

/** The npm size cache of `--index-dir`, logging to stderr (`offline`: never fetch). */
function npmSizes(args: EstimateArgs, offline: boolean, err: Out): NpmSizeStore {
  return new NpmSizeStore({
    dir: args.indexDir,
    offline,
    registry: args.npmRegistry,
    log: (m) => err(`dockerfile-slim: ${m}`),
    progress: (m) => err(`dockerfile-slim: ${m}`),
  });
}

/** A Dockerfile's text, or undefined after saying on stderr why it could not be read (the caller exits 2). */
function readOrSay(file: string, readInput: (file: string) => string, err: Out): string | undefined {
  try {
    return readInput(file);
  } catch (e) {
    err(`dockerfile-slim: ${(e as Error).message}`);
    return undefined;
  }
}
