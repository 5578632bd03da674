/**
 * Long single-stage shapes from issue 17 (hostile repositories): each is linted at n and 8n units,
 * and the time per unit (model and rules), the number of fix edits per unit and the size of the findings
 * (what JSON/SARIF output prints) per unit must not grow like n. A growth-ratio guard, not a timed
 * test: a quadratic rule is ~8x slower per unit at 8n, a linear one ~1x (load moves that by < 4x).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, lintModel } from '../../server/src/engine/index.js';
import { record } from './tally.js';

export const SHAPES: Record<string, (n: number) => string> = {
  'many apt installs (update / install / rm lists)': (n) =>
    'FROM debian\n' + 'RUN apt-get update\nRUN apt-get install -y gcc\nRUN rm -rf /var/lib/apt/lists/*\n'.repeat(n),
  'many cleanups of one file': (n) => 'FROM debian\nRUN curl -o /a http://example.com/a\n' + 'RUN rm -f /a\n'.repeat(3 * n),
  'many chown / chmod runs': (n) =>
    'FROM debian\nCOPY . /app\n' + Array.from({ length: n }, (_, i) => `RUN chown -R u /app\nRUN chmod -R 755 /app\nCOPY x${i} /app/x${i}\n`).join(''),
  'long RUN chains (download, unpack, install)': (n) =>
    'FROM debian\n' +
    Array.from(
      { length: n },
      (_, i) => `RUN cd /src && wget http://example.com/f${i}.tgz && tar xf f${i}.tgz && apt-get install -y p${i} && rm -rf /src/d${i}\n`,
    ).join(''),
  'one RUN with a very long && chain': (n) => `FROM alpine\nRUN ${Array.from({ length: 3 * n }, (_, i) => `apk add p${i} && rm -f /tmp/f${i}`).join(' && ')}\n`,
  'many ADD downloads and deletions': (n) =>
    'FROM alpine\nRUN apk add --no-cache curl\n' +
    Array.from({ length: n }, (_, i) => `ADD http://example.com/a${i}.tgz /tmp/\nRUN rm -f /tmp/a${i}.tgz\n`).join(''),
  'a long FROM chain, each stage installing': (n) =>
    'FROM debian AS s0\n' + Array.from({ length: n }, (_, i) => `FROM s${i} AS s${i + 1}\nRUN apt-get install -y p${i}\n`).join(''),
  'many archives into one system directory, each deleted later': (n) =>
    'FROM debian\n' + Array.from({ length: n }, (_, i) => `ADD a${i}.tar.gz /opt/\nRUN rm -rf /opt/a${i}\n`).join(''),
  'a long FROM chain, each stage downloading and deleting in a later layer (issue 27, reproduction 12: DS002 walked every ancestor)': (n) =>
    'FROM debian AS s0\n' +
    Array.from({ length: n }, (_, i) => `FROM s${i} AS s${i + 1}\nRUN curl -o /a${i} http://example.com/a${i}\nRUN rm -f /a${i} /a0\n`).join(''),
  'doubling ARG/ENV values (issue 27, reproduction 1: 28 lines expanded to 256 M characters)': (n) =>
    'FROM debian\nENV En=1\n' + 'ENV En=${En-1}${En-1}\nARG A=$En$En\n'.repeat(n) + 'RUN echo $En $A > /x\n',
  'many ENV and ARG settings (the model copied its environment at each)': (n) =>
    'FROM debian\n' + Array.from({ length: 3 * n }, (_, i) => `ENV V${i}=x${i}\nARG A${i}=$V${i}\n`).join('') + 'RUN echo $V1 $A2 > /x\n',
};

interface Cost {
  ms: number;
  edits: number;
  chars: number;
}

function cost(text: string, reps: number): Cost {
  let ms = Infinity;
  let edits = 0;
  let chars = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const findings = lintModel(buildModel(text), { dockerignoreExists: false });
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6);
    edits = findings.reduce((s, f) => s + (f.fixDetail?.edits.length ?? 0), 0);
    chars = JSON.stringify(findings.map(({ fixDetail, ...f }) => ({ ...f, edits: fixDetail?.edits }))).length;
  }
  return { ms, edits, chars };
}

export function linearShapeTests(): void {
  const small = Number(process.env.LINEAR_SMALL ?? 150);
  for (const [name, make] of Object.entries(SHAPES)) {
    test(`linear in n: ${name} (${small} and ${8 * small} units)`, () => {
      cost(make(small), 1); // warm-up (JIT)
      const per = (c: Cost, n: number): Cost => ({ ms: c.ms / n, edits: c.edits / n, chars: c.chars / n });
      const measure = (reps: number): Cost[] => [per(cost(make(small), reps), small), per(cost(make(8 * small), reps), 8 * small)];
      let [pa, pb] = measure(3) as [Cost, Cost];
      // A pause on a loaded machine can hit every rep of one size; real growth shows again on a second, longer look.
      if (pb.ms > 4 * Math.max(pa.ms, 0.01)) [pa, pb] = measure(7) as [Cost, Cost];
      record([]);
      console.log(
        `${name}: model and rules ${pa.ms.toFixed(3)} → ${pb.ms.toFixed(3)} ms/unit, edits ${pa.edits.toFixed(1)} → ${pb.edits.toFixed(1)}/unit, output ${pa.chars.toFixed(0)} → ${pb.chars.toFixed(0)} chars/unit`,
      );
      assert.ok(pb.ms <= 4 * Math.max(pa.ms, 0.01), `time per unit grew ${(pb.ms / pa.ms).toFixed(2)}x from n to 8n`);
      assert.ok(pb.edits <= 1.5 * pa.edits + 1, `fix edits per unit grew from ${pa.edits.toFixed(1)} to ${pb.edits.toFixed(1)}`);
      assert.ok(pb.chars <= 1.5 * pa.chars + 50, `output per unit grew from ${pa.chars.toFixed(0)} to ${pb.chars.toFixed(0)} characters`);
    });
  }
}
