import { DateTime } from 'luxon';
import type { CallReport } from './kpi.ts';
import { validation } from './errors.ts';

/**
 * Quarterly statements: which days a quarter bills, what they cost under the agency's contracts,
 * and what one handled contact cost. Pure; the reports service feeds it the report figures.
 *
 * Rules (printed on the statement too):
 * - quarters are calendar quarters in the agency's time zone, billed in arrears;
 * - a quarter fully inside a contract costs annual fee / 4; a quarter the contract starts or ends
 *   in costs annual fee / 4 x contract days in the quarter / days of the quarter, rounded to the cent;
 * - a contract with tacit renewal runs on, on the same terms, until a later contract starts;
 * - handled contacts = answered calls + e-mails received (tickets typed in during a call are the
 *   same contact as the call, so tickets are not added); cost per handled contact = fee / handled.
 */

export type Quarter = Readonly<{ period: string; year: number; quarter: number; from: string; to: string; days: number }>;

export function parseQuarter(period: string): Quarter {
  const match = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!match) throw validation(`Invalid quarter ${period}: expected YYYY-Qn, e.g. 2026-Q1`);
  const year = Number(match[1]);
  const quarter = Number(match[2]);
  const first = DateTime.fromObject({ year, month: (quarter - 1) * 3 + 1, day: 1 }, { zone: 'UTC' });
  const last = first.plus({ months: 3 }).minus({ days: 1 });
  return { period, year, quarter, from: first.toISODate()!, to: last.toISODate()!, days: daysBetween(first.toISODate()!, last.toISODate()!) };
}

/** The quarter a local date falls in. */
export function quarterOf(date: string): Quarter {
  const day = DateTime.fromISO(date, { zone: 'UTC' });
  return parseQuarter(`${day.year}-Q${Math.floor((day.month - 1) / 3) + 1}`);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days) + 1;
}

function shiftDate(date: string, change: { days?: number; months?: number }): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus(change).toISODate()!;
}

export type ContractTerms = Readonly<{
  id: number;
  annualFeeCents: number;
  currency: string;
  vatExcluded: boolean;
  billing: string;
  startsOn: string;
  months: number;
  tacitRenewal: boolean;
}>;

export type FeeLine = Readonly<{
  contractId: number;
  annualFeeCents: number;
  /** The contract's last day of the initial term (inclusive). */
  termEndsOn: string;
  renewed: boolean;
  from: string;
  to: string;
  days: number;
  amountCents: number;
}>;

export type QuarterBilling = Readonly<{
  currency: string;
  vatExcluded: boolean;
  quarterlyFeeCents: number;
  lines: readonly FeeLine[];
  totalCents: number;
  /** The billed days: the first and last day of the quarter under a contract. */
  from: string;
  to: string;
  days: number;
}>;

/** What the quarter costs; null when no contract runs on any of its days. */
export function billQuarter(contracts: readonly ContractTerms[], quarter: Quarter): QuarterBilling | null {
  const sorted = [...contracts].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const lines: FeeLine[] = [];
  sorted.forEach((contract, index) => {
    const termEndsOn = shiftDate(contract.startsOn, { months: contract.months, days: -1 });
    const nextStart = sorted[index + 1]?.startsOn;
    const lastDay = contract.tacitRenewal
      ? nextStart
        ? shiftDate(nextStart, { days: -1 })
        : '9999-12-31'
      : minDate(termEndsOn, nextStart ? shiftDate(nextStart, { days: -1 }) : '9999-12-31');
    const from = maxDate(quarter.from, contract.startsOn);
    const to = minDate(quarter.to, lastDay);
    if (from > to) return;
    const days = daysBetween(from, to);
    lines.push({
      contractId: contract.id,
      annualFeeCents: contract.annualFeeCents,
      termEndsOn,
      renewed: to > termEndsOn,
      from,
      to,
      days,
      amountCents: Math.round((contract.annualFeeCents * days) / (4 * quarter.days)),
    });
  });
  if (lines.length === 0) return null;
  const currencies = new Set(sorted.filter((contract) => lines.some((line) => line.contractId === contract.id)).map((contract) => contract.currency));
  if (currencies.size > 1) throw validation('Contracts in different currencies within one quarter');
  const first = sorted.find((contract) => contract.id === lines[0].contractId)!;
  const from = lines[0].from;
  const to = lines[lines.length - 1].to;
  return {
    currency: first.currency,
    vatExcluded: first.vatExcluded,
    quarterlyFeeCents: Math.round(first.annualFeeCents / 4),
    lines,
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    from,
    to,
    days: lines.reduce((sum, line) => sum + line.days, 0),
  };
}

const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

export type StatementParameters = Readonly<{
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  serviceLevelTargetPct: number;
  timezone: string;
}>;

export type StatementMonth = Readonly<{ month: string; calls: number; answered: number; abandoned: number; emails: number }>;

/** The frozen content of a statement: everything is derived from its inputs, nothing from the clock. */
export function assembleStatement(input: {
  agency: { code: string; name: string };
  quarter: Quarter;
  billing: QuarterBilling;
  parameters: StatementParameters;
  report: CallReport;
  months: readonly StatementMonth[];
}) {
  const { report, billing } = input;
  const totals = report.totals;
  const handled = totals.answered + totals.emails;
  return {
    agency: input.agency,
    period: input.quarter.period,
    quarter: { from: input.quarter.from, to: input.quarter.to, days: input.quarter.days },
    billedPeriod: { from: billing.from, to: billing.to, days: billing.days },
    parameters: input.parameters,
    fee: {
      currency: billing.currency,
      vatExcluded: billing.vatExcluded,
      quarterlyFeeCents: billing.quarterlyFeeCents,
      lines: billing.lines,
      totalCents: billing.totalCents,
    },
    volumes: {
      calls: totals.calls,
      outOfHours: totals.outOfHours,
      offered: totals.offered,
      queued: totals.queued,
      answered: totals.answered,
      abandoned: totals.abandoned,
      shortAbandoned: totals.shortAbandoned,
      emails: totals.emails,
      tickets: totals.tickets,
      byChannel: report.byChannel,
      byQueue: report.byQueue,
    },
    kpis: {
      answeredWithinServiceLevel: totals.answeredWithinServiceLevel,
      serviceLevelPct: totals.serviceLevelPct,
      serviceLevelTargetPct: input.parameters.serviceLevelTargetPct,
      serviceLevelTargetMet: totals.serviceLevelTargetMet,
      abandonRatePct: totals.abandonRatePct,
      asaSeconds: totals.asaSeconds,
      ahtSeconds: totals.ahtSeconds,
      maxWaitSeconds: totals.maxWaitSeconds,
    },
    byMonth: input.months,
    handledContacts: { answeredCalls: totals.answered, emails: totals.emails, total: handled },
    costPerHandledContactCents: handled === 0 ? null : Math.round(billing.totalCents / handled),
  };
}

export type StatementBody = ReturnType<typeof assembleStatement>;

/** JSON paths where two statement bodies differ (empty when the statement reproduces). */
export function statementDifferences(frozen: unknown, recomputed: unknown, path = ''): string[] {
  if (Object.is(frozen, recomputed)) return [];
  if (typeof frozen !== 'object' || typeof recomputed !== 'object' || frozen === null || recomputed === null) return [path || '(root)'];
  if (Array.isArray(frozen) !== Array.isArray(recomputed)) return [path || '(root)'];
  const keys = new Set([...Object.keys(frozen), ...Object.keys(recomputed)]);
  return [...keys].flatMap((key) =>
    statementDifferences((frozen as Record<string, unknown>)[key], (recomputed as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
  );
}
