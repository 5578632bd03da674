/**
 * DS016's BuildKit alternative for Go and cargo caches: a cache mount offered beside the cleanup, unsafe, never
 * applied by fix-all; the module cache and the cargo registry only when no other RUN of the stage needs what they hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint, lintDetailed } from '../../server/src/engine/index.js';
import { applyEdits } from '../../server/src/engine/lint.js';

function alt(text: string): { title: string; after: string } | null {
  const f = lintDetailed(text).find((x) => x.rule === 'DS016');
  assert.ok(f, `DS016 fires:\n${text}`);
  const a = f.alternatives?.[0];
  if (!a) return null;
  assert.equal(a.safe, false);
  assert.equal(a.buildkitOnly, true);
  return { title: a.title, after: applyEdits(text, a.edits) };
}

test('Go: build cache and module cache mounted when go runs only in this RUN; the mount silences DS016', () => {
  const text =
    'FROM golang:1.22\nWORKDIR /src\nCOPY . .\n# build\nRUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /usr/local/bin/app .\nCMD ["/usr/local/bin/app"]\n';
  const r = alt(text);
  assert.ok(r);
  assert.match(
    r.after,
    /\n# build\nRUN --mount=type=cache,id=go-build,target=\/root\/.cache\/go-build --mount=type=cache,id=go-mod,target=\/go\/pkg\/mod CGO_ENABLED=0 go build -ldflags="-s -w" -o \/usr\/local\/bin\/app \.\n/,
  );
  assert.ok(!lint(r.after).some((f) => f.rule === 'DS016'), r.after);
  assert.ok(!fix(text, { unsafe: true }).text.includes('--mount'), 'fix-all never adds a mount');
});

test('Go: an earlier `go mod download` keeps the module cache out of the mount (it would hide the modules)', () => {
  const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\nCMD ["/app"]\n';
  const r = alt(text);
  assert.equal(r?.title, 'Use a cache mount for /root/.cache/go-build');
});

test('Go: GOCACHE, XDG_CACHE_HOME and GOPATH from ENV are followed; set on the command or for another user, no mount', () => {
  assert.match(alt('FROM golang:1.22\nENV GOCACHE=/cache/go\nRUN go build -o /app .\n')?.after ?? '', /--mount=type=cache,id=go-build,target=\/cache\/go /);
  assert.match(alt('FROM golang:1.22\nENV XDG_CACHE_HOME=/xdg\nRUN go build -o /app .\n')?.after ?? '', /target=\/xdg\/go-build /);
  assert.match(alt('FROM golang:1.22\nENV GOPATH=/gopath\nRUN go build -o /app .\n')?.after ?? '', /target=\/gopath\/pkg\/mod /);
  assert.equal(alt('FROM golang:1.22\nRUN GOCACHE=/tmp/c go build -o /app .\n'), null);
  assert.equal(alt('FROM golang:1.22\nENV GOCACHE=/cache/go\nUSER app\nRUN go build -o /app .\n'), null, 'a root-owned mount is not writable by app');
});

test('Go: exec form gets the mount flag too, and $VAR references and comments stay', () => {
  const text = 'FROM golang:1.22\nARG OUT=/app\n# the build\nRUN ["go", "build", "-o", "/app", "."]\nRUN echo $OUT\n';
  const r = alt(text);
  assert.match(
    r?.after ?? '',
    /\n# the build\nRUN --mount=type=cache,id=go-build,target=\/root\/.cache\/go-build --mount=type=cache,id=go-mod,target=\/go\/pkg\/mod \["go", "build"/,
  );
  assert.match(r?.after ?? '', /RUN echo \$OUT\n$/);
});

test('cargo: registry and git mounted in CARGO_HOME (the official image’s /usr/local/cargo, else ~/.cargo), never target/', () => {
  const official = alt('FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/app"]\n');
  assert.match(
    official?.after ?? '',
    /RUN --mount=type=cache,id=cargo-registry,target=\/usr\/local\/cargo\/registry --mount=type=cache,id=cargo-git,target=\/usr\/local\/cargo\/git cargo build/,
  );
  assert.ok(!lint(official?.after ?? '').some((f) => f.rule === 'DS016'), 'the mount silences DS016');
  const debian = alt('FROM local/rust:1.63-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --offline\nCMD ["./target/release/app"]\n');
  assert.match(
    debian?.after ?? '',
    /RUN --mount=type=cache,id=cargo-registry,target=\/root\/.cargo\/registry --mount=type=cache,id=cargo-git,target=\/root\/.cargo\/git cargo build/,
  );
  const env = alt('FROM rust:1.79\nENV CARGO_HOME=/opt/cargo\nRUN cargo build --release\n');
  assert.match(env?.title ?? '', /\/opt\/cargo\/registry and \/opt\/cargo\/git/);
  for (const a of [official, debian, env]) assert.ok(!a?.after.includes('target=/src/target') && !/target\/release,/.test(a?.after ?? ''));
});

test('cargo: no mount when another RUN runs cargo (an earlier fetch would be hidden, a later offline build would miss the crates)', () => {
  assert.equal(alt('FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo fetch\nRUN cargo build --release --offline\n'), null);
  assert.equal(alt('FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nRUN cargo test --offline\n'), null);
  assert.equal(alt('FROM rust:1.79\nUSER app\nRUN cargo build --release\n'), null, 'another user');
});

test('DS016 on the official rust image cleans CARGO_HOME=/usr/local/cargo, where cargo put the crates', () => {
  const text = 'FROM rust:1.79\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/app"]\n';
  const out = fix(text).text;
  assert.match(out, /RUN cargo build --release && rm -rf \/usr\/local\/cargo\/registry \/usr\/local\/cargo\/git\n/);
  assert.ok(!lint(out).some((f) => f.rule === 'DS016'));
  assert.ok(!lint('FROM rust:1.79\nRUN cargo build --release && rm -rf $CARGO_HOME/registry\n').some((f) => f.rule === 'DS016'), '$CARGO_HOME from the image');
});
