import { DateTime } from 'luxon';
import type { HolidayMode, HolidayPolicy } from './holiday-policy.ts';
import { holidayOn } from './holiday-policy.ts';
import type { Holiday } from './italian-holidays.ts';

/**
 * Opening hours as a pure function of (schedule, instant, zone).
 *
 * Everything is computed on the agency's wall clock in its own zone, never the host's:
 * Chatwoot's `WorkingHour#open_at?` once used today's date instead of the instant asked about,
 * and a server in UTC answered Italian callers an hour off twice a year. Ranges are half-open,
 * [opens, closes): with 08:00–20:00, 19:59:59 is open and 20:00:00 is closed.
 */

/** 'HH:MM' or 'HH:MM:SS', 00:00 to 24:00. */
export type TimeOfDay = string;

export type TimeRange = Readonly<{ opens: TimeOfDay; closes: TimeOfDay }>;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type WeeklyRange = TimeRange & Readonly<{ weekday: Weekday }>;

/** A dated exception replaces that day's weekly ranges; no ranges means closed all day. */
export type ScheduleException = Readonly<{ date: string; ranges: readonly TimeRange[]; note?: string | null }>;

export type OpeningSchedule = Readonly<{
  timezone: string;
  weekly: readonly WeeklyRange[];
  exceptions: readonly ScheduleException[];
  /** National holidays and the patron saints of the comuni served; absent: holidays are ordinary days. */
  holidays?: HolidayPolicy;
}>;

/** Why a day has the hours it has: what the calendar screen and the closed message explain. */
export type DaySource =
  | Readonly<{ kind: 'weekly' }>
  | Readonly<{ kind: 'exception'; note: string | null }>
  | Readonly<{ kind: 'holiday'; holiday: Holiday; mode: HolidayMode }>;

export type DayPlan = Readonly<{ ranges: readonly TimeRange[]; source: DaySource }>;

const TIME_PATTERN = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function secondsOfDay(time: TimeOfDay): number {
  const match = TIME_PATTERN.exec(time);
  if (!match) throw new Error(`Invalid time of day: ${time}`);
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  const total = hours * 3600 + minutes * 60 + seconds;
  if (minutes > 59 || seconds > 59 || total > 24 * 3600) throw new Error(`Invalid time of day: ${time}`);
  return total;
}

export function isValidRange(range: TimeRange): boolean {
  try {
    return secondsOfDay(range.opens) < secondsOfDay(range.closes);
  } catch {
    return false;
  }
}

function weeklyRangesOn(schedule: OpeningSchedule, localDate: DateTime): readonly TimeRange[] {
  return schedule.weekly.filter((range) => range.weekday === localDate.weekday);
}

/**
 * The hours of a local calendar date and why: a dated exception first (the agency wrote it for that
 * very day), then the agency's choice for a holiday falling on it, then the weekday's ranges.
 */
export function dayPlan(schedule: OpeningSchedule, localDate: DateTime): DayPlan {
  const isoDate = localDate.toISODate() ?? '';
  const exception = schedule.exceptions.find((candidate) => candidate.date === isoDate);
  if (exception) return { ranges: exception.ranges, source: { kind: 'exception', note: exception.note ?? null } };
  const holiday = schedule.holidays ? holidayOn(schedule.holidays, isoDate) : undefined;
  if (holiday) {
    const { mode, ranges } = holiday.choice;
    const source = { kind: 'holiday', holiday: holiday.holiday, mode } as const;
    if (mode === 'closed') return { ranges: [], source };
    if (mode === 'special') return { ranges, source };
    return { ranges: weeklyRangesOn(schedule, localDate), source };
  }
  return { ranges: weeklyRangesOn(schedule, localDate), source: { kind: 'weekly' } };
}

/** The ranges in force on a local calendar date (see dayPlan for the order). */
export function rangesOn(schedule: OpeningSchedule, localDate: DateTime): readonly TimeRange[] {
  return dayPlan(schedule, localDate).ranges;
}

export function exceptionOn(schedule: OpeningSchedule, localDate: DateTime): ScheduleException | undefined {
  const isoDate = localDate.toISODate();
  return schedule.exceptions.find((candidate) => candidate.date === isoDate);
}

function localTime(schedule: OpeningSchedule, instant: Date): DateTime {
  const local = DateTime.fromJSDate(instant, { zone: schedule.timezone });
  if (!local.isValid) throw new Error(`Invalid time zone: ${schedule.timezone}`);
  return local;
}

function wallClockSeconds(local: DateTime): number {
  return local.hour * 3600 + local.minute * 60 + local.second;
}

// The answer only changes from one whole second to the next (ranges have no finer resolution),
// and every call in a burst asks about the same second: the zone conversion, the costliest part
// of a call's decision, runs once a second per schedule instead of once per call.
const lastAnswer = new WeakMap<OpeningSchedule, { second: number; open: boolean }>();

export function isOpen(schedule: OpeningSchedule, instant: Date): boolean {
  const second = Math.floor(instant.getTime() / 1000);
  const cached = lastAnswer.get(schedule);
  if (cached?.second === second) return cached.open;
  const local = localTime(schedule, instant);
  const now = wallClockSeconds(local);
  const open = rangesOn(schedule, local).some((range) => secondsOfDay(range.opens) <= now && now < secondsOfDay(range.closes));
  lastAnswer.set(schedule, { second, open });
  return open;
}

/**
 * The next instant at which the service opens, strictly after `instant` when it is closed
 * (or `instant` itself when open). Looks ahead 31 days; null if it stays closed that long.
 */
export function nextOpening(schedule: OpeningSchedule, instant: Date): Date | null {
  if (isOpen(schedule, instant)) return instant;
  const local = localTime(schedule, instant);
  const now = wallClockSeconds(local);
  for (let dayOffset = 0; dayOffset <= 31; dayOffset += 1) {
    const day = local.startOf('day').plus({ days: dayOffset });
    const opensToday = rangesOn(schedule, day)
      .map((range) => secondsOfDay(range.opens))
      .filter((opens) => dayOffset > 0 || opens > now)
      .sort((a, b) => a - b);
    if (opensToday.length > 0) {
      const seconds = opensToday[0];
      // Set the wall-clock time explicitly: adding seconds to midnight would drift by an hour on DST days.
      const opening = day.set({ hour: Math.floor(seconds / 3600), minute: Math.floor((seconds % 3600) / 60), second: seconds % 60 });
      return opening.toJSDate();
    }
  }
  return null;
}

const WEEKDAY_NAMES_IT = ['lunedì', 'martedì', 'mercoledì', 'giovedì', 'venerdì', 'sabato', 'domenica'];

/** "lunedì" … "domenica" for an ISO weekday. */
export function weekdayNameIt(weekday: number): string {
  return WEEKDAY_NAMES_IT[weekday - 1];
}
const MONTH_NAMES_IT = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

/** "8", "8 e 30", "20": how an Italian voice reads a time of day. */
export function spokenTimeIt(time: TimeOfDay): string {
  const seconds = secondsOfDay(time);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return minutes === 0 ? `${hours}` : `${hours} e ${minutes}`;
}

function rangesPhraseIt(ranges: readonly TimeRange[]): string {
  return [...ranges]
    .sort((a, b) => secondsOfDay(a.opens) - secondsOfDay(b.opens))
    .map((range) => `dalle ${spokenTimeIt(range.opens)} alle ${spokenTimeIt(range.closes)}`)
    .join(' e ');
}

/** "tutti i giorni dalle 8 alle 20", or grouped by runs of days with the same hours. */
export function describeWeeklyHoursIt(schedule: OpeningSchedule): string {
  const phraseByDay = ([1, 2, 3, 4, 5, 6, 7] as Weekday[]).map((weekday) => {
    const ranges = schedule.weekly.filter((range) => range.weekday === weekday);
    return ranges.length === 0 ? null : rangesPhraseIt(ranges);
  });
  if (phraseByDay.every((phrase) => phrase !== null && phrase === phraseByDay[0])) return `tutti i giorni ${phraseByDay[0]}`;

  const groups: { first: number; last: number; phrase: string | null }[] = [];
  phraseByDay.forEach((phrase, index) => {
    const previous = groups.at(-1);
    if (previous && previous.phrase === phrase) previous.last = index;
    else groups.push({ first: index, last: index, phrase });
  });
  const parts = groups
    .filter((group) => group.phrase !== null)
    .map((group) => {
      const days =
        group.first === group.last ? `il ${WEEKDAY_NAMES_IT[group.first]}` : `dal ${WEEKDAY_NAMES_IT[group.first]} al ${WEEKDAY_NAMES_IT[group.last]}`;
      return `${days} ${group.phrase}`;
    });
  if (parts.length === 0) return 'su appuntamento';
  return parts.join(', ');
}

/** "oggi alle 8", "domani alle 8", "lunedì 6 aprile alle 8". */
export function describeOpeningIt(schedule: OpeningSchedule, instant: Date, opening: Date): string {
  const from = localTime(schedule, instant).startOf('day');
  const at = localTime(schedule, opening);
  const days = Math.round(at.startOf('day').diff(from, 'days').days);
  const time = spokenTimeIt(at.toFormat('HH:mm'));
  if (days === 0) return `oggi alle ${time}`;
  if (days === 1) return `domani alle ${time}`;
  return `${WEEKDAY_NAMES_IT[at.weekday - 1]} ${at.day} ${MONTH_NAMES_IT[at.month - 1]} alle ${time}`;
}

/**
 * What a caller hears when the agency is closed, generated from the schedule (an agency may write
 * its own instead, see voice-texts.ts). `neutral`: for callers who may be at risk, it names neither
 * the agency nor the kind of service, and the emergency line is offered without saying what for.
 */
export function closedMessageIt(
  schedule: OpeningSchedule,
  instant: Date,
  agencyName: string,
  options: { hasEmergencyNumber: boolean; neutral?: boolean } = { hasEmergencyNumber: false },
): string {
  const local = localTime(schedule, instant);
  const sentences = [options.neutral ? 'Buongiorno, risponde il servizio.' : `Ha chiamato il servizio segnalazioni di ${agencyName}.`];
  const plan = dayPlan(schedule, local);
  if (plan.source.kind === 'exception' && plan.ranges.length === 0) {
    sentences.push(plan.source.note ? `Oggi il servizio è chiuso: ${plan.source.note}.` : 'Oggi il servizio è chiuso.');
  } else if (plan.source.kind === 'holiday' && plan.ranges.length === 0) {
    sentences.push(`Oggi, ${plan.source.holiday.feast}, il servizio è chiuso.`);
  } else if (plan.source.kind === 'holiday' && plan.source.mode === 'special') {
    sentences.push(`Oggi, ${plan.source.holiday.feast}, il servizio è attivo soltanto ${rangesPhraseIt(plan.ranges)}: in questo momento è chiuso.`);
  } else {
    sentences.push('In questo momento il servizio è chiuso.');
  }
  const holidaysClosed = schedule.holidays?.defaultMode === 'closed' ? ', esclusi i festivi' : '';
  sentences.push(`Il servizio è attivo ${describeWeeklyHoursIt(schedule)}${holidaysClosed}.`);
  const opening = nextOpening(schedule, instant);
  if (opening) sentences.push(`Potrà richiamare ${describeOpeningIt(schedule, instant, opening)}.`);
  if (options.hasEmergencyNumber && options.neutral) {
    sentences.push("Per un'urgenza resti in linea: la mettiamo in contatto con una persona.");
  } else if (options.hasEmergencyNumber) {
    sentences.push('Per le emergenze, come fughe di gas, allagamenti o guasti gravi, resti in linea: la mettiamo in contatto con il pronto intervento.');
  } else {
    sentences.push('Può anche scriverci per e-mail in qualsiasi momento. Grazie e arrivederci.');
  }
  return sentences.join(' ');
}
