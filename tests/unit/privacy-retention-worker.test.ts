import { describe, expect, it } from 'vitest';
import { startRetentionWorker } from '../../src/modules/privacy/retention-worker.ts';

const quiet = { info() {}, error() {} };

describe('the retention worker', () => {
  it('runs a pass after its first delay, and stop waits for a pass under way', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    let passes = 0;
    let finished = false;
    const worker = startRetentionWorker({
      firstDelayMs: 0,
      intervalMs: 3_600_000,
      log: quiet,
      apply: async () => {
        passes += 1;
        started();
        await new Promise<void>((resolve) => (finish = resolve));
        finished = true;
        return [];
      },
    });
    await running;
    const stopping = worker.stop();
    finish();
    await stopping;
    expect(finished).toBe(true);
    expect(passes).toBe(1);
  });

  it('logs a failed pass instead of crashing the process', async () => {
    const errors: unknown[] = [];
    let failed!: () => void;
    const failure = new Promise<void>((resolve) => (failed = resolve));
    const worker = startRetentionWorker({
      firstDelayMs: 0,
      log: { info() {}, error: (data) => (errors.push(data), failed()) },
      apply: async () => {
        throw new Error('database away');
      },
    });
    await failure;
    await worker.stop();
    expect(errors).toHaveLength(1);
  });

  it('never starts a pass once stopped', async () => {
    let passes = 0;
    const worker = startRetentionWorker({ firstDelayMs: 0, log: quiet, apply: async () => ((passes += 1), []) });
    await worker.stop();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(passes).toBe(0);
  });
});
