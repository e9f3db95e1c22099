import { DateTime } from 'luxon';

/**
 * The call-volume KPIs of CONTRACT §7, as pure functions over call facts.
 *
 * Everything is counted into additive tallies first (a tally of two parts is the sum of their
 * tallies) and ratios are taken only at the end, so a report assembled from per-hour rollup rows
 * gives exactly what the same definitions give over the raw calls. The SQL in
 * `src/modules/reports/reports-repo.ts` repeats `classifyCall` for speed; the golden and rollup
 * tests hold the two to the same answers.
 */

export const REPORT_CATEGORIES = ['maintenance', 'heating', 'admin'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];
export const CALL_CHANNELS = ['numero_verde', 'landline'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];

/** Outcomes of calls that entered a queue (CONTRACT: `queued`). */
export const QUEUED_OUTCOMES = ['queued', 'bridged', 'answered', 'abandoned', 'short_abandoned', 'queue_other'] as const;
/** Hung up while waiting in queue; the report's threshold decides short or not, not the stored label. */
export const HANGUP_OUTCOMES = ['abandoned', 'short_abandoned'] as const;

export type KpiParameters = Readonly<{ serviceLevelSeconds: number; shortAbandonSeconds: number }>;

export const DEFAULT_KPI_PARAMETERS: KpiParameters = Object.freeze({ serviceLevelSeconds: 20, shortAbandonSeconds: 5 });

/** What a report needs to know of one call: the raw facts, never a label derived with some threshold. */
export type CallFact = Readonly<{
  startedAt: Date;
  outcome: string;
  category: string | null;
  numberKind: string | null;
  queueTimeSeconds: number | null;
  talkSeconds: number | null;
}>;

/** Additive counters. */
export type CallTally = {
  calls: number;
  outOfHours: number;
  queued: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinServiceLevel: number;
  answeredWaitSeconds: number;
  talkSeconds: number;
  talkCount: number;
  maxWaitSeconds: number | null;
};

export function emptyTally(): CallTally {
  return {
    calls: 0,
    outOfHours: 0,
    queued: 0,
    answered: 0,
    abandoned: 0,
    shortAbandoned: 0,
    answeredWithinServiceLevel: 0,
    answeredWaitSeconds: 0,
    talkSeconds: 0,
    talkCount: 0,
    maxWaitSeconds: null,
  };
}

export function addTally(into: CallTally, other: CallTally): CallTally {
  into.calls += other.calls;
  into.outOfHours += other.outOfHours;
  into.queued += other.queued;
  into.answered += other.answered;
  into.abandoned += other.abandoned;
  into.shortAbandoned += other.shortAbandoned;
  into.answeredWithinServiceLevel += other.answeredWithinServiceLevel;
  into.answeredWaitSeconds += other.answeredWaitSeconds;
  into.talkSeconds += other.talkSeconds;
  into.talkCount += other.talkCount;
  into.maxWaitSeconds = maxOrNull(into.maxWaitSeconds, other.maxWaitSeconds);
  return into;
}

export function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** A wait Twilio never reported counts as 0 s; negative values cannot be waits. */
export function waitOf(fact: Pick<CallFact, 'queueTimeSeconds'>): number {
  return Math.max(0, fact.queueTimeSeconds ?? 0);
}

export function isQueuedOutcome(outcome: string): boolean {
  return (QUEUED_OUTCOMES as readonly string[]).includes(outcome);
}

export function isHangupOutcome(outcome: string): boolean {
  return (HANGUP_OUTCOMES as readonly string[]).includes(outcome);
}

/**
 * One call's contribution, CONTRACT §7:
 * - every call of the agency counts in `calls`; `outOfHours` those that came while closed;
 * - `queued`: entered a queue; `answered`: QueueResult=bridged;
 * - a hang-up in queue is `shortAbandoned` when its wait < shortAbandonSeconds, `abandoned` otherwise;
 * - `answeredWithinServiceLevel`: answered with wait <= serviceLevelSeconds;
 * - the longest wait counts answered and abandoned calls (not short abandons).
 */
export function tallyCall(into: CallTally, fact: CallFact, params: KpiParameters): CallTally {
  into.calls += 1;
  if (fact.outcome === 'out_of_hours') into.outOfHours += 1;
  if (isQueuedOutcome(fact.outcome)) into.queued += 1;
  const wait = waitOf(fact);
  if (fact.outcome === 'answered') {
    into.answered += 1;
    into.answeredWaitSeconds += wait;
    if (wait <= params.serviceLevelSeconds) into.answeredWithinServiceLevel += 1;
    if (fact.talkSeconds !== null) {
      into.talkSeconds += fact.talkSeconds;
      into.talkCount += 1;
    }
    into.maxWaitSeconds = maxOrNull(into.maxWaitSeconds, wait);
  } else if (isHangupOutcome(fact.outcome)) {
    if (wait < params.shortAbandonSeconds) {
      into.shortAbandoned += 1;
    } else {
      into.abandoned += 1;
      into.maxWaitSeconds = maxOrNull(into.maxWaitSeconds, wait);
    }
  }
  return into;
}

/** Percentages and seconds are rounded to one decimal, half away from zero. */
export function round1(value: number): number {
  return Math.sign(value) * (Math.round(Math.abs(value) * 10 + Number.EPSILON) / 10);
}

export function ratioPct(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : round1((100 * numerator) / denominator);
}

export function mean(sum: number, count: number): number | null {
  return count === 0 ? null : round1(sum / count);
}

/** The KPIs of a tally; every ratio is null when its denominator is 0. */
export function kpisOf(tally: CallTally) {
  const decided = tally.answered + tally.abandoned;
  return {
    serviceLevelPct: ratioPct(tally.answeredWithinServiceLevel, decided),
    abandonRatePct: ratioPct(tally.abandoned, decided),
    asaSeconds: mean(tally.answeredWaitSeconds, tally.answered),
    maxWaitSeconds: tally.maxWaitSeconds,
    /** Over answered calls whose talk time is known (a call still in conversation has none yet). */
    ahtSeconds: mean(tally.talkSeconds, tally.talkCount),
  };
}

/** Tallies of one report range, cut the ways the report shows them. */
export type ReportDimensions = {
  total: CallTally;
  byDay: Map<string, CallTally>;
  byHour: Map<number, CallTally>;
  byQueue: Map<string, CallTally>;
  byChannel: Map<string, CallTally>;
};

export function emptyDimensions(): ReportDimensions {
  return { total: emptyTally(), byDay: new Map(), byHour: new Map(), byQueue: new Map(), byChannel: new Map() };
}

/** Tallies of two disjoint sets of calls (e.g. two day ranges) added up. */
export function mergeDimensions(a: ReportDimensions, b: ReportDimensions): ReportDimensions {
  const merged = emptyDimensions();
  for (const dims of [a, b]) {
    addTally(merged.total, dims.total);
    for (const [key, tally] of dims.byDay) addTally(tallyInto(merged.byDay, key), tally);
    for (const [key, tally] of dims.byHour) addTally(tallyInto(merged.byHour, key), tally);
    for (const [key, tally] of dims.byQueue) addTally(tallyInto(merged.byQueue, key), tally);
    for (const [key, tally] of dims.byChannel) addTally(tallyInto(merged.byChannel, key), tally);
  }
  return merged;
}

export function tallyInto<K>(map: Map<K, CallTally>, key: K): CallTally {
  let tally = map.get(key);
  if (!tally) {
    tally = emptyTally();
    map.set(key, tally);
  }
  return tally;
}

/** The local calendar day and hour a call belongs to: when it came in, on the agency's wall clock. */
export function localSlot(instant: Date, timezone: string): { date: string; hour: number } {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  return { date: local.toISODate()!, hour: local.hour };
}

/**
 * The reference implementation: tallies raw facts directly. Facts outside [from, to] (local days,
 * inclusive) are ignored.
 */
export function dimensionsFromFacts(
  facts: Iterable<CallFact>,
  options: { timezone: string; from: string; to: string; params: KpiParameters },
): ReportDimensions {
  const dims = emptyDimensions();
  for (const fact of facts) {
    const slot = localSlot(fact.startedAt, options.timezone);
    if (slot.date < options.from || slot.date > options.to) continue;
    tallyCall(dims.total, fact, options.params);
    tallyCall(tallyInto(dims.byDay, slot.date), fact, options.params);
    tallyCall(tallyInto(dims.byHour, slot.hour), fact, options.params);
    if (fact.category) tallyCall(tallyInto(dims.byQueue, fact.category), fact, options.params);
    if (fact.numberKind) tallyCall(tallyInto(dims.byChannel, fact.numberKind), fact, options.params);
  }
  return dims;
}

/** Local calendar days from `from` to `to`, inclusive (ISO dates). */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  let day = DateTime.fromISO(from, { zone: 'UTC' });
  const last = DateTime.fromISO(to, { zone: 'UTC' });
  while (day <= last) {
    days.push(day.toISODate()!);
    day = day.plus({ days: 1 });
  }
  return days;
}

/** The instants bounding local days [from, to]: [start of `from`, start of the day after `to`). */
export function instantsOfDays(from: string, to: string, timezone: string): { start: Date; end: Date } {
  const start = DateTime.fromISO(from, { zone: timezone }).startOf('day');
  const end = DateTime.fromISO(to, { zone: timezone }).plus({ days: 1 }).startOf('day');
  return { start: start.toJSDate(), end: end.toJSDate() };
}

export type ContactCounts = Readonly<{
  emails: number;
  tickets: number;
  emailsByDay: ReadonlyMap<string, number>;
  ticketsByDay: ReadonlyMap<string, number>;
  ticketsByChannel: ReadonlyMap<string, number>;
}>;

export const NO_CONTACTS: ContactCounts = Object.freeze({
  emails: 0,
  tickets: 0,
  emailsByDay: new Map(),
  ticketsByDay: new Map(),
  ticketsByChannel: new Map(),
});

function queueRow(tally: CallTally) {
  const kpis = kpisOf(tally);
  return {
    queued: tally.queued,
    answered: tally.answered,
    abandoned: tally.abandoned,
    asaSeconds: kpis.asaSeconds,
    shortAbandoned: tally.shortAbandoned,
    answeredWithinServiceLevel: tally.answeredWithinServiceLevel,
    serviceLevelPct: kpis.serviceLevelPct,
    abandonRatePct: kpis.abandonRatePct,
    maxWaitSeconds: kpis.maxWaitSeconds,
    ahtSeconds: kpis.ahtSeconds,
  };
}

function channelRow(tally: CallTally) {
  const kpis = kpisOf(tally);
  return {
    calls: tally.calls,
    outOfHours: tally.outOfHours,
    offered: tally.calls - tally.outOfHours,
    queued: tally.queued,
    answered: tally.answered,
    abandoned: tally.abandoned,
    shortAbandoned: tally.shortAbandoned,
    answeredWithinServiceLevel: tally.answeredWithinServiceLevel,
    serviceLevelPct: kpis.serviceLevelPct,
    abandonRatePct: kpis.abandonRatePct,
    asaSeconds: kpis.asaSeconds,
  };
}

export type ReportHeader = Readonly<{
  agency: string;
  from: string;
  to: string;
  timezone: string;
  parameters: KpiParameters & Readonly<{ serviceLevelTargetPct: number }>;
}>;

/** The CONTRACT §7 report (plus `byChannel`), from tallies and contact counts. */
export function assembleCallReport(header: ReportHeader, dims: ReportDimensions, contacts: ContactCounts) {
  const total = dims.total;
  const kpis = kpisOf(total);
  const get = <K>(map: Map<K, CallTally>, key: K) => map.get(key) ?? emptyTally();
  return {
    agency: header.agency,
    from: header.from,
    to: header.to,
    timezone: header.timezone,
    parameters: {
      serviceLevelSeconds: header.parameters.serviceLevelSeconds,
      shortAbandonSeconds: header.parameters.shortAbandonSeconds,
      serviceLevelTargetPct: header.parameters.serviceLevelTargetPct,
    },
    totals: {
      calls: total.calls,
      outOfHours: total.outOfHours,
      offered: total.calls - total.outOfHours,
      queued: total.queued,
      answered: total.answered,
      abandoned: total.abandoned,
      shortAbandoned: total.shortAbandoned,
      answeredWithinServiceLevel: total.answeredWithinServiceLevel,
      serviceLevelPct: kpis.serviceLevelPct,
      abandonRatePct: kpis.abandonRatePct,
      asaSeconds: kpis.asaSeconds,
      maxWaitSeconds: kpis.maxWaitSeconds,
      ahtSeconds: kpis.ahtSeconds,
      emails: contacts.emails,
      tickets: contacts.tickets,
      serviceLevelTargetMet: kpis.serviceLevelPct === null ? null : kpis.serviceLevelPct >= header.parameters.serviceLevelTargetPct,
    },
    byQueue: {
      maintenance: queueRow(get(dims.byQueue, 'maintenance')),
      heating: queueRow(get(dims.byQueue, 'heating')),
      admin: queueRow(get(dims.byQueue, 'admin')),
    },
    byChannel: {
      numero_verde: channelRow(get(dims.byChannel, 'numero_verde')),
      landline: channelRow(get(dims.byChannel, 'landline')),
      email: {
        emails: contacts.emails,
        tickets: contacts.ticketsByChannel.get('email') ?? 0,
      },
    },
    byDay: daysOf(header.from, header.to).map((date) => {
      const tally = get(dims.byDay, date);
      return {
        date,
        calls: tally.calls,
        outOfHours: tally.outOfHours,
        answered: tally.answered,
        abandoned: tally.abandoned,
        emails: contacts.emailsByDay.get(date) ?? 0,
        queued: tally.queued,
        shortAbandoned: tally.shortAbandoned,
        tickets: contacts.ticketsByDay.get(date) ?? 0,
      };
    }),
    byHour: Array.from({ length: 24 }, (_, hour) => {
      const tally = get(dims.byHour, hour);
      return {
        hour,
        calls: tally.calls,
        answered: tally.answered,
        abandoned: tally.abandoned,
        outOfHours: tally.outOfHours,
        queued: tally.queued,
        shortAbandoned: tally.shortAbandoned,
        answeredWithinServiceLevel: tally.answeredWithinServiceLevel,
      };
    }),
  };
}

export type CallReport = ReturnType<typeof assembleCallReport>;
