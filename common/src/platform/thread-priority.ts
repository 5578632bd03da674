import * as fs from 'node:fs';
import * as os from 'node:os';

/**
 * Linux: lowers the calling thread's priority by 10 from where it is (setpriority on its thread id), so on a
 * busy machine the threads that answer or draw the editor win the CPU. Relative, because threads inherit
 * their creator's: the lint workers of a server that already runs lowered (in the extension host) still end
 * up below it. Best effort: elsewhere, or when not allowed, nothing changes.
 */
export function lowerThisThreadPriority(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + 10));
  } catch {
    /* not Linux, or not allowed: keep the priority */
  }
}
