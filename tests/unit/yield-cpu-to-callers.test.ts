import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const HELPER = new URL('../../src/util/yield-cpu-to-callers.ts', import.meta.url).href;

/** The nice value of one thread of this process, from /proc (field 19 of its stat line). */
function niceOf(threadId: number): number {
  const stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.runIf(process.platform === 'linux')('a parsing thread yields the CPU to the thread that answers callers', () => {
  it('lowers the priority of the thread that asks, and of no other', async () => {
    const mainNice = niceOf(process.pid);
    const worker = new Worker(
      `const { parentPort } = await import('node:worker_threads');
       const { readlinkSync } = await import('node:fs');
       const { yieldCpuToCallers } = await import(${JSON.stringify(HELPER)});
       const tookEffect = yieldCpuToCallers();
       parentPort.postMessage({ tookEffect, threadId: Number(readlinkSync('/proc/thread-self').split('/').at(-1)) });
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      const answer = await new Promise<{ tookEffect: boolean; threadId: number }>((resolve, reject) => worker.once('message', resolve).once('error', reject));
      expect(answer.tookEffect).toBe(true);
      expect(niceOf(answer.threadId)).toBe(Math.max(mainNice, 10));
      expect(niceOf(process.pid)).toBe(mainNice);
    } finally {
      await worker.terminate();
    }
  });
});
