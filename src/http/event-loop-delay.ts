import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Histogram } from 'node:perf_hooks';

/** Bucket bounds in seconds: a healthy loop sits under 10 ms; Twilio's 15 s budget is the far end. */
export const EVENT_LOOP_DELAY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15] as const;
const FOLD_EVERY_MS = 5_000;
/**
 * The monitor records the time between two firings of a timer set to this interval, so an idle
 * loop reads 10 ms: the delay is what exceeds it, and that is what we report.
 */
const RESOLUTION_MS = 10;
const RESOLUTION_NS = RESOLUTION_MS * 1e6;
const RECENT_WINDOW_MS = 60_000;

export type RecentEventLoopDelay = Readonly<{ p99: number; max: number; samples: number; windowSeconds: number }>;

export type EventLoopDelay = Readonly<{
  /** Cumulative bucket counts (seconds), as a Prometheus histogram exposes them. */
  histogram(): Readonly<{ buckets: ReadonlyArray<readonly [le: number, count: number]>; count: number; sum: number }>;
  /**
   * Milliseconds over about the last minute: `max` exactly, `p99` as the worst p99 of its windows
   * (5 s at most each): never below the minute's own p99, the side a readiness probe should err on.
   */
  recent(): RecentEventLoopDelay;
  stop(): void;
}>;

/**
 * Measures how late the event loop runs with `perf_hooks.monitorEventLoopDelay` (a libuv timer
 * every 10 ms, recorded in native code: no JavaScript runs per sample). Every 5 s, and before
 * each read, the monitor's samples are folded into cumulative buckets and a one-minute ring of
 * per-window figures, and the monitor starts afresh. A stall is therefore seen by /readyz for a
 * minute and by Prometheus for good, as a histogram that sums over nodes and rates over time
 * (prom-client's `nodejs_eventloop_lag_*` are percentiles of whatever happened between two
 * scrapes, which neither add up across nodes nor survive a missed scrape).
 */
export function startEventLoopDelay(now: () => number = Date.now): EventLoopDelay {
  const monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  monitor.enable();
  const cumulative = EVENT_LOOP_DELAY_BUCKETS.map(() => 0);
  let count = 0;
  let sumSeconds = 0;
  let ring: { at: number; count: number; p99Ns: number; maxNs: number }[] = [];

  function fold(): void {
    if (monitor.count > 0) {
      EVENT_LOOP_DELAY_BUCKETS.forEach((le, index) => {
        cumulative[index] += samplesAtMost(monitor, le * 1e9 + RESOLUTION_NS);
      });
      count += monitor.count;
      sumSeconds += (Math.max(0, monitor.mean - RESOLUTION_NS) * monitor.count) / 1e9;
      ring.push({ at: now(), count: monitor.count, p99Ns: monitor.percentile(99) - RESOLUTION_NS, maxNs: monitor.max - RESOLUTION_NS });
      monitor.reset();
    }
    const oldest = now() - RECENT_WINDOW_MS;
    ring = ring.filter((entry) => entry.at > oldest);
  }

  const timer = setInterval(fold, FOLD_EVERY_MS).unref();
  return {
    histogram() {
      fold();
      return { buckets: EVENT_LOOP_DELAY_BUCKETS.map((le, index) => [le, cumulative[index]] as const), count, sum: sumSeconds };
    },
    recent() {
      fold();
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      return {
        p99: ms(Math.max(0, ...ring.map((entry) => entry.p99Ns))),
        max: ms(Math.max(0, ...ring.map((entry) => entry.maxNs))),
        samples: ring.reduce((total, entry) => total + entry.count, 0),
        windowSeconds: RECENT_WINDOW_MS / 1000,
      };
    },
    stop() {
      clearInterval(timer);
      monitor.disable();
    },
  };
}

/**
 * How many recorded samples are at most `limitNs`. The histogram answers only "value at
 * percentile p", which grows with p, so the rank is found by bisection over the sample ranks.
 */
function samplesAtMost(histogram: Histogram, limitNs: number): number {
  const total = histogram.count;
  if (total === 0 || histogram.min > limitNs) return 0;
  if (histogram.max <= limitNs) return total;
  let low = 1; // the smallest sample is within the limit (checked above)
  let high = total; // the largest is not
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (histogram.percentile((middle / total) * 100) <= limitNs) low = middle;
    else high = middle;
  }
  return low;
}
