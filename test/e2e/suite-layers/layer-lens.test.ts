// Layer-size CodeLens against a real dockerd: prepare.sh built dockerfile-slim-e2e/layers:latest from the
// copied workspace-layers fixture; .vscode/settings.json maps its Dockerfile to that tag. The tests run in
// order: sizes and waste, stale marking while editing, the image removed, then Build and Measure rebuilds it.
import * as assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openFixture, revertAll } from '../support/vscode-helpers';
import {
  bytesPerLine,
  describeLenses,
  docker,
  history,
  human,
  lensAt,
  loadExpectations,
  matchesAll,
  NotificationSpy,
  readLenses,
  waitForLenses,
  wasteOf,
  type Lens,
} from './lens-support';

const DOCKERFILE = 'Dockerfile';
const exp = loadExpectations();
const spy = new NotificationSpy();
/** Bytes per line of the image prepare.sh built (the first measurement in the size history), read before it is removed. */
let lastMeasured = new Map<number, number>();

/** Replaces `from` with `to` in the open document (unsaved), and checks the edit landed. */
async function replaceInDoc(editor: vscode.TextEditor, from: string, to: string): Promise<void> {
  const doc = editor.document;
  const at = doc.getText().indexOf(from);
  assert.ok(at >= 0, `${from} not found in the Dockerfile`);
  const range = new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length));
  assert.ok(await editor.edit((b) => b.replace(range, to)), `edit ${from} -> ${to} failed`);
  assert.ok(doc.getText().includes(to));
}

/** Every size lens shows exactly the bytes `docker history` of `image` reports for its line. */
async function assertSizesMatchHistory(lenses: readonly Lens[], text: string, image: string): Promise<Map<number, number>> {
  const perLine = bytesPerLine(text, await history(image));
  for (const [line, bytes] of perLine) {
    if (bytes === 0 && exp.hiddenLines.includes(line)) continue; // no lens on an instruction that makes no layer
    const title = lensAt(lenses, line).title;
    assert.ok(title.startsWith(human(bytes)), `line ${line}: "${title}" should start with ${human(bytes)} (${bytes} bytes per docker history of ${image})`);
  }
  return perLine;
}

describe('layer-size CodeLens (real dockerd)', () => {
  before(async () => {
    await docker(['image', 'inspect', exp.image]); // prepare.sh must have built it
    spy.install();
    // The spy must see the extension's own popups: without an open Dockerfile, Build and Measure says so.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('dockerfileSlim.buildAndMeasure');
    assert.ok(
      spy.shown.some((n) => n.level === 'info' && /open a Dockerfile/.test(n.message)),
      `the notification spy did not see the extension's message: ${JSON.stringify(spy.shown)}`,
    );
    spy.clear();
  });
  afterEach(revertAll);
  after(() => spy.dispose());

  it("shows each line's size from the build, matching expectations.json and docker history", async () => {
    const editor = await openFixture(DOCKERFILE);
    const uri = editor.document.uri;
    const lenses = await waitForLenses(uri, (ls) => matchesAll(ls, exp.lenses), 'all layer lenses (sizes and waste)');
    console.log(`[e2e] lenses:\n${describeLenses(lenses)}`);

    for (const e of exp.lenses) {
      const lens = lensAt(lenses, e.line);
      assert.match(lens.title, new RegExp(e.title), `line ${e.line}`);
      if (e.command) assert.equal(lens.command, e.command, `line ${e.line} command`);
      if (e.tooltipIncludes) assert.ok(lens.tooltip.includes(e.tooltipIncludes), `line ${e.line} tooltip:\n${lens.tooltip}`);
    }
    assert.equal(lenses.length, exp.lenses.length, `one lens per final-stage line, nothing else:\n${describeLenses(lenses)}`);
    assert.ok(!lenses.some((l) => exp.hiddenLines.includes(l.line)), `no lens on instructions that make no layer:\n${describeLenses(lenses)}`);
    // The setting brings them back (0 B).
    const cfg = vscode.workspace.getConfiguration('dockerfileSlim', uri);
    await cfg.update('layers.showEmptyLayers', true, vscode.ConfigurationTarget.Workspace);
    try {
      const all = await waitForLenses(
        uri,
        (ls) => exp.hiddenLines.every((n) => /^0 B$/.test(ls.find((l) => l.line === n)?.title ?? '')),
        'empty-layer lenses with the setting on',
      );
      assert.equal(all.length, exp.lenses.length + exp.hiddenLines.length);
    } finally {
      await cfg.update('layers.showEmptyLayers', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForLenses(uri, (ls) => ls.length === exp.lenses.length, 'empty-layer lenses hidden again');

    const perLine = await assertSizesMatchHistory(lenses, editor.document.getText(), exp.image);
    // The base image row(s) add up to the base image itself.
    const base = Number((await docker(['image', 'inspect', '-f', '{{.Size}}', 'local/busybox:latest'])).trim());
    assert.equal(perLine.get(1), base, 'FROM line bytes = docker image inspect local/busybox .Size');
    // And the lines add up to the whole image.
    const total = Number((await docker(['image', 'inspect', '-f', '{{.Size}}', exp.image])).trim());
    assert.equal(
      [...perLine.values()].reduce((a, b) => a + b, 0),
      total,
      'the lines add up to the image size',
    );

    // "removed later": line 3 ships 20 MiB of toolchain.bin plus /etc/apk/world, and line 4 deletes both.
    const l3 = lensAt(lenses, 3);
    const w3 = wasteOf(l3);
    assert.ok(w3, 'line 3 lens carries its waste figures');
    assert.equal(w3.wastedBytes, perLine.get(3), "all of line 3's layer is removed later (bytes from docker history)");
    assert.ok(w3.wastedBytes >= 20 * 1024 * 1024, 'at least the dd count=20 bs=1M file');
    assert.deepEqual(
      w3.removedAt.map((r) => r.line),
      [4],
    );
    assert.ok(l3.title.endsWith(`· ${human(w3.wastedBytes)} removed later at line 4`), l3.title);
    const top = w3.topFiles[0];
    assert.ok(top && top.path === 'usr/lib/build-deps/toolchain.bin' && top.bytes === 20 * 1024 * 1024, JSON.stringify(w3.topFiles));
    assert.match(l3.tooltip, /21\.0 MB\s+\/usr\/lib\/build-deps\/toolchain\.bin/);
    // line 2's /etc/apk/world ("base\n") is overwritten by line 3's append.
    const w2 = wasteOf(lensAt(lenses, 2));
    assert.ok(w2 && w2.wastedBytes === perLine.get(2) && w2.wastedBytes === 5, JSON.stringify(w2));
    for (const line of [4, 5]) {
      assert.equal(wasteOf(lensAt(lenses, line))?.wastedBytes ?? 0, 0, `line ${line} wastes nothing`);
    }
    assert.deepEqual(spy.shown, [], 'no notifications while reading the image');
  });

  it('marks an edited line as stale (≈, "edited since the build") while the others keep their sizes', async () => {
    const editor = await openFixture(DOCKERFILE);
    const uri = editor.document.uri;
    await waitForLenses(uri, (ls) => matchesAll(ls, exp.lenses), 'lenses before the edit');
    await replaceInDoc(editor, 'count=20', 'count=30');
    const lenses = await waitForLenses(uri, (ls) => matchesAll(ls, exp.afterEdit.lenses), 'the stale marker on line 3');
    console.log(`[e2e] lenses after the edit:\n${describeLenses(lenses)}`);
    assert.ok(!lensAt(lenses, 3).title.includes('removed later'), 'a stale line claims no waste');
    // (line 2's waste was replaced by the edited line 3, which has no line number in the build any more)
    for (const e of exp.lenses.filter((x) => x.line < 2)) {
      assert.match(lensAt(lenses, e.line).title, new RegExp(e.title), `line ${e.line}, before the edit, is unaffected`);
    }
    // Every layer after the edited one loses its build cache: marked, not claimed as measured.
    for (const e of exp.lenses.filter((x) => x.line > 3)) {
      assert.match(lensAt(lenses, e.line).title, /^≈ .*\(will be rebuilt\)$/, `line ${e.line} will be rebuilt`);
    }
    assert.ok(editor.document.isDirty, 'the edit was not saved (the lens reacts to the buffer)');
  });

  it('says quietly that the image is gone after docker rmi + Refresh Layers, with no notification', async () => {
    const editor = await openFixture(DOCKERFILE);
    const uri = editor.document.uri;
    await waitForLenses(uri, (ls) => matchesAll(ls, exp.lenses), 'lenses before removing the image');
    spy.clear();
    lastMeasured = bytesPerLine(editor.document.getText(), await history(exp.image)); // stays in the size history
    await docker(['rmi', exp.image]);
    await assert.rejects(docker(['image', 'inspect', exp.image]), 'the image should be gone');
    await vscode.commands.executeCommand('dockerfileSlim.refreshLayers');
    const want = exp.imageMissing.lenses;
    const lenses = await waitForLenses(uri, (ls) => ls.length === want.length && matchesAll(ls, want), 'the quiet "image is gone" lens');
    console.log(`[e2e] lenses without the image:\n${describeLenses(lenses)}`);
    for (const e of want) {
      const lens = lensAt(lenses, e.line);
      if (e.command) assert.equal(lens.command, e.command);
    }
    // The lens stays put on re-reads (no flapping back to sizes or a spinner).
    assert.deepEqual(await readLenses(uri), lenses);
    if (exp.imageMissing.noErrorNotifications) assert.deepEqual(spy.shown, [], 'no popups for a missing image');
  });

  it('Build and Measure builds with the real dockerd and the lenses follow the new image id', async () => {
    const editor = await openFixture(DOCKERFILE);
    const uri = editor.document.uri;
    spy.clear();
    const bytesBefore = lastMeasured;
    // Build something different from what prepare.sh built, so the sizes can only come from this build.
    await replaceInDoc(editor, 'count=20', 'count=30');
    const id = await vscode.commands.executeCommand<string | undefined>('dockerfileSlim.buildAndMeasure', uri);
    assert.deepEqual(
      spy.shown.filter((n) => n.level !== 'info'),
      [],
      'the build reported no failure',
    );
    assert.ok(id && /^sha256:[0-9a-f]{64}$/.test(id), `buildAndMeasure should return the image id, got ${id}`);
    assert.equal(editor.document.isDirty, false, 'Build and Measure saves the Dockerfile first');
    assert.equal((await docker(['image', 'inspect', '-f', '{{.Id}}', exp.image])).trim(), id, 'the tag from dockerfileSlim.build.tag points at it');

    const rows = await history(id);
    const mib30 = 30 * 1024 * 1024;
    // Size history: the prepare.sh image was measured first, so line 3 says how much it grew since then.
    const grew = (bytesPerLine(editor.document.getText(), rows).get(3) ?? 0) - (bytesBefore.get(3) ?? 0);
    assert.ok(grew >= 10 * 1024 * 1024, `line 3 grew by ${grew}`);
    const line3 = `^${human(bytesPerLine(editor.document.getText(), rows).get(3) ?? 0).replace('.', '\\.')} \\(\\+${human(grew).replace('.', '\\.')} since last build\\) · `;
    const lenses = await waitForLenses(
      uri,
      (ls) => ls.length === 5 && matchesAll(ls, [{ line: 3, title: `${line3}.* removed later at line 4$` }]),
      'lenses for the newly built image',
    );
    console.log(`[e2e] lenses after Build and Measure:\n${describeLenses(lenses)}`);
    const perLine = await assertSizesMatchHistory(lenses, editor.document.getText(), id);
    assert.ok((perLine.get(3) ?? 0) >= mib30, 'line 3 now holds the 30 MiB file');
    assert.equal(wasteOf(lensAt(lenses, 3))?.wastedBytes, perLine.get(3));
    // CMD (line 6) makes no layer, so it has no lens.
    for (const line of [1, 2, 4, 5]) assert.doesNotMatch(lensAt(lenses, line).title, /since last build/, `line ${line} did not change`);
    assert.ok(
      lenses.every((l) => !l.title.startsWith('≈')),
      `nothing is stale right after the build:\n${describeLenses(lenses)}`,
    );

    // Show Size History opens the chart of both builds beside the editor (the page itself: test/ui/size-history-ui.mjs).
    await vscode.commands.executeCommand('dockerfileSlim.showSizeHistory', uri);
    const tabs = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    for (const deadline = Date.now() + 10_000; !tabs().includes('Size history: Dockerfile') && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 150)); // the tab model follows the panel asynchronously
    }
    assert.ok(tabs().includes('Size history: Dockerfile'), tabs().join(', '));

    // The build record's instruction hashes now drive stale marking: edit line 5 and only it goes stale.
    await replaceInDoc(editor, 'COPY hello.txt /hello.txt', 'COPY hello.txt /greeting.txt');
    const edited = await waitForLenses(
      uri,
      (ls) => /^≈ .*\(edited since the build\)$/.test(ls.find((l) => l.line === 5)?.title ?? ''),
      'line 5 stale after editing it',
    );
    assert.ok(
      edited.filter((l) => l.title.startsWith('≈')).every((l) => l.line === 5),
      describeLenses(edited),
    );
  });
});
