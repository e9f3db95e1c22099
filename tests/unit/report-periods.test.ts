import { describe, expect, it } from 'vitest';
import { lastFinishedMonth, lastFinishedQuarter } from '../../src/domain/report-periods.ts';

describe('the periods that arrive by e-mail', () => {
  it('is last month as soon as a month begins in Rome, not in UTC', () => {
    // 1 December 00:30 in Rome is still 30 November in UTC.
    expect(lastFinishedMonth(new Date('2026-11-30T23:30:00Z'), 'Europe/Rome')).toEqual({ period: '2026-11', from: '2026-11-01', to: '2026-11-30' });
    expect(lastFinishedMonth(new Date('2026-11-30T22:30:00Z'), 'Europe/Rome')).toEqual({ period: '2026-10', from: '2026-10-01', to: '2026-10-31' });
  });

  it('crosses the year in January, and knows February', () => {
    expect(lastFinishedMonth(new Date('2027-01-15T10:00:00Z'), 'Europe/Rome').period).toBe('2026-12');
    expect(lastFinishedMonth(new Date('2028-03-01T10:00:00Z'), 'Europe/Rome')).toEqual({ period: '2028-02', from: '2028-02-01', to: '2028-02-29' });
  });

  it('names the last finished quarter as statements do', () => {
    expect(lastFinishedQuarter(new Date('2026-12-03T10:00:00Z'), 'Europe/Rome')).toEqual({ period: '2026-Q3', from: '2026-07-01', to: '2026-09-30' });
    expect(lastFinishedQuarter(new Date('2027-01-01T00:30:00+01:00'), 'Europe/Rome')).toEqual({ period: '2026-Q4', from: '2026-10-01', to: '2026-12-31' });
  });
});
