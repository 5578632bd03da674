// The whole image before the first build in a real VS Code: the final stage's FROM lens shows the total the language
// server computes (base from the local Docker via `docker image inspect`, which the extension runs in a trusted
// workspace, never pulling; + the COPY from the build context), equal to `dockerfile-slim estimate`'s total; the
// lines it could not count are named in the tooltip. Skipped without a dockerd holding local/busybox:latest.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture } from '../support/vscode-helpers';

const DOCKER = '/usr/bin/docker';

function run(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile(cmd, args, { timeout: 30_000, maxBuffer: 8 << 20 }, (err, stdout) => resolve(err ? undefined : stdout)));
}

/** The client's lens format (client/src/context-lens.ts `mb`). */
function mb(bytes: number): string {
  if (bytes >= 100e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

describe('whole image before the first build', () => {
  it("the final FROM lens shows estimate's total (local base + context COPY) and names the lines not counted", async function () {
    this.timeout(60_000);
    if ((await run(DOCKER, ['image', 'inspect', '--format', '{{.Size}}', 'local/busybox:latest'])) === undefined) this.skip();
    const editor = await openFixture('whole/Dockerfile');
    const file = editor.document.uri.fsPath;
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const json = await run(process.execPath, [
      path.join(ext.extensionPath, 'dist', 'cli.js'),
      'estimate',
      '--offline',
      '--format',
      'json',
      '--context',
      path.dirname(file),
      file,
    ]);
    assert.ok(json, 'estimate ran');
    const rows = JSON.parse(json) as Array<{ bytes: number | null; kind?: string; source?: string }>;
    assert.equal(rows.find((r) => r.kind === 'base')?.source, 'docker');
    const total = rows.reduce((n, r) => n + (r.bytes ?? 0), 0);
    let lens: vscode.CodeLens | undefined;
    for (const deadline = Date.now() + 45_000; !lens && Date.now() < deadline;) {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100)) ?? [];
      lens = lenses.find((l) => l.range.start.line === 0 && / whole image est\. · base .* MB$/.test(l.command?.title ?? ''));
      if (!lens) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(lens, 'a whole-image lens on the FROM line');
    const title = lens.command?.title ?? '';
    console.log(`[e2e] FROM lens: ${title} (estimate: ${total} B)`);
    assert.ok(title.startsWith(`≈ ${mb(total)} whole image est.`), `"${title}" should show estimate's ${mb(total)}`);
    assert.doesNotMatch(title, /base .* est\.$/, 'the base is exact (local Docker)');
    // The click's breakdown (the same result the tooltip renders): its parts and the line nobody estimated.
    assert.equal(lens.command?.command, 'dockerfileSlim.showWholeImage');
    const w = lens.command?.arguments?.[0] as { bytes: number; contextBytes: number; notCounted: number[]; base: { source: string } };
    assert.equal(w.bytes, total, 'the same bytes as estimate');
    assert.equal(w.contextBytes, 3000, 'hello.txt');
    assert.equal(w.base.source, 'docker');
    assert.deepEqual(w.notCounted, [3], 'the RUN nobody estimated');
  });
});
