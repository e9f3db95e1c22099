import { DateTime } from 'luxon';
import type { CallReport } from './kpi.ts';
import type { RatingSummary } from './rating-summary.ts';
import { validation } from './errors.ts';

/**
 * Quarterly statements: which days a quarter bills, what they cost under the agency's contracts,
 * and what one handled contact cost. Pure; the reports service feeds it the report figures.
 *
 * Rules (printed on the statement too):
 * - quarters are calendar quarters in the agency's time zone, billed in arrears;
 * - contracts are versions, never changed or deleted: a renegotiation is a new version in force
 *   from its date, and on each day the highest version already in force bills (versionSpans);
 * - a quarter wholly under one version costs annual fee / 4; otherwise each version bills
 *   annual fee / 4 x its days in the quarter / days of the quarter (pro rata by days, a leap
 *   year's Q1 has 91), each line rounded to the cent; days before the first contract bill nothing;
 * - a contract with tacit renewal runs on, on the same terms, until a later version starts;
 * - handled contacts = answered calls + e-mails received (tickets typed in during a call are the
 *   same contact as the call, so tickets are not added); cost per handled contact = fee / handled;
 * - quality (issue 17 §4): where callers rated answered calls of the billed days, how many did,
 *   the mean and the distribution 1–5; a quarter without ratings has no quality figure, so every
 *   statement issued before ratings existed still recomputes to exactly its frozen body.
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
  /** The version's row id: issued statements name it in their fee lines. */
  id: number;
  /** The portfolio these terms bill separately; null (or absent): the agency as a whole. */
  portfolioId?: string | null;
  /** 1, 2, … per agency in the order recorded; a higher version replaces the lower from its effectiveFrom on. */
  version: number;
  /** First day these terms bill. */
  effectiveFrom: string;
  annualFeeCents: number;
  currency: string;
  vatExcluded: boolean;
  billing: string;
  /** The contract's term: it started on startsOn and runs `months`, then renews tacitly or ends. */
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

const FOREVER = '9999-12-31';

export type VersionSpan = Readonly<{ contract: ContractTerms; from: string; to: string }>;

/**
 * Which version is in force on which days: on a day, the highest version whose effectiveFrom is on
 * or before it. So a renegotiation recorded as a new version replaces every earlier version from its
 * date on (even one recorded for a later date), and days before the first effectiveFrom bill nothing.
 */
export function versionSpans(versions: readonly ContractTerms[]): VersionSpan[] {
  let spans: VersionSpan[] = [];
  for (const contract of [...versions].sort((a, b) => a.version - b.version)) {
    const cut = shiftDate(contract.effectiveFrom, { days: -1 });
    spans = spans.filter((span) => span.from < contract.effectiveFrom).map((span) => (span.to > cut ? { ...span, to: cut } : span));
    spans.push({ contract, from: contract.effectiveFrom, to: FOREVER });
  }
  return spans.sort((a, b) => a.from.localeCompare(b.from));
}

/**
 * What the quarter costs; null when no contract runs on any of its days. Each version in force
 * during the quarter bills its days there (within its contract's term; past the initial term only
 * with tacit renewal) at annual fee / 4 x its days / days of the quarter, rounded to the cent per
 * line: a quarter wholly under one version costs exactly annual fee / 4, whatever its length.
 */
export function billQuarter(versions: readonly ContractTerms[], quarter: Quarter): QuarterBilling | null {
  const lines: (FeeLine & { contract: ContractTerms })[] = [];
  for (const span of versionSpans(versions)) {
    const { contract } = span;
    const termEndsOn = shiftDate(contract.startsOn, { months: contract.months, days: -1 });
    const lastDay = contract.tacitRenewal ? span.to : minDate(termEndsOn, span.to);
    const from = maxDate(maxDate(quarter.from, span.from), contract.startsOn);
    const to = minDate(quarter.to, lastDay);
    if (from > to) continue;
    const days = daysBetween(from, to);
    lines.push({
      contract,
      contractId: contract.id,
      annualFeeCents: contract.annualFeeCents,
      termEndsOn,
      renewed: to > termEndsOn,
      from,
      to,
      days,
      amountCents: Math.round((contract.annualFeeCents * days) / (4 * quarter.days)),
    });
  }
  if (lines.length === 0) return null;
  const currencies = new Set(lines.map((line) => line.contract.currency));
  if (currencies.size > 1) throw validation('Contracts in different currencies within one quarter');
  const first = lines[0].contract;
  return {
    currency: first.currency,
    vatExcluded: first.vatExcluded,
    quarterlyFeeCents: Math.round(first.annualFeeCents / 4),
    lines: lines.map(({ contract: _contract, ...line }) => line),
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    from: lines[0].from,
    to: lines[lines.length - 1].to,
    days: lines.reduce((sum, line) => sum + line.days, 0),
  };
}

/**
 * A contract bills a portfolio separately when some of its versions name it: each portfolio has its
 * own chain of versions, billed as above, and the agency's own versions (no portfolio) bill the rest.
 * Only portfolios whose versions bill some day of the quarter are billed apart in it; the others stay
 * with the agency's contract. Without portfolio versions this is exactly `billQuarter` of them all.
 */
export type BilledUnits = Readonly<{ agency: QuarterBilling | null; portfolios: readonly { id: string; billing: QuarterBilling }[] }>;

export function billUnits(versions: readonly ContractTerms[], quarter: Quarter): BilledUnits {
  const ids = [...new Set(versions.map((version) => version.portfolioId ?? null).filter((id): id is string => id !== null))];
  const portfolios = ids.flatMap((id) => {
    const billing = billQuarter(
      versions.filter((version) => version.portfolioId === id),
      quarter,
    );
    return billing ? [{ id, billing }] : [];
  });
  return {
    agency: billQuarter(
      versions.filter((version) => (version.portfolioId ?? null) === null),
      quarter,
    ),
    portfolios,
  };
}

/** The fee lines of each billed unit, to compare what was issued with what the versions say now. */
export function feeLinesByUnit(units: BilledUnits): { agency: readonly FeeLine[]; portfolios: { id: string; lines: readonly FeeLine[] }[] } {
  return { agency: units.agency?.lines ?? [], portfolios: units.portfolios.map((unit) => ({ id: unit.id, lines: unit.billing.lines })) };
}

/**
 * What to tell the issuer before issuing: a quarter without a single call, a quarter billed under
 * more than one version or on part of its days (pro rata), a quarter already issued (a re-issue).
 */
export type StatementWarning = 'no_calls' | 'contract_change' | 'already_issued';

export function statementWarnings(
  statement: Pick<StatementBody, 'volumes' | 'fee' | 'quarter' | 'billedPeriod'> & { portfolios?: readonly PortfolioSection[] },
  issued: { issuedVersions: number },
): StatementWarning[] {
  const warnings: StatementWarning[] = [];
  const parts = [statement, ...(statement.portfolios ?? [])];
  if (issued.issuedVersions > 0) warnings.push('already_issued');
  if (parts.every((part) => part.volumes.calls === 0)) warnings.push('no_calls');
  if (parts.some((part) => part.fee.lines.length > 1 || part.billedPeriod.days < statement.quarter.days)) warnings.push('contract_change');
  return warnings;
}

/** The number printed on a statement: agency prefix, year, quarter (T for trimestre), version, e.g. `PV-2026-T1-v2`. */
export function statementNumber(ticketPrefix: string, period: string, version: number): string {
  const quarter = parseQuarter(period);
  return `${ticketPrefix}-${quarter.year}-T${quarter.quarter}-v${version}`;
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

/** The callers' ratings of a statement's answered calls; the distribution lets the liaison recompute the mean. */
export type StatementQuality = Readonly<{
  ratedCalls: number;
  /** 100 × rated calls / answered calls, one decimal; null without answered calls. */
  ratedPctOfAnswered: number | null;
  meanRating: number | null;
  distribution: RatingSummary['distribution'];
}>;

export function statementQuality(ratings: RatingSummary, answered: number): StatementQuality {
  return {
    ratedCalls: ratings.count,
    ratedPctOfAnswered: answered === 0 ? null : Math.round((1000 * ratings.count) / answered) / 10,
    meanRating: ratings.mean,
    distribution: ratings.distribution,
  };
}

/** The frozen content of a statement: everything is derived from its inputs, nothing from the clock. */
export function assembleStatement(input: {
  agency: { code: string; name: string };
  quarter: Quarter;
  billing: QuarterBilling;
  parameters: StatementParameters;
  report: CallReport;
  months: readonly StatementMonth[];
  /** The callers' ratings of the billed days' calls; absent or none: the statement has no quality figure. */
  ratings?: RatingSummary;
}): StatementBody {
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
    // Last, and only with ratings: a statement without them is the body it always was.
    ...(input.ratings && input.ratings.count > 0 ? { quality: statementQuality(input.ratings, totals.answered) } : {}),
  };
}

export type StatementBody = Readonly<{
  agency: { code: string; name: string };
  period: string;
  quarter: { from: string; to: string; days: number };
  billedPeriod: { from: string; to: string; days: number };
  parameters: StatementParameters;
  fee: { currency: string; vatExcluded: boolean; quarterlyFeeCents: number; lines: readonly FeeLine[]; totalCents: number };
  volumes: {
    calls: number;
    outOfHours: number;
    offered: number;
    queued: number;
    answered: number;
    abandoned: number;
    shortAbandoned: number;
    emails: number;
    tickets: number;
    byChannel: CallReport['byChannel'];
    byQueue: CallReport['byQueue'];
  };
  kpis: {
    answeredWithinServiceLevel: number;
    serviceLevelPct: number | null;
    serviceLevelTargetPct: number;
    serviceLevelTargetMet: boolean | null;
    abandonRatePct: number | null;
    asaSeconds: number | null;
    ahtSeconds: number | null;
    maxWaitSeconds: number | null;
  };
  byMonth: readonly StatementMonth[];
  handledContacts: { answeredCalls: number; emails: number; total: number };
  costPerHandledContactCents: number | null;
  quality?: StatementQuality;
}>;

/** One portfolio billed separately: its days, its fee lines, its volumes and what a contact cost. */
export type PortfolioSection = Readonly<
  { portfolio: { code: string; name: string } } & Pick<
    StatementBody,
    'billedPeriod' | 'fee' | 'volumes' | 'kpis' | 'byMonth' | 'handledContacts' | 'costPerHandledContactCents' | 'quality'
  >
>;

/** A statement with portfolios billed apart: the agency's own part as before, one section per portfolio, the sum. */
export type SplitStatementBody = StatementBody & { portfolios?: readonly PortfolioSection[]; invoiceTotalCents?: number };

export function portfolioSection(portfolio: { code: string; name: string }, body: StatementBody): PortfolioSection {
  const { billedPeriod, fee, volumes, kpis, byMonth, handledContacts, costPerHandledContactCents, quality } = body;
  return { portfolio, billedPeriod, fee, volumes, kpis, byMonth, handledContacts, costPerHandledContactCents, ...(quality ? { quality } : {}) };
}

/** The agency's part with its portfolios' sections; without sections the body is exactly the agency's part. */
export function withPortfolioSections(agencyPart: StatementBody, sections: readonly PortfolioSection[]): SplitStatementBody {
  if (sections.length === 0) return agencyPart;
  const invoiceTotalCents = sections.reduce((sum, section) => sum + section.fee.totalCents, agencyPart.fee.totalCents);
  return { ...agencyPart, portfolios: sections, invoiceTotalCents };
}

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
