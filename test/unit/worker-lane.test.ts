/**
 * common/src/platform/worker-lane.ts, the worker lane under client/src/layer-pool.ts and server/src/lsp/package-pool.ts,
 * with a real worker thread (test/helpers/lane-worker.ts): requests answer in turn; a timed request over its budget
 * terminates the worker, every request waiting behind it ends with the reason, and the next request answers from a
 * fresh worker that holds none of the old one's state; untimed requests are not held to the time budget; a worker over
 * its heap or one that exits ends its waiting requests the same way; dispose ends them as "closed".
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkerLane, type LaneBudget, type LaneOptions } from '../../common/src/platform/worker-lane.js';
import type { LaneTestReply, LaneTestRequest } from '../helpers/lane-worker.js';

const FILE = path.join(__dirname, '..', 'helpers', 'lane-worker.js');

// The lane unrefs its worker (it never keeps the extension host or the server alive) and an untimed request has no
// timer: here, as in those processes, something else keeps the event loop turning while the worker works.
const alive = setInterval(() => undefined, 1000);
after(() => clearInterval(alive));

function lane(
  budget: LaneBudget,
  extra: Partial<LaneOptions<LaneTestReply>> = {},
): { lane: WorkerLane<LaneTestRequest, LaneTestReply>; started: () => number } {
  let started = 0;
  const l = new WorkerLane<LaneTestRequest, LaneTestReply>({
    file: FILE,
    budget,
    name: 'test',
    failed: (id, reason) => ({ id, failed: reason }),
    onStart: () => started++,
    ...extra,
  });
  return { lane: l, started: () => started };
}

test('a timed request over its budget terminates the worker; the ones behind it end with the reason; the next answers from a fresh worker', async (t) => {
  const { lane: l, started } = lane({ timeMs: 300, heapMb: 64 }, { overTime: (s) => `computing took more than ${s} s` });
  t.after(() => l.dispose());
  assert.equal(started(), 0, 'no worker before the first request');
  assert.deepEqual(await l.ask({ kind: 'put', value: 'kept' }, false), { id: 1, value: 'kept' });
  assert.deepEqual(await l.ask({ kind: 'get' }, false), { id: 2, value: 'kept' });
  assert.equal(started(), 1);
  const t0 = performance.now();
  const spin = l.ask({ kind: 'spin', ms: 20_000 });
  const behind = l.ask({ kind: 'echo', value: 'queued' }, false);
  assert.deepEqual(await spin, { id: 3, failed: 'computing took more than 0.3 s' });
  assert.deepEqual(await behind, { id: 4, failed: 'computing took more than 0.3 s' });
  const ms = performance.now() - t0;
  assert.ok(ms < 10_000, `the overrun ended after ${ms.toFixed(0)} ms, not after the worker's 20 s`);
  // A fresh worker answers; it no longer holds what the stopped one was given.
  assert.deepEqual(await l.ask({ kind: 'get' }, false), { id: 5, value: null });
  assert.equal(started(), 2);
  assert.deepEqual(await l.ask({ kind: 'echo', value: 'again' }), { id: 6, value: 'again' });
  assert.equal(started(), 2, 'the fresh worker stays for later requests');
});

test('requests answer in turn; an untimed request is not held to the time budget; the default reason says the budget', async (t) => {
  const { lane: l, started } = lane({ timeMs: 200, heapMb: 64 });
  t.after(() => l.dispose());
  const answers = await Promise.all([l.ask({ kind: 'spin', ms: 600 }, false), l.ask({ kind: 'echo', value: 'b' }, false)]);
  assert.deepEqual(answers, [
    { id: 1, value: 'spun' },
    { id: 2, value: 'b' },
  ]);
  assert.deepEqual(await l.ask({ kind: 'spin', ms: 20_000 }), { id: 3, failed: 'more than 0.2 s' });
  assert.equal(started(), 1);
});

test('a worker over its heap: the request ends with "more than N MB of memory", and the next answers', async (t) => {
  const { lane: l, started } = lane({ timeMs: 60_000, heapMb: 32 });
  t.after(() => l.dispose());
  assert.deepEqual(await l.ask({ kind: 'grow' }, false), { id: 1, failed: 'more than 32 MB of memory' });
  assert.deepEqual(await l.ask({ kind: 'echo', value: 'after' }, false), { id: 2, value: 'after' });
  assert.equal(started(), 2);
});

test('a worker that exits: its waiting requests end with "the <name> worker stopped"; the next answers', async (t) => {
  const { lane: l, started } = lane({ timeMs: 60_000, heapMb: 64 });
  t.after(() => l.dispose());
  const [exit, behind] = await Promise.all([l.ask({ kind: 'exit' }), l.ask({ kind: 'echo', value: 'x' })]);
  assert.deepEqual(exit, { id: 1, failed: 'the test worker stopped' });
  assert.deepEqual(behind, { id: 2, failed: 'the test worker stopped' });
  assert.deepEqual(await l.ask({ kind: 'echo', value: 'y' }), { id: 3, value: 'y' });
  assert.equal(started(), 2);
});

test('dispose ends the waiting requests as "closed"; a lane never asked starts no worker', async () => {
  const { lane: l } = lane({ timeMs: 60_000, heapMb: 64 });
  const waiting = l.ask({ kind: 'spin', ms: 20_000 });
  l.dispose();
  assert.deepEqual(await waiting, { id: 1, failed: 'closed' });
  const idle = lane({ timeMs: 60_000, heapMb: 64 });
  idle.lane.dispose();
  assert.equal(idle.started(), 0);
});
