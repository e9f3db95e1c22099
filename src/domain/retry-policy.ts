/**
 * When to try a failed outbox message again, one rule for every kind: exponential backoff from
 * the first delay, capped, until the kind's deadline or number of attempts is reached; then the
 * message is dead, for a supervisor to look at. A small jitter (0–20 % of the delay, fixed per
 * message) keeps the messages that failed together during an outage from all retrying in the same
 * second. What differs between kinds is data: the policies below.
 */
export type RetryPolicy = Readonly<{
  firstRetrySeconds: number;
  maxRetrySeconds: number;
  /** From when the message is written (or sent again) to when it is given up; null: no deadline. */
  giveUpAfterSeconds: number | null;
  /** Attempts at most; null: as many as the deadline leaves room for. */
  maxAttempts: number | null;
}>;

/** Tickets to an agency's office (webhook or e-mail): 30 s, 1, 2, 4 … minutes, at most hourly, for 24 hours. */
export const DELIVERY_RETRY: RetryPolicy = { firstRetrySeconds: 30, maxRetrySeconds: 3600, giveUpAfterSeconds: 24 * 3600, maxAttempts: null };

/**
 * Acknowledgements to a tenant: five attempts over about eight minutes. A receipt that arrives
 * hours late says little, and a mail server that keeps refusing will not be asked for ever.
 */
export const ACK_RETRY: RetryPolicy = { firstRetrySeconds: 30, maxRetrySeconds: 3600, giveUpAfterSeconds: null, maxAttempts: 5 };

export function retryDelaySeconds(policy: RetryPolicy, attempt: number, jitter: number): number {
  const base = Math.min(policy.firstRetrySeconds * 2 ** Math.max(0, attempt - 1), policy.maxRetrySeconds);
  return Math.round(base * (1 + 0.2 * Math.min(Math.max(jitter, 0), 1)));
}

/** The deadline of a message written (or sent again) at `from`, or null when its kind has none. */
export function giveUpAtFor(policy: RetryPolicy, from: Date): Date | null {
  return policy.giveUpAfterSeconds === null ? null : new Date(from.getTime() + policy.giveUpAfterSeconds * 1000);
}

export type RetryDecision = { kind: 'retry'; at: Date } | { kind: 'dead' };

/** After the `attempt`-th failure at `now`: the next try, or dead once the attempts or the deadline are used up. */
export function decideRetry(policy: RetryPolicy, failure: { attempt: number; now: Date; giveUpAt: Date | null; jitter: number }): RetryDecision {
  const { attempt, now, giveUpAt } = failure;
  if (policy.maxAttempts !== null && attempt >= policy.maxAttempts) return { kind: 'dead' };
  if (giveUpAt && now.getTime() >= giveUpAt.getTime()) return { kind: 'dead' };
  const next = now.getTime() + retryDelaySeconds(policy, attempt, failure.jitter) * 1000;
  // The last try happens at the deadline itself rather than being skipped.
  return { kind: 'retry', at: new Date(giveUpAt ? Math.min(next, giveUpAt.getTime()) : next) };
}

/** A stable number in [0, 1) from a message id, so that its retries are reproducible. */
export function jitterOf(id: string): number {
  let hash = 2166136261;
  for (let index = 0; index < id.length; index += 1) hash = Math.imul(hash ^ id.charCodeAt(index), 16777619) >>> 0;
  return (hash % 1000) / 1000;
}
