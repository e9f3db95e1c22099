/**
 * The figures of how the service was delivered (issue 18 §2), from sums the database returns per
 * piece of the period: pieces add up, and averages and percentiles are taken once, at the end.
 */

export type SiteSums = Readonly<{ site: string; answered: number; talkSeconds: number; talked: number; wrapUpSeconds: number; wrappedUp: number }>;

export type SiteFigures = Readonly<{ site: 'on_site' | 'remote' | 'unknown'; answered: number; ahtSeconds: number | null; wrapUpSeconds: number | null }>;

const SITES = ['on_site', 'remote', 'unknown'] as const;

const mean = (sum: number, count: number) => (count === 0 ? null : Math.round((sum / count) * 10) / 10);

type HandlingSums = Readonly<{ answered: number; talkSeconds: number; talked: number; wrapUpSeconds: number; wrappedUp: number }>;

/** Answered calls, mean talk and mean wrap-up of rows that belong together: the sums first, the means once. */
function handling(rows: readonly HandlingSums[]) {
  const sum = (key: keyof HandlingSums) => rows.reduce((total, row) => total + row[key], 0);
  return { answered: sum('answered'), ahtSeconds: mean(sum('talkSeconds'), sum('talked')), wrapUpSeconds: mean(sum('wrapUpSeconds'), sum('wrappedUp')) };
}

/** Answered calls, mean talk and mean wrap-up per site of the operator who answered: every site listed, in a fixed order. */
export function siteFigures(pieces: readonly SiteSums[]): SiteFigures[] {
  return SITES.map((site) => ({
    site,
    ...handling(pieces.filter((row) => ((SITES as readonly string[]).includes(row.site) ? row.site === site : site === 'unknown'))),
  }));
}

export type OperatorSums = HandlingSums & Readonly<{ operator: string }>;

/** The same per operator, by name (only where an agreement allows figures per operator). */
export function operatorFigures(pieces: readonly OperatorSums[]) {
  const names = [...new Set(pieces.map((row) => row.operator))].sort((a, b) => a.localeCompare(b, 'it'));
  return names.map((operator) => ({ operator, ...handling(pieces.filter((row) => row.operator === operator)) }));
}

/** The value below which `fraction` of the values lie (nearest rank); null for none. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export type CallbackSums = Readonly<{ created: number; done: number; doneInTime: number; openOverdue: number; failed: number }>;

export function callbackFigures(pieces: readonly CallbackSums[]) {
  const sum = (key: keyof CallbackSums) => pieces.reduce((total, row) => total + row[key], 0);
  const done = sum('done');
  return {
    created: sum('created'),
    done,
    doneInTime: sum('doneInTime'),
    openOverdue: sum('openOverdue'),
    failed: sum('failed'),
    /** Of the call-backs made, the share made by their deadline. */
    inTimePct: done === 0 ? null : Math.round((sum('doneInTime') / done) * 1000) / 10,
  };
}

/** E-mails that became tickets, and minutes from receipt to the first thing a person did on the ticket. */
export function emailResponseFigures(received: number, minutes: readonly number[]) {
  return {
    received,
    answered: minutes.length,
    waiting: received - minutes.length,
    medianMinutes: percentile(minutes, 0.5),
    p90Minutes: percentile(minutes, 0.9),
  };
}
