/**
 * The fast scanner (kernel/scan.ts) gives the model dockerfile-ast gives, on generated, mutated and random input.
 * Registered by the unit tier (test/unit/scan.test.ts) and, scaled, by the corpus tier (test/corpus/properties.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { buildModel, parseDockerfile, type Model } from '../../server/src/kernel/model.js';
import { anyInput } from '../helpers/dockerfile-mutate.js';
import { propertyRuns, sharedDir } from '../helpers/paths.js';

function view(m: Model): unknown {
  return {
    escape: m.escape,
    instrs: m.instrs.map((i) => ({
      keyword: i.keyword,
      start: i.start,
      end: i.end,
      line: i.line,
      endLine: i.endLine,
      args: i.args,
      argsStart: i.argsStart,
      onbuild: i.onbuild,
      stage: i.stage?.index ?? null,
      env: [...i.env],
      shell: i.shell,
      run: i.run && { form: i.run.form, commands: i.run.script.commands.length },
    })),
    stages: m.stages.map((s) => ({ name: s.name, image: s.image, parent: s.parent?.index ?? null, final: s.final, shipped: s.shipped })),
  };
}

/** The scanner's model, the library's model, and whether the scanner read the file itself. */
export function both(text: string): { fast: unknown; lib: unknown; scanned: boolean } {
  const fastModel = buildModel(text);
  return { fast: view(fastModel), lib: view(buildModel(text, parseDockerfile(text))), scanned: fastModel.instrs.every((i) => !i.ast) };
}

const corpusDir = path.join(sharedDir, 'corpus', 'files');
const corpus = fs.existsSync(corpusDir) ? fs.readdirSync(corpusDir).map((f) => fs.readFileSync(path.join(corpusDir, f), 'utf8')) : [];

test('scanner = dockerfile-ast on generated, mutated and random input', () => {
  fc.assert(
    fc.property(anyInput(corpus.slice(0, 60)), (text) => {
      const r = both(text);
      assert.deepEqual(r.fast, r.lib);
    }),
    { numRuns: propertyRuns(750), seed: 1414 },
  );
});
