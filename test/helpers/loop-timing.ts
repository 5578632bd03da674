/** Helpers of the robust tier's off-the-thread tests (layer pool, package pool, layer alignment). */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RawHistoryRow } from '../../common/src/image-layers/index.js';

/** The longest event-loop delay (ms) of this thread while `work` runs, and its result. */
export async function loopDelay<T>(work: () => Promise<T>): Promise<{ maxMs: number; value: T }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // Keep the loop turning, as the extension host's does (timers, messages).
  const tick = setInterval(() => undefined, 5);
  try {
    const value = await work();
    return { maxMs: h.max / 1e6, value };
  } finally {
    clearInterval(tick);
    h.disable();
  }
}

/** A Dockerfile of `n` ENV lines and the history its build would have (newest first), over `base` base rows. */
export function envBuild(n: number, base: number): { text: string; rows: RawHistoryRow[] } {
  const text = 'FROM debian\n' + Array.from({ length: n }, (_, i) => `ENV V${i}=x${i}\n`).join('');
  const rows: RawHistoryRow[] = [
    ...Array.from({ length: base }, (_, i) => ({ CreatedBy: `/bin/sh -c #(nop) ADD file:${i} in / `, Size: '100' })),
    ...Array.from({ length: n }, (_, i) => ({ CreatedBy: `ENV V${i}=x${i}`, Size: '0' })),
  ].reverse();
  return { text, rows };
}
