/** Random bytes and unicode, and mutations of seed documents (grammar output or real Dockerfiles). */
import fc from 'fast-check';
import { dockerfile } from './dockerfile-arb.js';

/** Random junk: arbitrary unicode (lone surrogates included), bytes decoded as UTF-8 and latin1. */
export const junk: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom('\\', '`', '\n', '\r', '#', ' ', '"', "'", '[', ']', '<', '<<', 'EOF', '$', '(', ')', '&&', 'RUN ', 'FROM x\n', '\t', '\0'),
    maxLength: 200,
  }),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString('latin1')),
);

/** Mutates a seed text (a grammar document or a real Dockerfile) a few times. */
export function mutate(seed: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const m = fc.tuple(
    fc.nat(),
    fc.nat(),
    fc.nat({ max: 9 }),
    fc.oneof(
      junk,
      dockerfile.map((d) => d.slice(0, 200)),
    ),
  );
  return fc.tuple(seed, fc.array(m, { minLength: 1, maxLength: 4 })).map(([text, muts]) => {
    let t = text;
    for (const [a, b, kind, ins] of muts) {
      const i = t.length ? a % (t.length + 1) : 0;
      const j = Math.min(t.length, i + (b % 200));
      if (kind === 0) {
        t = t.slice(0, i) + t.slice(j);
      } // delete
      else if (kind === 1) {
        t = t.slice(0, j) + t.slice(i, j) + t.slice(j);
      } // duplicate
      else if (kind === 2) {
        t = t.slice(0, i) + ins + t.slice(i);
      } // insert
      else if (kind === 3) {
        t = t.slice(0, i);
      } // truncate (unterminated continuation/heredoc)
      else if (kind === 4) {
        t = t.replace(/\r?\n/g, ['\r\n', '\r', '\n'][b % 3] as string);
      } // line endings
      else if (kind === 5) t = t.slice(0, i) + ['\\\n', '`\n', '\\', '\r', '<<EOF\n', '"', "'", '$(', '[', '\uFEFF'][b % 10] + t.slice(i);
      else if (kind === 6) t = t.slice(0, i) + t.slice(i, j).toUpperCase() + t.slice(j);
      else if (kind === 7) t = (b % 2 ? '# escape=`\n' : '\uFEFF') + t;
      else if (kind === 8) {
        t = t.slice(0, 20000).replace(/\n/g, ' \\\n');
      } // continue every line
      else t = t.slice(0, i) + '\n# comment in the middle\n' + t.slice(i);
    }
    return t;
  });
}

/** Everything: grammar, junk, and mutations of the given seeds. */
export function anyInput(seeds: readonly string[]): fc.Arbitrary<string> {
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: dockerfile },
    { weight: 2, arbitrary: junk },
    { weight: 3, arbitrary: mutate(dockerfile) },
  ];
  if (seeds.length) arbs.push({ weight: 3, arbitrary: mutate(fc.constantFrom(...seeds)) });
  return fc.oneof(...arbs);
}
