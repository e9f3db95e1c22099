import { describe, expect, it } from 'vitest';
import { holidaysOf, nationalHolidays, patronHoliday } from '../../src/domain/italian-holidays.ts';
import { PATRON_SAINTS } from '../../src/domain/patron-saints.ts';

const dateOf = (year: number, key: string) => nationalHolidays(year).find((holiday) => holiday.key === key)?.date;

describe('Italian national holidays', () => {
  it('computes Easter Monday, which moves every year', () => {
    expect(dateOf(2026, 'national:lunedi-dell-angelo')).toBe('2026-04-06');
    expect(dateOf(2027, 'national:lunedi-dell-angelo')).toBe('2027-03-29');
  });

  it('lists the public holidays of 2026 under keys that stay the same every year, observances left out', () => {
    expect(nationalHolidays(2026).map((holiday) => `${holiday.date} ${holiday.key}`)).toEqual([
      '2026-01-01 national:capodanno',
      '2026-01-06 national:epifania',
      '2026-04-05 national:pasqua',
      '2026-04-06 national:lunedi-dell-angelo',
      '2026-04-25 national:liberazione',
      '2026-05-01 national:festa-del-lavoro',
      '2026-06-02 national:festa-della-repubblica',
      '2026-08-15 national:ferragosto',
      '2026-10-04 national:san-francesco',
      '2026-11-01 national:ognissanti',
      '2026-12-08 national:immacolata',
      '2026-12-25 national:natale',
      '2026-12-26 national:santo-stefano',
    ]);
    expect(new Set(nationalHolidays(2027).map((holiday) => holiday.key))).toEqual(new Set(nationalHolidays(2026).map((holiday) => holiday.key)));
  });

  it('knows San Francesco as national from 2026 only', () => {
    expect(dateOf(2025, 'national:san-francesco')).toBeUndefined();
    expect(dateOf(2026, 'national:san-francesco')).toBe('2026-10-04');
  });
});

describe('patron saints as data', () => {
  it.each([
    ['milano', '2026-12-07', "Sant'Ambrogio"],
    ['pavia', '2026-12-09', 'San Siro'],
    ['lodi', '2026-01-19', 'San Bassiano'],
    ['cremona', '2026-11-13', "Sant'Omobono"],
    ['sesto-san-giovanni', '2026-06-24', 'San Giovanni Battista'],
  ])('%s keeps its patron saint on %s', (comune, date, saint) => {
    const holiday = patronHoliday(comune, 2026);
    expect(holiday).toMatchObject({ key: `patron:${comune}`, date, kind: 'patron', feast: `festa di ${saint}` });
  });

  it('has one well-formed entry per comune', () => {
    expect(new Set(PATRON_SAINTS.map((entry) => entry.comune)).size).toBe(PATRON_SAINTS.length);
    for (const entry of PATRON_SAINTS) expect(entry.date).toMatch(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
  });

  it("adds the patron saints of the comuni served, and only theirs, to the year's holidays", () => {
    const keys = holidaysOf(2026, ['pavia', 'lodi']).map((holiday) => holiday.key);
    expect(keys).toContain('patron:pavia');
    expect(keys).toContain('patron:lodi');
    expect(keys).not.toContain('patron:milano');
    expect(holidaysOf(2026, ['unknown-comune'])).toHaveLength(nationalHolidays(2026).length);
  });
});
