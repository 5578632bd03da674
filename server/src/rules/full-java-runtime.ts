import { defineRule } from '../kernel/rule.js';
import { imageRange } from '../analysis/images/base-images.js';
import { convertJlink } from '../conversion/convert-jlink.js';

export default defineRule({
  id: 'DS020',
  name: 'full-java-runtime',
  severity: 'info',
  stageAware: false,
  fixable: 'always',
  docs: {
    summary: 'The final image runs one jar on a full JDK or JRE; a runtime made by jlink holds only the modules the jar uses',
    why: 'A JDK or JRE ships every Java module (desktop and AWT, XML, management, scripting, …) whether the program uses them or not. `jdeps` lists the modules a jar references and `jlink` writes a runtime with only those: projects report 59–61% smaller images (bufbuild/plugins #2569) and 313 → 177 MB (hyades-apiserver #1264). Our real builds (test/docker/multistage/java-jlink and java-javac-jar: an app using java.net.http, java.sql and a zip file system, on the JDK image of scripts/stack-images.sh) go from 426.7 MB to 156.9 MB (37% of the JDK image; 39 MB of it the runtime), and the app runs.',
    bad: 'FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY src ./src\nRUN javac -d classes src/Main.java && jar cfe app.jar Main -C classes .\n\nFROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY --from=build /app/app.jar ./\nCMD ["java", "-jar", "app.jar"]',
    good: 'FROM eclipse-temurin:17-jdk AS build\nWORKDIR /app\nCOPY src ./src\nRUN javac -d classes src/Main.java && jar cfe app.jar Main -C classes .\n\nFROM eclipse-temurin:17-jdk AS builder\nWORKDIR /app\nCOPY --from=build /app/app.jar ./\nRUN jdeps --ignore-missing-deps --print-module-deps --multi-release 17 /app/app.jar > /tmp/jre-modules.txt \\\n && jlink --add-modules "$(cat /tmp/jre-modules.txt),jdk.zipfs,jdk.crypto.ec" \\\n    --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output /opt/jre\n\nFROM debian:bookworm-slim\nCOPY --from=builder /opt/jre /opt/jre\nENV JAVA_HOME=/opt/jre\nENV PATH="/opt/jre/bin:$PATH"\nWORKDIR /app\nCOPY --from=builder /app /app\nCMD ["java", "-jar", "app.jar"]',
    notes:
      'Reported on the final stage when it runs `java -jar <jar>` (CMD or ENTRYPOINT, `java` found on PATH) on eclipse-temurin, openjdk, amazoncorretto, sapmachine, maven or gradle images of Java 11 or later (the version from the tag), or on debian/ubuntu with `openjdk-<N>-jdk[-headless]`/`default-jdk[-headless]` from apt; and only when the conversion below applies (so it is never reported without a fix). ' +
      "The fix (unsafe) makes the stage a builder (a `-jre` tag becomes `-jdk`, which has jdeps and jlink) and appends one RUN to it: `jdeps --ignore-missing-deps --print-module-deps --multi-release <N>` on the jar, then `jlink --add-modules <those>,jdk.zipfs,jdk.crypto.ec --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output /opt/jre` (`--strip-debug` before Java 13; `--compress=zip-6` and no jdk.crypto.ec, which moved into java.base, from Java 22; `--strip-debug` is avoided because it needs objcopy, which Debian's JDK does not install). jdk.zipfs and jdk.crypto.ec are added because code loads them by name, which jdeps cannot see: a zip FileSystem (hyades-apiserver #1264) and TLS with elliptic-curve ciphers. " +
      'The runtime stage is `debian:bookworm-slim` (these JDKs are glibc builds; a registry prefix is kept) or, for Debian/Ubuntu, the slim image of the same release with the other apt packages installed again without recommends; it copies /opt/jre, sets JAVA_HOME and PATH, and copies the jar (when the stage builds it) or every COPY destination of the stage (when it only runs it). ARG, ENV, WORKDIR and USER are repeated; CMD, ENTRYPOINT, EXPOSE, LABEL and HEALTHCHECK move with their comments. ' +
      'Not reported for alpine, Windows or UBI images, Java 8, `-cp` launchers, a launcher given as a path to java, a stage that already runs jlink, RUNs the runtime stage would need (system tools, files written by a stage that only runs the jar) or a stage built FROM another stage. ' +
      "Why unsafe: jdeps sees only the classes the jar references. Modules loaded by reflection or ServiceLoader (JNDI, locales in jdk.localedata, extra charsets, a scripting engine) and everything inside nested jars of a fat jar (Spring Boot's BOOT-INF/lib) are not seen and then fail at run time; add them to `--add-modules` and run the tests on the new image. DS010 (a JDK that builds) and DS011 (JDK → JRE) are reported beside it; their fixes leave a JRE, which this rule then still reports.",
    seeAlso: ['bufbuild/plugins #2569', 'DependencyTrack/hyades-apiserver #1264', 'docker-library/openjdk #351 (jlink --strip-debug needs objcopy)'],
  },
  check(ctx) {
    const model = ctx.model;
    const final = model.stages.find((s) => s.final);
    if (!final) return;
    const r = convertJlink(model, final);
    if (!r) return;
    const range = imageRange(model, final.from);
    if (!range) return;
    ctx.report({
      instr: final.from,
      start: range.start,
      end: range.end,
      message: `The final image runs one jar on ${final.imageExpanded}, a full Java runtime: a runtime made by jlink with only the modules the jar uses is often 40–60% smaller.`,
      fix: {
        title: `Use a custom Java runtime (jlink → ${r.runtimeImage}, modules from jdeps + ${r.extra.join(', ')})`,
        safe: false,
        unsafeReason: 'modules loaded by reflection or ServiceLoader, and those of nested jars, are not seen by jdeps: test the image',
        edits: r.edits,
      },
    });
  },
});
