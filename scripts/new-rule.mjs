#!/usr/bin/env node
// @ts-check
// Scaffolds a rule: `npm run new-rule -- <kebab-name> "<one-line summary>"`.
// Writes server/src/rules/<name>.ts (id = the next free DSxxx), registers it in server/src/rules/index.ts,
// and writes the fixture test/fixtures/rules/<id>.Dockerfile. Then fill in check(), the docs and the
// fixture, run `npm run generate` (docs/rules/<id>.md and the settings schema in package.json) and
// `UPDATE_GOLDEN=1 npm run test:unit` (the golden), and review what they wrote.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RULES = path.join(REPO, 'server/src/rules');
const INDEX = path.join(RULES, 'index.ts');

/** @param {string} msg */
function die(msg) {
  console.error(`new-rule: ${msg}`);
  process.exit(2);
}

const [name, summary = 'TODO: what is wrong, in one line'] = process.argv.slice(2);
if (!name || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) die('usage: npm run new-rule -- <kebab-case-name> "<summary>"');
const file = path.join(RULES, `${name}.ts`);
if (fs.existsSync(file)) die(`${path.relative(REPO, file)} exists already`);

const index = fs.readFileSync(INDEX, 'utf8');
const ids = [
  ...fs
    .readdirSync(RULES)
    .map((f) => fs.readFileSync(path.join(RULES, f), 'utf8'))
    .join('\n')
    .matchAll(/\bid: '(DS\d{3})'/g),
].map((m) => Number(m[1]?.slice(2)));
const id = `DS${String(Math.max(0, ...ids) + 1).padStart(3, '0')}`;
const symbol = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

fs.writeFileSync(
  file,
  `import { defineRule } from '../kernel/rule.js';
import { callRange, runViews } from '../analysis/run-views.js';

export default defineRule({
  id: '${id}',
  name: '${name}',
  severity: 'warning',
  stageAware: true,
  fixable: 'none',
  docs: {
    summary: ${JSON.stringify(summary)},
    why: 'TODO: why it costs bytes.',
    bad: 'RUN TODO',
    good: 'RUN TODO',
  },
  check(ctx) {
    for (const { instr, run, calls } of runViews(ctx.model)) {
      for (const call of calls) {
        if (call.name !== 'TODO') continue;
        ctx.report({ instr, ...callRange(run, call), message: 'TODO: what is wrong here and what to do.' });
      }
    }
  },
});
`,
);

const lastImport = [...index.matchAll(/^import .* from '\.\/[a-z0-9-]+\.js';$/gm)].pop();
const arrayEnd = index.lastIndexOf('];');
if (!lastImport || lastImport.index === undefined || arrayEnd < 0) die(`cannot find where to register the rule in ${INDEX}`);
const afterImport = lastImport.index + lastImport[0].length;
const registered =
  index.slice(0, afterImport) + `\nimport ${symbol} from './${name}.js';` + index.slice(afterImport, arrayEnd) + `  ${symbol},\n` + index.slice(arrayEnd);
fs.writeFileSync(INDEX, registered);

const fixture = path.join(REPO, 'test/fixtures/rules', `${id}.Dockerfile`);
fs.writeFileSync(fixture, `FROM debian:bookworm-slim\n# expect: ${id}\nRUN TODO\n\n# OK: cases that must not fire\nRUN true\n`);

console.log(`${id} ${name}:
  ${path.relative(REPO, file)}        the rule: fill in check() and docs
  ${path.relative(REPO, INDEX)}       registered
  ${path.relative(REPO, fixture)}   flagged cases under \`# expect: ${id}\`, then OK cases
Next: npm run generate && UPDATE_GOLDEN=1 npm run test:unit, then review test/fixtures/rules/${id}.golden, docs/rules/${id}.md and package.json.`);
