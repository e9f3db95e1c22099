import { describe, expect, it } from 'vitest';
import type { HolidayPolicy } from '../../src/domain/holiday-policy.ts';
import type { OpeningSchedule } from '../../src/domain/schedule.ts';
import { closedMessageIt, isOpen, nextOpening } from '../../src/domain/schedule.ts';
import { calendarDays } from '../../src/domain/schedule-calendar.ts';

/** Monday–Saturday 09:30–12:00 and 15:00–18:00, Sesto San Giovanni's office. */
const splitShifts = ([1, 2, 3, 4, 5, 6] as const).flatMap((weekday) => [
  { weekday, opens: '09:30', closes: '12:00' },
  { weekday, opens: '15:00', closes: '18:00' },
]);

function sesto(holidays: Partial<HolidayPolicy> = {}, exceptions: OpeningSchedule['exceptions'] = []): OpeningSchedule {
  return {
    timezone: 'Europe/Rome',
    weekly: splitShifts,
    exceptions,
    holidays: { comuni: ['sesto-san-giovanni'], defaultMode: 'closed', choices: {}, ...holidays },
  };
}

describe('holidays in the opening hours', () => {
  it('closes on the patron saint of a comune served, and says why', () => {
    const at = new Date('2026-06-24T10:00:00+02:00'); // a Wednesday
    expect(isOpen(sesto(), at)).toBe(false);
    const message = closedMessageIt(sesto(), at, 'Comune di Sesto San Giovanni');
    expect(message).toContain('Oggi, festa di San Giovanni Battista, il servizio è chiuso.');
    expect(message).toContain('esclusi i festivi');
    expect(message).toContain('Potrà richiamare domani alle 9 e 30.');
  });

  it('keeps the weekly hours on an ordinary day', () => {
    expect(isOpen(sesto(), new Date('2026-06-27T10:00:00+02:00'))).toBe(true); // Saturday
    expect(isOpen(sesto(), new Date('2026-06-23T12:30:00+02:00'))).toBe(false); // between the shifts
    expect(isOpen(sesto(), new Date('2026-06-28T10:00:00+02:00'))).toBe(false); // Sunday
  });

  it('is open as usual on a holiday whose choice is open, whatever the default', () => {
    const open = sesto({ choices: { 'patron:sesto-san-giovanni': { mode: 'open', ranges: [] } } });
    expect(isOpen(open, new Date('2026-06-24T10:00:00+02:00'))).toBe(true);
    expect(isOpen(open, new Date('2026-06-02T10:00:00+02:00'))).toBe(false); // Festa della Repubblica follows the default
  });

  it('keeps special hours on a holiday, and names the feast when closed outside them', () => {
    const special = sesto({ choices: { 'national:festa-della-repubblica': { mode: 'special', ranges: [{ opens: '09:00', closes: '11:00' }] } } });
    expect(isOpen(special, new Date('2026-06-02T10:00:00+02:00'))).toBe(true);
    expect(isOpen(special, new Date('2026-06-02T16:00:00+02:00'))).toBe(false);
    expect(closedMessageIt(special, new Date('2026-06-02T16:00:00+02:00'), 'Comune')).toContain(
      'Oggi, Festa della Repubblica, il servizio è attivo soltanto dalle 9 alle 11',
    );
  });

  it('lets a dated exception win over the holiday choice', () => {
    const exception = sesto({}, [{ date: '2026-06-24', ranges: [{ opens: '10:00', closes: '11:00' }], note: 'Sportello straordinario' }]);
    expect(isOpen(exception, new Date('2026-06-24T10:30:00+02:00'))).toBe(true);
    expect(isOpen(exception, new Date('2026-06-24T09:45:00+02:00'))).toBe(false);
  });

  it('ignores holidays for agencies that keep them open by default (the agencies before calendars)', () => {
    const asBefore = sesto({ defaultMode: 'open', comuni: [] });
    expect(isOpen(asBefore, new Date('2026-12-08T10:00:00+01:00'))).toBe(true);
  });

  it('skips closed holidays when telling the next opening', () => {
    const opening = nextOpening(sesto(), new Date('2026-12-24T19:00:00+01:00'));
    // 25 Christmas, 26 Santo Stefano (Saturday), 27 Sunday: Monday 28 December at 09:30.
    expect(opening?.toISOString()).toBe(new Date('2026-12-28T09:30:00+01:00').toISOString());
  });

  it('shows the days as callers will meet them, with the reason', () => {
    const days = calendarDays(sesto(), '2026-06-22', 7);
    expect(days.map((day) => `${day.date} ${day.weekdayName} ${day.ranges.map((range) => `${range.opens}-${range.closes}`).join(',') || 'chiuso'}`)).toEqual([
      '2026-06-22 lunedì 09:30-12:00,15:00-18:00',
      '2026-06-23 martedì 09:30-12:00,15:00-18:00',
      '2026-06-24 mercoledì chiuso',
      '2026-06-25 giovedì 09:30-12:00,15:00-18:00',
      '2026-06-26 venerdì 09:30-12:00,15:00-18:00',
      '2026-06-27 sabato 09:30-12:00,15:00-18:00',
      '2026-06-28 domenica chiuso',
    ]);
    expect(days[2].source).toMatchObject({ kind: 'holiday', mode: 'closed', holiday: { key: 'patron:sesto-san-giovanni' } });
    expect(days[6].source).toEqual({ kind: 'weekly' });
  });
});
