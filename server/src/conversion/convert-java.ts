/**
 * DS010 for Java (Maven, Gradle, plain javac + jar): the JDK stage becomes the builder and the
 * runtime stage is a JRE (eclipse-temurin:<major>-jre) that copies what the launcher runs:
 * `java -jar <jar>` or the entries of `java -cp a.jar:lib/*` (a `dir/*` entry copies the directory).
 * The jar's path comes from CMD/ENTRYPOINT, so the build tool's naming does not matter. System
 * packages, shell tricks, variables or globs in the launcher mean no conversion.
 */
import type { Model, Stage } from '../kernel/model.js';
import { FILE_CMDS, USER_CMDS, convertApp, plainRuns } from './multi-stage-app.js';
import { isConcrete, launchArgs, normJoin, workdirAt } from './multi-stage.js';
import { jreFor } from '../analysis/images/runtime-images.js';
import type { Edit } from '../kernel/types.js';

const JAVA_CMDS = new Set(['mvn', 'mvnw', 'gradle', 'gradlew', 'javac', 'jar', 'cd', 'find', 'unzip', 'jlink', 'jdeps']);

export interface JavaResult {
  edits: Edit[];
  runtimeImage: string;
  jars: string[];
}

/** Paths (absolute) the launcher needs: the -jar file or the classpath entries. */
export function launcherPaths(args: string[], cwd: string): string[] | null {
  const java = args[0]?.replace(/^.*\//, '');
  if (java !== 'java') return null;
  const out: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-jar') {
      const jar = args[i + 1];
      if (!jar) return null;
      out.push(jar);
      break; // what follows are the program's own arguments
    }
    if (a === '-cp' || a === '-classpath' || a === '--class-path') {
      const cp = args[++i];
      if (!cp) return null;
      out.push(...cp.split(':').filter(Boolean));
      continue;
    }
    if (a.startsWith('-')) continue;
    break; // main class
  }
  if (out.length === 0) return null;
  const abs: string[] = [];
  for (const p of out) {
    const dirGlob = p.endsWith('/*');
    const body = dirGlob ? p.slice(0, -2) : p;
    if (/[*?[$]/.test(body)) return null;
    const full = normJoin(cwd, body || '.');
    if (!isConcrete(full) || full === '/') return null;
    abs.push(full);
  }
  return abs;
}

export function convertJava(model: Model, stage: Stage): JavaResult | null {
  const views = plainRuns(model, stage);
  if (!views) return null;
  for (const v of views) {
    for (const c of v.calls) {
      const name = c.name.replace(/^\.\//, '');
      if (JAVA_CMDS.has(name) || FILE_CMDS.has(c.name) || USER_CMDS.has(c.name)) continue;
      if (name === 'java' && c.args.some((w) => w.value.startsWith('-Djarmode='))) continue;
      return null; // system packages or tools the program might need at run time
    }
  }
  const launched = launchCommand(stage);
  if (!launched) return null;
  const { args, launcher } = launched;
  const cwd = workdirAt(stage, launcher, '/');
  const paths = launcherPaths(args, cwd);
  if (!paths) return null;
  const runtimeImage = jreFor(stage);
  if (!runtimeImage) return null;
  const edits = convertApp(model, stage, {
    runtimeImage,
    ships: `a JRE and ${paths.length === 1 ? 'the jar' : 'what the launcher runs'}, not the JDK, the build tool or the sources`,
    builderEdits: [],
    head: () => [],
    runs: [],
    copies: (b) => paths.map((p) => `COPY --from=${b} ${p} ${p}`),
    after: [],
    probes: new Set(['java']),
  });
  return edits ? { edits, runtimeImage, jars: paths } : null;
}

/** The stage's command line and the instruction that launches it; ENTRYPOINT ["java", …] + CMD ["-jar", "app.jar"] joined. */
export function launchCommand(stage: Stage): { args: string[]; launcher: NonNullable<Stage['instrs'][number]> } | null {
  const entry = [...stage.instrs].reverse().find((i) => i.keyword === 'ENTRYPOINT');
  const cmd = [...stage.instrs].reverse().find((i) => i.keyword === 'CMD');
  const launcher = entry ?? cmd;
  if (!launcher) return null;
  const la = launchArgs(launcher);
  if (!la) return null;
  if (!(entry && cmd && launcher === entry && la.exec)) return { args: la.args, launcher };
  const more = launchArgs(cmd);
  return more?.exec ? { args: [...la.args, ...more.args], launcher } : null;
}
