/**
 * DS020: a jar run by a full JDK or JRE becomes a jar run by a custom runtime made with jlink. The stage becomes
 * the builder (a `-jre` image becomes its `-jdk`, which has jdeps and jlink) and gets one RUN at its end:
 * `jdeps --print-module-deps` lists the modules the jar references, `jdk.zipfs` and (up to Java 21)
 * `jdk.crypto.ec` are added because code loads them by name (a zip FileSystem, TLS with EC ciphers), and jlink
 * writes the runtime to /opt/jre. The runtime stage, Debian slim, copies /opt/jre and the jar (a stage that
 * builds the jar) or everything the stage COPYed (a stage that only runs it). Debian/Ubuntu stages that
 * apt-install a JDK keep their other packages, installed again without recommends.
 */
import type { Model, Stage } from '../kernel/model.js';
import type { Edit } from '../kernel/types.js';
import { FILE_CMDS, USER_CMDS, convertApp, insertAfterInstr, plainRuns } from './multi-stage-app.js';
import { MOVE, isConcrete, normJoin, workdirAt } from './multi-stage.js';
import { launchCommand, launcherPaths } from './convert-java.js';
import { cRuntime, defaultJdkMajor, jlinkImages } from '../analysis/images/runtime-images.js';
import { imageRange } from '../analysis/images/base-images.js';
import { installedPackages } from '../analysis/package-managers/install-steps.js';

const JRE_DIR = '/opt/jre';
const BUILD_CMDS = new Set(['mvn', 'mvnw', 'gradle', 'gradlew', 'javac', 'jar']);
const JDK_PKG = /^(openjdk-(\d+)-(jdk|jre)(-headless)?|default-(jdk|jre)(-headless)?)$/;
/** Build-only packages of a Debian/Ubuntu Java stage: not installed again in the runtime stage. */
const BUILD_PKGS = /^(maven|gradle|ant|ca-certificates-java|build-essential|git|unzip|zip|binutils|openjdk-\d+-jmods)$/;

export interface JlinkResult {
  edits: Edit[];
  runtimeImage: string;
  /** Modules added to what jdeps finds. */
  extra: string[];
}

/** The jar `java -jar` runs (absolute), from ENTRYPOINT/CMD; null for anything else (a classpath, a path to java). */
function launchedJar(stage: Stage): { jar: string; launcher: NonNullable<Stage['instrs'][number]> } | null {
  const launched = launchCommand(stage);
  if (!launched) return null;
  const { args, launcher } = launched;
  if (args[0] !== 'java') return null; // /opt/java/openjdk/bin/java is not in the runtime image
  const jarAt = args.indexOf('-jar');
  if (jarAt < 0 || args.slice(1, jarAt).some((a) => !a.startsWith('-') || /^-(cp|classpath)$|^--class-path$/.test(a))) return null;
  const paths = launcherPaths(args, workdirAt(stage, launcher, '/'));
  const jar = paths?.length === 1 ? paths[0] : undefined;
  return jar && jar.endsWith('.jar') ? { jar, launcher } : null;
}

/** Absolute destinations of the stage's COPY/ADD instructions; null when one is not concrete. */
function copyDests(stage: Stage): string[] | null {
  const out: string[] = [];
  for (const i of stage.instrs) {
    if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.onbuild) continue;
    // --chown/--chmod would be lost by `COPY --from` of the whole destination; heredocs and JSON form are not followed.
    if (i.args.trim().startsWith('[') || /--(chown|chmod)|<</.test(i.args)) return null;
    const words = i.args.split(/\s+/).filter((w) => w && !w.startsWith('--'));
    const raw = words[words.length - 1] ?? '';
    const dest = normJoin(workdirAt(stage, i, '/'), raw);
    if (!raw || !isConcrete(dest) || dest === '/') return null;
    if (!out.some((d) => dest === d || dest.startsWith(d + '/'))) out.push(dest);
  }
  return out.filter((d) => !out.some((o) => o !== d && d.startsWith(o + '/')));
}

export function convertJlink(model: Model, stage: Stage): JlinkResult | null {
  if (stage.parent) return null; // built FROM another stage: its files are that stage's business
  const views = plainRuns(model, stage);
  if (!views) return null;
  const images = jlinkImages(stage.imageExpanded);
  const distro = /^(.*\/)?(debian|ubuntu)(:|$)/.test(stage.imageExpanded);
  if (!images && !distro) return null;
  let major = images?.major ?? null;
  let builds = false;
  let jdkInstalled = false;
  let writes = false;
  const runtimePkgs: string[] = [];
  for (const v of views) {
    for (const c of v.calls) {
      const name = c.name.replace(/^\.\//, '');
      if (BUILD_CMDS.has(name)) {
        builds = true;
        continue;
      }
      if (name === 'jlink' || name === 'jdeps') return null; // a custom runtime already
      if (FILE_CMDS.has(c.name) || USER_CMDS.has(c.name) || c.name === 'cd' || c.name === 'find' || c.name === 'unzip') {
        // Files a RUN writes outside what is COPYed would be lost when the stage only runs a jar.
        if (!USER_CMDS.has(c.name) && !['mkdir', 'chown', 'chmod', 'true', ':', 'ls', 'cd'].includes(c.name)) writes = true;
        continue;
      }
      if (distro && (c.name === 'apt-get' || c.name === 'apt')) {
        const sub = c.args.map((w) => w.value).find((x) => !x.startsWith('-'));
        if (['update', 'clean', 'autoremove', 'autoclean'].includes(sub ?? '')) continue;
        if (sub !== 'install') return null;
        const pkgs = installedPackages(c);
        if (!pkgs) return null;
        for (const p of pkgs) {
          const m = JDK_PKG.exec(p);
          if (m) {
            if (m[3] === 'jdk' || m[5] === 'jdk') jdkInstalled = true;
            const v = m[2] ? Number(m[2]) : defaultJdkMajor(stage.imageExpanded);
            if (v === null || (major !== null && major !== v)) return null;
            major = v;
          } else if (!BUILD_PKGS.test(p) && !runtimePkgs.includes(p)) runtimePkgs.push(p);
        }
        continue;
      }
      return null; // a tool the program may need at run time
    }
  }
  if (distro && !jdkInstalled) return null; // a JRE alone has no jlink
  if (major === null || major < 11) return null;
  const found = launchedJar(stage);
  if (!found) return null;
  if (!builds && writes) return null;
  const copies = builds ? [found.jar] : copyDests(stage);
  if (!copies || copies.length === 0) return null;
  if (copies.some((d) => d === JRE_DIR || d.startsWith(JRE_DIR + '/') || JRE_DIR.startsWith(d + '/'))) return null;
  const runtimeImage = images ? images.runtime : cRuntime(stage);
  if (!runtimeImage) return null;

  const builderEdits: Edit[] = [];
  if (images && images.jdk !== stage.imageExpanded) {
    const img = imageRange(model, stage.from);
    if (!img || img.split || img.raw.includes('$') || img.raw !== stage.imageExpanded) return null;
    builderEdits.push({ start: img.start, end: img.end, text: images.jdk });
  }
  const last = [...stage.instrs].reverse().find((i) => !MOVE.has(i.keyword) && i !== stage.from);
  if (!last) return null;
  const extra = major <= 21 ? ['jdk.zipfs', 'jdk.crypto.ec'] : ['jdk.zipfs'];
  const esc = model.escape;
  const strip = major >= 13 ? '--strip-java-debug-attributes' : '--strip-debug';
  const compress = major >= 21 ? '--compress=zip-6' : '--compress=2';
  const user = stage.instrs.some((i) => i.keyword === 'USER');
  builderEdits.push(
    insertAfterInstr(model, last, [
      ...(user ? ['USER root'] : []),
      `# Custom Java runtime (Dockerfile Slim DS020): the modules the jar uses (jdeps), plus ${extra.join(' and ')} that code loads by name.`,
      `RUN jdeps --ignore-missing-deps --print-module-deps --multi-release ${major} ${found.jar} > /tmp/jre-modules.txt ${esc}`,
      ` && jlink --add-modules "$(cat /tmp/jre-modules.txt),${extra.join(',')}" ${esc}`,
      `    ${strip} --no-man-pages --no-header-files ${compress} --output ${JRE_DIR}`,
    ]),
  );
  const runs = runtimePkgs.length
    ? [`RUN apt-get update ${esc}`, ` && apt-get install -y --no-install-recommends ${runtimePkgs.join(' ')} ${esc}`, ` && rm -rf /var/lib/apt/lists/*`]
    : [];
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `a Java runtime made by jlink (${JRE_DIR}) and ${builds ? 'the jar' : 'what the stage copied'}, not the JDK`,
    builderEdits,
    head: (b) => [`COPY --from=${b} ${JRE_DIR} ${JRE_DIR}`, `ENV JAVA_HOME=${JRE_DIR}`, `ENV PATH="${JRE_DIR}/bin:$PATH"`],
    runs,
    copies: (b) => copies.map((p) => `COPY --from=${b} ${p} ${p}`),
    after: [],
    probes: new Set(['java']),
    rule: 'DS020',
  });
  return edits ? { edits, runtimeImage, extra } : null;
}
