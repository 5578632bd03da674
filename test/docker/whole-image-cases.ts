/**
 * The ten Dockerfiles of the whole-image real-build set (issue 24, docs/whole-image.md): whole-image.test.ts builds
 * them; whole-image-editor.test.ts reuses their recorded sizes (`real`: docker image inspect after the build on
 * local/debian:bookworm, from the run docs/whole-image.md shows) without building again.
 */
const APT = 'apt-get update && apt-get install -y --no-install-recommends';
const CLEAN = 'rm -rf /var/lib/apt/lists/*';

export const CASES: Array<{ name: string; dockerfile: string; files?: Record<string, number>; real?: number }> = [
  { name: 'base-only', dockerfile: 'FROM local/debian:bookworm\nCMD ["true"]\n' },
  { name: 'curl', real: 132_933_891, dockerfile: `FROM local/debian:bookworm\nRUN ${APT} curl ca-certificates && ${CLEAN}\n` },
  { name: 'python3', dockerfile: `FROM local/debian:bookworm\nRUN ${APT} python3 && ${CLEAN}\nWORKDIR /app\nCOPY app.py ./\n`, files: { 'app.py': 2_000 } },
  { name: 'git-recommends', dockerfile: `FROM local/debian:bookworm\nRUN apt-get update && apt-get install -y git && ${CLEAN}\n` },
  { name: 'two-runs', dockerfile: `FROM local/debian:bookworm\nRUN ${APT} procps && ${CLEAN}\nRUN ${APT} less jq && ${CLEAN}\n` },
  {
    name: 'context-copy',
    real: 151_679_735,
    dockerfile: 'FROM local/debian:bookworm\nWORKDIR /srv\nCOPY . .\n',
    files: { 'data/blob.bin': 30_000_000, 'node_modules/x/index.js': 5_000_000, 'src/main.js': 10_000 },
  },
  {
    name: 'multi-stage',
    dockerfile: `FROM local/debian:bookworm AS build\nRUN ${APT} gcc libc6-dev && ${CLEAN}\nRUN echo 'int main(){return 0;}' > m.c && gcc -o /m m.c\n\nFROM local/debian:bookworm\nCOPY --from=build /m /usr/local/bin/m\nRUN ${APT} xz-utils && ${CLEAN}\n`,
  },
  {
    name: 'nginx',
    dockerfile: `FROM local/debian:bookworm\nRUN ${APT} nginx && ${CLEAN}\nCOPY site/ /var/www/html/\n`,
    files: { 'site/index.html': 4_000, 'site/app.js': 800_000 },
  },
  { name: 'build-tools', dockerfile: `FROM local/debian:bookworm\nRUN ${APT} make gcc libc6-dev && ${CLEAN}\nCOPY src/ /src/\n`, files: { 'src/a.c': 3_000 } },
  {
    name: 'perl-openssl',
    dockerfile: `FROM local/debian:bookworm\nRUN ${APT} perl openssl && ${CLEAN}\nRUN useradd -m app\nUSER app\nCOPY --chown=app . /home/app/\n`,
    files: { 'lib/big.dat': 12_000_000 },
  },
];
