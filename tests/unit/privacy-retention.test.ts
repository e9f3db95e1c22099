import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION, retentionCutoff } from '../../src/domain/privacy-retention.ts';

describe('retention cut-off', () => {
  it('is local midnight, the given months before today, on the agency’s wall clock', () => {
    expect(retentionCutoff(new Date('2027-07-14T10:00:00+02:00'), 24, 'Europe/Rome').toISOString()).toBe('2025-07-13T22:00:00.000Z');
  });

  it('is the same all day long, so a day is never split between two passes', () => {
    const early = retentionCutoff(new Date('2027-01-10T00:30:00+01:00'), 24, 'Europe/Rome');
    const late = retentionCutoff(new Date('2027-01-10T23:59:00+01:00'), 24, 'Europe/Rome');
    expect(early).toEqual(late);
    expect(early.toISOString()).toBe('2025-01-09T23:00:00.000Z');
  });

  it('clamps at month ends', () => {
    expect(retentionCutoff(new Date('2026-03-31T12:00:00+02:00'), 1, 'Europe/Rome').toISOString()).toBe('2026-02-27T23:00:00.000Z');
  });

  it('crosses daylight-saving changes at local midnight', () => {
    // The day summer time ends (25 October 2026) and a summer midnight a year earlier.
    expect(retentionCutoff(new Date('2026-10-25T12:00:00+01:00'), 12, 'Europe/Rome').toISOString()).toBe('2025-10-24T22:00:00.000Z');
    expect(retentionCutoff(new Date('2026-01-15T12:00:00+01:00'), 6, 'Europe/Rome').toISOString()).toBe('2025-07-14T22:00:00.000Z');
  });

  it('has defaults of 24 and 36 months, and refuses an unknown zone', () => {
    expect(DEFAULT_RETENTION).toEqual({ personalDataMonths: 24, accessLogMonths: 36 });
    expect(() => retentionCutoff(new Date(), 24, 'Mars/Olympus')).toThrow();
  });
});
