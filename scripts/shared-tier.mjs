#!/usr/bin/env node
// Runs the npm scripts named on the command line (the tiers that need ../shared: the real-world corpus and
// hadolint's oracle cases, which only CI has). On a fresh clone without ../shared it prints ONE notice naming the
// folder and succeeds; with DOCKERFILE_SLIM_REQUIRE_SHARED=1 (set by .ci/run) a missing folder fails instead.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(repo, '..', 'shared');
const needed = ['corpus', 'oracle'].map((d) => path.join(shared, d));
const absent = needed.filter((d) => !existsSync(d));
const tiers = process.argv.slice(2);

if (absent.length) {
  if (process.env.DOCKERFILE_SLIM_REQUIRE_SHARED === '1') {
    console.error(`error: ${absent.join(', ')} missing, and DOCKERFILE_SLIM_REQUIRE_SHARED=1 says the ${tiers.join(', ')} tier(s) must run`);
    process.exit(1);
  }
  console.log(
    `NOTICE: skipping ${tiers.join(', ')}: ${shared} is not beside this checkout (it holds the corpus and oracle data only CI has). CI runs these tiers.`,
  );
  process.exit(0);
}
for (const tier of tiers) {
  const r = spawnSync('npm', ['run', tier], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
