/**
 * stageUsage answers from per-stage indexes (linear; issue 17). This checks it against the plain
 * definition — a scan of the stage's later RUNs, every stage built FROM it, and the run-time
 * instructions of its descendants and ancestors — on generated multi-stage files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../../server/src/engine/index.js';
import { stageChain } from '../../server/src/analysis/layer-contents/contents.js';
import { stageUsage, usageWhere } from '../../server/src/analysis/package-managers/stage-usage.js';
import type { Instr, Model, Stage } from '../../server/src/kernel/model.js';

function reference(model: Model, from: Instr): ReturnType<typeof usageWhere> {
  const derived = from.stage ? model.stages.filter((s) => stageChain(s).includes(from.stage as Stage)) : [];
  const chain = stageChain(from.stage);
  return usageWhere(
    model,
    from.onbuild,
    (i) =>
      from.stage === null ? i.stage === null && i.start >= from.start : derived.includes(i.stage as Stage) && (i.stage !== from.stage || i.start >= from.start),
    (i) => (from.stage === null ? i.stage === null : derived.includes(i.stage as Stage) || chain.includes(i.stage as Stage)),
  );
}

const LINES = [
  'RUN apt-get install -y curl',
  'RUN curl -fsSL https://example.com/x -o /x',
  'RUN git clone git@github.com:a/b.git',
  'RUN pip install lxml',
  'RUN pip install -r requirements.txt',
  'RUN npm ci',
  'RUN composer install',
  'RUN go build ./...',
  'RUN CGO_ENABLED=0 go build ./...',
  'RUN make && gcc -o a a.c',
  'RUN unzip a.zip',
  'ONBUILD RUN wget https://example.com/y',
  'ONBUILD RUN xvfb-run true',
  'CMD ["git", "pull"]',
  'ENTRYPOINT ["/usr/bin/unzip"]',
  'HEALTHCHECK CMD curl -f https://localhost/',
  'COPY a /a',
];

test('stageUsage equals the plain scan on 300 generated multi-stage files', () => {
  let seed = 7;
  // High bits: the low bits of this LCG repeat with a short period.
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), (seed >>> 12) % n);
  const commands = ['curl', 'git', 'unzip', 'xvfb-run', 'make', 'pip', 'apt-get', 'wget', 'nothing'];
  let compared = 0;
  for (let doc = 0; doc < 300; doc++) {
    const stages = 1 + rnd(5);
    let text = rnd(4) === 0 ? 'ARG V=1\n' : '';
    for (let s = 0; s < stages; s++) {
      const base = s > 0 && rnd(2) === 0 ? `s${rnd(s)}` : 'debian';
      text += `FROM ${base} AS s${s}\n`;
      for (let k = rnd(5); k > 0; k--) text += `${LINES[rnd(LINES.length)]}\n`;
    }
    const model = buildModel(text);
    for (const instr of model.instrs) {
      const got = stageUsage(model, instr);
      const want = reference(model, instr);
      for (const f of ['tls', 'ssh', 'pipInstall', 'pipBuild', 'npmInstall', 'composer', 'cgo', 'compile'] as const) {
        assert.equal(got[f], want[f], `${f} at line ${instr.line + 1} of:\n${text}`);
      }
      for (const c of commands) assert.equal(got.commands.has(c), want.commands.has(c), `command ${c} at line ${instr.line + 1} of:\n${text}`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `compared ${compared} instructions`);
});
