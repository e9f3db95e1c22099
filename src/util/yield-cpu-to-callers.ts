import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** How much lower than the main thread a background thread runs (nice 0 → 10). */
const BACKGROUND_NICENESS = 10;

/**
 * Lowers the scheduling priority of the calling thread, and of it alone. Meant for threads doing
 * bulky work beside the main thread (e-mail parsing): on a machine with two cores, a thread that
 * parses a 25 MB message would otherwise take a core from the main thread as often as not, and
 * the caller whose answer is ready waits for it. At nice 10 the kernel gives the main thread the core
 * first; the parsing still gets every cycle nobody else wants.
 *
 * Linux applies setpriority(2) to the one thread whose id it is given; that id is read from
 * /proc/thread-self. Elsewhere (or without /proc) nothing changes. Returns whether it took effect.
 */
export function yieldCpuToCallers(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    os.setPriority(threadId, Math.max(os.getPriority(threadId), BACKGROUND_NICENESS));
    return true;
  } catch {
    return false;
  }
}
