/**
 * The package worker (package-pool.ts starts it, bundled to dist/package-worker.js): the server's package hover and
 * estimate CodeLens are computed here, under the lint's time and memory budget, so a 4.9 MB Dockerfile or a hostile
 * cached index never stalls the server's main thread (issue 27: 24.5 s for the estimates, 29 s for a hover). It reads
 * cached indexes itself (never fetches) and keeps them while their files are unchanged.
 */
import { parentPort } from 'node:worker_threads';
import type { Hover } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lowerThisThreadPriority } from '../../../common/src/platform/thread-priority.js';
import type { EstimatesResult } from '../../../common/src/protocol.js';
import { PackageKnowledge } from './package-features.js';

export type PackageRequest =
  | { kind: 'estimates'; id: number; dir: string; text: string }
  | { kind: 'hover'; id: number; dir: string; uri: string; text: string; line: number; character: number };

export type PackageReply = { id: number; estimates: EstimatesResult } | { id: number; hover: Hover | null } | { id: number; error: string };

const byDir = new Map<string, PackageKnowledge>();

function knowledge(dir: string): PackageKnowledge {
  let k = byDir.get(dir);
  if (!k) {
    k = new PackageKnowledge(
      dir,
      () => undefined,
      () => undefined,
      true,
    );
    byDir.set(dir, k);
  }
  return k;
}

// The server's main thread, which answers the editor, wins the CPU over a long estimate.
lowerThisThreadPriority();

parentPort?.on('message', (req: PackageRequest) => {
  try {
    const k = knowledge(req.dir);
    if (req.kind === 'estimates') parentPort?.postMessage({ id: req.id, estimates: k.estimates(req.text) } satisfies PackageReply);
    else {
      const doc = TextDocument.create(req.uri, 'dockerfile', 0, req.text);
      parentPort?.postMessage({ id: req.id, hover: k.hover(doc, req.line, req.character) } satisfies PackageReply);
    }
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies PackageReply);
  }
});
