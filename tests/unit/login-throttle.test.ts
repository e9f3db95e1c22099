import { describe, expect, it } from 'vitest';
import { ACCOUNT_POLICY, ADDRESS_POLICY, EMPTY_STATE, lockedUntil, releaseOnSuccess, reserveAttempt } from '../../src/modules/auth/login-throttle.ts';
import type { ThrottleState } from '../../src/modules/auth/login-throttle.ts';

const T0 = new Date('2026-11-23T09:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('account throttle', () => {
  it('lets the first failures through, then locks for a delay that doubles', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    for (let attempt = 1; attempt < ACCOUNT_POLICY.freeFailures; attempt += 1) {
      state = reserveAttempt(ACCOUNT_POLICY, state, T0);
      expect(lockedUntil(state, T0)).toBeNull();
    }
    state = reserveAttempt(ACCOUNT_POLICY, state, T0);
    expect(lockedUntil(state, T0)).toEqual(at(1000));
    state = reserveAttempt(ACCOUNT_POLICY, state, at(1000));
    expect(lockedUntil(state, at(1000))).toEqual(at(3000));
  });

  it('never locks an account for longer than one window', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    let now = T0;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      state = reserveAttempt(ACCOUNT_POLICY, state, now);
      const until = lockedUntil(state, now);
      if (until) {
        expect(until.getTime() - now.getTime()).toBeLessThanOrEqual(ACCOUNT_POLICY.windowMs);
        now = until;
      }
    }
  });

  it('counts at most 100 failures in any hour, however patient the attacker', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    let now = T0;
    let failures = 0;
    while (now.getTime() < T0.getTime() + 60 * 60_000) {
      const until = lockedUntil(state, now);
      if (until) now = until;
      else {
        state = reserveAttempt(ACCOUNT_POLICY, state, now);
        failures += 1;
      }
    }
    expect(failures).toBeLessThanOrEqual(100);
  });

  it('ends the run on a right password', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    for (let attempt = 0; attempt < ACCOUNT_POLICY.freeFailures; attempt += 1) state = reserveAttempt(ACCOUNT_POLICY, state, T0);
    state = releaseOnSuccess(ACCOUNT_POLICY, state);
    expect(state).toMatchObject({ consecutiveFailures: 0, lockedUntil: null, windowFailures: ACCOUNT_POLICY.freeFailures - 1 });
  });
});

describe('address throttle', () => {
  it('locks an address after its window cap until the window ends, and a right password buys no extra guesses', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    for (let attempt = 1; attempt < ADDRESS_POLICY.windowCap; attempt += 1) {
      state = reserveAttempt(ADDRESS_POLICY, state, T0);
      expect(lockedUntil(state, T0)).toBeNull();
    }
    const reserved = reserveAttempt(ADDRESS_POLICY, state, T0);
    expect(lockedUntil(reserved, T0)).toEqual(at(ADDRESS_POLICY.windowMs));
    // That last attempt was a right password: it is given back, the 99 failures stay.
    expect(releaseOnSuccess(ADDRESS_POLICY, reserved)).toMatchObject({ windowFailures: ADDRESS_POLICY.windowCap - 1, lockedUntil: null });
    const next = reserveAttempt(ADDRESS_POLICY, releaseOnSuccess(ADDRESS_POLICY, reserved), T0);
    expect(lockedUntil(next, T0)).not.toBeNull();
  });

  it('starts a new window once the old one is over', () => {
    let state: ThrottleState = EMPTY_STATE(T0);
    for (let attempt = 0; attempt < ADDRESS_POLICY.windowCap; attempt += 1) state = reserveAttempt(ADDRESS_POLICY, state, T0);
    const later = at(ADDRESS_POLICY.windowMs);
    expect(lockedUntil(state, later)).toBeNull();
    expect(reserveAttempt(ADDRESS_POLICY, state, later)).toMatchObject({ windowFailures: 1, windowStartedAt: later, lockedUntil: null });
  });
});
