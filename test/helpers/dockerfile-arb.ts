/**
 * fast-check arbitraries for Dockerfiles: a grammar of instructions (flags, `\` and backtick
 * continuations, heredocs incl. unterminated, comments inside continuations, exec-form JSON
 * incl. broken JSON, ONBUILD, `$(...)`, quotes), mixed line endings and BOM, random bytes and
 * unicode, and mutations of real Dockerfiles (corpus seeds).
 */
import fc from 'fast-check';

const pkgs = fc.constantFrom(
  'curl',
  'gcc',
  'make',
  'build-essential',
  'libssl-dev',
  'python3-dev',
  'ca-certificates',
  'git',
  'musl-dev',
  'wget',
  '"vim"',
  "'jq'",
);
const pkgList = fc.array(pkgs, { minLength: 1, maxLength: 4 }).map((a) => a.join(' '));
const path = fc.constantFrom('/app', '/tmp/x.tar.gz', '/var/lib/apt/lists/*', '/usr/src', '.', './bin', '/root/.cache', '~/.npm', '"$HOME"/x');
const word = fc.constantFrom(
  '-y',
  '-q',
  '--quiet',
  '$X',
  '${VERSION:-1}',
  '"a b"',
  "'c d'",
  '$(uname -m)',
  '`date`',
  '"$(cat /etc/os-release)"',
  '\\"',
  '2>&1',
  '>/dev/null',
  '|',
  'x=1',
  '*.o',
);

/** One simple shell command, biased towards what the rules look at. */
export const shellCommand: fc.Arbitrary<string> = fc.oneof(
  fc.constant('apt-get update'),
  pkgList.map((p) => `apt-get install -y ${p}`),
  pkgList.map((p) => `apt-get install -y --no-install-recommends ${p}`),
  fc.constant('rm -rf /var/lib/apt/lists/*'),
  pkgList.map((p) => `apk add ${p}`),
  pkgList.map((p) => `apk add --no-cache --virtual .build-deps ${p}`),
  fc.constant('apk del .build-deps'),
  pkgList.map((p) => `apt-get purge -y ${p}`),
  pkgList.map((p) => `pip install ${p}`),
  pkgList.map((p) => `pip3 install --user ${p}`),
  fc.constantFrom('npm install', 'npm ci', 'yarn install', 'pnpm install', 'npm cache clean --force', 'yarn'),
  fc.constantFrom('go build -o /app .', 'go build -ldflags="-X main.v=1" -o app', 'CGO_ENABLED=0 go build ./...'),
  pkgList.map((p) => `dnf install -y ${p}`),
  pkgList.map((p) => `yum install -y ${p}`),
  fc.constantFrom('microdnf install -y tar', 'zypper install -y gzip', 'yum clean all'),
  fc.constantFrom('wget https://example.com/x.tar.gz', 'curl -fsSL https://e.x/a.tgz -o /tmp/a.tgz', 'tar xzf /tmp/a.tgz', 'tar -xf x.tar.gz -C /opt'),
  path.map((p) => `rm -rf ${p}`),
  path.map((p) => `chown -R app:app ${p}`),
  path.map((p) => `chmod -R 755 ${p}`),
  path.map((p) => `cd ${p}`),
  fc.constantFrom('export X=1', 'set -eux', 'echo "$(date)"', 'true', ': ', "echo 'a && b'", 'echo "a \\" b"', 'x=$(( 1 + 2 ))'),
  fc.tuple(fc.constantFrom('make', 'echo', './configure', 'mkdir -p'), fc.array(word, { maxLength: 3 })).map(([c, w]) => [c, ...w].join(' ')),
  fc.constantFrom('if true; then apt-get update; fi', 'for f in a b; do echo $f; done', '( cd /x && make )', '{ echo a; }', 'case $x in a) echo;; esac'),
);

const op = fc.constantFrom(' && ', ' && ', ' || ', '; ', ' | ', ' & ', ';', '&&');
/** Continuation pieces: `\`-newline with indent, optional comment lines inside. */
const cont = fc.record({
  kind: fc.constantFrom('cont', 'cont', 'comment', 'blank', 'trailing-space'),
  indent: fc.constantFrom('', '  ', '    ', '\t'),
});

export interface Ctx {
  esc: string;
  eol: fc.Arbitrary<string>;
}

/** A shell script: commands joined by operators, split across continuation lines. */
function shellScript(ctx: Ctx): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(fc.tuple(shellCommand, op, fc.option(cont, { freq: 2 }), ctx.eol), { minLength: 1, maxLength: 5 }), fc.boolean())
    .map(([parts, trailingOp]) => {
      let s = '';
      parts.forEach(([cmd, o, c, eol], i) => {
        s += cmd;
        if (i === parts.length - 1 && !trailingOp) return;
        s += o;
        if (!c) return;
        if (c.kind === 'comment') s += `${ctx.esc}${eol}${c.indent}# a comment ${ctx.esc}${eol}${c.indent}`;
        else if (c.kind === 'blank') s += `${ctx.esc}${eol}${eol}${c.indent}`;
        else if (c.kind === 'trailing-space') s += `${ctx.esc}  ${eol}${c.indent}`;
        else s += `${ctx.esc}${eol}${c.indent}`;
      });
      return s;
    });
}

const runFlag = fc.constantFrom(
  '--mount=type=cache,target=/var/cache/apt',
  '--mount=type=cache,target=/root/.cache/pip',
  '--network=none',
  '--mount=type=bind,source=.,target=/src',
  '--security=insecure',
  '--mount=type=secret,id=x',
);

function execForm(ctx: Ctx): fc.Arbitrary<string> {
  return fc.oneof(
    shellCommand.map((c) => JSON.stringify(['/bin/sh', '-c', c])),
    shellCommand.map((c) => JSON.stringify(c.split(' '))),
    shellCommand.map((c) => JSON.stringify(['bash', '-lc', c]).replace(/,/g, `,${ctx.esc}\n  `)),
    fc.constantFrom(
      '["apt-get", "install", "-y"',
      '["unterminated',
      '[]',
      '[ "a", ]',
      "['single']",
      '["a" "b"]',
      '["\\u00e9", "\\q"]',
      '[',
      '["sh","-c","apt-get update"]junk',
    ),
  );
}

function heredoc(ctx: Ctx): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('EOF', 'EOT', '"EOF"', "'EOF'", 'END'),
      fc.constantFrom('<<', '<<-'),
      fc.array(shellCommand, { minLength: 0, maxLength: 4 }),
      fc.boolean(),
      ctx.eol,
      fc.constantFrom('', 'cat ', 'bash ', 'python3 '),
      fc.constantFrom('', ' > /f', ' && echo x'),
    )
    .map(([d, o, cmds, terminated, eol, pre, post]) => {
      const name = d.replace(/["']/g, '');
      const body = cmds.map((c) => (o === '<<-' ? `\t${c}` : c)).join(eol);
      return `${pre}${o}${d}${post}${eol}${body}${body ? eol : ''}${terminated ? name : ''}`;
    });
}

function instruction(ctx: Ctx): fc.Arbitrary<string> {
  const flags = fc.array(runFlag, { maxLength: 2 }).map((f) => (f.length ? `${f.join(' ')} ` : ''));
  const kw = (k: string): fc.Arbitrary<string> => fc.constantFrom(k, k.toLowerCase(), k[0] + k.slice(1).toLowerCase());
  const run = fc
    .tuple(
      kw('RUN'),
      flags,
      fc.oneof({ weight: 5, arbitrary: shellScript(ctx) }, { weight: 2, arbitrary: execForm(ctx) }, { weight: 2, arbitrary: heredoc(ctx) }),
    )
    .map(([k, f, b]) => `${k} ${f}${b}`);
  const from = fc
    .tuple(
      kw('FROM'),
      fc.constantFrom('', '--platform=$BUILDPLATFORM '),
      fc.constantFrom(
        'ubuntu:22.04',
        'golang:1.22',
        'node:20',
        'python:3.12',
        'alpine',
        'scratch',
        'builder',
        '${BASE}',
        'rust',
        'maven:3',
        'gcc',
        'debian',
        'gcr.io/distroless/static',
      ),
      fc.constantFrom('', ' AS builder', ' as build', ' AS', ' AS x y'),
    )
    .map(([k, p, i, a]) => `${k} ${p}${i}${a}`);
  const copy = fc
    .tuple(
      fc.constantFrom('COPY', 'ADD', 'copy'),
      fc.constantFrom('', '--from=builder ', '--chown=app:app ', '--chmod=755 ', '--link '),
      fc.constantFrom(
        '. .',
        '. /app',
        'https://example.com/a.tar.gz /tmp/',
        'a.tar.gz /opt/',
        '--from=0 / /',
        '["a b", "/c"]',
        '/app/bin /usr/bin/x',
        '<<EOF /f',
      ),
    )
    .map(([k, f, a]) => `${k} ${f}${a}`);
  const other = fc.constantFrom(
    'ENV PIP_NO_CACHE_DIR=1',
    'ENV A=1 B="two words"',
    'ENV LEGACY value with spaces',
    'ARG VERSION=1.0',
    'ARG BASE=ubuntu',
    'ARG',
    'WORKDIR /app',
    'USER app',
    'CMD ["app"]',
    'CMD app --flag',
    'ENTRYPOINT ["/bin/app"',
    'LABEL a="b" c=d',
    'EXPOSE 8080',
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    'SHELL',
    'HEALTHCHECK CMD curl -f http://x/ || exit 1',
    'STOPSIGNAL SIGTERM',
    'VOLUME /data',
    'MAINTAINER x',
    'FROM',
    'RUN',
    'RUN ',
    'UNKNOWN instr',
    '   ',
    '=',
    '\\',
    '`',
    'RUN \\',
    'ONBUILD',
    'ONBUILD ONBUILD RUN x',
  );
  const base = fc.oneof({ weight: 6, arbitrary: run }, { weight: 2, arbitrary: from }, { weight: 2, arbitrary: copy }, { weight: 2, arbitrary: other });
  const onbuild = base.map((b) => `ONBUILD ${b}`);
  const comment = fc.constantFrom(
    '# a comment',
    '#',
    '  # indented',
    '# dockerfile-slim ignore=DS003,DS004',
    '# hadolint ignore=DL3009',
    '# escape=`',
    '#syntax=docker/dockerfile:1',
  );
  return fc.oneof(
    { weight: 10, arbitrary: base },
    { weight: 1, arbitrary: onbuild },
    { weight: 2, arbitrary: comment },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

const eolSet = fc.constantFrom('\n', '\r\n', '\r');

/** A whole Dockerfile from the grammar. */
export const dockerfile: fc.Arbitrary<string> = fc
  .record({
    bom: fc.boolean(),
    backtick: fc.boolean(),
    mixed: fc.integer({ min: 0, max: 3 }),
    fixedEol: eolSet,
    trailing: fc.boolean(),
  })
  .chain(({ bom, backtick, mixed, fixedEol, trailing }) => {
    const ctx: Ctx = { esc: backtick ? '`' : '\\', eol: mixed === 0 ? eolSet : fc.constant(fixedEol) };
    const header = `${bom ? '\uFEFF' : ''}${backtick ? `# escape=\`${fixedEol}` : ''}`;
    return fc
      .tuple(
        fc.constant('FROM '),
        fc.constantFrom('ubuntu:22.04', 'alpine:3.20', 'golang:1.22 AS builder', 'python:3.12'),
        fc.array(fc.tuple(instruction(ctx), ctx.eol), { minLength: 0, maxLength: 12 }),
      )
      .map(([f, img, body]) => `${header}${f}${img}${fixedEol}${body.map(([i, e]) => i + e).join('')}`)
      .map((t) => (trailing ? t : t.replace(/(\r\n|\r|\n)$/, '')));
  });
