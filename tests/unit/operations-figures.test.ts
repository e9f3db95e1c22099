import { describe, expect, it } from 'vitest';
import { callbackFigures, emailResponseFigures, percentile, siteFigures } from '../../src/domain/operations-figures.ts';

describe('how the service was delivered', () => {
  it('adds the pieces of a period per site before taking the means, and lists every site', () => {
    const figures = siteFigures([
      { site: 'on_site', answered: 2, talkSeconds: 300, talked: 2, wrapUpSeconds: 60, wrappedUp: 2 },
      { site: 'on_site', answered: 1, talkSeconds: 60, talked: 1, wrapUpSeconds: 0, wrappedUp: 0 },
      { site: 'remote', answered: 1, talkSeconds: 90, talked: 1, wrapUpSeconds: 45, wrappedUp: 1 },
    ]);
    expect(figures).toEqual([
      // (300 + 60) / 3 = 120, not the mean of the pieces' means (150 and 60).
      { site: 'on_site', answered: 3, ahtSeconds: 120, wrapUpSeconds: 30 },
      { site: 'remote', answered: 1, ahtSeconds: 90, wrapUpSeconds: 45 },
      { site: 'unknown', answered: 0, ahtSeconds: null, wrapUpSeconds: null },
    ]);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([30], 0.9)).toBe(30);
    expect(percentile([50, 10, 40, 20, 30], 0.5)).toBe(30);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  it('gives the share of call-backs made in time among those made', () => {
    expect(callbackFigures([{ created: 4, done: 3, doneInTime: 2, openOverdue: 1, failed: 0 }])).toMatchObject({ done: 3, inTimePct: 66.7 });
    expect(callbackFigures([]).inTimePct).toBeNull();
  });

  it('counts the e-mails nobody has touched yet', () => {
    expect(emailResponseFigures(3, [12, 30])).toEqual({ received: 3, answered: 2, waiting: 1, medianMinutes: 12, p90Minutes: 30 });
  });
});
