export type DeliveryWorker = Readonly<{ stop(): Promise<void> }>;

/**
 * Runs `deliverDue` every `intervalMs`, never two runs at once on this node (other nodes are
 * kept apart by the claim). Stopping waits for the run in flight, so nothing is cut off mid-commit.
 */
export function startDeliveryWorker(options: { intervalMs: number; deliverDue: () => Promise<unknown>; onError: (error: unknown) => void }): DeliveryWorker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = options
        .deliverDue()
        .then(
          () => undefined,
          (error: unknown) => options.onError(error),
        )
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
