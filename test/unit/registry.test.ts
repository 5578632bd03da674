/** The rule registry's invariants, and generated docs / settings schema kept in sync with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../server/src/engine/index.js';
import { ruleDoc, rulesIndex, rulesSchema, rulesSetting } from '../helpers/generate.js';
import { repoRoot, updateGolden } from '../helpers/paths.js';

test('rule ids are unique, well-formed and in order; names are kebab-case', () => {
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids, [...new Set(ids)].sort());
  for (const r of rules) {
    assert.match(r.id, /^DS\d{3}$/);
    assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const k of ['summary', 'why', 'bad', 'good'] as const) assert.ok(r.docs[k] && r.docs[k] !== 'TODO', `${r.id} docs.${k} missing`);
  }
  assert.equal(rules.length >= 15, true);
});

function syncFile(file: string, content: string): void {
  if (updateGolden) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return;
  }
  assert.ok(fs.existsSync(file), `${path.relative(repoRoot, file)} missing: run UPDATE_GOLDEN=1 npm test`);
  assert.equal(fs.readFileSync(file, 'utf8'), content, `${path.relative(repoRoot, file)} is stale: run UPDATE_GOLDEN=1 npm test`);
}

test('docs/rules are generated from rule metadata', () => {
  const dir = path.join(repoRoot, 'docs', 'rules');
  for (const r of rules) syncFile(path.join(dir, `${r.id}.md`), ruleDoc(r));
  syncFile(path.join(dir, 'README.md'), rulesIndex(rules));
});

test('package.json dockerfileSlim.rules schema is generated from rule metadata', () => {
  const file = path.join(repoRoot, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    contributes: {
      configuration: { properties: Record<string, { properties: unknown; default: unknown; markdownDescription?: string; description?: string }> };
    };
  };
  const prop = pkg.contributes.configuration.properties['dockerfileSlim.rules'];
  assert.ok(prop, 'dockerfileSlim.rules missing from package.json');
  const expected = rulesSchema(rules);
  const setting = rulesSetting(rules);
  if (updateGolden) {
    prop.properties = expected;
    prop.default = setting.default;
    prop.markdownDescription = setting.markdownDescription;
    delete prop.description;
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
    return;
  }
  assert.deepEqual(prop.properties, expected, 'package.json rules schema is stale: run UPDATE_GOLDEN=1 npm test');
  assert.deepEqual(prop.default, setting.default, 'package.json rules default (every rule listed) is stale: run UPDATE_GOLDEN=1 npm test');
  assert.equal(prop.markdownDescription, setting.markdownDescription, 'package.json rules description is stale: run UPDATE_GOLDEN=1 npm test');
});
