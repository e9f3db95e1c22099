import { describe, expect, it } from 'vitest';
import {
  chosenCallbackNumber,
  decideQueuedCallbackDial,
  digitsToSpeak,
  expectedWaitSeconds,
  MAX_QUEUED_CALLBACK_ATTEMPTS,
  QUEUED_CALLBACK_RETRY_SECONDS,
  shouldOfferQueuedCallback,
} from '../../src/domain/queued-callback.ts';

describe('expected wait from the queue recent service rate', () => {
  it('serves the callers ahead at the pace of the last half hour', () => {
    // 10 answered in 30 minutes: one every 3 minutes; the fourth in line waits about 12 minutes.
    expect(expectedWaitSeconds({ position: 4, answeredInWindow: 10, windowSeconds: 1800 })).toBe(720);
    // The same line served twice as fast waits half as long: not a constant.
    expect(expectedWaitSeconds({ position: 4, answeredInWindow: 20, windowSeconds: 1800 })).toBe(360);
  });

  it('counts a queue with callers waiting and nobody served recently as over any threshold', () => {
    const wait = expectedWaitSeconds({ position: 1, answeredInWindow: 0, windowSeconds: 1800 });
    expect(shouldOfferQueuedCallback({ open: true, offersCallbacks: true, expectedWaitSeconds: wait, thresholdSeconds: 3600 })).toBe(true);
  });

  it('offers only above the threshold, while open, where the agency offers call-backs', () => {
    const offer = (expected: number, open = true, offersCallbacks = true) =>
      shouldOfferQueuedCallback({ open, offersCallbacks, expectedWaitSeconds: expected, thresholdSeconds: 180 });
    expect(offer(180)).toBe(false);
    expect(offer(181)).toBe(true);
    expect(offer(Number.POSITIVE_INFINITY, false)).toBe(false);
    expect(offer(Number.POSITIVE_INFINITY, true, false)).toBe(false);
  });
});

describe('the number a caller chooses', () => {
  it('confirms the caller ID with 1, or takes an Italian number typed in', () => {
    expect(chosenCallbackNumber('1', '+393471234567')).toBe('+393471234567');
    expect(chosenCallbackNumber('1#', '+393471234567')).toBe('+393471234567');
    expect(chosenCallbackNumber('0382123456#', '+393471234567')).toBe('+390382123456');
    expect(chosenCallbackNumber('3331234567', null)).toBe('+393331234567');
  });

  it('refuses a withheld caller ID confirmed, or digits that are no number', () => {
    expect(chosenCallbackNumber('1', 'anonymous')).toBeNull();
    expect(chosenCallbackNumber('12345', '+393471234567')).toBeNull();
    expect(chosenCallbackNumber('', '+393471234567')).toBeNull();
  });

  it('reads a number digit by digit, without the country code', () => {
    expect(digitsToSpeak('+393471234567')).toBe('3 4 7, 1 2 3, 4 5 6, 7');
  });
});

describe('dialling a placeholder', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  it('is done when the tenant answers', () => {
    expect(decideQueuedCallbackDial(1, 'completed', now)).toEqual({ kind: 'reached' });
  });
  it('tries again later after a busy or unanswered dial, then gives up to a call-back task', () => {
    expect(decideQueuedCallbackDial(1, 'no-answer', now)).toEqual({ kind: 'retry', notBefore: new Date(now.getTime() + QUEUED_CALLBACK_RETRY_SECONDS * 1000) });
    expect(decideQueuedCallbackDial(2, 'busy', now).kind).toBe('retry');
    expect(decideQueuedCallbackDial(MAX_QUEUED_CALLBACK_ATTEMPTS, 'no-answer', now)).toEqual({ kind: 'gave_up' });
  });
});
