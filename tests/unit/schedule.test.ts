import { describe, expect, it } from 'vitest';
import type { OpeningSchedule } from '../../src/domain/schedule.ts';
import { closedMessageIt, describeWeeklyHoursIt, isOpen, nextOpening } from '../../src/domain/schedule.ts';

// The host's zone must not matter: the npm script runs the suite in Pacific/Auckland (UTC+13 in
// November), as far from Rome as a clock gets.
const everyDay: OpeningSchedule = {
  timezone: 'Europe/Rome',
  weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday: weekday as 1, opens: '08:00', closes: '20:00' })),
  exceptions: [],
};

/** A wall-clock time in Rome as an instant, written with its UTC offset so the test reads plainly. */
const rome = (isoWithOffset: string) => new Date(isoWithOffset);

describe('opening hours in Europe/Rome, whatever the host zone', () => {
  it('runs on a host whose zone is not Rome', () => {
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).not.toBe('Europe/Rome');
  });

  const cases: [string, string, boolean][] = [
    ['ordinary winter day 07:59:59', '2026-11-23T07:59:59+01:00', false],
    ['ordinary winter day 08:00:00', '2026-11-23T08:00:00+01:00', true],
    ['ordinary winter day 19:59:59', '2026-11-23T19:59:59+01:00', true],
    ['ordinary winter day 20:00:00', '2026-11-23T20:00:00+01:00', false],
    ['summer day 08:00:00 (CEST)', '2026-07-01T08:00:00+02:00', true],
    ['summer day 20:00:00 (CEST)', '2026-07-01T20:00:00+02:00', false],
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST.
    ['spring-forward day 07:59:59', '2026-03-29T07:59:59+02:00', false],
    ['spring-forward day 08:00:00', '2026-03-29T08:00:00+02:00', true],
    ['spring-forward day 19:59:59', '2026-03-29T19:59:59+02:00', true],
    ['spring-forward day 20:00:00', '2026-03-29T20:00:00+02:00', false],
    ['spring-forward day, 08:00 CET would be 09:00 CEST', '2026-03-29T07:00:00+01:00', true],
    ['spring-forward day, 07:30 CEST is 06:30 CET', '2026-03-29T07:30:00+02:00', false],
    // 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET.
    ['fall-back day 07:59:59', '2026-10-25T07:59:59+01:00', false],
    ['fall-back day 08:00:00', '2026-10-25T08:00:00+01:00', true],
    ['fall-back day 19:59:59', '2026-10-25T19:59:59+01:00', true],
    ['fall-back day 20:00:00', '2026-10-25T20:00:00+01:00', false],
    ['fall-back day, 07:30 CET is 08:30 CEST', '2026-10-25T08:30:00+02:00', false],
    ['midnight', '2026-11-23T00:00:00+01:00', false],
  ];
  it.each(cases)('%s', (_label, instant, expected) => {
    expect(isOpen(everyDay, rome(instant))).toBe(expected);
  });

  it('uses the instant asked about, not today (Chatwoot WorkingHour#open_at? bug)', () => {
    const closedOnChristmas: OpeningSchedule = { ...everyDay, exceptions: [{ date: '2026-12-25', ranges: [], note: 'Natale' }] };
    expect(isOpen(closedOnChristmas, rome('2026-12-25T10:00:00+01:00'))).toBe(false);
    expect(isOpen(closedOnChristmas, rome('2026-12-24T10:00:00+01:00'))).toBe(true);
    expect(isOpen(closedOnChristmas, rome('2026-12-26T10:00:00+01:00'))).toBe(true);
  });

  it('applies special hours on an exception date instead of the weekly ones', () => {
    const shortDay: OpeningSchedule = { ...everyDay, exceptions: [{ date: '2026-12-24', ranges: [{ opens: '08:00', closes: '13:00' }] }] };
    expect(isOpen(shortDay, rome('2026-12-24T12:59:59+01:00'))).toBe(true);
    expect(isOpen(shortDay, rome('2026-12-24T13:00:00+01:00'))).toBe(false);
    expect(isOpen(shortDay, rome('2026-12-24T15:00:00+01:00'))).toBe(false);
  });

  it('supports split ranges and closed weekdays', () => {
    const weekdays: OpeningSchedule = {
      timezone: 'Europe/Rome',
      weekly: [1, 2, 3, 4, 5].flatMap((weekday) => [
        { weekday: weekday as 1, opens: '09:00', closes: '12:30' },
        { weekday: weekday as 1, opens: '14:00', closes: '17:00' },
      ]),
      exceptions: [],
    };
    expect(isOpen(weekdays, rome('2026-11-23T12:45:00+01:00'))).toBe(false);
    expect(isOpen(weekdays, rome('2026-11-23T14:00:00+01:00'))).toBe(true);
    expect(isOpen(weekdays, rome('2026-11-22T10:00:00+01:00'))).toBe(false); // Sunday
    expect(describeWeeklyHoursIt(weekdays)).toBe('dal lunedì al venerdì dalle 9 alle 12 e 30 e dalle 14 alle 17');
  });
});

describe('next opening', () => {
  it('is 08:00 the same morning before opening and 08:00 the next day after closing', () => {
    expect(nextOpening(everyDay, rome('2026-11-23T06:10:00+01:00'))?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(nextOpening(everyDay, rome('2026-11-23T20:00:00+01:00'))?.toISOString()).toBe('2026-11-24T07:00:00.000Z');
  });

  it('lands on 08:00 local across the DST change', () => {
    // Saturday 28 March 21:00 CET -> Sunday 29 March 08:00 CEST = 06:00 UTC.
    expect(nextOpening(everyDay, rome('2026-03-28T21:00:00+01:00'))?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // Saturday 24 October 21:00 CEST -> Sunday 25 October 08:00 CET = 07:00 UTC.
    expect(nextOpening(everyDay, rome('2026-10-24T21:00:00+02:00'))?.toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('skips a closure', () => {
    const closed: OpeningSchedule = { ...everyDay, exceptions: [{ date: '2026-12-25', ranges: [] }] };
    expect(nextOpening(closed, rome('2026-12-24T21:00:00+01:00'))?.toISOString()).toBe('2026-12-26T07:00:00.000Z');
  });
});

describe('the closed message', () => {
  it('is generated from the schedule, in Italian', () => {
    const message = closedMessageIt(everyDay, rome('2026-11-23T20:00:00+01:00'), 'ALER Pavia-Lodi');
    expect(message).toContain('ALER Pavia-Lodi');
    expect(message).toContain('tutti i giorni dalle 8 alle 20');
    expect(message).toContain('domani alle 8');
  });

  it('names a holiday closure and the day the service reopens', () => {
    const closed: OpeningSchedule = {
      ...everyDay,
      exceptions: [
        { date: '2026-12-25', ranges: [], note: 'festività di Natale' },
        { date: '2026-12-26', ranges: [] },
      ],
    };
    const message = closedMessageIt(closed, rome('2026-12-25T10:00:00+01:00'), 'ALER Milano');
    expect(message).toContain('Oggi il servizio è chiuso: festività di Natale.');
    expect(message).toContain('domenica 27 dicembre alle 8');
  });

  it('offers the emergency line when the agency has one', () => {
    const message = closedMessageIt(everyDay, rome('2026-11-23T22:00:00+01:00'), 'ALER Milano', { hasEmergencyNumber: true });
    expect(message).toContain('pronto intervento');
  });
});
