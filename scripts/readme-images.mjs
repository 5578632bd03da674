#!/usr/bin/env node
// Checks that every image the README shows is in the packaged VSIX (a relative path, which the installed extension
// and the Marketplace page resolve against the package) or is an absolute https URL; and that every relative link
// points at a file that is packaged too (links to unpackaged docs must be absolute, or they break once installed).
//   node scripts/readme-images.mjs path/to/extension.vsix
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vsix = process.argv[2];
if (!vsix) {
  console.error('usage: node scripts/readme-images.mjs VSIX');
  process.exit(2);
}
// A VSIX is a zip; python3's zipfile lists it without another npm dependency.
const names = new Set(
  execFileSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean),
);
const readme = readFileSync(path.join(repo, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '');
const targets = [];
for (const m of readme.matchAll(/(!?)\[(?:[^\]]|\](?!\())*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push({ image: m[1] === '!', url: m[2] });
for (const m of readme.matchAll(/<img\b[^>]*\bsrc=["']([^"']+)["']/gi)) targets.push({ image: true, url: m[1] });

const problems = [];
let images = 0;
for (const { image, url } of targets) {
  if (image) images++;
  if (url.startsWith('#') || /^mailto:/.test(url)) continue;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    if (!url.startsWith('https://')) problems.push(`${url}: absolute links must be https`);
    continue;
  }
  const file = path.posix.normalize(decodeURI(url.split('#')[0]));
  if (!names.has(`extension/${file}`)) {
    problems.push(`${url}: ${image ? 'image' : 'link'} target not in the VSIX (add it to .vscodeignore, or use an absolute https URL)`);
  }
}
if (images === 0) problems.push('the README shows no image at all');
if (problems.length) {
  console.error(`README links broken in ${vsix}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`README: ${images} images and ${targets.length - images} links, every one packaged or absolute https`);
