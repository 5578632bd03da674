/**
 * DS020's jlink conversion (a jar on a full JDK/JRE → a runtime made by jlink on Debian slim) and DS010's venv
 * conversion for Debian/Ubuntu + apt's python3-pip: what the converted files say, when no fix is offered, and
 * that each converted file parses, is clean of its rule and converts no further.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from 'dockerfile-utils';
import { fix, lint } from '../../server/src/engine/index.js';
import { defaultJdkMajor, jlinkImages } from '../../server/src/analysis/images/runtime-images.js';

const errors = (text: string): string[] =>
  validate(text)
    .filter((d) => d.severity === 1)
    .map((d) => String(typeof d.message === 'string' ? d.message : d.message.value));

function convert(rule: string, text: string): string {
  const f = lint(text).find((x) => x.rule === rule);
  assert.ok(f?.fix && !f.fix.safe, `${rule} offers an unsafe fix for:\n${text}`);
  const out = fix(text, { unsafe: true, only: [rule] });
  assert.deepEqual(out.applied, [rule]);
  assert.ok(!lint(out.text).some((x) => x.rule === rule), `still flagged:\n${out.text}`);
  assert.deepEqual(errors(out.text), [], 'converted text validates');
  assert.equal(fix(out.text, { unsafe: true, only: [rule] }).text, out.text, 'converting twice changes nothing');
  return out.text;
}

const noFinding = (rule: string, text: string, why: string): void =>
  assert.ok(!lint(text).some((f) => f.rule === rule), `${rule} must stay quiet (${why}):\n${text}`);

const JRE = 'FROM eclipse-temurin:17-jdk AS build\nWORKDIR /s\nCOPY . .\nRUN javac -d c Main.java && jar cfe app.jar Main -C c .\n\n';

test('jlink images: -jre becomes -jdk, Debian slim runtime, the version from the tag', () => {
  assert.deepEqual(jlinkImages('eclipse-temurin:17-jre'), { jdk: 'eclipse-temurin:17-jdk', runtime: 'debian:bookworm-slim', major: 17 });
  assert.deepEqual(jlinkImages('local/eclipse-temurin:21-jre-jammy'), {
    jdk: 'local/eclipse-temurin:21-jdk-jammy',
    runtime: 'local/debian:bookworm-slim',
    major: 21,
  });
  assert.equal(jlinkImages('openjdk:11-jre-slim')?.jdk, 'openjdk:11-jdk-slim');
  assert.equal(jlinkImages('maven:3.9-eclipse-temurin-17')?.jdk, 'maven:3.9-eclipse-temurin-17');
  assert.equal(jlinkImages('eclipse-temurin:17-jre-alpine'), null);
  assert.equal(jlinkImages('openjdk:8-jre'), null);
  assert.equal(jlinkImages('eclipse-temurin:latest'), null);
  assert.equal(defaultJdkMajor('debian:bookworm'), 17);
  assert.equal(defaultJdkMajor('ubuntu:24.04'), 21);
  assert.equal(defaultJdkMajor('debian:sid'), null);
});

test('DS020: a JRE stage that runs a copied jar becomes a jlink builder and a Debian slim runtime', () => {
  const text = `${JRE}FROM eclipse-temurin:17-jre\nWORKDIR /app\nCOPY --from=build /s/app.jar ./\nCOPY conf ./conf\nUSER nobody\n# run it\nENTRYPOINT ["java", "-jar", "app.jar"]\n`;
  const f = lint(text).find((x) => x.rule === 'DS020');
  assert.equal(
    f?.fix?.title.startsWith('Use a custom Java runtime (jlink → debian:bookworm-slim, modules from jdeps + jdk.zipfs, jdk.crypto.ec)'),
    true,
    f?.fix?.title,
  );
  const out = convert('DS020', text);
  assert.match(out, /^FROM eclipse-temurin:17-jdk AS builder$/m);
  assert.match(out, /USER nobody\nUSER root\n# Custom Java runtime/);
  assert.match(out, /jdeps --ignore-missing-deps --print-module-deps --multi-release 17 \/app\/app\.jar > \/tmp\/jre-modules\.txt/);
  assert.match(out, /jlink --add-modules "\$\(cat \/tmp\/jre-modules\.txt\),jdk\.zipfs,jdk\.crypto\.ec"/);
  assert.match(out, /--strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output \/opt\/jre/);
  const runtime = out.slice(out.lastIndexOf('FROM '));
  assert.equal(
    runtime,
    'FROM debian:bookworm-slim\nCOPY --from=builder /opt/jre /opt/jre\nENV JAVA_HOME=/opt/jre\nENV PATH="/opt/jre/bin:$PATH"\nWORKDIR /app\nCOPY --from=builder /app /app\nUSER nobody\n# run it\nENTRYPOINT ["java", "-jar", "app.jar"]\n',
  );
});

test('DS020: version-dependent flags (Java 11, 21, 22) and ENTRYPOINT + CMD', () => {
  const eleven = convert('DS020', 'FROM openjdk:11-jre-slim\nCOPY app.jar /srv/app.jar\nCMD ["java", "-Xmx1g", "-jar", "/srv/app.jar"]\n');
  assert.match(eleven, /^FROM openjdk:11-jdk-slim AS builder$/m);
  assert.match(eleven, /--strip-debug --no-man-pages --no-header-files --compress=2/);
  const t21 = convert('DS020', 'FROM eclipse-temurin:21\nCOPY app.jar /app.jar\nENTRYPOINT ["java"]\nCMD ["-jar", "/app.jar"]\n');
  assert.match(t21, /--compress=zip-6/);
  assert.match(t21, /jdk\.zipfs,jdk\.crypto\.ec"/);
  const t22 = convert('DS020', 'FROM eclipse-temurin:22-jre\nCOPY app.jar /app.jar\nCMD java -jar /app.jar\n');
  assert.match(t22, /\),jdk\.zipfs" /);
});

test('DS020 beside DS010: a Maven image that builds gets both; fix --unsafe ends on Debian slim and converges', () => {
  const text = 'FROM maven:3.9-eclipse-temurin-17\nWORKDIR /b\nCOPY . .\nRUN mvn -B package\nCMD ["java", "-jar", "target/app.jar"]\n';
  const rules = lint(text).map((f) => f.rule);
  assert.ok(rules.includes('DS010') && rules.includes('DS020'), rules.join(' '));
  const alone = convert('DS020', text);
  assert.match(alone, /COPY --from=builder \/b\/target\/app\.jar \/b\/target\/app\.jar/);
  const all = fix(text, { unsafe: true });
  assert.ok(all.applied.includes('DS010') && all.applied.includes('DS020'), all.applied.join(' '));
  assert.match(all.text.slice(all.text.lastIndexOf('FROM ')), /^FROM debian:bookworm-slim\n/);
  assert.equal(fix(all.text, { unsafe: true }).text, all.text);
});

test('DS020 on Debian with an apt JDK: other packages installed again, default-jdk version from the release', () => {
  const out = convert(
    'DS020',
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends default-jdk-headless fontconfig && rm -rf /var/lib/apt/lists/*\nWORKDIR /w\nCOPY . .\nRUN javac Main.java && jar cfe a.jar Main Main.class\nCMD ["java", "-jar", "a.jar"]\n',
  );
  assert.match(out, /--multi-release 17 \/w\/a\.jar/);
  assert.match(out, /FROM debian:bookworm-slim\n[^]*apt-get install -y --no-install-recommends fontconfig /);
});

test('DS020 stays quiet where jlink cannot be trusted or the runtime would miss something', () => {
  noFinding('DS020', 'FROM eclipse-temurin:17-jre-alpine\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n', 'musl');
  noFinding('DS020', 'FROM openjdk:8-jre\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n', 'no jlink in Java 8');
  noFinding('DS020', 'FROM eclipse-temurin:17-jre\nCOPY lib /lib\nCMD ["java", "-cp", "/lib/*", "Main"]\n', 'classpath launcher');
  noFinding('DS020', 'FROM eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nCMD ["/opt/java/openjdk/bin/java", "-jar", "/app.jar"]\n', 'java by path');
  noFinding(
    'DS020',
    'FROM eclipse-temurin:17-jdk\nCOPY app.jar /app.jar\nRUN jlink --add-modules java.base --output /jre\nCMD ["java", "-jar", "/app.jar"]\n',
    'jlink already',
  );
  noFinding(
    'DS020',
    'FROM eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nRUN cp /app.jar /opt/copy.jar\nCMD ["java", "-jar", "/app.jar"]\n',
    'a RUN writes files',
  );
  noFinding(
    'DS020',
    'FROM eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nRUN apt-get update && apt-get install -y curl\nCMD ["java", "-jar", "/app.jar"]\n',
    'system tools',
  );
  noFinding(
    'DS020',
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y openjdk-17-jre-headless\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n',
    'a JRE has no jlink',
  );
  noFinding('DS020', 'FROM eclipse-temurin:17-jre\nCOPY --chown=app app.jar /srv/app.jar\nCMD ["java", "-jar", "/srv/app.jar"]\n', 'ownership');
  noFinding('DS020', `${JRE}FROM build\nCMD ["java", "-jar", "/s/app.jar"]\n`, 'built FROM a stage');
  noFinding(
    'DS020',
    'FROM eclipse-temurin:17-jre\nCOPY app.jar /app.jar\nHEALTHCHECK CMD curl -f http://localhost/\nCMD ["java", "-jar", "/app.jar"]\n',
    'curl probe',
  );
});

const PIP =
  'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3 python3-pip\nRUN pip install --break-system-packages greet\nCMD ["greet"]\n';

test('DS010 Python on Debian + apt python3-pip: venv in the builder, python3 and the CA store in the slim runtime', () => {
  assert.equal(lint(PIP).find((f) => f.rule === 'DS010')?.fix?.title, 'Convert to multi-stage build (Python → debian:bookworm-slim, venv copied)');
  const out = convert('DS010', PIP);
  assert.equal(
    out,
    'FROM debian:bookworm AS builder\nRUN apt-get update && apt-get install -y python3 python3-pip python3-venv\nRUN python3 -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"\nRUN pip install --break-system-packages greet\n\n' +
      '# Runtime stage (Dockerfile Slim DS010): the virtual environment /opt/venv, not the compilers or pip.\nFROM debian:bookworm-slim\nENV PATH="/opt/venv/bin:$PATH"\n' +
      'RUN apt-get update \\\n && apt-get install -y --no-install-recommends python3 ca-certificates \\\n && rm -rf /var/lib/apt/lists/*\nCOPY --from=builder /opt/venv /opt/venv\nCMD ["greet"]\n',
  );
});

test('DS010 Python on Ubuntu with an app directory, runtime libraries and no recommends', () => {
  const out = convert(
    'DS010',
    'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip python3-venv build-essential python3-dev libpq5 && rm -rf /var/lib/apt/lists/*\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["python3", "main.py"]\n',
  );
  assert.doesNotMatch(out, /python3-venv python3-venv/);
  const runtime = out.slice(out.lastIndexOf('FROM '));
  assert.match(runtime, /^FROM ubuntu:22\.04\n/);
  assert.match(runtime, /--no-install-recommends python3 libpq5 \\\n/);
  assert.doesNotMatch(runtime, /ca-certificates|build-essential|python3-dev/);
  assert.match(runtime, /COPY --from=builder \/opt\/venv \/opt\/venv\nCOPY --from=builder \/app \/app\n/);
});

test('DS010 Python on Debian: no conversion (and no DS010) for -dev libraries, pip --user, or files without a WORKDIR', () => {
  for (const [text, why] of [
    [
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip libpq-dev\nRUN pip install --break-system-packages psycopg2\nCMD ["python3"]\n',
      '-dev',
    ],
    ['FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install --user greet\nCMD ["greet"]\n', '--user'],
    [
      'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip\nCOPY app.py /app.py\nRUN pip install --break-system-packages greet\nCMD ["python3", "/app.py"]\n',
      'no WORKDIR',
    ],
  ] as const) {
    noFinding('DS010', text, why);
  }
});

test('DS010 Python on Debian: apt and pip in one RUN get the venv inside that RUN, after python3 is installed', () => {
  const out = convert(
    'DS010',
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y python3-pip \\\n    && pip install --break-system-packages greet\nCMD ["greet"]\n',
  );
  assert.match(
    out,
    /^ENV PATH="\/opt\/venv\/bin:\$PATH"\nRUN apt-get update && apt-get install -y python3-pip python3-venv \\\n {4}&& python3 -m venv \/opt\/venv && pip install --break-system-packages greet\n/m,
  );
  assert.doesNotMatch(out, /^RUN python3 -m venv/m);
});
