/**
 * Base image references (DS010, DS011): parsing `registry/path:tag@digest`, Docker Hub
 * official names, the external image the final stage is built on, and whether that image
 * is a compiler toolchain that ships.
 */
import type { Instr, Model, Stage } from '../../kernel/model.js';
import type { Call } from '../../kernel/commands.js';
import { runViews } from '../run-views.js';
import { installedPackages, isCSourceBuild } from '../package-managers/install-steps.js';
import { toLogical } from '../../kernel/run-script.js';

export interface ImageRef {
  /** Everything before the tag: `docker.io/library/python`. */
  repo: string;
  /** Last path segment: `python`. */
  name: string;
  tag: string | null;
  digest: string | null;
  /** Docker Hub official image (`python`, `library/python`, `docker.io/library/python`). */
  official: boolean;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : null;
  const ref = at >= 0 ? image.slice(0, at) : image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  const repo = colon >= 0 ? ref.slice(0, colon) : ref;
  const tag = colon >= 0 ? ref.slice(colon + 1) : null;
  const name = repo.slice(repo.lastIndexOf('/') + 1).toLowerCase();
  const official = !repo
    .replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//i, '')
    .replace(/^library\//, '')
    .includes('/');
  return { repo, name, tag, digest, official };
}

/** The final stage and the stages it is built FROM, final first. */
export function finalChain(model: Model): Stage[] {
  const out: Stage[] = [];
  let s: Stage | null = model.stages.find((x) => x.final) ?? null;
  for (let guard = 0; s && guard < 64; guard++) {
    out.push(s);
    s = s.parent;
  }
  return out;
}

export type ToolchainKind = 'go' | 'rust' | 'maven' | 'gradle' | 'gcc' | 'jdk' | 'node' | 'dotnet' | 'python' | 'cbuild';

const COMPILER_IMAGES: Record<string, ToolchainKind> = { golang: 'go', rust: 'rust', maven: 'maven', gradle: 'gradle', gcc: 'gcc' };
const JDK_IMAGES = new Set(['openjdk', 'eclipse-temurin', 'amazoncorretto', 'ibm-semeru-runtimes', 'sapmachine']);
const JAVA_BUILD = new Set(['mvn', 'mvnw', 'gradle', 'gradlew', 'javac', 'ant', 'sbt', 'lein']);
const NODE_TOOLS = new Set(['tsc', 'webpack', 'vite', 'next', 'ng', 'nest', 'rollup', 'esbuild', 'parcel', 'nuxt', 'gatsby']);
const BUILD_SCRIPT = /^(build|compile|dist|bundle)(:|$)/;

/** Does the call run a JavaScript build (`npm run build`, `yarn build`, `npx tsc`, `next build`)? */
export function isNodeBuild(call: Call): boolean {
  const a = call.args.map((w) => w.value).filter((v) => !v.startsWith('-'));
  if (call.name === 'npm') return (a[0] === 'run' || a[0] === 'run-script') && BUILD_SCRIPT.test(a[1] ?? '');
  if (call.name === 'yarn' || call.name === 'pnpm' || call.name === 'bun') {
    const script = a[0] === 'run' ? a[1] : a[0];
    return BUILD_SCRIPT.test(script ?? '');
  }
  if (call.name === 'npx' || call.name === 'pnpx') return NODE_TOOLS.has(a[0] ?? '');
  return NODE_TOOLS.has(call.name) && (call.name === 'tsc' || call.name === 'webpack' || a[0] === 'build');
}

/** `pip install` / `python -m pip install`. */
function isPipInstall(call: Call): boolean {
  const a = call.args.map((w) => w.value);
  const rest = /^pip(\d(\.\d+)?)?$/.test(call.name) ? a : /^python(\d(\.\d+)?)?$/.test(call.name) && a[0] === '-m' && a[1] === 'pip' ? a.slice(2) : [];
  return rest.find((x) => !x.startsWith('-')) === 'install';
}

export interface Toolchain {
  kind: ToolchainKind;
  /** The stage whose FROM names the toolchain image. */
  stage: Stage;
  ref: ImageRef;
}

/**
 * The toolchain the final image is built on, if any: compiler images always count; JDK
 * images when Maven/Gradle/javac run in the final stage's chain; node when it runs a build.
 */
export function finalToolchain(model: Model): Toolchain | null {
  const chain = finalChain(model);
  const root = chain[chain.length - 1];
  if (!root) return null;
  const ref = parseImage(root.imageExpanded);
  if (ref.name.includes('$')) return null;
  const stages = new Set(chain);
  const views = runViews(model).filter((v) => v.instr.stage && stages.has(v.instr.stage));
  const calls = views.flatMap((v) => v.calls);
  const direct = COMPILER_IMAGES[ref.name];
  if (direct) return { kind: direct, stage: root, ref };
  if (ref.name === 'sdk' && ref.repo.includes('dotnet')) return { kind: 'dotnet', stage: root, ref };
  if (JDK_IMAGES.has(ref.name) && !/jre/.test(ref.tag ?? '') && calls.some((c) => JAVA_BUILD.has(c.name.replace(/^\.\//, '')))) {
    return { kind: 'jdk', stage: root, ref };
  }
  if (ref.name === 'node' && calls.some(isNodeBuild)) return { kind: 'node', stage: root, ref };
  // The full python image carries gcc and headers (buildpack-deps): worth it only to build wheels.
  if (ref.name === 'python' && !/slim|alpine|windows|nanoserver/.test(ref.tag ?? '') && calls.some(isPipInstall)) return { kind: 'python', stage: root, ref };
  if ((ref.name === 'debian' || ref.name === 'ubuntu') && isCSourceBuild(views)) return { kind: 'cbuild', stage: root, ref };
  // Debian/Ubuntu with python3-pip from apt and a pip install: the venv conversion's case (its compilers, pip).
  if (
    (ref.name === 'debian' || ref.name === 'ubuntu') &&
    calls.some(isPipInstall) &&
    calls.some((c) => (c.name === 'apt-get' || c.name === 'apt') && installedPackages(c)?.includes('python3-pip'))
  ) {
    return { kind: 'python', stage: root, ref };
  }
  return null;
}

/** Document range of the image word of a FROM. */
export function imageRange(model: Model, from: Instr): { start: number; end: number; raw: string; split: boolean } | null {
  // Read as Docker does (continuations removed): `FROM pyt\<newline>hon:3` names python:3.
  const logical = toLogical(model.text, from.argsStart, from.end, model.escape);
  const re = /\S+/g;
  for (let m = re.exec(logical.src); m; m = re.exec(logical.src)) {
    if (m[0].startsWith('--')) continue;
    const start = logical.map[m.index] as number;
    const end = (logical.map[m.index + m[0].length - 1] as number) + 1;
    // split: the word runs over a line continuation, so no edit can replace it in place.
    return { start, end, raw: m[0], split: model.text.slice(start, end) !== m[0] };
  }
  return null;
}
