import { describe, expect, it } from 'vitest';
import { isIdentifiableCaller, repeatCallFlags } from '../../src/domain/repeat-calls.ts';
import { summariseRatings } from '../../src/domain/rating-summary.ts';

const at = (iso: string) => new Date(iso);
const ANNA = '+393471234567';
const BRUNO = '+390382123456';

describe('repeat calls: same number, same agency, within 7 days', () => {
  it('flags a call that comes at most 7 × 24 hours after the same number’s previous call', () => {
    const flags = repeatCallFlags([
      { from: ANNA, startedAt: at('2026-11-02T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-05T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-12T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-19T09:00:01Z') },
      { from: BRUNO, startedAt: at('2026-11-05T09:30:00Z') },
    ]);
    expect(flags).toEqual([false, true, true, false, false]);
  });

  it('measures from the latest earlier call, whatever order the calls are given in', () => {
    const flags = repeatCallFlags([
      { from: ANNA, startedAt: at('2026-11-15T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-01T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-10T09:00:00Z') },
    ]);
    expect(flags).toEqual([true, false, false]);
  });

  it('two calls at the same instant: the one given later repeats', () => {
    const same = at('2026-11-02T09:00:00Z');
    expect(
      repeatCallFlags([
        { from: ANNA, startedAt: same },
        { from: ANNA, startedAt: same },
      ]),
    ).toEqual([false, true]);
  });

  it('callers without a number never repeat one another', () => {
    const calls = ['anonymous', '+266696687', 'client:operatore1', '', null, '+86282452253'].flatMap((from) => [
      { from, startedAt: at('2026-11-02T09:00:00Z') },
      { from, startedAt: at('2026-11-02T09:05:00Z') },
    ]);
    expect(repeatCallFlags(calls).every((flag) => !flag)).toBe(true);
    expect(isIdentifiableCaller(ANNA)).toBe(true);
    expect(isIdentifiableCaller('+266696687')).toBe(false);
  });

  it('takes another window when asked', () => {
    const calls = [
      { from: ANNA, startedAt: at('2026-11-01T09:00:00Z') },
      { from: ANNA, startedAt: at('2026-11-03T09:00:00Z') },
    ];
    expect(repeatCallFlags(calls, 1)).toEqual([false, false]);
    expect(repeatCallFlags(calls, 2)).toEqual([false, true]);
  });
});

describe('rating summary', () => {
  it('counts, distributes and averages to two decimals; no ratings, no mean', () => {
    expect(
      summariseRatings(
        new Map([
          [5, 2],
          [4, 1],
        ]),
      ),
    ).toEqual({ count: 3, mean: 4.67, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 2 } });
    expect(summariseRatings(new Map())).toEqual({ count: 0, mean: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
  });
});
