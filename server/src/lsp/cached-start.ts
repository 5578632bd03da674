/**
 * Starts the language server (dist/server.js, next to this file) from a V8 code cache (common/src/platform/code-cache.ts).
 * Measured on the 2-core test machine: the first diagnostics of a fresh server 25-30% sooner.
 * The editor extension starts this file; `node dist/server.js --stdio` stays the plain entry for other clients.
 */
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { lowerThisThreadPriority } from '../../../common/src/platform/thread-priority.js';
import { loadWithCodeCache } from '../../../common/src/platform/code-cache.js';

// In the extension host's worker thread, the server starts while VS Code is still opening the editor: both want
// the CPU at once, and the editor should win (measured: the editor appeared 0.4-0.9 s later at normal priority).
if (!isMainThread) lowerThisThreadPriority();
loadWithCodeCache(path.join(__dirname, 'server.js'), 'server');
