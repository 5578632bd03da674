import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';
import { checkStrip, goBuilds, producesBinary, stageRunViews, stripEdit, trimpathEdits } from '../analysis/go/go-commands.js';

export default defineRule({
  id: 'DS009',
  name: 'go-binary-unstripped',
  severity: 'info',
  // The binary is what gets copied out of a builder stage, so every stage counts.
  stageAware: false,
  fixable: 'sometimes',
  focus: /\b(build|install)\b/,
  docs: {
    summary: '`go build` / `go install` / GOPATH `go get` without `-ldflags="-s -w"`',
    why: 'Go binaries carry a symbol table and DWARF debug information by default, typically a fifth to a third of the file. `-s -w` drops both; stack traces still have function names and lines. Real projects report 38 → 29 MB and 206 → 171 MB images from this flag alone; our real-build test (test/docker/cases/go-ldflags) measures 9.1 → 6.9 MB (−24%) for a hello-world HTTP server.',
    bad: 'RUN go build -o /out/app ./cmd/app',
    good: 'RUN go build -ldflags="-s -w" -o /out/app ./cmd/app',
    notes:
      'Accepted: `-ldflags="-s -w"` in any quoting, with other linker flags (`-ldflags "-s -w -X main.v=1"`), with a package pattern (`-ldflags=all=-s -w`), and GOFLAGS containing `-ldflags=… -s -w` from ENV/ARG, an assignment, `export` or `go env -w`. The fix adds `-ldflags="-s -w"` right after `build`/`install` (after `-C dir`), or extends the existing value, keeping its quoting and every flag already there (an unquoted value gets quotes so the flags stay one argument). ' +
      'A value that is only an unknown variable (`-ldflags "$LDFLAGS"`) is not reported; nor is an explicit `-s=false`/`-w=0` (a deliberate choice, e.g. for debugging). Go 1.22+ makes `-s` imply `-w`; we still ask for both because the builder\'s Go version is unknown and the flag is harmless. ' +
      '`go get` is checked too where it builds and installs (GOPATH mode: `GO111MODULE=off`, or a `golang:1.x` image up to 1.17; not with `-d`), in stages that ship (in a builder stage `go get` installs build tools). `go build ./...` without `-o` and `-buildmode=archive|c-archive` produce no binary and are skipped. The rule applies in every stage, because builder stages are exactly where Go binaries are made. ' +
      'Alternative quick fix (unsafe, never applied by fix-all): `-trimpath` as well, which replaces file-system paths in the binary with module paths (smaller and reproducible; tekton-kueue #257 reports 103 → 78 MiB together with `-s -w`, our hello-world server gains 12 kB: test/docker/go-trimpath.test.ts). Unsafe because code that locates files through `runtime.Caller` paths no longer finds them, which we cannot see from the Dockerfile.',
    seeAlso: [],
  },
  check(ctx) {
    const views = runViews(ctx.model);
    for (const view of views) {
      for (const build of goBuilds(view, true)) {
        if (!producesBinary(build)) continue;
        // `go get` installs tools into GOPATH/bin: in a stage that does not ship they are build tools, not the product.
        if (build.kind === 'get' && view.instr.stage && !view.instr.stage.shipped) continue;
        const stageRuns = stageRunViews(views, view.instr);
        const check = checkStrip(build, stageRuns);
        if (check.state.kind !== 'missing') continue;
        const edit = stripEdit(build, check);
        const trimmed = edit ? trimpathEdits(build, edit, stageRuns) : null;
        const what = check.state.missing.join(' ');
        const ships = what === '-s' ? 'the symbol table' : what === '-w' ? 'the DWARF debug info' : 'the symbol table and DWARF debug info';
        const lacks = check.ldflags ? `with -ldflags lacking \`${what}\`` : 'without `-ldflags="-s -w"`';
        ctx.report({
          instr: view.instr,
          ...callRange(view.run, build.call),
          message: `\`go ${build.kind}\` ${lacks} ships ${ships} (often 20–30% of the binary).`,
          fix: edit ? { title: check.ldflags ? `Add \`${what}\` to -ldflags` : 'Add `-ldflags="-s -w"`', safe: true, edits: [edit] } : undefined,
          alternatives: trimmed
            ? [
                {
                  title: check.ldflags ? `Add \`${what}\` to -ldflags and \`-trimpath\`` : 'Add `-trimpath -ldflags="-s -w"`',
                  safe: false,
                  unsafeReason: 'check first: code that finds files through runtime.Caller paths no longer finds them',
                  edits: trimmed,
                },
              ]
            : undefined,
        });
      }
    }
  },
});
