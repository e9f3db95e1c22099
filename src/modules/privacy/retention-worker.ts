import type { PrivacyLog, RetentionOutcome } from './privacy-service.ts';

export type RetentionWorker = Readonly<{ stop(): Promise<void> }>;

/**
 * Applies retention a while after start (not during a deploy's busiest minute), then every few
 * hours. Several nodes may run it: each pass takes an advisory lock per agency and its changes are
 * conditional, so a second node skips or finds nothing left. `stop` waits for a pass under way.
 */
export function startRetentionWorker(options: {
  apply: () => Promise<readonly RetentionOutcome[]>;
  log: PrivacyLog;
  firstDelayMs?: number;
  intervalMs?: number;
}): RetentionWorker {
  const firstDelayMs = options.firstDelayMs ?? 10 * 60_000;
  const intervalMs = options.intervalMs ?? 6 * 60 * 60_000;
  let running: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const pass = () => {
    if (stopped || running) return;
    running = options
      .apply()
      .then(() => undefined)
      .catch((error: unknown) => options.log.error({ err: error }, 'retention pass failed'))
      .finally(() => {
        running = null;
      });
  };
  timer = setTimeout(() => {
    pass();
    timer = setInterval(pass, intervalMs).unref();
  }, firstDelayMs).unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(timer);
      await running;
    },
  };
}
