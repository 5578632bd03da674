import { defineRule } from '../kernel/rule.js';
import { runViews } from '../analysis/run-views.js';
import { finalChain, imageRange, parseImage, type ImageRef } from '../analysis/images/base-images.js';
import { reportedToolchain } from '../conversion/convert-stack.js';

const CODENAME = '(bookworm|bullseye|buster|trixie|forky|stretch)';
const NOT_FULL = /slim|alpine|windowsservercore|nanoserver|jre|distroless|minimal/;

/** The smaller variant of a full official image, or null when there is none we trust. */
export function slimVariant(ref: ImageRef): { name?: string; tag: string } | null {
  const t = ref.tag ?? 'latest';
  if (ref.name === 'openjdk' || ref.name === 'eclipse-temurin') return jreVariant(ref.name, t);
  if (NOT_FULL.test(t)) return null;
  switch (ref.name) {
    case 'python':
    case 'ruby':
    case 'perl': {
      // python:3.12 -> 3.12-slim, python:3.12-bookworm -> 3.12-slim-bookworm, python:bookworm -> slim-bookworm.
      if (t === 'latest') return { tag: 'slim' };
      if (new RegExp(`^${CODENAME}$`).test(t)) return { tag: `slim-${t}` };
      const m = new RegExp(`^(\\d[\\w.]*?)(?:-${CODENAME})?$`).exec(t);
      return m ? { tag: m[2] ? `${m[1]}-slim-${m[2]}` : `${m[1]}-slim` } : null;
    }
    case 'node':
      // node:20 -> 20-slim, node:20-bookworm -> 20-bookworm-slim, node:lts -> lts-slim.
      if (t === 'latest') return { tag: 'slim' };
      return /^[\w.]+(-[a-z]+)?$/.test(t) ? { tag: `${t}-slim` } : null;
    case 'debian':
      if (t === 'latest') return { tag: 'stable-slim' };
      if (/^(experimental|rc-buggy)$/.test(t)) return null;
      return /^([a-z]+(-\d{8})?|\d+(\.\d+)?)$/.test(t) ? { tag: `${t}-slim` } : null;
    default:
      return null;
  }
}

/**
 * The JRE for a JDK image. openjdk: `17`, `17-jdk`, `17-bullseye`, `11-jdk-slim`, `8-jdk-slim-bullseye`;
 * 8 and 11 had `-jre-slim` variants, later versions live on as eclipse-temurin (no slim: its JRE is the small one).
 */
function jreVariant(name: string, t: string): { name?: string; tag: string } | null {
  if (/jre|windowsservercore|nanoserver/.test(t)) return null;
  if (name === 'eclipse-temurin') {
    if (t.includes('jdk')) return { tag: t.replace('jdk', 'jre') };
    const m = /^(\d[\w.+_]*?)(?:-([a-z]+))?$/.exec(t);
    return m ? { tag: m[2] ? `${m[1]}-jre-${m[2]}` : `${m[1]}-jre` } : null;
  }
  const m = new RegExp(`^(\\d+)(?:[.\\d]*)(?:-jdk)?(?:-(slim))?(?:-${CODENAME}|-(alpine)[\\d.]*)?$`).exec(t);
  if (!m) return null;
  const v = Number(m[1]);
  const codename = m[3];
  if (v === 8 || v === 11) {
    if (m[4]) return null; // no official alpine JRE for these
    return { tag: `${v}-jre-slim${codename ? `-${codename}` : ''}` };
  }
  return v >= 17 ? { name: 'eclipse-temurin', tag: `${v}-jre${m[4] ? '-alpine' : ''}` } : null;
}

/** What the message can truthfully say about the variant. */
function whatChanges(ref: ImageRef, suggested: string): string {
  if (ref.name === 'debian') {
    return `${suggested} is the same Debian without man pages and documentation (about 40 MB smaller; neither has compilers)`;
  }
  if (ref.name === 'openjdk' || ref.name === 'eclipse-temurin') {
    return `${suggested} is a Java runtime without the compiler and JDK tools (often 100–200 MB smaller)`;
  }
  return `${suggested} has the same runtime without the compilers, headers and build tools of the full image (hundreds of MB smaller)`;
}

const JDK_ONLY = new Set(['javac', 'jar', 'jlink', 'jpackage', 'jshell', 'jdeps', 'jcmd', 'jmod']);

export default defineRule({
  id: 'DS011',
  name: 'full-base-image',
  severity: 'info',
  stageAware: false,
  fixable: 'sometimes',
  docs: {
    summary: 'The final image is based on a full-size official image that has a slim variant',
    why: 'Full official images carry compilers, headers and tools a service does not run: python:3.12 is about 1 GB, python:3.12-slim about 150 MB; node:20 about 1.1 GB against about 200 MB for node:20-slim; a JDK is about 200 MB more than its JRE.',
    bad: 'FROM python:3.12',
    good: 'FROM python:3.12-slim',
    notes:
      'Only the final stage (and the stages it is built FROM) is checked; builder stages may well need the full image. Covered: python, ruby, perl (`3.12` → `3.12-slim`, `3.12-bookworm` → `3.12-slim-bookworm`), node (`20` → `20-slim`), debian (`bookworm` → `bookworm-slim`, `latest` → `stable-slim`), eclipse-temurin JDK → JRE, and openjdk (8/11, also `-jdk`, `-jdk-slim` and `-bullseye`-style tags → `-jre-slim[-<codename>]`, 17+ → `eclipse-temurin:<v>-jre`). debian → debian-slim saves about 40 MB (man pages and documentation); neither has compilers. ubuntu has no slim variant and is not reported. ' +
      'Compiler images (golang, rust, maven, gradle, gcc) and node images that run a build are left to DS010, which converts to a multi-stage build instead. A JDK is not reported when the image runs javac/jar/jlink. The fix swaps the tag and is unsafe: a slim image lacks compilers, headers and many tools, so `pip install` of packages without wheels, or scripts using e.g. `curl`/`git`, may fail. A tag written with a variable or pinned by digest is reported without a fix.',
    seeAlso: ['Docker docs: choose the right base image'],
  },
  check(ctx) {
    const model = ctx.model;
    if (reportedToolchain(model, ctx.options)) return; // DS010 reports it and offers the bigger win
    const chain = finalChain(model);
    const root = chain[chain.length - 1];
    if (!root) return;
    const ref = parseImage(root.imageExpanded);
    if (!ref.official) return;
    const variant = slimVariant(ref);
    if (!variant) return;
    const stages = new Set(chain);
    const usesJdk = runViews(model).some((v) => v.instr.stage && stages.has(v.instr.stage) && v.calls.some((c) => JDK_ONLY.has(c.name)));
    if (usesJdk && (ref.name === 'openjdk' || ref.name === 'eclipse-temurin')) return;
    const range = imageRange(model, root.from);
    if (!range) return;
    const suggested = `${variant.name ?? ref.name}:${variant.tag}`;
    let fix;
    if (!range.raw.includes('$') && !ref.digest && !range.split) {
      const prefix = variant.name ? ref.repo.slice(0, ref.repo.length - ref.name.length).replace(/(^|\/)library\/$/, '$1') + variant.name : ref.repo;
      fix = {
        title: `Use ${suggested}`,
        safe: false,
        edits: [{ start: range.start, end: range.end, text: `${prefix}:${variant.tag}` }],
      };
    }
    ctx.report({
      instr: root.from,
      start: range.start,
      end: range.end,
      message: `${root.imageExpanded} is a full-size image; ${whatChanges(ref, suggested)}.`,
      fix,
    });
  },
});
