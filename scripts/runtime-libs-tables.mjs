// Makes server/src/analysis/package-managers/runtime-libs-tables.ts: each `-dev` package's runtime libraries for the
// releases the extension knows beyond the reviewed bookworm table, computed by runtime-libs.ts's own walk
// (runtimeLibsFromIndex) over each release's real Packages index (amd64; Debian main, Ubuntu main + universe, as the
// cached index holds), downloaded over plain http and believed only once gpgv has verified the InRelease with the
// bundled keyrings and the file's SHA256 matches it. Which `-dev` names: the reviewed bookworm table's, plus every
// `-dev` word in the RUN/ARG/ENV lines of the corpus Dockerfiles that install with apt, where the release has it.
// For bookworm it prints where the walk differs from the reviewed table (which stays as reviewed) and tables only
// the names the reviewed table lacks.
//
//   node scripts/build-tests.mjs && node scripts/runtime-libs-tables.mjs [--corpus DIR] [--cache DIR]
//   node scripts/runtime-libs-tables.mjs --excerpt debian/bullseye libssl-dev libncurses5-dev > excerpt.Packages
//
// --excerpt prints the real paragraphs (trimmed fields) the walk reads for those names: the test fixtures.
// Downloads about 60 MB the first time; the .gz files are kept in --cache (default: the OS temp folder) and reused
// only when the newly verified InRelease still lists them with the same SHA256.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const outModule = (p) => {
  const file = path.join(root, 'out', p);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`node scripts/build-tests.mjs\` first`);
  return require(file);
};
const { releaseOfImage } = outModule('common/src/package-index/release.js');
const { sourceUrls, inReleaseUrl } = outModule('common/src/package-index/store.js');
const { fetchBody, gunzipIndex } = outModule('common/src/package-index/fetch.js');
const { verifySigned, parseRelease, checkListed, keyringFile } = outModule('common/src/package-index/inrelease.js');
const { IndexBuilder, CompactIndex } = outModule('common/src/package-index/compact.js');
const { parseDebianPackages } = outModule('common/src/package-index/deb-parse.js');
const { runtimeLibsFromIndex, BOOKWORM_REVIEWED } = outModule('server/src/analysis/package-managers/runtime-libs.js');

const IMAGES = ['debian:bullseye', 'debian:bookworm', 'debian:trixie', 'ubuntu:jammy', 'ubuntu:noble'];
const OUT = path.join(root, 'server', 'src', 'analysis', 'package-managers', 'runtime-libs-tables.ts');
const DEV_WORD = /^[a-z0-9][a-z0-9+.-]*-(dev|dev-compat|multidev)$/;
const EXCERPT_FIELDS = ['Package', 'Source', 'Version', 'Installed-Size', 'Architecture', 'Provides', 'Pre-Depends', 'Depends', 'Multi-Arch', 'Priority'];

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The release's verified Packages texts, its InRelease Date and the sources. */
async function download(base, cacheDir) {
  const signed = await fetchBody(inReleaseUrl(base), { maxBytes: 1024 * 1024 });
  const release = parseRelease(await verifySigned(signed, keyringFile(base.distro)));
  if (release.codename !== base.codename) throw new Error(`${base.release}: the signed Release is for ${release.codename}`);
  const texts = [];
  const urls = sourceUrls(base);
  for (const url of urls) {
    const name = url.slice(url.indexOf(`/dists/${base.codename}/`) + `/dists/${base.codename}/`.length);
    const cached = path.join(cacheDir, `${base.distro}-${base.codename}-${name.replaceAll('/', '-')}`);
    let body = fs.existsSync(cached) ? fs.readFileSync(cached) : undefined;
    try {
      if (body) checkListed(release, name, body);
    } catch {
      body = undefined;
    }
    if (!body) {
      console.error(`fetching ${url}`);
      body = await fetchBody(url, { maxBytes: release.files.get(name)?.size, deadlineMs: 600_000 });
      checkListed(release, name, body);
      fs.mkdirSync(cacheDir, { recursive: true });
      fs.writeFileSync(cached, body);
    }
    texts.push(gunzipIndex(body, url));
  }
  const b = new IndexBuilder(base.release);
  for (const t of texts) parseDebianPackages(t, b);
  return { index: new CompactIndex(b.serialize(Date.now(), urls, release.date)), texts, date: release.date, urls };
}

/** `-dev` words of the RUN/ARG/ENV instructions of corpus Dockerfiles that install with apt. */
function corpusNames(dir) {
  const names = new Set();
  for (const f of fs.readdirSync(dir).sort()) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\\\r?\n/g, ' ');
    if (!/\bapt(-get)?\s+(\S+\s+)*install\b/.test(text)) continue;
    for (const line of text.split('\n')) {
      if (!/^\s*(RUN|ARG|ENV)\s/i.test(line)) continue;
      for (const w of line.split(/[\s"'=;&|()`,]+/)) if (DEV_WORD.test(w.replace(/:amd64$/, ''))) names.add(w.replace(/:amd64$/, ''));
    }
  }
  return names;
}

const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** The real paragraphs behind the walk for `devs`: the -dev packages single-choice Depends name (transitively), the results. */
function excerpt(text, index, devs) {
  const want = new Set();
  const todo = [...devs];
  while (todo.length) {
    const n = todo.pop();
    if (want.has(n) || !index.get(n)) continue;
    want.add(n);
    for (const clause of index.get(n).depends) if (clause.length === 1 && DEV_WORD.test(clause[0])) todo.push(clause[0]);
  }
  for (const d of devs) for (const l of runtimeLibsFromIndex(d, index) ?? []) want.add(l);
  const out = [];
  for (const para of text.split(/\n\n+/)) {
    const name = /^Package: (\S+)/m.exec(para)?.[1];
    if (!name || !want.has(name)) continue;
    want.delete(name); // first paragraph of a name wins, as in the index
    const lines = para.split('\n').filter((l) => EXCERPT_FIELDS.some((f) => l.startsWith(`${f}:`)));
    out.push(lines.join('\n'));
  }
  return out.join('\n\n') + '\n';
}

async function main() {
  const cacheDir = option('--cache', path.join(os.tmpdir(), 'dockerfile-slim-runtime-libs'));
  const ex = process.argv.indexOf('--excerpt');
  if (ex >= 0) {
    const [release, ...devs] = process.argv.slice(ex + 1);
    const base = IMAGES.map(releaseOfImage).find((b) => b.release === release);
    if (!base || !devs.length) throw new Error('--excerpt RELEASE NAME…, RELEASE one of ' + IMAGES.map((i) => releaseOfImage(i).release).join(', '));
    const { index, texts } = await download(base, cacheDir);
    process.stdout.write(excerpt(texts.join('\n\n'), index, devs));
    return;
  }
  const corpus = option('--corpus', path.join(root, '..', 'shared', 'corpus', 'files'));
  if (!fs.existsSync(corpus)) throw new Error(`no corpus at ${corpus} (--corpus DIR)`);
  const fromCorpus = corpusNames(corpus);
  const names = [...new Set([...Object.keys(BOOKWORM_REVIEWED), ...fromCorpus])].sort();
  console.error(`${names.length} -dev names (${fromCorpus.size} from the corpus)`);
  const tables = {};
  const sources = [];
  const notes = [];
  for (const image of IMAGES) {
    const base = releaseOfImage(image);
    const { index, date, urls } = await download(base, cacheDir);
    const table = {};
    const unsure = [];
    const absent = [];
    for (const dev of names) {
      if (!index.get(dev)) {
        absent.push(dev);
        continue;
      }
      const libs = runtimeLibsFromIndex(dev, index);
      if (libs === undefined) unsure.push(dev);
      else if (base.release !== 'debian/bookworm' || !BOOKWORM_REVIEWED[dev]) table[dev] = libs;
      else if (!same(libs, BOOKWORM_REVIEWED[dev])) {
        console.error(`bookworm: ${dev}: reviewed ${JSON.stringify(BOOKWORM_REVIEWED[dev])}, the index walk ${JSON.stringify(libs)}`);
        notes.push(` * bookworm ${dev}: the reviewed table keeps ${JSON.stringify(BOOKWORM_REVIEWED[dev])}; the walk says ${JSON.stringify(libs)}.`);
      }
    }
    if (base.release === 'debian/bookworm') {
      for (const [dev, libs] of Object.entries(BOOKWORM_REVIEWED)) {
        const missing = libs.filter((l) => !index.get(l));
        if (!missing.length) continue;
        console.error(`bookworm: ${dev}: the reviewed table names ${missing.join(', ')}, which bookworm does not have`);
        notes.push(` * bookworm ${dev}: the reviewed table names ${missing.join(', ')}, which the bookworm index does not have.`);
      }
    }
    tables[base.release] = table;
    const when = date ? new Date(date).toISOString() : 'no Date';
    console.error(`${base.release}: ${Object.keys(table).length} tabled, ${unsure.length} unsure (${unsure.join(' ')}), ${absent.length} not in the release`);
    sources.push(` * ${base.release}: ${Object.keys(table).length} names; InRelease Date ${when}; ${urls.join(', ')}.`);
    if (unsure.length) notes.push(` * ${base.release}, left out (an alternative among libraries, the walk cannot tell): ${unsure.join(', ')}.`);
  }
  const head = [
    '/**',
    ` * Generated by scripts/runtime-libs-tables.mjs on ${new Date().toISOString().slice(0, 10)}: do not edit, run it again (CONTRIBUTING.md).`,
    ' * `-dev` package → the runtime libraries runtime-libs.ts walks to from it (runtimeLibsFromIndex) over the',
    ` * release's verified Packages index, for the reviewed bookworm table's names and the corpus' apt-installed ones (${names.length}),`,
    ' * where the release has them. Bookworm lists only the names its reviewed table (which wins) lacks.',
    ...sources,
    ...notes,
    ' */',
  ];
  const body = `export const GENERATED_TABLES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = ${JSON.stringify(tables, null, 2)};\n`;
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(OUT)) ?? {};
  fs.writeFileSync(OUT, await prettier.format(`${head.join('\n')}\n${body}`, { ...config, filepath: OUT }));
  console.error(`wrote ${path.relative(root, OUT)}`);
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
