/**
 * DS010's conversions on shapes found in public Dockerfiles nobody here wrote (docs/real-builds-third-party.md): each
 * test names the file and what went wrong when it was built with the real dockerd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convert, leftToOthers } from './multi-stage-helpers.js';

const PY = 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n';

test('a RUN that only makes the WORKDIR (`RUN mkdir /app` then `WORKDIR /app`) is not repeated in the runtime stage', () => {
  // Found converting real Dockerfiles (a Lua build from lua.org): repeated after the runtime's WORKDIR, `mkdir /build`
  // failed the build with "File exists" (real dockerd, test-CA bookworm). Node and Python conversions had the same bug.
  const runtime = (t: string): string => t.slice(t.lastIndexOf('\nFROM '));
  const CMD = 'CMD ["python", "app.py"]\n';
  const c = convert(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nRUN mkdir /build\nWORKDIR /build\nCOPY . .\nRUN ./configure && make && make install\nCMD ["hello"]\n',
  );
  assert.match(c, /RUN mkdir \/build\nWORKDIR \/build\n/, 'the builder keeps it');
  assert.doesNotMatch(runtime(c), /mkdir/);
  assert.doesNotMatch(
    runtime(
      convert('FROM node:20\nRUN mkdir /app\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\nCMD ["node", "dist/index.js"]\n'),
    ),
    /mkdir/,
  );
  assert.doesNotMatch(runtime(convert(PY.replace('WORKDIR /app', 'RUN mkdir -p /home/app\nWORKDIR /home/app/src') + CMD)), /mkdir/);
  assert.doesNotMatch(runtime(convert(`FROM python:3.12\nRUN mkdir /app\n${PY.slice('FROM python:3.12\n'.length)}${CMD}`)), /mkdir/);
  // A directory no WORKDIR makes, or one made beside a user, is still made in the runtime stage.
  assert.match(runtime(convert(`FROM python:3.12\nRUN mkdir /data\n${PY.slice('FROM python:3.12\n'.length)}${CMD}`)), /\nRUN mkdir \/data\n/);
  assert.match(
    runtime(convert(`FROM python:3.12\nRUN useradd app && mkdir -p /app && chown app /app\n${PY.slice('FROM python:3.12\n'.length)}USER app\n${CMD}`)),
    /\nRUN useradd app && mkdir -p \/app && chown app \/app\nWORKDIR \/app\nUSER app\n/,
  );
});

test('a WORKDIR after a repeated user RUN stays after it in the runtime stage (the home directory stays the user’s)', () => {
  // Found converting a real memcached Dockerfile (`RUN useradd -ms /bin/bash memcached`, `USER memcached`,
  // `WORKDIR /home/memcached`): with the WORKDIR first, /home/memcached was root's and the user could not write there.
  const out = convert(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /src\nRUN cd /src && ./configure && make && make install\nRUN useradd -ms /bin/bash app\nUSER app\nWORKDIR /home/app\nCMD ["app"]\n',
  );
  assert.match(out, /\nRUN ldconfig\nRUN useradd -ms \/bin\/bash app\nWORKDIR \/home\/app\nUSER app\nCMD \["app"\]\n$/);
  // A WORKDIR before the user RUN keeps its place up front.
  const py = convert(
    'FROM python:3.12\nWORKDIR /app\nRUN useradd app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nUSER app\nCMD ["python", "app.py"]\n',
  );
  assert.match(py, /FROM python:3\.12-slim\n[^]*WORKDIR \/app\n[^]*\nRUN useradd app\nUSER app\n/);
});

test('C/C++: commands that only set shell variables (`DEBIAN_FRONTEND=noninteractive && apt-get …`) are followed', () => {
  // Found on a real memcached Dockerfile: the bare assignment was taken for a wrapper and the conversion refused.
  const out = convert(
    'FROM debian:bookworm\nRUN DEBIAN_FRONTEND=noninteractive && apt-get update && apt-get install -y build-essential libevent-dev \\\n    && V=1.6.18 && cd /tmp/memcached-$V && ./configure && make && make install\nCMD ["memcached"]\n',
  );
  assert.match(out, /RUN DEBIAN_FRONTEND=noninteractive && apt-get update [^]* && make && make DESTDIR=\/out install\n/);
  assert.match(out, /--no-install-recommends libevent-2\.1-7 /);
  leftToOthers(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /s\nRUN cd /s && DESTDIR=/pkg && make && make install\nCMD ["app"]\n',
    'a DESTDIR of its own',
  );
  // A command moved to the runtime stage could read a variable that only the builder's shell had.
  leftToOthers(
    'FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential\nCOPY . /s\nRUN cd /s && B=/usr/local/bin && make && make install && ln -s /usr/local/bin/app /usr/bin/app\nCMD ["app"]\n',
    'a bare assignment beside a moved command',
  );
});
