/**
 * Which image a converted build runs on (DS010): the slim variant of the builder's image, worked
 * out from the image text as written so registry prefixes and `${ARG}` references stay:
 *   node:20 → node:20-slim, node:20-bookworm → node:20-bookworm-slim, node:20-alpine stays;
 *   python:3.12 → python:3.12-slim, python:3.12-bookworm → python:3.12-slim-bookworm;
 *   maven:3.9-eclipse-temurin-17, gradle:8-jdk17, openjdk:17, eclipse-temurin:17-jdk → eclipse-temurin:17-jre;
 *   gcc:12 → debian:bookworm-slim, debian:bookworm → debian:bookworm-slim, ubuntu:22.04 stays.
 * A prefix such as `local/` or `registry.example.com/library/` is kept (our tests tag local images so).
 */
import type { Stage } from '../../kernel/model.js';

interface Split {
  /** Everything up to and including the last `/` of the repository (`local/`, ``). */
  prefix: string;
  name: string;
  tag: string | null;
}

/** Splits the FROM image text; null with a digest or a variable in the repository part. */
function split(raw: string): Split | null {
  if (raw.includes('@')) return null; // a pinned digest names one image: no variant can be derived
  const slash = raw.lastIndexOf('/');
  const colon = raw.indexOf(':', slash + 1);
  const repo = colon >= 0 ? raw.slice(0, colon) : raw;
  if (repo.includes('$')) return null;
  return { prefix: repo.slice(0, slash + 1), name: repo.slice(slash + 1), tag: colon >= 0 ? raw.slice(colon + 1) : null };
}

const CODENAMES = /(bookworm|bullseye|buster|trixie|forky)/;

export function slimNode(raw: string): string | null {
  const s = split(raw);
  if (!s) return null;
  const base = `${s.prefix}${s.name}`;
  if (!s.tag || s.tag === 'latest') return `${base}:slim`;
  if (/alpine|slim/.test(s.tag)) return raw;
  return `${base}:${s.tag}-slim`;
}

export function slimPython(raw: string): string | null {
  const s = split(raw);
  if (!s) return null;
  const base = `${s.prefix}${s.name}`;
  if (!s.tag || s.tag === 'latest') return `${base}:slim`;
  if (/alpine|slim/.test(s.tag)) return raw;
  if (/windows|nanoserver/.test(s.tag)) return null;
  const m = /^(.*?)-(bookworm|bullseye|buster|trixie|forky)$/.exec(s.tag);
  return m ? `${base}:${m[1]}-slim-${m[2]}` : `${base}:${s.tag}-slim`;
}

/** The Java major version a JDK/Maven/Gradle tag builds with; null when the tag does not say. */
export function javaMajor(name: string, tag: string): number | null {
  const pick = (re: RegExp): number | null => {
    const m = re.exec(tag);
    return m ? Number(m[1]) : null;
  };
  if (name === 'maven') return pick(/(?:temurin|openjdk|corretto|sapmachine|semeru|graalvm-ce|ibm-semeru)-(\d+)/);
  if (name === 'gradle') return pick(/jdk-?(\d+)/);
  return pick(/^(\d+)/);
}

/** eclipse-temurin:<major>-jre (keeping an alpine/ubuntu flavour) for any JDK-based builder. */
export function jreFor(stage: Stage): string | null {
  const s = split(stage.imageExpanded);
  if (!s || !s.tag) return null;
  const major = javaMajor(s.name, s.tag);
  if (major === null || major < 8) return null;
  const flavour = /alpine|jammy|noble|focal|ubi9-minimal/.exec(s.tag)?.[0];
  return `${s.prefix}eclipse-temurin:${major}-jre${flavour ? `-${flavour}` : ''}`;
}

/** The runtime of a C/C++ build: Debian slim of the builder's release (Ubuntu stays as it is). */
export function cRuntime(stage: Stage): string | null {
  const raw = stage.image;
  const s = split(stage.imageExpanded);
  if (!s) return null;
  if (s.name === 'ubuntu') return raw;
  if (s.name === 'debian') {
    if (!s.tag || s.tag === 'latest') return `${s.prefix}debian:stable-slim`;
    if (s.tag.includes('slim')) return raw;
    return /^[\w.]+$/.test(s.tag) ? `${s.prefix}debian:${s.tag}-slim` : null;
  }
  if (s.name === 'gcc') {
    const code = CODENAMES.exec(s.tag ?? '')?.[1];
    if (code) return `${s.prefix}debian:${code}-slim`;
    // gcc:12–14 are built on bookworm, gcc:15 on trixie (glibc of the runtime must not be older).
    const major = Number(/^(\d+)/.exec(s.tag ?? '')?.[1] ?? NaN);
    if (!Number.isFinite(major)) return null;
    return `${s.prefix}debian:${major >= 15 ? 'trixie' : 'bookworm'}-slim`;
  }
  return null;
}

/** Java images whose tag names the version (`17-jdk`, `17-jre-jammy`, `3.9-eclipse-temurin-17`, `8-jdk17`). */
const JAVA_IMAGES = new Set(['openjdk', 'eclipse-temurin', 'amazoncorretto', 'sapmachine', 'maven', 'gradle']);

/**
 * For a custom runtime made with jlink (DS020): the image the builder needs (a JDK: `-jre` tags become `-jdk`), the
 * Debian slim image the runtime goes on (these JDKs are glibc builds that run on bookworm) and the Java major
 * version. Null for alpine/Windows/UBI flavours, digests, variables, versions before 11 and unknown versions.
 */
export function jlinkImages(raw: string): { jdk: string; runtime: string; major: number } | null {
  const s = split(raw);
  if (!s || !s.tag || !JAVA_IMAGES.has(s.name) || /\$/.test(s.tag)) return null;
  if (/alpine|windows|nanoserver|ubi|musl/.test(s.tag)) return null;
  const major = javaMajor(s.name, s.tag);
  if (major === null || major < 11) return null;
  const tag = /(^|-)jre(-|$)/.test(s.tag) ? s.tag.replace(/(^|-)jre(-|$)/, '$1jdk$2') : s.tag;
  return { jdk: `${s.prefix}${s.name}:${tag}`, runtime: `${s.prefix}debian:bookworm-slim`, major };
}

/** The JDK `default-jdk` installs on a Debian/Ubuntu release (null: unknown release). */
export function defaultJdkMajor(raw: string): number | null {
  const s = split(raw);
  if (!s) return null;
  const tag = s.tag ?? 'latest';
  const debian: Record<string, number> = { bullseye: 11, '11': 11, bookworm: 17, '12': 17, trixie: 21, '13': 21 };
  const ubuntu: Record<string, number> = { focal: 11, '20.04': 11, jammy: 11, '22.04': 11, noble: 21, '24.04': 21 };
  const t = tag.replace(/-slim$/, '').replace(/-\d{8}$/, '');
  if (s.name === 'debian') return debian[t] ?? null;
  if (s.name === 'ubuntu') return ubuntu[t] ?? null;
  return null;
}
