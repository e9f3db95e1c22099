/**
 * Preloaded into a benchmarked node (`node --import ./bench/loop-probe.ts src/main.ts`): how long the
 * main thread was busy between two turns of its event loop, counted in the thread's own CPU time.
 *
 * The event-loop delay that /readyz reports is wall time: on a machine where other processes (the
 * benchmark's own client, a build) take the cores, it grows while the node is not even running.
 * CPU time does not: a turn that burned 80 ms of this thread's CPU is a task that would hold every
 * caller for 80 ms on a machine of its own. A 1 ms timer samples the thread's CPU clock; the CPU
 * spent between two samples is the longest run of work in between. Turns over 5 ms are kept, with
 * the wall-clock time they ended at, and written to BENCH_LOOP_PROBE_FILE when the node exits.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_LOOP_PROBE_FILE;
const KEEP_OVER_MS = 5;

export type LoopTurn = Readonly<{ at: number; cpuMs: number; wallMs: number }>;

if (file) {
  const turns: LoopTurn[] = [];
  let cpu = process.threadCpuUsage();
  let wall = performance.now();
  const sample = () => {
    const nowCpu = process.threadCpuUsage(cpu);
    const nowWall = performance.now();
    const cpuMs = (nowCpu.user + nowCpu.system) / 1000;
    if (cpuMs > KEEP_OVER_MS) turns.push({ at: Date.now(), cpuMs: Math.round(cpuMs * 10) / 10, wallMs: Math.round((nowWall - wall) * 10) / 10 });
    cpu = process.threadCpuUsage();
    wall = nowWall;
  };
  setInterval(sample, 1).unref();
  process.on('exit', () => writeFileSync(file, JSON.stringify(turns)));
}
