import { describe, expect, it } from 'vitest';
import { ACK_RETRY, decideRetry, DELIVERY_RETRY, giveUpAtFor, jitterOf, retryDelaySeconds } from '../../src/domain/retry-policy.ts';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-11-23T09:00:00Z');

describe('one retry rule, each kind’s data', () => {
  it('backs off from 30 s, doubling, capped at an hour, with at most 20 % jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelaySeconds(DELIVERY_RETRY, attempt, 0))).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(retryDelaySeconds(DELIVERY_RETRY, 20, 0)).toBe(3600);
    expect(retryDelaySeconds(DELIVERY_RETRY, 1, 0.999)).toBe(36);
  });

  it('gives a delivery 24 hours and as many attempts as fit, the last one at the deadline itself', () => {
    const giveUpAt = giveUpAtFor(DELIVERY_RETRY, NOW)!;
    expect(giveUpAt.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(decideRetry(DELIVERY_RETRY, { attempt: 40, now: at('2026-11-24T08:30:00Z'), giveUpAt, jitter: 0 })).toEqual({ kind: 'retry', at: giveUpAt });
    expect(decideRetry(DELIVERY_RETRY, { attempt: 41, now: giveUpAt, giveUpAt, jitter: 0 })).toEqual({ kind: 'dead' });
  });

  it('gives an acknowledgement five attempts and no deadline', () => {
    expect(giveUpAtFor(ACK_RETRY, NOW)).toBeNull();
    expect(decideRetry(ACK_RETRY, { attempt: 1, now: NOW, giveUpAt: null, jitter: 0 })).toEqual({ kind: 'retry', at: at('2026-11-23T09:00:30Z') });
    expect(decideRetry(ACK_RETRY, { attempt: 4, now: NOW, giveUpAt: null, jitter: 0 })).toEqual({ kind: 'retry', at: at('2026-11-23T09:04:00Z') });
    expect(decideRetry(ACK_RETRY, { attempt: 5, now: NOW, giveUpAt: null, jitter: 0 })).toEqual({ kind: 'dead' });
  });

  it('fixes the jitter per message, so that its retries are reproducible', () => {
    const id = '4f0c1f5e-7f7e-4b8e-9d38-0b6f0a2a1c11';
    expect(jitterOf(id)).toBe(jitterOf(id));
    expect(jitterOf(id)).toBeGreaterThanOrEqual(0);
    expect(jitterOf(id)).toBeLessThan(1);
  });
});
