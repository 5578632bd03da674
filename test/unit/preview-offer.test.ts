/** "Apply safe fixes without the preview next time?" is asked at the third Optimize through the preview, not the first. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK_AT_USE, CHOICE_KEY, countPreviewUse, recordPreviewChoice, USES_KEY } from '../../client/src/preview-offer.js';

/** globalState as VS Code keeps it: values by key, kept across calls. */
function memento(): { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void>; values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => {
      values.set(key, value);
    },
  };
}

test('not asked at the first or second use; asked at the third', async () => {
  const m = memento();
  const asked: boolean[] = [];
  for (let i = 0; i < ASK_AT_USE; i++) asked.push(await countPreviewUse(m));
  assert.equal(ASK_AT_USE, 3);
  assert.deepEqual(asked, [false, false, true]);
  assert.equal(m.values.get(USES_KEY), 3, 'the count is remembered in the memento');
});

test('unanswered: asked again only every tenth use after that', async () => {
  const m = memento();
  const askedAt: number[] = [];
  for (let use = 1; use <= 30; use++) if (await countPreviewUse(m)) askedAt.push(use);
  assert.deepEqual(askedAt, [3, 13, 23]);
});

test('answered: never asked again, and the count stops', async () => {
  const m = memento();
  await countPreviewUse(m);
  await countPreviewUse(m);
  await recordPreviewChoice(m);
  assert.equal(m.values.get(CHOICE_KEY), true);
  for (let i = 0; i < 20; i++) assert.equal(await countPreviewUse(m), false);
  assert.equal(m.values.get(USES_KEY), 2);
});
