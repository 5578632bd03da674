/**
 * DS009–DS012 beyond their fixtures: the seed-001 versions (one final stage per file), the
 * multi-stage conversion for Go and Rust (parses, lint-clean of DS010, nothing lost), the
 * slim-variant table, and .dockerignore content.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { fix, lint } from '../../server/src/engine/index.js';
import { parseImage } from '../../server/src/analysis/images/base-images.js';
import { slimVariant } from '../../server/src/rules/full-base-image.js';
import { fixturesDir } from '../helpers/paths.js';

const ids = (text: string, opts = {}): string[] => lint(text, opts).map((f) => f.rule);
const errors = (text: string): string[] =>
  validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => String(typeof d.message === 'string' ? d.message : d.message.value));

/** Converts with DS010's unsafe fix only, and checks the result is sound. */
function convert(text: string): string {
  const out = fix(text, { unsafe: true, only: ['DS010'] });
  assert.deepEqual(out.applied, ['DS010'], 'DS010 conversion applied once');
  assert.ok(!ids(out.text).includes('DS010'), `converted text still flagged:\n${out.text}`);
  assert.deepEqual(errors(out.text), [], 'converted text validates');
  assert.equal(fix(out.text, { unsafe: true, only: ['DS010'] }).text, out.text, 'converting twice changes nothing');
  return out.text;
}

/**
 * Every line of the original (comments included) is still in the output, except the rewritten
 * launchers; a line the conversion extends (`go build`, `FROM … AS builder`) keeps all its words in order.
 */
function keepsLines(before: string, after: string, rewritten: string[] = []): void {
  const outLines = after.split('\n').map((x) => x.trim());
  for (const l of before
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (rewritten.includes(l) || outLines.includes(l)) continue;
    const words = l.split(/\s+/);
    const extended = outLines.some((o) => {
      let at = 0;
      return words.every((w) => (at = o.indexOf(w, at)) >= 0 && (at += w.length) > 0);
    });
    assert.ok(extended, `lost line ${JSON.stringify(l)} in\n${after}`);
  }
}

const seeds = path.join(fixturesDir, 'seeds-001');
for (const [v, flagged] of [
  ['0.1', true],
  ['0.2', true],
  ['0.3', false],
  ['0.4', false],
  ['0.5', false],
] as const) {
  test(`seed 001 version ${v}: DS010 ${flagged ? 'flags and converts' : 'is quiet'}`, () => {
    const text = fs.readFileSync(path.join(seeds, `v${v}.Dockerfile`), 'utf8');
    assert.equal(ids(text).includes('DS010'), flagged);
    if (!flagged) return;
    const out = convert(text);
    keepsLines(text, out, ['CMD ["go","run","./cmd/main.go"]']);
    // Like the seed's own final version: a scratch stage with just the stripped binary.
    assert.match(out, /ENV CGO_ENABLED=0\nRUN go build -ldflags="-s -w" -o \/out\/main \.\/cmd\/main\.go/);
    assert.match(out, /FROM scratch\n[^]*COPY --from=builder \/out\/main \/main\nEXPOSE 8089:8089\nCMD \["\/main"\]\n$/);
  });
}

test('DS010 Go: existing -o, relative launcher, shell-form CMD becomes exec form', () => {
  const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o app .\nENV PORT=8080\n# run it\nCMD ./app --port 8080\n';
  const out = convert(text);
  keepsLines(text, out, ['CMD ./app --port 8080']);
  assert.match(out, /FROM golang:1\.22 AS builder\nWORKDIR \/src\nCOPY \. \.\nENV CGO_ENABLED=0\nRUN go build -ldflags="-s -w" -o app \./);
  assert.match(
    out,
    /FROM scratch\nCOPY --from=builder \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\/\nWORKDIR \/src\nENV PORT=8080\nCOPY --from=builder \/src\/app \.\/app\n# run it\nCMD \["\.\/app", "--port", "8080"\]\n$/,
  );
});

test('DS010 Go: named USER copies passwd; ENTRYPOINT + CMD; named stage kept', () => {
  const text =
    'FROM golang:1.22-alpine AS app\nRUN adduser -D svc\nWORKDIR /w\nCOPY . .\nRUN CGO_ENABLED=0 go build -ldflags "-s -w" -o /usr/local/bin/svc ./cmd/svc\nUSER svc\nENTRYPOINT ["svc"]\nCMD ["--help"]\n';
  const out = convert(text);
  keepsLines(text, out);
  assert.ok(!out.includes('ENV CGO_ENABLED'), 'CGO_ENABLED=0 already on the command');
  assert.match(out, /COPY --from=app \/etc\/passwd \/etc\/group \/etc\/\n/);
  assert.match(out, /COPY --from=app \/usr\/local\/bin\/svc \/usr\/local\/bin\/svc\nENTRYPOINT \["svc"\]\nCMD \["--help"\]\n$/);
});

test('DS010 Go: no CMD gets one; go run with args keeps the args', () => {
  assert.match(convert('FROM golang:1.22\nCOPY . /src\nWORKDIR /src\nRUN go build ./cmd/api\n'), /COPY --from=builder \/out\/api \/api\nCMD \["\/api"\]\n$/);
  assert.match(convert('FROM golang:1.22\nCOPY . /src\nWORKDIR /src\nRUN go build .\nCMD ["go", "run", ".", "-v"]\n'), /CMD \["\/app", "-v"\]\n$/);
});

test('DS010 Go: no conversion when it cannot be done without changing behaviour', () => {
  const cases = [
    'FROM golang:1.22\nENV CGO_ENABLED=1\nRUN go build -o /app .\nCMD ["/app"]\n', // needs cgo
    'FROM golang:1.22\nRUN go build -o /app .\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["/app"]\n', // probe needs a shell
    'FROM golang:1.22\nRUN go build -o /a ./a && go build -o /b ./b\nCMD ["/a"]\n', // two binaries
    'FROM golang:1.22\nRUN go build -o /app .\nCMD ["./start.sh"]\n', // launcher is not the binary
    'FROM golang:1.22\nRUN go install ./cmd/x\nCMD ["x"]\n',
    'FROM golang:1.22\nRUN go build -o /app .\nCMD /app && echo done\n', // shell syntax, scratch has no shell
  ];
  for (const text of cases) {
    const f = lint(text).find((x) => x.rule === 'DS010');
    assert.ok(f, `flagged: ${text}`);
    assert.equal(f.fix, undefined, `no fix for:\n${text}`);
  }
});

test('DS010 Rust: cargo build --release → debian slim matching the builder', () => {
  const text = 'FROM rust:1.75-bookworm\nWORKDIR /usr/src/app\nCOPY . .\nRUN cargo build --release\nEXPOSE 3000\nCMD ["./target/release/hello"]\n';
  const out = convert(text);
  keepsLines(text, out);
  assert.match(
    out,
    /FROM debian:bookworm-slim\n[^]*COPY --from=builder \/usr\/src\/app\/target\/release\/hello \.\/target\/release\/hello\nEXPOSE 3000\nCMD \["\.\/target\/release\/hello"\]\n$/,
  );
  const run = convert(
    'FROM rust:1.80-alpine3.20\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --bin api\nCMD ["cargo", "run", "--release", "--bin", "api", "--", "--port", "80"]\n',
  );
  assert.match(run, /FROM alpine:3\.20\n[^]*COPY --from=builder \/app\/target\/release\/api \/api\nCMD \["\/api", "--port", "80"\]\n$/);
  const local = convert('FROM local/rust:1.63-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo build --release --offline\nCMD ["./target/release/hello"]\n');
  assert.match(local, /\nFROM local\/debian:bookworm-slim\n/, 'a registry prefix stays, as for the other stacks');
  assert.match(
    convert('FROM docker.io/library/rust:1.75-bookworm\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\nCMD ["./target/release/hello"]\n'),
    /\nFROM debian:bookworm-slim\n/,
  );
  assert.equal(
    lint('FROM rust:1.80\nRUN cargo build --release\nCMD ["cargo", "run", "--release"]\n').find((f) => f.rule === 'DS010')?.fix,
    undefined,
    'bin name unknown: no fix',
  );
});

test('DS010 detection: toolchains ship only when they are the final base', () => {
  assert.ok(ids('FROM maven:3-eclipse-temurin-17\nCOPY . .\nRUN mvn package\nCMD ["java","-jar","target/app.jar"]\n').includes('DS010'));
  assert.ok(ids('FROM eclipse-temurin:17\nCOPY . .\nRUN ./mvnw package\nCMD ["java","-jar","target/app.jar"]\n').includes('DS010'));
  assert.ok(ids('FROM node:20\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node","dist/index.js"]\n').includes('DS010'));
  assert.ok(ids('FROM golang:1.22 AS base\nFROM base\nRUN go build -o /a .\n').includes('DS010'), 'through FROM <stage>');
  const nodeNoBuild = ids('FROM node:20\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node","index.js"]\n');
  assert.ok(!nodeNoBuild.includes('DS010') && nodeNoBuild.includes('DS011'), 'node without a build step: DS011 suggests slim instead');
  assert.ok(!ids('FROM golang:1.22 AS b\nRUN go build -o /a .\nFROM scratch\nCOPY --from=b /a /a\n').includes('DS010'));
  assert.ok(!ids(fs.readFileSync(path.join(seeds, 'v0.5.Dockerfile'), 'utf8')).includes('DS009'), 'seed 0.5 strips');
});

test('DS011 slim variants', () => {
  const table: Record<string, string | null> = {
    'python:3.11': 'python:3.11-slim',
    python: 'python:slim',
    'python:3.11.4-bullseye': 'python:3.11.4-slim-bullseye',
    'node:20': 'node:20-slim',
    'node:20-bookworm': 'node:20-bookworm-slim',
    'debian:bookworm': 'debian:bookworm-slim',
    debian: 'debian:stable-slim',
    'ruby:3.3': 'ruby:3.3-slim',
    'eclipse-temurin:17-jdk-jammy': 'eclipse-temurin:17-jre-jammy',
    'openjdk:11': 'openjdk:11-jre-slim',
    'openjdk:17-jdk': 'eclipse-temurin:17-jre',
    'python:3.11-slim': null,
    'node:20-alpine': null,
    'ubuntu:22.04': null,
    'myorg/python:3.11': null,
  };
  for (const [image, want] of Object.entries(table)) {
    const ref = parseImage(image);
    const v = ref.official ? slimVariant(ref) : null;
    assert.equal(v ? `${v.name ?? ref.name}:${v.tag}` : null, want, image);
    const fixed = fix(`FROM ${image}\nCMD ["true"]\n`, { unsafe: true, only: ['DS011'] }).text;
    assert.equal(fixed, `FROM ${want ?? image}\nCMD ["true"]\n`);
  }
  assert.ok(!ids('FROM eclipse-temurin:17\nRUN javac Main.java\nCMD ["java","Main"]\n').includes('DS011'), 'javac needs the JDK');
  assert.equal(lint('FROM python:${PY}\n'.replace('${PY}', '3.12@sha256:0000')).find((f) => f.rule === 'DS011')?.fix, undefined, 'digest pins: no fix');
});

test('DS012 needs to know there is no .dockerignore; node_modules only when the stage installs', () => {
  const text = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node","index.js"]\n';
  assert.ok(!ids(text).includes('DS012'), 'unknown: quiet');
  assert.ok(!ids(text, { dockerignoreExists: true }).includes('DS012'));
  const r = fix(text, { dockerignoreExists: false });
  assert.equal(r.createFiles.length, 1);
  assert.match(r.createFiles[0]?.content ?? '', /^\*\*\/node_modules$/m);
  assert.match(r.createFiles[0]?.content ?? '', /^\.git$/m);
  const noInstall = fix('FROM node:20-slim\nCOPY . .\nCMD ["node","index.js"]\n', { dockerignoreExists: false });
  assert.doesNotMatch(noInstall.createFiles[0]?.content ?? '', /node_modules/);
  assert.ok(!ids('FROM alpine\nCOPY --from=builder . /x\nCOPY src .\n', { dockerignoreExists: false }).includes('DS012'));
});
