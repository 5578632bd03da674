import { defineRule } from '../kernel/rule.js';
import { imageRange, type ToolchainKind } from '../analysis/images/base-images.js';
import { convert } from '../conversion/multi-stage.js';
import { goSpec, rustSpec } from '../conversion/multi-stage-specs.js';
import { reportedToolchain } from '../conversion/convert-stack.js';

const WHAT: Record<ToolchainKind, string> = {
  go: 'the Go toolchain (about 800 MB)',
  rust: 'the Rust toolchain (over 1 GB)',
  maven: 'Maven and a JDK',
  gradle: 'Gradle and a JDK',
  gcc: 'the GCC toolchain',
  jdk: 'a JDK that builds the project',
  node: 'node with the build toolchain and dev dependencies',
  dotnet: 'the .NET SDK',
  python: 'the full python image (compilers and headers for building wheels)',
  cbuild: 'the C/C++ compilers and the source tree',
};

export default defineRule({
  id: 'DS010',
  name: 'toolchain-in-final-image',
  severity: 'warning',
  stageAware: false,
  fixable: 'sometimes',
  docs: {
    summary: 'The final image is a compiler/toolchain image (golang, rust, maven, gradle, gcc, a JDK that builds, node that builds)',
    why: 'The compiler, its caches and the source ship with the program. A Go service on golang:1.16 is about 1.1 GB; built in a builder stage and copied onto scratch it is a few MB (seed 001: 1.1 GB → 700 MB → 30 MB → 23 MB; our real-build test test/docker/cases/go-multistage: 771.7 MB → 5.2 MB, and the converted image still serves HTTP).',
    bad: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o app .\nCMD ["./app"]',
    good: 'FROM golang:1.22 AS builder\nWORKDIR /src\nCOPY . .\nENV CGO_ENABLED=0\nRUN go build -ldflags="-s -w" -o app .\n\nFROM scratch\nCOPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nWORKDIR /src\nCOPY --from=builder /src/app ./app\nCMD ["./app"]',
    notes:
      'Detected on the final stage and the stages it is built FROM: golang, rust, maven, gradle, gcc and dotnet/sdk images always; openjdk/eclipse-temurin/amazoncorretto JDKs when mvn/gradle/javac run there; node only when it runs a build (`npm run build`, `yarn build`, `npx tsc`, `next build`, …); the full python image with `pip install`, debian/ubuntu images with `python3-pip` from apt and a `pip install`, and debian/ubuntu images that apt-install compilers and run `make install`/`cmake --install`, only when the conversion below understands the Dockerfile (otherwise DS011 and DS014 report them, as before). ' +
      'The fix (unsafe, with a preview) is a deterministic conversion, no AI, when the final stage is the only place the program is built: the stage becomes the builder (named `builder` unless it has a name) and keeps every line and comment; CMD, ENTRYPOINT, EXPOSE, LABEL, VOLUME, STOPSIGNAL and HEALTHCHECK move to a new runtime stage (with the comments above them); ARG, ENV, WORKDIR and USER are repeated there verbatim, so `$VAR` references stay references. Its title names the runtime image. ' +
      'Go: `ENV CGO_ENABLED=0` before the build (no fix when CGO_ENABLED=1 is set: the program needs cgo), `-ldflags="-s -w"` when missing, `-o /out/<name>` unless there is an `-o` already, runtime `FROM scratch` with the builder\'s CA certificates and, for a USER given by name, /etc/passwd and /etc/group (a simple shell-form CMD becomes exec form; `go run <pkg> args` becomes the binary with the same args). Rust: `cargo build [--release]` artefact `target/[<triple>/]<profile>/<bin>` (bin from `--bin`/`-p`, else the CMD/ENTRYPOINT program); runtime `scratch` for a musl target, else `debian:<codename>-slim` matching the builder tag (`debian:stable-slim` without one), `alpine:<ver>` for alpine builders. ' +
      "Node (npm, Yarn 1 with `--frozen-lockfile`, pnpm): production dependencies are installed afresh in a `prod-deps` stage built FROM the builder (so native modules find its build tools, and it has npm): `npm ci --omit=dev` (`npm install --omit=dev` after an `npm install`; the install's other arguments and its RUN's mounts kept, the cache cleaned unless a cache mount holds it) or `yarn install --production --frozen-lockfile`; the builder's node_modules is removed after its last RUN; the runtime stage on the slim variant (`node:20` → `node:20-slim`, `node:20-bookworm` → `node:20-bookworm-slim`, alpine stays) copies prod-deps' node_modules, then the app directory (the last WORKDIR: built output, package.json) from the builder. `npm prune --omit=dev` is not trusted for this (npm/cli #8277 left dev dependencies, #8596 removed a production one); pnpm and a USER before the builder's last RUN keep the older shape (`npm prune --omit=dev` / `pnpm prune --prod` / `yarn install --production` right after the last install or build step, the whole app directory copied). The fix says why it needs a look when code is generated into node_modules: a `prisma generate` in the Dockerfile, Prisma among the dependencies, or a `preinstall`/`install`/`postinstall`/`prepare` script in package.json (read from the build context), which the production install runs again without dev dependencies. " +
      'Python: `python3 -m venv /opt/venv` and `ENV PATH="/opt/venv/bin:$PATH"` before the first `pip install` (or the Dockerfile\'s own venv), runtime `python:<tag>-slim` (`3.12-bookworm` → `3.12-slim-bookworm`) with the venv, the same PATH and the app directory. ' +
      "Debian/Ubuntu with `python3-pip` from apt and a `pip install`: the same venv, `python3-venv` added beside `python3-pip` in the builder, runtime Debian slim of the same release (Ubuntu stays) that installs `python3`, the other non-build packages and `ca-certificates` (when the stage had it: asked for, or as python3's recommend without `--no-install-recommends`) with `--no-install-recommends`, then copies the venv (and the app directory; without a WORKDIR the program must come from the venv and nothing may be COPYed). " +
      'Java (Maven, Gradle, javac + jar): runtime `eclipse-temurin:<major>-jre` (major from the tag: `maven:3.9-eclipse-temurin-17`, `gradle:8-jdk21`, `openjdk:17`, `eclipse-temurin:17-jdk`; alpine/jammy flavours kept) with exactly what the launcher runs: the `java -jar` file or the `-cp` entries (`lib/*` copies the directory). ' +
      'C/C++ (configure/make, CMake, Ninja): `make DESTDIR=/out install` or `DESTDIR=/out cmake --install …` (`./configure --prefix=…` lands under /out too), runtime Debian slim of the builder\'s release (`gcc:12` → `debian:bookworm-slim`, `debian:bookworm` → `debian:bookworm-slim`, ubuntu stays), `COPY --from=builder /out/ /` and `RUN ldconfig`; apt packages that are not build tools are installed again with `--no-install-recommends`, each `lib…-dev` package is replaced by the libraries a program built against it loads (libcurl4-openssl-dev → libcurl4; from the cached package index, else a reviewed bookworm table; unknown → no fix), gcc\'s runtime libraries (libgomp1, libatomic1) are kept, and `ca-certificates` is added beside a TLS library (libcurl, libssl, GnuTLS, NSS). Real build-from-source shapes are followed: a download piped into an unpacker (`curl … | tar -xz`), a checksum line piped into a checker (`echo "$SHA  f" | sha256sum -c -`), `make -j"$(nproc)"`, `set -eux`, commands that only set shell variables (`DEBIAN_FRONTEND=noninteractive && …`; not DESTDIR, not in a RUN whose commands move). Commands after the install that use the installed files (`ln -s`, `mkdir`, `chmod`, `chown`, `touch` on absolute paths, and the launched program\'s own self-test such as `hello --version`) move to a RUN after the copy; clean-up (`cd`, `rm -rf`, `apt-get purge`, `apt-mark`) stays in the builder. The fix says when a hand-written Makefile (no configure, CMake, Meson or Ninja) must be checked for DESTDIR support. ' +
      'A registry prefix is kept (`local/node:18` → `local/node:18-slim`), and ARG references in the tag stay (`node:${V}` → `node:${V}-slim`). ' +
      "No fix when the Dockerfile does something the conversion does not follow: shell branches, pipes, `||` or `$(…)` in a RUN (but the C/C++ shapes above), ONBUILD, several package managers or build systems, global npm installs, pip `--user`/`--target`, a `lib…-dev` package whose runtime libraries neither the index nor the table knows, files copied outside the app directory, C++ on the gcc image (its libstdc++ is newer than Debian's), a build or any other command after `make install` (`make check`, `rm` without `-f`, `cp` from the source tree, a moved command under USER), HEALTHCHECK probes the runtime lacks (curl), a launcher that is not the built program, a pinned digest. Why unsafe: files the program reads at run time outside what is copied are not there; review the preview.",
    seeAlso: ['tally prefer-multi-stage-build (AI conversion)', 'hadolint issue #947'],
  },
  check(ctx) {
    const model = ctx.model;
    const found = reportedToolchain(model, ctx.options);
    if (!found) return;
    const { tc } = found;
    const range = imageRange(model, tc.stage.from);
    if (!range) return;
    const final = model.stages.find((s) => s.final);
    let fix = found.fix;
    if (final === tc.stage && (tc.kind === 'go' || tc.kind === 'rust')) {
      const spec = tc.kind === 'go' ? goSpec(model, final, tc.ref) : rustSpec(model, final, tc.ref);
      const edits = spec ? convert(model, final, spec) : null;
      if (spec && edits) fix = { title: `Convert to multi-stage build (${tc.kind === 'go' ? 'Go' : 'Rust'} → ${spec.runtimeImage})`, safe: false, edits };
    }
    ctx.report({
      instr: tc.stage.from,
      start: range.start,
      end: range.end,
      message: `The final image is built on ${tc.stage.imageExpanded}: ${tc.kind === 'python' && tc.ref.name !== 'python' ? 'pip with the compilers and headers installed for it' : WHAT[tc.kind]} ships with the program. Build in a builder stage and copy only the result.`,
      fix,
    });
  },
});
