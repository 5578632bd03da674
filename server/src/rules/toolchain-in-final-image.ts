import { defineRule } from './rule.js';
import { finalToolchain, imageRange, type ToolchainKind } from './base-images.js';
import { convert } from './multi-stage.js';
import { goSpec, rustSpec } from './multi-stage-specs.js';
import { stackFix } from './convert-stack.js';

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
      'Detected on the final stage and the stages it is built FROM: golang, rust, maven, gradle, gcc and dotnet/sdk images always; openjdk/eclipse-temurin/amazoncorretto JDKs when mvn/gradle/javac run there; node only when it runs a build (`npm run build`, `yarn build`, `npx tsc`, `next build`, …). ' +
      'The fix (unsafe) is a deterministic conversion, no AI, for Go and Rust when the final stage is the only place the program is built: the stage becomes the builder (named `builder` unless it has a name) and keeps every line; CMD, ENTRYPOINT, EXPOSE, LABEL, VOLUME, STOPSIGNAL and HEALTHCHECK NONE move to a new runtime stage (with the comments above them); ARG, ENV, WORKDIR and USER are repeated there so paths and configuration stay; CA certificates are copied from the builder (the program may talk TLS; we cannot see its imports), and /etc/passwd and /etc/group when a USER is given by name. ' +
      'Go: `ENV CGO_ENABLED=0` before the build (no fix when CGO_ENABLED=1 is set: the program needs cgo), `-ldflags="-s -w"` when missing, `-o /out/<name>` unless there is an `-o` already (then its path is copied), runtime `FROM scratch` (smallest; no shell, so a simple shell-form CMD is turned into exec form and `go run <pkg> args` into the binary with the same args). Rust: `cargo build [--release]` artefact `target/<profile>/<bin>` (bin from `--bin`/`-p`, else the CMD/ENTRYPOINT program), runtime `debian:<codename>-slim` matching the builder tag (`debian:stable-slim` without one, glibc newer than or equal to the builder\'s), `alpine:<ver>` for alpine builders. ' +
      'No fix for: several binaries, `go install`, HEALTHCHECK probes (scratch has no shell or curl), ONBUILD, a launcher that is not the built program, an `-o` under an unknown directory. Why unsafe: files the program reads at run time (templates, static assets, timezone data) are not copied; add `COPY --from=builder` lines for them.',
    seeAlso: ['tally prefer-multi-stage-build (AI conversion)', 'hadolint issue #947'],
  },
  check(ctx) {
    const model = ctx.model;
    const tc = finalToolchain(model);
    if (!tc) return;
    const range = imageRange(model, tc.stage.from);
    if (!range) return;
    const final = model.stages.find((s) => s.final);
    let fix;
    if (final === tc.stage && (tc.kind === 'go' || tc.kind === 'rust')) {
      const spec = tc.kind === 'go' ? goSpec(model, final, tc.ref) : rustSpec(model, final, tc.ref);
      const edits = spec ? convert(model, final, spec) : null;
      if (spec && edits) fix = { title: `Convert to multi-stage build (${tc.kind === 'go' ? 'Go' : 'Rust'} → ${spec.runtimeImage})`, safe: false, edits };
    } else if (final === tc.stage) fix = stackFix(model, final, tc.kind);
    ctx.report({
      instr: tc.stage.from,
      start: range.start,
      end: range.end,
      message: `The final image is built on ${tc.stage.imageExpanded}: ${WHAT[tc.kind]} ships with the program. Build in a builder stage and copy only the result.`,
      fix,
    });
  },
});
