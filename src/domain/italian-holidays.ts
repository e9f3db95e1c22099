import Holidays from 'date-holidays';
import { PATRON_SAINTS, patronSaintOf } from './patron-saints.ts';

/**
 * The holidays of an Italian year: the national ones computed by date-holidays (Easter Monday moves
 * every year; San Francesco is national from 2026), plus the patron saint's day of each comune served.
 *
 * Every holiday has a key that stays the same every year (`national:natale`, `patron:milano`): an
 * agency's choice for a holiday (open, closed, special hours) is stored under it once and holds for
 * every year. National keys are ours, not the library's names, so a renamed holiday in a library
 * update keeps the agencies' choices.
 */
export type HolidayKind = 'national' | 'patron';

export type Holiday = Readonly<{
  key: string;
  /** YYYY-MM-DD, the local calendar day. */
  date: string;
  kind: HolidayKind;
  /** As a screen shows it: "Lunedì dell'Angelo", "San Siro, patrono di Pavia". */
  name: string;
  /** As a voice says it in "Oggi, <feast>, il servizio è chiuso": "Natale", "festa di San Siro". */
  feast: string;
  /** The comune of a patron saint's day, null for national holidays. */
  comune: string | null;
}>;

type NationalName = Readonly<{ slug: string; name: string; feast: string }>;

const EASTER_RULES: Readonly<Record<string, NationalName>> = {
  easter: { slug: 'pasqua', name: 'Pasqua', feast: 'Pasqua' },
  'easter 1': { slug: 'lunedi-dell-angelo', name: "Lunedì dell'Angelo", feast: "Lunedì dell'Angelo" },
};

/** The fixed-date national holidays by month-day: our stable slugs and the names a voice reads well. */
const FIXED_DATES: Readonly<Record<string, NationalName>> = {
  '01-01': { slug: 'capodanno', name: 'Capodanno', feast: 'Capodanno' },
  '01-06': { slug: 'epifania', name: 'Epifania', feast: "festa dell'Epifania" },
  '04-25': { slug: 'liberazione', name: 'Festa della Liberazione', feast: 'Festa della Liberazione' },
  '05-01': { slug: 'festa-del-lavoro', name: 'Festa del Lavoro', feast: 'Festa del Lavoro' },
  '06-02': { slug: 'festa-della-repubblica', name: 'Festa della Repubblica', feast: 'Festa della Repubblica' },
  '08-15': { slug: 'ferragosto', name: 'Ferragosto', feast: 'Ferragosto' },
  '10-04': { slug: 'san-francesco', name: "San Francesco d'Assisi, patrono d'Italia", feast: "festa di San Francesco d'Assisi" },
  '11-01': { slug: 'ognissanti', name: 'Ognissanti', feast: 'Ognissanti' },
  '12-08': { slug: 'immacolata', name: 'Immacolata Concezione', feast: "festa dell'Immacolata" },
  '12-25': { slug: 'natale', name: 'Natale', feast: 'Natale' },
  '12-26': { slug: 'santo-stefano', name: 'Santo Stefano', feast: 'festa di Santo Stefano' },
};

/** "Lunedì dell’Angelo" → "lunedi-dell-angelo": for a holiday the library adds that we have no name for yet. */
export function slugOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

let library: Holidays | undefined;
const nationalByYear = new Map<number, readonly Holiday[]>();

/** Italy's national public holidays of a year (observances such as Festa della mamma left out). Computed once per year. */
export function nationalHolidays(year: number): readonly Holiday[] {
  const cached = nationalByYear.get(year);
  if (cached) return cached;
  library ??= new Holidays('IT');
  const holidays = library
    .getHolidays(year)
    .filter((entry) => entry.type === 'public')
    .map((entry): Holiday => {
      const date = entry.date.slice(0, 10);
      const known = EASTER_RULES[entry.rule] ?? (entry.rule.startsWith('easter') ? undefined : FIXED_DATES[date.slice(5)]);
      const named = known ?? { slug: slugOf(entry.name), name: entry.name, feast: entry.name };
      return { key: `national:${named.slug}`, date, kind: 'national', name: named.name, feast: named.feast, comune: null };
    });
  nationalByYear.set(year, holidays);
  return holidays;
}

/** The patron saint's day of a comune in a year, if we know the comune. */
export function patronHoliday(comune: string, year: number): Holiday | undefined {
  const saint = patronSaintOf(comune);
  if (!saint) return undefined;
  return {
    key: `patron:${saint.comune}`,
    date: `${year}-${saint.date}`,
    kind: 'patron',
    name: `${saint.saint}, patrono di ${saint.name}`,
    feast: `festa di ${saint.saint}`,
    comune: saint.comune,
  };
}

/** The holidays of a year for an agency serving `comuni`, by date; on a shared date national ones come first. */
export function holidaysOf(year: number, comuni: readonly string[]): readonly Holiday[] {
  const patrons = comuni.map((comune) => patronHoliday(comune, year)).filter((holiday): holiday is Holiday => holiday !== undefined);
  return [...nationalHolidays(year), ...patrons].sort((a, b) => a.date.localeCompare(b.date) || kindOrder(a) - kindOrder(b));
}

function kindOrder(holiday: Holiday): number {
  return holiday.kind === 'national' ? 0 : 1;
}

export const KNOWN_COMUNI: readonly string[] = PATRON_SAINTS.map((entry) => entry.comune);
