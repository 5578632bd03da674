/**
 * `npm run generate`: writes what is generated from rule metadata, docs/rules/ and the `dockerfileSlim.rules`
 * settings schema in package.json (test/unit/registry.test.ts fails while either is stale). Goldens are not
 * touched here: `UPDATE_GOLDEN=1` accepts those.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../server/src/rules/index.js';
import { ruleDoc, rulesIndex, rulesSchema, rulesSetting } from './generate.js';
import { repoRoot } from './paths.js';

interface Pkg {
  contributes: {
    configuration: { properties: Record<string, { properties?: unknown; default?: unknown; markdownDescription?: string; description?: string }> };
  };
}

/** The generated files and their content, by repository-relative path. */
export function generatedFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rules) out.set(`docs/rules/${r.id}.md`, ruleDoc(r));
  out.set('docs/rules/README.md', rulesIndex(rules));
  const pkgFile = path.join(repoRoot, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Pkg;
  const prop = pkg.contributes.configuration.properties['dockerfileSlim.rules'];
  if (!prop) throw new Error('dockerfileSlim.rules missing from package.json');
  const setting = rulesSetting(rules);
  prop.properties = rulesSchema(rules);
  prop.default = setting.default;
  prop.markdownDescription = setting.markdownDescription;
  delete prop.description;
  out.set('package.json', JSON.stringify(pkg, null, 2) + '\n');
  return out;
}

if (require.main === module) {
  for (const [file, content] of generatedFiles()) {
    const abs = path.join(repoRoot, file);
    const old = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined;
    if (old === content) continue;
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    console.log(`generate: wrote ${file}`);
  }
}
