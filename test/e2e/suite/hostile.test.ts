import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openFixture, revertAll, ruleOf, waitForDiagnostics, waitForRule } from '../support/vscode-helpers';

/** The longest pause of this (the extension host's) event loop while `work` runs, by a 10 ms interval. */
async function longestPause<T>(work: () => Promise<T>): Promise<{ value: T; pauseMs: number }> {
  let last = performance.now();
  let pauseMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    pauseMs = Math.max(pauseMs, now - last);
    last = now;
  }, 10);
  try {
    return { value: await work(), pauseMs };
  } finally {
    clearInterval(timer);
  }
}

describe('hostile input (issue 27)', () => {
  after(revertAll);

  it('reproduction 1 (extension host): the 694-byte doubling-ENV Dockerfile: diagnostics arrive, and the extension host never stops', async () => {
    // Warm up first (activation and the server's start pause the host on their own, hostile file or not).
    const warm = await openFixture('alpine/Dockerfile');
    await waitForRule(warm.document.uri, 'DS005');
    const { pauseMs } = await longestPause(async () => {
      const editor = await openFixture('hostile/Dockerfile');
      assert.ok(editor.document.getText().length < 800);
      await waitForRule(editor.document.uri, 'DS005');
      // One more doubling line (it made the CLI exit with `Invalid string length` before): linted again.
      const ok = await editor.edit((b) => b.insert(new vscode.Position(2, 0), 'ENV En=${En-1}${En-1}\nRUN apk add git\n'));
      assert.ok(ok);
      const lines = (ds: vscode.Diagnostic[]): number[] => ds.filter((d) => ruleOf(d) === 'DS005').map((d) => d.range.start.line);
      await waitForDiagnostics(editor.document.uri, (ds) => lines(ds).includes(3), 'DS005 on the inserted `RUN apk add git` (line 4)');
      // Another document is not held up behind it.
      const other = await openFixture('debian/Dockerfile');
      await waitForRule(other.document.uri, 'DS003');
    });
    // It stopped every extension for 21-27 s (3.2-5.8 GB) before.
    console.log(`hostile input: the extension host's longest pause was ${pauseMs.toFixed(0)} ms`);
    assert.ok(pauseMs < 2000, `the extension host paused for ${pauseMs.toFixed(0)} ms`);
  });
});
