import { DateTime } from 'luxon';
import type { CallSelection, CallTally, KpiParameters, TallyDefinition, TallyName } from './kpi-definitions.ts';
import { CALL_TALLIES, comparisonOf, outcomesOf, TALLY_NAMES } from './kpi-definitions.ts';

export type { CallTally, KpiParameters } from './kpi-definitions.ts';

/**
 * The call-volume KPIs of CONTRACT §7, as pure functions over call facts.
 *
 * Everything is counted into additive tallies first (a tally of two parts is the sum of their
 * tallies) and ratios are taken only at the end, so a report assembled from per-hour rollup rows
 * gives exactly what the same definitions give over the raw calls. The tallies are declared once,
 * in kpi-definitions.ts; `tallyCall` here is the reference reading of those declarations, and the
 * report SQL (modules/reports/kpi-sql.ts) is generated from the same ones. The golden and rollup
 * tests hold the readings to the same answers.
 */

export const CALL_CHANNELS = ['numero_verde', 'landline'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];

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

/** The tallies as one record of numbers, for code that treats them all alike. */
type Counters = Record<TallyName, number | null>;

const EMPTY_TALLY: Readonly<CallTally> = Object.freeze(
  Object.fromEntries(TALLY_NAMES.map((name) => [name, CALL_TALLIES[name].aggregate === 'max' ? null : 0])) as CallTally,
);

export function emptyTally(): CallTally {
  return { ...EMPTY_TALLY };
}

/**
 * Adding tallies is the hot path of a report (a year read a week at a time adds some ten thousand),
 * so this and `tallyReader` are generated from the declarations as the line-per-field code one
 * would write: loops over the names ran five to twenty times slower, every field access a lookup
 * by a varying key.
 */
function generated<F>(parameters: readonly string[], body: string): F {
  return new Function(...parameters, body) as F;
}

/** One line of generated code per tally, each name checked to be a plain identifier first. */
function perTally(names: readonly TallyName[], line: (name: TallyName, aggregate: TallyDefinition['aggregate']) => string): string {
  return names
    .map((name) => {
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`Tally name ${name} is not an identifier`);
      return line(name, CALL_TALLIES[name].aggregate);
    })
    .join('\n');
}

const addTallyFields = generated<(into: CallTally, other: CallTally, max: typeof maxOrNull) => CallTally>(
  ['into', 'other', 'maxOrNull'],
  `${perTally(TALLY_NAMES, (name, aggregate) => (aggregate === 'max' ? `into.${name} = maxOrNull(into.${name}, other.${name});` : `into.${name} += other.${name};`))}
return into;`,
);

export function addTally(into: CallTally, other: CallTally): CallTally {
  return addTallyFields(into, other, maxOrNull);
}

/** Reads the named tallies from a record of numbers or numeric strings, e.g. a row a driver answered. */
export function tallyReader<N extends TallyName>(names: readonly N[]): (record: Readonly<Record<string, unknown>>) => Pick<CallTally, N> {
  return generated(
    ['record'],
    `return {
${perTally(names, (name, aggregate) => `${name}: ${aggregate === 'max' ? `record.${name} === null ? null : ` : ''}Number(record.${name}),`)}
};`,
  );
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

type CallMatcher = (outcome: string, wait: number, params: KpiParameters) => boolean;

function matcherOf(selection: CallSelection): CallMatcher {
  const outcomes = outcomesOf(selection.set);
  const bound = selection.wait ? comparisonOf(selection.wait) : null;
  return (outcome, wait, params) => {
    if (outcomes !== null && !outcomes.includes(outcome)) return false;
    if (bound === null) return true;
    const threshold = params[bound.param];
    if (bound.op === '<') return wait < threshold;
    return bound.op === '<=' ? wait <= threshold : wait >= threshold;
  };
}

// Each declaration read once, not per call.
const TALLY_READERS = TALLY_NAMES.map((name) => {
  const definition: TallyDefinition = CALL_TALLIES[name];
  const matchers = definition.of.map(matcherOf);
  return { name, definition, matches: (outcome: string, wait: number, params: KpiParameters) => matchers.some((matches) => matches(outcome, wait, params)) };
});

/** One call's contribution to every tally of CALL_TALLIES (kpi-definitions.ts). */
export function tallyCall(into: CallTally, fact: CallFact, params: KpiParameters): CallTally {
  const counters = into as Counters;
  const wait = waitOf(fact);
  for (const { name, definition, matches } of TALLY_READERS) {
    if (!matches(fact.outcome, wait, params)) continue;
    const value = definition.value === undefined ? 1 : definition.value === 'wait' ? wait : fact.talkSeconds;
    if (value === null) continue;
    if (definition.aggregate === 'count') counters[name] = (counters[name] as number) + 1;
    else if (definition.aggregate === 'sum') counters[name] = (counters[name] as number) + value;
    else counters[name] = maxOrNull(counters[name], value);
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
  /**
   * The agency's active categories in list order: `byQueue` has a row for each, even without
   * calls, then one for any other category (retired, or removed) that has calls in the range.
   */
  categories: readonly string[];
}>;

/** The keys of `byQueue`: the agency's categories, then those with calls in the range that it no longer offers. */
export function reportCategories(listed: readonly string[], withData: Iterable<string>): string[] {
  const extra = [...withData].filter((category) => !listed.includes(category)).sort();
  return [...listed, ...extra];
}

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
      /** Fell silent in queue without any result from Twilio (see CALL_TALLIES.lost). */
      lost: total.lost,
      /** Left the queue keeping their place, to be called back (see CALL_TALLIES.queuedCallbacks). */
      queuedCallbacks: total.queuedCallbacks,
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
    byQueue: Object.fromEntries(
      reportCategories(header.categories, dims.byQueue.keys()).map((category) => [category, queueRow(get(dims.byQueue, category))]),
    ) as Record<string, ReturnType<typeof queueRow>>,
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
