/**
 * When to try a failed delivery again: exponential backoff from 30 s, capped at one hour, for
 * up to 24 hours after the delivery was first written; after that it is a dead letter for a
 * supervisor to look at. A small jitter (0–20 % of the delay, fixed per delivery) keeps the
 * deliveries that failed together during an agency's outage from all retrying in the same second.
 */
export const FIRST_RETRY_SECONDS = 30;
export const MAX_RETRY_SECONDS = 3600;
export const GIVE_UP_AFTER_SECONDS = 24 * 3600;

export function retryDelaySeconds(attempt: number, jitter: number): number {
  const base = Math.min(FIRST_RETRY_SECONDS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_SECONDS);
  return Math.round(base * (1 + 0.2 * Math.min(Math.max(jitter, 0), 1)));
}

export type RetryDecision = { kind: 'retry'; at: Date } | { kind: 'dead' };

/** After the `attempt`-th failure at `now`: the next try, or dead once the give-up instant is reached. */
export function decideRetry(attempt: number, now: Date, giveUpAt: Date, jitter: number): RetryDecision {
  if (now.getTime() >= giveUpAt.getTime()) return { kind: 'dead' };
  const next = now.getTime() + retryDelaySeconds(attempt, jitter) * 1000;
  // The last try happens at the deadline itself rather than being skipped.
  return { kind: 'retry', at: new Date(Math.min(next, giveUpAt.getTime())) };
}

/** A stable number in [0, 1) from a delivery id, so that a delivery's retries are reproducible. */
export function jitterOf(id: string): number {
  let hash = 2166136261;
  for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 16777619) >>> 0;
  return (hash % 1000) / 1000;
}
