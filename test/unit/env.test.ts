/** The layered ARG/ENV map (kernel/env.ts) answers like a copied Map at every step, also when stages branch from one environment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Env } from '../../server/src/kernel/env.js';

test('Env equals a copied Map after any sequence of settings, on every branch', () => {
  const step = fc.tuple(fc.nat({ max: 3 }), fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), fc.string({ maxLength: 3 })), { maxLength: 4 }));
  fc.assert(
    fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
      const envs: Env[] = [Env.EMPTY];
      const maps: Map<string, string>[] = [new Map()];
      for (const [from, sets] of steps) {
        const k = from % envs.length; // extend an earlier environment: a stage built FROM another
        const env = (envs[k] as Env).extend((d) => sets.forEach(([n, v]) => d.set(n, v)));
        const map = new Map(maps[k]);
        sets.forEach(([n, v]) => map.set(n, v));
        envs.push(env);
        maps.push(map);
      }
      envs.forEach((e, i) => {
        const m = maps[i] as Map<string, string>;
        assert.deepEqual([...e].sort(), [...m].sort());
        assert.equal(e.size, m.size);
        for (const n of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) assert.equal(e.get(n), m.get(n), n);
      });
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('a draft reads its own settings first, then the environment it extends', () => {
  const base = Env.EMPTY.extend((d) => d.set('A', '1'));
  let seen: string | undefined;
  const next = base.extend((d) => {
    d.set('A', '2');
    seen = d.get('A');
  });
  assert.equal(seen, '2');
  assert.equal(base.get('A'), '1');
  assert.equal(next.get('A'), '2');
});
