import { appendCommand, insertAfterWord } from '../kernel/edits.js';
import { expand, type Model, type Stage } from '../kernel/model.js';
import { stageChain } from '../analysis/layer-contents/contents.js';
import { docEnd, docStart } from '../kernel/run-script.js';
import type { Edit, Fix } from '../kernel/types.js';
import { defineRule } from '../kernel/rule.js';
import { callRange, runViews, type RunView } from '../analysis/run-views.js';
import { removedByLaterRun as laterRemoval } from '../analysis/layer-contents/stage-indexes.js';
import { isInstall, pkgName, pkgNames, pkgOps, removedLater, type PkgOp } from '../analysis/package-managers/operations.js';
import { removalLeftovers } from '../analysis/package-managers/remove-leftovers.js';
import { shippedUsage, stageUsage } from '../analysis/package-managers/stage-usage.js';
import { purgeBuildDepsFix } from '../analysis/package-managers/build-deps-purge.js';
import { recommendNeeded, reviewedRecommends } from '../analysis/package-managers/recommends.js';
import { hasFlag } from '../kernel/commands.js';

const BUILD_PKGS = new Set([
  'gcc',
  'g++',
  'cpp',
  'clang',
  'make',
  'cmake',
  'ninja',
  'ninja-build',
  'build-essential',
  'build-base',
  'alpine-sdk',
  'musl-dev',
  'libc-dev',
  'libc6-dev',
  'glibc-devel',
  'autoconf',
  'automake',
  'libtool',
  'pkgconf',
  'pkg-config',
  'pkgconfig',
  'python3-dev',
  'python-dev',
  'linux-headers',
  'bison',
  'flex',
  'gfortran',
]);

/**
 * Quiet policy: build packages that are usually small (headers, make, autotools) make a hint; a compiler
 * or toolchain metapackage (tens to hundreds of MB) a squiggle. Known-big `-dev` families count as big.
 */
function bigBuildPkg(name: string): boolean {
  if (/^(libboost|llvm|libllvm|clang|libclang|libopencv|qt|libqt|libgtk|cuda|libcuda)/.test(name) || /-all-dev$/.test(name)) return true;
  if (/-(dev|devel)$/.test(name)) return false;
  return ![
    'make',
    'autoconf',
    'automake',
    'libtool',
    'pkgconf',
    'pkg-config',
    'pkgconfig',
    'bison',
    'flex',
    'musl-dev',
    'libc-dev',
    'libc6-dev',
    'linux-headers',
    'ninja',
    'ninja-build',
  ].includes(name);
}

export function isBuildPkg(name: string): boolean {
  return BUILD_PKGS.has(name) || /^(gcc|g\+\+|clang)-[0-9.]+$/.test(name) || /-(dev|devel)$/.test(name);
}

/**
 * A build package named next to `--no-install-recommends` because a package of the call that is not itself a build
 * package recommends it (`npm build-essential`: what DS004's fix keeps for node-gyp). Without the flag apt installed it
 * anyway and nothing was reported, so naming it is no new finding; only when the stage needs it as DS004 judges (a pip
 * that installs only wheels does not need build-essential). A build package a sibling build package recommends
 * (libc6-dev beside gcc) is part of the toolchain the purge removes: not exempt.
 */
function keptRecommend(model: Model, op: PkgOp, names: readonly string[], name: string): boolean {
  if (op.manager !== 'apt' || !hasFlag(op.call, ['no-install-recommends'])) return false;
  if (!names.some((m) => m !== name && !isBuildPkg(m) && reviewedRecommends(m)?.includes(name))) return false;
  // Only what DS004's fix would keep: build-essential beside python3-pip when pip installs only wheels is not.
  return recommendNeeded(name, stageUsage(model, op.view.instr), names);
}

/** Is `name` (or the apk virtual group) removed by a later RUN that builds on this one? DS002 reports that. */
function removedByLaterRun(model: Model, view: RunView, op: PkgOp, name: string): boolean {
  return laterRemoval(model, view, op.manager, name) || (op.virtual !== undefined && laterRemoval(model, view, op.manager, op.virtual));
}

/** Unsafe apk fix: build packages into a `.build-deps` virtual group, deleted at the end of the RUN. */
function apkFix(model: Model, view: RunView, op: PkgOp, build: string[]): Fix | undefined {
  const { run, instr } = view;
  const cmd = op.call.cmd;
  if (run.form === 'exec' || cmd.depth > 0 || ![null, '&&', ';', '\n'].includes(cmd.before) || ![null, '&&', ';', '\n'].includes(cmd.after)) return undefined;
  const names = new Set(op.pkgs.map((w) => w.value));
  // Not a group name this RUN uses, nor one another RUN leaves installed (`apk del` would delete that group too).
  const taken = new Set(pkgOps(view).map((o) => o.virtual));
  const elsewhere = new Set<string>();
  // Only this stage and the stages it is built FROM share the package database with this RUN.
  const chain = new Set<Stage | null>(stageChain(instr.stage, 64));
  for (const v of runViews(model)) {
    if (!chain.has(v.instr.stage)) continue;
    const vops = pkgOps(v);
    for (const o of vops) if (v !== view && o.virtual && !removedLater(vops, o.manager, o.virtual, v.instr.env, o.callIndex)) elsewhere.add(o.virtual);
  }
  for (const g of elsewhere) taken.add(g);
  let group = '.build-deps';
  for (let n = 2; taken.has(group); n++) group = `.build-deps-${n}`;
  if (op.virtual) {
    if (elsewhere.has(op.virtual)) return undefined; // another RUN's group of that name would be deleted too
    const edit = appendCommand(model, instr, `apk del ${op.virtual}`);
    return edit ? { title: `Delete the virtual package ${op.virtual} at the end of this RUN`, safe: false, edits: [edit] } : undefined;
  }
  const firstPkg = op.pkgs[0];
  if (!firstPkg) return undefined;
  // A `$DEPS` word that the shell splits into several packages cannot be moved into the group word by word.
  if (op.pkgs.some((w) => pkgNames([w], instr.env).length !== 1)) return undefined;
  const del = appendCommand(model, instr, `apk del ${group}`);
  if (!del) return undefined;
  const title = `Install ${build.join(', ')} as virtual package ${group} and delete it at the end of this RUN`;
  if (op.pkgs.every((w) => build.includes(pkgName(expand(w.value, instr.env))))) {
    // Only build packages: keep the user's layout, just name the group.
    const ins = insertAfterWord(instr, op.sub, `--virtual ${group}`);
    return ins && ins.start !== del.start ? { title, safe: false, edits: [ins, del] } : undefined;
  }
  // Options after the first package, or comment lines inside the call, make a rewrite risky: no fix.
  const afterFirst = op.call.args.slice(op.call.args.indexOf(firstPkg));
  if (afterFirst.some((w) => !names.has(w.value))) return undefined;
  const start = docStart(run, op.call.nameWord.start);
  const end = docEnd(run, cmd.end);
  const pkgStart = docStart(run, firstPkg.start);
  if (/(^|\n)[ \t]*#/.test(model.text.slice(start, end))) return undefined;
  const prefix = model.text.slice(start, pkgStart);
  const rest = op.pkgs.filter((w) => !build.includes(pkgName(expand(w.value, instr.env)))).map((w) => w.raw);
  const buildRaw = op.pkgs.filter((w) => build.includes(pkgName(expand(w.value, instr.env)))).map((w) => w.raw);
  let text = `${prefix}${rest.join(' ')} && apk add --no-cache --virtual ${group} ${buildRaw.join(' ')}`;
  const edits: Edit[] = [];
  // When the call is the last command the two edits would touch: do both in one.
  if (del.start === end) text += del.text;
  else edits.push(del);
  edits.push({ start, end, text });
  return { title, safe: false, edits };
}

export default defineRule({
  id: 'DS014',
  name: 'build-deps-shipped',
  severity: 'info',
  stageAware: true,
  fixable: 'sometimes',
  focus: /\b(install|add)\b/,
  docs: {
    summary: 'Build dependencies installed in a stage that ships, and never removed',
    why: 'Compilers, headers and build tools (gcc, make, `*-dev` packages, build-essential) are often tens to hundreds of MB. If only the build needs them, they are dead weight in the final image.',
    bad: 'RUN apk add --no-cache gcc musl-dev && pip install --no-cache-dir uwsgi',
    good: 'RUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n    && pip install --no-cache-dir uwsgi \\\n    && apk del .build-deps',
    notes:
      "Looks at `apk add` and `apt-get/apt install` in stages that ship (the final stage, its FROM ancestors, stages copied wholesale); builder stages are where build tools belong, so they are not reported. Packages removed in the same RUN (`apk del <pkg or virtual group>`, `apt-get purge <pkg>`) are fine; packages removed by a later RUN are DS002's finding. " +
      "Some of these packages are needed at run time (a `-dev` package pulled in for a header-only library, or a JIT that calls gcc): the finding is info, and the apk fix — install them as a `--virtual .build-deps` group and `apk del .build-deps` at the end of the RUN — is unsafe. For apt, when the same RUN builds after the install, the fix appends `apt-mark manual <runtime libraries> && apt-get purge -y --auto-remove <build packages>`: the runtime libraries are the `-dev` packages' run-time halves (libssl-dev → libssl3), read from the cached package index or, without one, a reviewed table for Debian bookworm. gcc's own runtime libraries (libgomp1, libatomic1, under 1 MB) are marked manual too whenever a GCC compiler is purged: whether the program links them cannot be told without ldd, so they stay. It is safe when every `-dev` package is known and nothing later in the stage, in a stage built FROM it or at run time compiles or runs the tools; otherwise unsafe, and the title says why. When the build happens in the RUNs right after the install (only RUNs between, or a WORKDIR crossed with `mkdir -p <dir> && cd <dir>` in a root stage), the fix merges them and purges at the end of the merged RUN; no fix when another instruction sits between (use a multi-stage build). Package lists in ARG/ENV variables are split into words as the shell splits them. " +
      "`apt-get remove`/`purge` of build packages without `--auto-remove` (or a later `apt-get autoremove`) removes only the named packages: for `build-essential` that is the metapackage, and gcc, g++ and make stay. That is reported; the fix makes it `apt-get purge -y --auto-remove`, after `apt-mark manual` of the runtime libraries it knows (the `-dev` packages' run-time halves, gcc's libgomp1/libatomic1): safe when every `-dev` package is known, else unsafe (the program may load their libraries at run time). " +
      "A build package named beside `--no-install-recommends` because a package of the same install that is not itself a build package recommends it, and that DS004's fix would keep (build-essential beside npm, or beside python3-pip when pip may compile), is not reported: without the flag apt installed it all the same. libc6-dev beside gcc, or build-essential beside a pip that installs only wheels, is reported. " +
      'Quiet by default: when every build package is usually small (`-dev`/`-devel` headers, make, autoconf, automake, libtool, pkg-config, bison, flex, musl-dev, libc-dev, linux-headers, ninja) the finding is a hint; a compiler or toolchain (gcc, g++, clang, build-essential, build-base, cmake, …) or a known-big `-dev` family (boost, llvm, opencv, qt, gtk, cuda, `*-all-dev`) makes it info. ' +
      'Nothing is reported when no RUN of a shipping stage builds anything (no compiler, make, pip/npm/gem install or go build): then the toolchain is what the image is for (a gcc image, a dev container).',
    seeAlso: ['DS002', 'DS010', 'tally prefer-multi-stage-build'],
  },
  check(ctx) {
    // Nothing in the image builds anything: the toolchain is what the image is for (a gcc image, a dev container).
    const u = shippedUsage(ctx.model);
    if (!(u.compile || u.pipInstall || u.npmInstall || u.cgo)) return;
    for (const view of runViews(ctx.model)) {
      const stage = view.instr.stage;
      // Instructions before the first FROM belong to no stage (Docker rejects them): nothing there ships.
      if (stage ? !stage.shipped : ctx.model.stages.length > 0) continue;
      const ops = pkgOps(view);
      for (const r of removalLeftovers(ctx, view, ops, isBuildPkg)) ctx.report(r);
      for (const op of ops) {
        if (!isInstall(op)) continue;
        if (op.virtual && removedLater(ops, op.manager, op.virtual, view.instr.env, op.callIndex)) continue;
        if (op.virtual && removedByLaterRun(ctx.model, view, op, op.virtual)) continue;
        // Split through the environment as the shell does: `$BUILD_DEPS` = "build-essential curl" is two packages.
        const names = pkgNames(op.pkgs, view.instr.env).filter((n) => n && !n.includes('$'));
        const build = names.filter(
          (n) =>
            isBuildPkg(n) &&
            !keptRecommend(ctx.model, op, names, n) &&
            !removedLater(ops, op.manager, n, view.instr.env, op.callIndex) &&
            !removedByLaterRun(ctx.model, view, op, n),
        );
        if (build.length === 0) continue;
        const unique = [...new Set(build)];
        ctx.report({
          instr: view.instr,
          ...callRange(view.run, op.call),
          message: `Build dependencies ${unique.join(', ')} are installed here and never removed, so they ship in the image: if only the build needs them, remove them in this RUN or build in a separate stage.`,
          fix: op.manager === 'apk' ? apkFix(ctx.model, view, op, unique) : purgeBuildDepsFix(ctx.model, ctx.options, view, op, unique),
          ...(unique.some(bigBuildPkg) ? {} : { quiet: true as const }),
        });
      }
    }
  },
});
