/**
 * DS010's conversions for Node, Python, Java and static Rust (C/C++: multi-stage-c.test.ts): every converted file parses,
 * is clean of DS010, converges and keeps every line and comment; Dockerfiles the conversion does
 * not understand get no fix. Also the BuildKit cache-mount alternatives of DS003/DS005/DS006/DS008.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fix, lint, lintDetailed } from '../../server/src/engine/index.js';
import { convert, ds010, errors, leftToOthers, noFix } from './multi-stage-helpers.js';
import { applyEdits } from '../../server/src/engine/lint.js';
import { slimNode, slimPython } from '../../server/src/analysis/images/runtime-images.js';

const NODE = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n';

test('Node: npm → a fresh npm ci --omit=dev in a prod-deps stage, its node_modules and the app in node:<tag>-slim', () => {
  const text = `# service\n${NODE}# port\nEXPOSE 3000\nUSER node\nHEALTHCHECK CMD ["node", "healthcheck.js"]\nCMD ["node", "dist/main.js"]\n`;
  assert.equal(ds010(text)?.title, 'Convert to multi-stage build (Node → node:20-slim, production dependencies only)');
  const out = convert(text);
  assert.match(out, /RUN npm run build\nRUN rm -rf \/app\/node_modules\n/);
  assert.doesNotMatch(out, /RUN npm prune/);
  assert.match(out, /\nFROM builder AS prod-deps\nUSER root\nRUN npm ci --omit=dev && npm cache clean --force\n/);
  assert.match(
    out,
    /FROM node:20-slim\nWORKDIR \/app\nCOPY --from=prod-deps \/app\/node_modules \/app\/node_modules\nCOPY --from=builder \/app \/app\nUSER node\n# port\nEXPOSE 3000\nHEALTHCHECK CMD \["node", "healthcheck.js"\]\nCMD \["node", "dist\/main.js"\]\n$/,
  );
  // The builder's install flags stay; npm install stays install; no USER: no USER root.
  const whole = convert('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install --legacy-peer-deps && npm run build\nCMD ["node", "dist/a.js"]\n');
  assert.match(whole, /\nFROM builder AS prod-deps\nRUN npm install --legacy-peer-deps --omit=dev && npm cache clean --force\n/);
  // The install RUN's mounts serve the new install; a cache mount is not cleaned.
  const mounted = convert(NODE.replace('RUN npm ci', 'RUN --mount=type=cache,target=/root/.npm npm ci') + 'CMD ["node", "dist/a.js"]\n');
  assert.match(mounted, /\nRUN --mount=type=cache,target=\/root\/\.npm npm ci --omit=dev\n/);
  // Option values and $VARs stay as written.
  const valued = convert(NODE.replace('RUN npm ci', 'RUN npm ci --cache /tmp/c --registry "$REG" --include=dev') + 'CMD ["node", "dist/a.js"]\n');
  assert.match(valued, /\nRUN npm ci --cache \/tmp\/c --registry "\$REG" --omit=dev && npm cache clean --force\n/);
  // Native modules built with apt packages: prod-deps is built FROM the builder, which has them.
  const native = convert(
    'FROM node:20\nWORKDIR /app\nRUN apt-get update && apt-get install -y python3 make g++\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/a.js"]\n',
  );
  assert.match(native, /FROM builder AS prod-deps\nRUN npm ci --omit=dev/);
});

test('Node: the fresh install says why it is unsafe when code is generated into node_modules; a USER before the last RUN keeps the prune', () => {
  const prisma = lintDetailed(NODE.replace('RUN npm run build', 'RUN npx prisma generate && npm run build') + 'CMD ["node", "dist/a.js"]\n', {}).find(
    (f) => f.rule === 'DS010',
  );
  assert.match(prisma?.fixDetail?.unsafeReason ?? '', /line 6 generates Prisma's client into node_modules/);
  const project = { dir: '', dependencies: 3, devDependencies: ['typescript'], installScripts: { postinstall: 'tsc -p .' }, prisma: false };
  const post = lintDetailed(NODE + 'CMD ["node", "dist/a.js"]\n', { context: { ignoreFile: '', leaks: [], complete: true, node: [project] } }).find(
    (f) => f.rule === 'DS010',
  );
  assert.match(post?.fixDetail?.unsafeReason ?? '', /postinstall script \(tsc -p \.\) runs again in the production install, without dev dependencies/);
  assert.equal(lintDetailed(NODE + 'CMD ["node", "dist/a.js"]\n', {}).find((f) => f.rule === 'DS010')?.fixDetail?.unsafeReason, undefined);
  assert.match(convert(NODE.replace('RUN npm run build', 'USER node\nRUN npm run build') + 'CMD ["node", "dist/a.js"]\n'), /RUN npm prune --omit=dev\n/);
});

test('Node: ARG references in the image stay references; yarn 1 installs production afresh, pnpm prunes', () => {
  const out = convert(
    'ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}-bookworm\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/index.js"]\n',
  );
  assert.match(out, /FROM node:\$\{NODE_VERSION\}-bookworm-slim\n/);
  assert.match(
    convert('FROM node:18\nWORKDIR /w\nCOPY . .\nRUN yarn install --frozen-lockfile\nRUN yarn build\nCMD ["node", "build/server.js"]\n'),
    /yarn install --production --frozen-lockfile/,
  );
  assert.match(
    convert('FROM node:18-alpine\nWORKDIR /w\nCOPY . .\nRUN pnpm install\nRUN pnpm run build\nCMD ["node", "dist/a.js"]\n'),
    /RUN pnpm prune --prod\n[^]*FROM node:18-alpine\n/,
  );
  assert.match(convert('FROM local/node:18\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/a.js"]\n'), /FROM local\/node:18-slim\n/);
});

test('Node: no conversion for what it does not understand', () => {
  noFix(NODE.replace('RUN npm ci', 'RUN npm ci && npm install -g pm2') + 'CMD ["pm2-runtime", "dist/a.js"]\n', 'global install');
  noFix(NODE.replace('RUN npm ci', 'RUN apt-get update && apt-get install -y ffmpeg && npm ci') + 'CMD ["node", "dist/a.js"]\n', 'runtime package');
  noFix(NODE + 'COPY nginx.conf /etc/nginx/\nCMD ["node", "dist/a.js"]\n', 'file outside the app directory');
  noFix(NODE.replace('RUN npm ci', 'RUN if [ -f yarn.lock ]; then yarn; else npm ci; fi') + 'CMD ["node", "dist/a.js"]\n', 'shell branches');
  noFix(NODE + 'ONBUILD COPY . .\nCMD ["node", "dist/a.js"]\n', 'ONBUILD');
  noFix(NODE.replace('RUN npm ci', 'RUN npm ci && yarn install --frozen-lockfile') + 'CMD ["node", "dist/a.js"]\n', 'two package managers');
  noFix(NODE + 'HEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD ["node", "dist/a.js"]\n', 'curl probe');
  noFix('FROM node:20\nCOPY . .\nRUN npm ci && npm run build\nCMD ["node", "dist/a.js"]\n', 'no WORKDIR');
  noFix(NODE, 'no CMD: the image would start a REPL');
});

const PY = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n';

test('Python: venv in the builder, python:<tag>-slim copies it and keeps PATH', () => {
  const text = `${PY}ENV PORT=8000\nUSER 1000\nCMD ["gunicorn", "app:app"]\n`;
  assert.equal(ds010(text)?.title, 'Convert to multi-stage build (Python → python:3.12-slim, venv copied)');
  const out = convert(text);
  assert.match(out, /RUN python3 -m venv \/opt\/venv\nENV PATH="\/opt\/venv\/bin:\$PATH"\nRUN pip install/);
  assert.match(
    out,
    /FROM python:3\.12-slim\nCOPY --from=builder \/opt\/venv \/opt\/venv\nENV PATH="\/opt\/venv\/bin:\$PATH"\nWORKDIR \/app\nENV PORT=8000\nCOPY --from=builder \/app \/app\nUSER 1000\nCMD \["gunicorn", "app:app"\]\n$/,
  );
  const own = convert(
    'FROM python:3.11-bookworm\nRUN python -m venv /venv\nENV PATH=/venv/bin:$PATH\nWORKDIR /src\nCOPY . .\nRUN pip install .\nCMD ["python", "-m", "svc"]\n',
  );
  assert.match(own, /FROM python:3\.11-slim-bookworm\nCOPY --from=builder \/venv \/venv\nENV PATH=\/venv\/bin:\$PATH\n/);
  assert.ok(!own.includes('/opt/venv'), 'the Dockerfile’s own venv is used');
});

test('Python: no conversion for installs outside the venv, runtime libraries, shell tricks', () => {
  leftToOthers(PY.replace('--no-cache-dir', '--user') + 'CMD ["python", "app.py"]\n', '--user');
  leftToOthers(PY.replace('RUN pip', 'RUN apt-get update && apt-get install -y libpq-dev && pip') + 'CMD ["python", "app.py"]\n', 'libpq at run time');
  leftToOthers(PY + 'RUN python setup.py install\nCMD ["python", "app.py"]\n', 'setup.py install');
  leftToOthers(PY.replace('RUN pip', 'RUN pip install -r a.txt || pip') + 'CMD ["python", "app.py"]\n', '||');
  leftToOthers('FROM python:3.12\nRUN pip install flask\nCOPY app.py /\nCMD ["python", "/app.py"]\n', 'no WORKDIR');
  assert.ok(
    !lint('FROM python:3.12-slim\nWORKDIR /a\nRUN pip install flask\nCMD ["flask", "run"]\n').some((f) => f.rule === 'DS010'),
    'slim is not a toolchain',
  );
});

test('Java: JRE of the same major version with the jar the launcher runs', () => {
  const mvn = 'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /build\nCOPY . .\nRUN mvn -B package\nEXPOSE 8080\nENTRYPOINT ["java", "-jar", "target/app.jar"]\n';
  assert.equal(ds010(mvn)?.title, 'Convert to multi-stage build (Java → eclipse-temurin:21-jre, only the jar)');
  assert.match(
    convert(mvn),
    /FROM eclipse-temurin:21-jre\nWORKDIR \/build\nCOPY --from=builder \/build\/target\/app\.jar \/build\/target\/app\.jar\nEXPOSE 8080\n/,
  );
  const gradle = convert(
    'FROM gradle:8.5-jdk17-alpine\nWORKDIR /src\nCOPY . .\nRUN gradle installDist\nCMD ["java", "-cp", "build/install/app/lib/*", "com.example.Main"]\n',
  );
  assert.match(gradle, /FROM eclipse-temurin:17-jre-alpine\n[^]*COPY --from=builder \/src\/build\/install\/app\/lib \/src\/build\/install\/app\/lib\n/);
  assert.match(
    convert('FROM local/eclipse-temurin:17-jdk\nWORKDIR /a\nCOPY . .\nRUN javac Main.java && jar cfe a.jar Main Main.class\nCMD ["java", "-jar", "a.jar"]\n'),
    /FROM local\/eclipse-temurin:17-jre\n/,
  );
  noFix('FROM maven:3.9-eclipse-temurin-21\nWORKDIR /b\nCOPY . .\nRUN mvn package\nCMD java -jar target/*.jar\n', 'glob in the jar');
  noFix(
    'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /b\nCOPY . .\nRUN mvn package && apt-get update && apt-get install -y fontconfig\nCMD ["java", "-jar", "t.jar"]\n',
    'system package',
  );
  noFix('FROM maven:3\nWORKDIR /b\nCOPY . .\nRUN mvn package\nCMD ["java", "-jar", "t.jar"]\n', 'Java version unknown');
});

test('Rust: a musl target ships on scratch', () => {
  const out = convert(
    'FROM rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --target x86_64-unknown-linux-musl\nCMD ["/app/target/x86_64-unknown-linux-musl/release/api"]\n',
  );
  assert.match(out, /FROM scratch\nCOPY --from=builder \/etc\/ssl\/certs\/ca-certificates\.crt \/etc\/ssl\/certs\/\n/);
});

test('runtime images: full → slim names', () => {
  assert.equal(slimNode('node'), 'node:slim');
  assert.equal(slimNode('node:lts-alpine'), 'node:lts-alpine');
  assert.equal(slimNode('registry.example.com/library/node:20@sha256:abc'), null);
  assert.equal(slimPython('python:3'), 'python:3-slim');
  assert.equal(slimPython('python:3.12-slim'), 'python:3.12-slim');
  assert.equal(slimPython('python:3.12-windowsservercore'), null);
});

test('cache mounts: an alternative fix beside the cleanup, never applied by fix-all', () => {
  const text =
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN pip install flask\nRUN npm ci\nFROM alpine:3.20\nRUN apk add curl\n';
  const found = lintDetailed(text).filter((f) => f.alternatives);
  assert.deepEqual(
    found.map((f) => f.rule),
    ['DS003', 'DS006', 'DS008', 'DS005'],
  );
  for (const f of found) {
    const alt = f.alternatives?.[0];
    assert.ok(alt && !alt.safe && alt.buildkitOnly, alt?.title);
    const after = applyEdits(text, alt.edits);
    assert.deepEqual(errors(after), []);
    assert.ok(!lint(after).some((g) => g.rule === f.rule && g.line === f.line), `${f.rule} quiet with the mount:\n${after}`);
  }
  assert.ok(!fix(text, { unsafe: true }).text.includes('--mount'), 'fix-all never adds a mount');
  assert.match(
    applyEdits(text, found[0]!.alternatives![0]!.edits),
    /^RUN --mount=type=cache,id=apt-cache,target=\/var\/cache\/apt,sharing=locked --mount=type=cache,id=apt-lists,target=\/var\/lib\/apt\/lists,sharing=locked mv \/etc\/apt\/apt.conf.d\/docker-clean \/etc\/apt\/docker-clean.dockerfile-slim 2>\/dev\/null; apt-get/m,
  );
  const user = lintDetailed('FROM python:3.12\nUSER app\nRUN pip install flask\n').find((f) => f.rule === 'DS006');
  assert.ok(user && !user.alternatives, 'another user’s home: no mount target we can name');
  const moved = lintDetailed('FROM python:3.12\nENV PIP_CACHE_DIR=/cache/pip\nRUN pip install flask\n').find((f) => f.rule === 'DS006');
  assert.match(moved?.alternatives?.[0]?.title ?? '', /\/cache\/pip/);
});
