/** Bounded CodeLens work (issue 17): a size cap checked before parsing, and wasted bytes computed once per build. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finalStage, readImageArchive, type SavedImage } from '../../common/src/image-layers/index.js';
import { LENS_MAX_CHARS, tooLargeForLenses, WasteCache } from '../../client/src/lens-budget.js';
import { chunked, dockerSaveLegacy } from './layers-tar-helper.js';

const DOCKERFILE = ['FROM local/busybox', 'RUN mkdir -p /opt && echo fill', 'RUN rm -rf /opt/big'].join('\n');

async function image(): Promise<SavedImage> {
  return readImageArchive(
    chunked(
      dockerSaveLegacy({
        layers: [[{ name: 'bin/sh', data: Buffer.alloc(100) }], [{ name: 'opt/big', data: Buffer.alloc(5000) }], [{ name: 'opt/.wh.big', data: '' }]],
        history: [
          { created_by: '' },
          { created_by: 'RUN /bin/sh -c mkdir -p /opt && echo fill # buildkit' },
          { created_by: 'RUN /bin/sh -c rm -rf /opt/big # buildkit' },
        ],
      }),
    ),
  );
}

test('size cap: a 5 MB or 100,000-line file is refused by a cheap check, without a parse', () => {
  const huge = `FROM alpine\n${'RUN true\n'.repeat(600_000)}`;
  const started = Date.now();
  assert.equal(tooLargeForLenses(huge), true);
  assert.equal(tooLargeForLenses('\n'.repeat(100_000)), true);
  assert.ok(Date.now() - started < 2000, 'the check does not parse');
  assert.equal(tooLargeForLenses('x'.repeat(LENS_MAX_CHARS + 1)), true);
  assert.equal(tooLargeForLenses(DOCKERFILE), false);
});

test('waste: computed once per image and document, whatever is typed; lines follow their instructions', async () => {
  const saved = await image();
  const cache = new WasteCache();
  const first = cache.get('sha256:a', 'file:///D', DOCKERFILE, finalStage(DOCKERFILE), saved);
  assert.ok(first.ok);
  const run = first.waste.find((w) => w.line === 2);
  assert.equal(run?.wastedBytes, 5000);
  assert.deepEqual(run?.removedAt, [{ line: 3, bytes: 5000 }]);
  // Typing: a comment above, and an edit of the removing line.
  let text = DOCKERFILE;
  for (const edit of ['# a', '# ab', '# abc']) {
    text = DOCKERFILE.replace('RUN mkdir', `${edit}\nRUN mkdir`);
    const r = cache.get('sha256:a', 'file:///D', text, finalStage(text), saved);
    assert.ok(r.ok);
    assert.equal(r.waste.find((w) => w.wastedBytes > 0)?.line, 3, 'moved down with its instruction');
    assert.deepEqual(r.waste.find((w) => w.line === 3)?.removedAt, [{ line: 4, bytes: 5000 }]);
  }
  const edited = text.replace('rm -rf /opt/big', 'rm -rf /opt/big /tmp');
  const r = cache.get('sha256:a', 'file:///D', edited, finalStage(edited), saved);
  assert.ok(r.ok);
  assert.deepEqual(r.waste.find((w) => w.line === 3)?.removedAt, [{ line: undefined, bytes: 5000 }], 'the remover was edited: no line');
  assert.equal(cache.computations, 1, 'once per build, not per keystroke');
  cache.get('sha256:b', 'file:///D', DOCKERFILE, finalStage(DOCKERFILE), saved);
  assert.equal(cache.computations, 2, 'a new build computes again');
});

test('waste: an image that makes attribution throw becomes an error result, not an exception', async () => {
  const saved = await image();
  const broken = { ...saved, layers: null } as unknown as SavedImage;
  const r = new WasteCache().get('sha256:c', 'file:///D', DOCKERFILE, finalStage(DOCKERFILE), broken);
  assert.equal(r.ok, false);
});
