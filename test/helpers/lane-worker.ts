/**
 * A tiny worker for test/unit/worker-lane.test.ts (common/src/platform/worker-lane.ts): it echoes, blocks its thread
 * for a while, holds a value (as the layer worker holds images), grows its heap without end, or exits.
 */
import { parentPort } from 'node:worker_threads';

export type LaneTestRequest =
  | { id: number; kind: 'echo'; value: string }
  | { id: number; kind: 'spin'; ms: number }
  | { id: number; kind: 'put'; value: string }
  | { id: number; kind: 'get' }
  | { id: number; kind: 'grow' }
  | { id: number; kind: 'exit' };

export type LaneTestReply = { id: number; value: string | null } | { id: number; failed: string };

let held: string | null = null;
const hoard: unknown[] = [];

parentPort?.on('message', (req: LaneTestRequest) => {
  const reply = (value: string | null): void => parentPort?.postMessage({ id: req.id, value } satisfies LaneTestReply);
  switch (req.kind) {
    case 'echo':
      return reply(req.value);
    case 'spin': {
      const end = Date.now() + req.ms;
      while (Date.now() < end) {
        /* the worker's thread is busy */
      }
      return reply('spun');
    }
    case 'put':
      held = req.value;
      return reply(held);
    case 'get':
      return reply(held);
    case 'grow':
      for (;;) hoard.push(Array.from({ length: 10_000 }, (_, i) => ({ i })));
    case 'exit':
      process.exit(3);
  }
});
