import { describe, expect, it } from 'vitest';
import { addOpeningTime, decideCallbackOutcome } from '../../src/domain/callback-rules.ts';
import type { OpeningSchedule } from '../../src/domain/schedule.ts';

const EVERY_DAY_8_20: OpeningSchedule = {
  timezone: 'Europe/Rome',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday: weekday as 1, opens: '08:00', closes: '20:00' })),
  exceptions: [{ date: '2026-12-25', ranges: [], note: 'Natale' }],
};
const WEEKDAYS_SPLIT: OpeningSchedule = {
  timezone: 'Europe/Rome',
  weekly: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday: weekday as 1, opens: '09:00', closes: '12:30' },
    { weekday: weekday as 1, opens: '14:00', closes: '17:00' },
  ]),
  exceptions: [],
};

describe('call-back due time in opening hours', () => {
  it.each([
    ['abandoned at 10:00, due two opening hours later', '2026-11-23T10:00:00+01:00', '2026-11-23T12:00:00+01:00'],
    ['abandoned at 19:30, due at 09:30 the next morning', '2026-11-23T19:30:00+01:00', '2026-11-24T09:30:00+01:00'],
    ['abandoned at 19:59:59 (open), due at 09:59:59', '2026-11-23T19:59:59+01:00', '2026-11-24T09:59:59+01:00'],
    ['counted from the opening when closed', '2026-11-23T06:00:00+01:00', '2026-11-23T10:00:00+01:00'],
    ['skipping a closed holiday', '2026-12-24T19:00:00+01:00', '2026-12-26T09:00:00+01:00'],
    ['across the spring DST change', '2026-03-28T19:00:00+01:00', '2026-03-29T09:00:00+02:00'],
  ])('%s', (_label, start, due) => {
    expect(addOpeningTime(EVERY_DAY_8_20, new Date(start), 120).toISOString()).toBe(new Date(due).toISOString());
  });

  it('skips the lunch break and the weekend', () => {
    expect(addOpeningTime(WEEKDAYS_SPLIT, new Date('2026-11-23T11:30:00+01:00'), 120).toISOString()).toBe(new Date('2026-11-23T15:00:00+01:00').toISOString());
    expect(addOpeningTime(WEEKDAYS_SPLIT, new Date('2026-11-27T16:30:00+01:00'), 120).toISOString()).toBe(new Date('2026-11-30T10:30:00+01:00').toISOString());
  });
});

describe('call-back outcomes', () => {
  it('closes the task when the caller is reached or the number is wrong', () => {
    expect(decideCallbackOutcome(0, 'reached')).toEqual({ status: 'done', attempts: 1, retry: false, closeReason: 'resolved' });
    expect(decideCallbackOutcome(0, 'resolved')).toEqual({ status: 'done', attempts: 1, retry: false, closeReason: 'resolved' });
    expect(decideCallbackOutcome(1, 'wrong_number')).toEqual({ status: 'failed', attempts: 2, retry: false, closeReason: 'wrong_number' });
  });

  it('keeps it open, due as it was, when the tenant answered but the matter is not settled', () => {
    expect(decideCallbackOutcome(2, 'answered')).toEqual({ status: 'open', attempts: 3, retry: false, closeReason: null });
  });

  it('keeps it open after an unanswered attempt, up to three attempts', () => {
    expect(decideCallbackOutcome(0, 'no_answer')).toEqual({ status: 'open', attempts: 1, retry: true, closeReason: null });
    expect(decideCallbackOutcome(1, 'voicemail')).toEqual({ status: 'open', attempts: 2, retry: true, closeReason: null });
    expect(decideCallbackOutcome(2, 'busy')).toEqual({ status: 'failed', attempts: 3, retry: false, closeReason: 'gave_up' });
  });
});
