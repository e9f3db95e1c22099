/**
 * Login throttling rules, pure: the repository stores one ThrottleState per key (an account or a
 * client address) and asks these functions what to do at a given instant.
 *
 * Per account (OWASP ASVS V2.2.1: at most 100 failed attempts per hour):
 * - the first ACCOUNT_FREE_FAILURES consecutive failures cost nothing;
 * - each further failure locks the account for a delay that doubles, up to 15 minutes;
 * - whatever happens, no more than ACCOUNT_HOURLY_CAP failures in one hour window.
 * Per client address: at most ADDRESS_WINDOW_CAP failures per window, generous enough for an
 * office behind one NAT, tight enough to stop one machine spraying passwords over many accounts.
 *
 * An attempt is counted as a failure BEFORE the password is checked (and given back on success),
 * so that a burst of parallel requests cannot all slip through before the first failure is stored.
 */
export type ThrottleState = Readonly<{
  consecutiveFailures: number;
  windowStartedAt: Date;
  windowFailures: number;
  lockedUntil: Date | null;
}>;

export type ThrottlePolicy = Readonly<{
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
  windowCap: number;
  /** Whether a right password ends the run of failures (per account) or only gives its attempt back (per address). */
  resetOnSuccess: boolean;
}>;

export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 60 * 60_000,
  windowCap: 50,
  resetOnSuccess: true,
};

export const ADDRESS_POLICY: ThrottlePolicy = {
  // No consecutive-failure delay: one colleague's typo must not slow the whole office down.
  freeFailures: Number.POSITIVE_INFINITY,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  windowMs: 15 * 60_000,
  windowCap: 100,
  // A valid account of one's own must not buy more guesses against others.
  resetOnSuccess: false,
};

export const EMPTY_STATE = (now: Date): ThrottleState => ({ consecutiveFailures: 0, windowStartedAt: now, windowFailures: 0, lockedUntil: null });

/** When the key may try again, or null when it may try now. */
export function lockedUntil(state: ThrottleState, now: Date): Date | null {
  return state.lockedUntil && state.lockedUntil.getTime() > now.getTime() ? state.lockedUntil : null;
}

/** The state after reserving one attempt (counted as a failure until the password proves right). */
export function reserveAttempt(policy: ThrottlePolicy, state: ThrottleState, now: Date): ThrottleState {
  const windowExpired = now.getTime() - state.windowStartedAt.getTime() >= policy.windowMs;
  const windowStartedAt = windowExpired ? now : state.windowStartedAt;
  const windowFailures = (windowExpired ? 0 : state.windowFailures) + 1;
  const consecutiveFailures = state.consecutiveFailures + 1;
  let locked: number | null = null;
  if (consecutiveFailures >= policy.freeFailures) {
    const doublings = Math.min(30, consecutiveFailures - policy.freeFailures);
    locked = now.getTime() + Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
  }
  if (windowFailures >= policy.windowCap) {
    locked = Math.max(locked ?? 0, windowStartedAt.getTime() + policy.windowMs);
  }
  return { consecutiveFailures, windowStartedAt, windowFailures, lockedUntil: locked === null ? null : new Date(locked) };
}

/** The right password: the reserved attempt was not a failure. */
export function releaseOnSuccess(policy: ThrottlePolicy, state: ThrottleState): ThrottleState {
  const windowFailures = Math.max(0, state.windowFailures - 1);
  if (policy.resetOnSuccess) return { consecutiveFailures: 0, windowStartedAt: state.windowStartedAt, windowFailures, lockedUntil: null };
  const consecutiveFailures = Math.max(0, state.consecutiveFailures - 1);
  const stillLocked = windowFailures >= policy.windowCap || consecutiveFailures >= policy.freeFailures;
  return { consecutiveFailures, windowStartedAt: state.windowStartedAt, windowFailures, lockedUntil: stillLocked ? state.lockedUntil : null };
}
