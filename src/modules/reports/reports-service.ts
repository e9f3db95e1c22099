import { DateTime } from 'luxon';
import type { Actor, Role } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, canSeeAgency, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { rollupSupports } from '../../domain/kpi-cells.ts';
import type { ContactCounts, KpiParameters } from '../../domain/kpi.ts';
import { activeCategories, categoryLabelIt, categoryTitleIt } from '../../domain/categories.ts';
import { assembleCallReport, emptyDimensions, instantsOfDays, mergeDimensions } from '../../domain/kpi.ts';
import type { StatementMonth, StatementParameters } from '../../domain/statement.ts';
import type { PortfolioSection, QuarterBilling, SplitStatementBody } from '../../domain/statement.ts';
import {
  assembleStatement,
  billUnits,
  feeLinesByUnit,
  parseQuarter,
  portfolioSection,
  statementDifferences,
  statementNumber,
  statementWarnings,
  withPortfolioSections,
} from '../../domain/statement.ts';
import type { Database } from '../../db/client.ts';
import { outcomeCodesOf } from '../../domain/call-outcome-codes.ts';
import type { PortfolioChoice, PortfolioFilter } from '../../domain/portfolio-scope.ts';
import { choosePortfolio } from '../../domain/portfolio-scope.ts';
import type { AgencyDirectory, AgencyProfile } from '../agencies/agency-directory.ts';
import { monthChunks } from './call-rollup.ts';
import { callRatings, callSavings, repeatCalls } from './call-quality.ts';
import type { CallRollup } from './call-rollup.ts';
import type { DayChunk } from './paced-reads.ts';
import { dayChunks, RAW_CHUNK_DAYS, readPaced } from './paced-reads.ts';
import * as repo from './reports-repo.ts';
import type { DayRange, StatementRow } from './reports-repo.ts';

export type ReportServiceDeps = Readonly<{
  db: Database;
  directory: AgencyDirectory;
  clock: Clock;
  bus: EventBus;
  rollup: CallRollup;
}>;

export type ReportService = ReturnType<typeof createReportService>;

/** Where call figures come from: the hourly rollup (default) or the raw calls (reference, audits, benchmarks). */
export type FigureSource = 'rollup' | 'raw';

export type CallReportQuery = Readonly<{
  agency: string;
  from: string;
  to: string;
  compare?: 'previous-year';
  serviceLevelSeconds?: number;
  shortAbandonSeconds?: number;
  source?: FigureSource;
  /** One portfolio's id, `none` for the agency's own stock; absent: the whole agency. */
  portfolio?: string;
}>;

const REPORT_READERS: Role[] = ['operator', 'supervisor', 'admin', 'agency'];
// Fees are the agency's and the call center's business, not the operators'.
const STATEMENT_READERS: Role[] = ['supervisor', 'admin', 'agency'];
const STATEMENT_ISSUERS: Role[] = ['supervisor', 'admin'];

/** About five years of days; the byDay array grows with the range. */
export const MAX_REPORT_DAYS = 1830;
export const MAX_TREND_MONTHS = 120;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createReportService(deps: ReportServiceDeps) {
  const { db, directory, clock, bus, rollup } = deps;

  /** Role, then agency scope (another agency is NOT_FOUND, like one that does not exist). */
  function visibleAgency(actor: Actor, code: string, roles: Role[]): AgencyProfile {
    assertRole(actor, ...roles);
    assertCanSeeAgency(actor, code, 'Agency');
    const agency = directory.agency(code);
    if (!agency) throw notFound('Agency');
    return agency;
  }

  function parametersOf(agency: AgencyProfile, overrides: Partial<KpiParameters> = {}): StatementParameters {
    return {
      serviceLevelSeconds: overrides.serviceLevelSeconds ?? agency.serviceLevelSeconds,
      shortAbandonSeconds: overrides.shortAbandonSeconds ?? agency.shortAbandonSeconds,
      serviceLevelTargetPct: agency.serviceLevelTargetPct,
      timezone: agency.timezone,
    };
  }

  function todayIn(timezone: string): string {
    return DateTime.fromJSDate(clock.now(), { zone: timezone }).toISODate()!;
  }

  function dayRange(agency: string, timezone: string, from: string, to: string, portfolio: PortfolioFilter = undefined): DayRange {
    return { agency, timezone, from, to, portfolio, ...instantsOfDays(from, to, timezone) };
  }

  /** The query's portfolio of a visible agency; an unknown one, or another agency's, is NOT_FOUND (it reveals nothing). */
  function portfolioOf(agency: AgencyProfile, code: string | undefined): PortfolioChoice {
    const choice = choosePortfolio(agency.portfolios, code);
    if (!choice) throw notFound('Portfolio');
    return choice;
  }

  /** What a report says about its portfolio (only when it covers part of the agency). */
  const portfolioField = (choice: PortfolioChoice) => (choice.filter === undefined ? {} : { portfolio: { code: choice.code, name: choice.name } });

  /**
   * Calls by the wrap-up's outcome code (esito): every code of the agency's list, with 0 when
   * unused, in its order, then codes used but since removed from the list (labelled by their code).
   */
  async function wrapUpOutcomes(range: (part: DayChunk) => DayRange, from: string, to: string) {
    const first = range({ from, to });
    const [counted, own] = await Promise.all([
      readPaced(monthChunks(from, to), (month) => repo.wrapUpCounts(db, range(month))),
      repo.outcomeCodeLabels(db, first.agency),
    ]);
    const byCode = new Map<string, number>();
    for (const row of counted.flat()) byCode.set(row.key, (byCode.get(row.key) ?? 0) + row.n);
    const listed = outcomeCodesOf(own);
    const rows = listed.map((entry) => ({ code: entry.code, label: entry.label, calls: byCode.get(entry.code) ?? 0 }));
    for (const [code, calls] of byCode) if (!listed.some((entry) => entry.code === code)) rows.push({ code, label: code, calls });
    return rows;
  }

  /** E-mails and tickets per local day, read a month at a time. */
  async function contactCounts(range: (part: DayChunk) => DayRange, from: string, to: string): Promise<ContactCounts> {
    const months = monthChunks(from, to);
    const [emails, tickets] = await Promise.all([
      readPaced(months, (month) => repo.emailCounts(db, range(month), 'day')),
      readPaced(months, (month) => repo.ticketCounts(db, range(month), 'day')),
    ]);
    const emailsByDay = new Map(emails.flat().map((row) => [row.key, row.n]));
    const ticketsByDay = new Map<string, number>();
    const ticketsByChannel = new Map<string, number>();
    for (const row of tickets.flat()) {
      ticketsByDay.set(row.key, (ticketsByDay.get(row.key) ?? 0) + row.n);
      ticketsByChannel.set(row.channel!, (ticketsByChannel.get(row.channel!) ?? 0) + row.n);
    }
    const sum = (map: Map<string, number>) => [...map.values()].reduce((total, n) => total + n, 0);
    return { emails: sum(emailsByDay), tickets: sum(ticketsByDay), emailsByDay, ticketsByDay, ticketsByChannel };
  }

  /**
   * Which days come from where: sealed days from the rollup, later ones from `calls`. Thresholds
   * beyond the rollup's caps, or `source: 'raw'`, read everything from `calls`. A read seals
   * nothing: days the sealer has not reached yet are read from `calls`.
   */
  async function planSources(agency: string, from: string, to: string, params: KpiParameters, source: FigureSource): Promise<SourcePlan> {
    if (source === 'raw' || !rollupSupports(params)) return { rollup: null, raw: { from, to } };
    const sealed = await rollup.sealedThrough(db, agency);
    if (sealed === null || sealed < from) return { rollup: null, raw: { from, to } };
    if (sealed >= to) return { rollup: { from, to }, raw: null };
    return { rollup: { from, to: sealed }, raw: { from: nextDay(sealed), to } };
  }

  /** The CONTRACT §7 report of local days [from, to] with the given parameters. */
  async function figures(
    agency: AgencyProfile,
    from: string,
    to: string,
    parameters: StatementParameters,
    source: FigureSource = 'rollup',
    portfolio: PortfolioFilter = undefined,
  ) {
    const params: KpiParameters = { serviceLevelSeconds: parameters.serviceLevelSeconds, shortAbandonSeconds: parameters.shortAbandonSeconds };
    const plan = await planSources(agency.code, from, to, params, source);
    const range = (part: { from: string; to: string }) => dayRange(agency.code, parameters.timezone, part.from, part.to, portfolio);
    // In short statements with a turn of the event loop after each (paced-reads.ts): on PGlite a
    // statement runs on this thread, and a year in one statement held every webhook for ~250 ms.
    const [fromRollup, fromCalls, contacts] = await Promise.all([
      plan.rollup ? readPaced(monthChunks(plan.rollup.from, plan.rollup.to), (month) => repo.rollupDimensions(db, range(month), params)) : [],
      plan.raw ? readPaced(dayChunks(plan.raw.from, plan.raw.to, RAW_CHUNK_DAYS), (days) => repo.rawDimensions(db, range(days), params)) : [],
      contactCounts(range, from, to),
    ]);
    const dims = [...fromRollup, ...fromCalls].reduce(mergeDimensions, emptyDimensions());
    const listed = activeCategories(agency.categories).map((category) => category.code);
    const report = assembleCallReport({ agency: agency.code, from, to, timezone: parameters.timezone, parameters, categories: listed }, dims, contacts);
    const categories = Object.keys(report.byQueue).map((code) => ({ code, label: categoryTitleIt(categoryLabelIt(agency.categories, code)) }));
    return { ...report, categories, agencyName: agency.name, sources: plan, wrapUpOutcomes: await wrapUpOutcomes(range, from, to) };
  }

  async function monthlyVolumes(
    agency: AgencyProfile,
    from: string,
    to: string,
    parameters: StatementParameters,
    source: FigureSource = 'rollup',
    portfolio: PortfolioFilter = undefined,
  ) {
    const params: KpiParameters = { serviceLevelSeconds: parameters.serviceLevelSeconds, shortAbandonSeconds: parameters.shortAbandonSeconds };
    const plan = await planSources(agency.code, from, to, params, source);
    const range = (part: { from: string; to: string }) => dayRange(agency.code, parameters.timezone, part.from, part.to, portfolio);
    const calendar = monthChunks(from, to);
    // Paced like figures(): a 36-month trend in one statement held PGlite (and the loop) for ~300 ms.
    const [fromRollup, fromCalls, emails, tickets] = await Promise.all([
      plan.rollup ? readPaced(monthChunks(plan.rollup.from, plan.rollup.to), (month) => repo.rollupMonths(db, range(month), params)) : [],
      plan.raw ? readPaced(dayChunks(plan.raw.from, plan.raw.to, RAW_CHUNK_DAYS), (days) => repo.rawMonths(db, range(days), params)) : [],
      readPaced(calendar, (month) => repo.emailCounts(db, range(month), 'month')),
      readPaced(calendar, (month) => repo.ticketCounts(db, range(month), 'month')),
    ]);
    const byMonth = new Map<string, repo.MonthRow>();
    for (const row of [...fromRollup.flat(), ...fromCalls.flat()]) {
      const sum = byMonth.get(row.month);
      byMonth.set(
        row.month,
        sum
          ? {
              month: row.month,
              calls: sum.calls + row.calls,
              outOfHours: sum.outOfHours + row.outOfHours,
              answered: sum.answered + row.answered,
              abandoned: sum.abandoned + row.abandoned,
              shortAbandoned: sum.shortAbandoned + row.shortAbandoned,
            }
          : row,
      );
    }
    const emailsByMonth = new Map<string, number>();
    for (const row of emails.flat()) emailsByMonth.set(row.key, (emailsByMonth.get(row.key) ?? 0) + row.n);
    const ticketsByMonth = new Map<string, number>();
    for (const row of tickets.flat()) ticketsByMonth.set(row.key, (ticketsByMonth.get(row.key) ?? 0) + row.n);
    const months = monthsOf(from, to).map((month) => {
      const row = byMonth.get(month);
      return {
        month,
        calls: row?.calls ?? 0,
        outOfHours: row?.outOfHours ?? 0,
        answered: row?.answered ?? 0,
        abandoned: row?.abandoned ?? 0,
        shortAbandoned: row?.shortAbandoned ?? 0,
        emails: emailsByMonth.get(month) ?? 0,
        tickets: ticketsByMonth.get(month) ?? 0,
      };
    });
    return { months, sources: plan };
  }

  /**
   * The contract versions a statement bills with: every version recorded up to `asOf` (all of them
   * without it). Versions are never changed or deleted, so a statement recomputed with the versions
   * recorded by its issue bills exactly as it did, whatever was renegotiated since.
   */
  async function contractVersions(agency: string, asOf?: Date): Promise<repo.ContractRow[]> {
    const versions = await repo.contractsOf(db, agency);
    return asOf ? versions.filter((version) => version.recordedAt === null || version.recordedAt <= asOf) : versions;
  }

  async function computeStatement(
    agency: AgencyProfile,
    period: string,
    parameters: StatementParameters,
    versions: readonly repo.ContractRow[],
    source: FigureSource = 'rollup',
  ) {
    const quarter = parseQuarter(period);
    const units = billUnits(versions, quarter);
    if (!units.agency) throw validation(`No contract of ${agency.code} runs during ${period}`);
    const part = async (billing: QuarterBilling, portfolio: PortfolioFilter) => {
      const range = (chunk: DayChunk) => dayRange(agency.code, parameters.timezone, chunk.from, chunk.to, portfolio);
      const [report, { months }, ratings] = await Promise.all([
        figures(agency, billing.from, billing.to, parameters, source, portfolio),
        monthlyVolumes(agency, billing.from, billing.to, parameters, source, portfolio),
        callRatings(db, range, billing.from, billing.to, []),
      ]);
      const statementMonths: StatementMonth[] = months.map(({ month, calls, answered, abandoned, emails }) => ({ month, calls, answered, abandoned, emails }));
      return assembleStatement({ agency: { code: agency.code, name: agency.name }, quarter, billing, parameters, report, months: statementMonths, ratings });
    };
    // Portfolios billed apart in this quarter: their own contacts, their own fee; the agency's contract bills the rest.
    const billedApart = units.portfolios.map((unit) => unit.id);
    const agencyPart = await part(units.agency, billedApart.length === 0 ? undefined : { except: billedApart });
    const sections: PortfolioSection[] = [];
    for (const unit of units.portfolios) {
      const name = agency.portfolios.find((portfolio) => portfolio.id === unit.id)?.name ?? unit.id;
      sections.push(portfolioSection({ code: unit.id, name }, await part(unit.billing, unit.id)));
    }
    return withPortfolioSections(agencyPart, sections);
  }

  /** The versions a statement's fee lines bill under, for people to read (version number and date). */
  function versionsBilled(
    body: { fee: { lines: readonly { contractId: number }[] }; portfolios?: readonly { fee: { lines: readonly { contractId: number }[] } }[] },
    versions: readonly repo.ContractRow[],
  ) {
    const ids = new Set([body, ...(body.portfolios ?? [])].flatMap((part) => part.fee.lines.map((line) => line.contractId)));
    return versions
      .filter((version) => ids.has(version.id))
      .map((version) => ({
        id: version.id,
        version: version.version,
        effectiveFrom: version.effectiveFrom,
        annualFeeCents: version.annualFeeCents,
        portfolio: version.portfolioId,
      }));
  }

  async function latestVersionOf(row: StatementRow): Promise<number> {
    const versions = await repo.listStatements(db, [row.agencyCode]);
    return Math.max(...versions.filter((candidate) => candidate.period === row.period).map((candidate) => candidate.version));
  }

  async function visibleStatement(actor: Actor, id: string): Promise<StatementRow> {
    assertRole(actor, ...STATEMENT_READERS);
    const row = UUID.test(id) ? await repo.findStatement(db, id) : undefined;
    if (!row || !canSeeAgency(actor, row.agencyCode)) throw notFound('Statement');
    return row;
  }

  async function statementView(row: StatementRow, latestVersion: number) {
    const body = row.body as SplitStatementBody;
    return {
      id: row.id,
      number: row.number,
      agency: row.agencyCode,
      period: row.period,
      version: row.version,
      latestVersion,
      superseded: row.version < latestVersion,
      issuedAt: row.issuedAt.toISOString(),
      issuedBy: { id: row.issuedById, name: row.issuedByName },
      contractVersions: versionsBilled(body, await repo.contractsOf(db, row.agencyCode)),
      statement: body,
    };
  }

  return {
    /** "Riscaldamento", "Morosità": the titles of an agency's categories (retired ones too), for the printed statement. */
    categoryTitles(agencyCode: string): Record<string, string> {
      const categories = directory.agency(agencyCode)?.categories ?? [];
      return Object.fromEntries(categories.map((category) => [category.code, categoryTitleIt(category.label)]));
    },

    /**
     * Adds every finished day of every agency to the rollup: the sealer worker's job (reports-module.ts),
     * in the background, so that no report request has to seal months of history while a supervisor waits.
     */
    async sealFinishedDays(): Promise<void> {
      for (const agency of directory.agencyCodes()) await rollup.seal(db, agency);
    },

    /** GET /api/v1/reports/calls */
    async callReport(actor: Actor, query: CallReportQuery) {
      const agency = visibleAgency(actor, query.agency, REPORT_READERS);
      checkDayRange(query.from, query.to);
      const choice = portfolioOf(agency, query.portfolio);
      const parameters = parametersOf(agency, { serviceLevelSeconds: query.serviceLevelSeconds, shortAbandonSeconds: query.shortAbandonSeconds });
      const report = await figures(agency, query.from, query.to, parameters, query.source, choice.filter);
      const range = (part: DayChunk) => dayRange(agency.code, parameters.timezone, part.from, part.to, choice.filter);
      const [ratings, repeats, savings] = await Promise.all([
        callRatings(db, range, query.from, query.to, report.categories),
        repeatCalls(db, range, query.from, query.to),
        callSavings(db, range, query.from, query.to),
      ]);
      const current = { ...report, ratings, repeatCalls: repeats, savings, ...portfolioField(choice) };
      if (query.compare !== 'previous-year') return current;
      const earlier = (date: string) => DateTime.fromISO(date, { zone: 'UTC' }).minus({ years: 1 }).toISODate()!;
      const previousYear = {
        ...(await figures(agency, earlier(query.from), earlier(query.to), parameters, query.source, choice.filter)),
        ...portfolioField(choice),
      };
      return { ...current, previousYear };
    },

    /** GET /api/v1/reports/trend: monthly volumes for the renewal negotiation. */
    async volumeTrend(actor: Actor, query: { agency: string; months: number; to?: string; source?: FigureSource; portfolio?: string }) {
      const agency = visibleAgency(actor, query.agency, REPORT_READERS);
      const choice = portfolioOf(agency, query.portfolio);
      if (!Number.isInteger(query.months) || query.months < 1 || query.months > MAX_TREND_MONTHS) {
        throw validation(`months must be between 1 and ${MAX_TREND_MONTHS}`);
      }
      const parameters = parametersOf(agency);
      // By default the trend ends with the last complete month: a half month would read as a drop.
      const lastMonth = query.to
        ? DateTime.fromISO(`${query.to}-01`, { zone: 'UTC' })
        : DateTime.fromISO(todayIn(agency.timezone), { zone: 'UTC' }).startOf('month').minus({ months: 1 });
      if (!lastMonth.isValid) throw validation('to must be a month, YYYY-MM');
      const firstMonth = lastMonth.minus({ months: query.months - 1 });
      const from = firstMonth.toISODate()!;
      const to = lastMonth.endOf('month').toISODate()!;
      const { months, sources } = await monthlyVolumes(agency, from, to, parameters, query.source, choice.filter);
      const totals = months.reduce(
        (sum, month) => ({
          calls: sum.calls + month.calls,
          answered: sum.answered + month.answered,
          abandoned: sum.abandoned + month.abandoned,
          emails: sum.emails + month.emails,
          tickets: sum.tickets + month.tickets,
        }),
        { calls: 0, answered: 0, abandoned: 0, emails: 0, tickets: 0 },
      );
      return {
        agency: agency.code,
        agencyName: agency.name,
        timezone: agency.timezone,
        parameters: { serviceLevelSeconds: parameters.serviceLevelSeconds, shortAbandonSeconds: parameters.shortAbandonSeconds },
        from: firstMonth.toFormat('yyyy-MM'),
        to: lastMonth.toFormat('yyyy-MM'),
        months,
        totals,
        sources,
        ...portfolioField(choice),
      };
    },

    /** What the statement of a quarter would say now, without issuing it. */
    async previewStatement(actor: Actor, query: { agency: string; period: string }) {
      const agency = visibleAgency(actor, query.agency, STATEMENT_READERS);
      const versions = await contractVersions(agency.code);
      const statement = await computeStatement(agency, query.period, parametersOf(agency), versions);
      const issued = (await repo.listStatements(db, [agency.code])).filter((row) => row.period === query.period);
      return {
        preview: true as const,
        complete: todayIn(agency.timezone) > statement.quarter.to,
        warnings: statementWarnings(statement, { issuedVersions: issued.length }),
        contractVersions: versionsBilled(statement, versions),
        statement,
      };
    },

    /** POST /api/v1/reports/statements: freezes the quarter's statement as a new version. */
    async issueStatement(actor: Actor, query: { agency: string; period: string }) {
      const agency = visibleAgency(actor, query.agency, STATEMENT_ISSUERS);
      const quarter = parseQuarter(query.period);
      if (todayIn(agency.timezone) <= quarter.to) {
        throw validation(`${query.period} is billed in arrears: it can be issued from the day after ${quarter.to}`);
      }
      const parameters = parametersOf(agency);
      const issuedAt = clock.now();
      const body = await computeStatement(agency, query.period, parameters, await contractVersions(agency.code, issuedAt));
      // The printed statement names its issuer as people know them, frozen as they were named then.
      const issuedByName = (await repo.displayNameOf(db, actor.id)) ?? actor.name;
      const row = await db.transaction((tx) =>
        repo.insertStatementVersion(
          tx,
          {
            agencyCode: agency.code,
            period: query.period,
            periodFrom: body.billedPeriod.from,
            periodTo: body.billedPeriod.to,
            issuedAt,
            issuedById: actor.id,
            issuedByName,
            parameters,
            body,
          },
          (version) => statementNumber(agency.ticketPrefix, query.period, version),
        ),
      );
      if (!row) throw conflict(`Another version of ${agency.code} ${query.period} was issued at the same moment; reload and try again`);
      bus.publish({
        type: 'statement.issued',
        agency: agency.code,
        at: row.issuedAt.toISOString(),
        data: { id: row.id, period: row.period, version: row.version },
      });
      return await statementView(row, row.version);
    },

    async listStatements(actor: Actor, query: { agency?: string }) {
      assertRole(actor, ...STATEMENT_READERS);
      const agencies = scopeAgencies(actor, query.agency);
      const rows = await repo.listStatements(db, agencies);
      const latest = new Map<string, number>();
      for (const row of rows) {
        const key = `${row.agencyCode}|${row.period}`;
        latest.set(key, Math.max(latest.get(key) ?? 0, row.version));
      }
      return {
        items: rows.map((row) => ({
          id: row.id,
          agency: row.agencyCode,
          period: row.period,
          billedFrom: row.periodFrom,
          billedTo: row.periodTo,
          version: row.version,
          number: row.number,
          superseded: row.version < (latest.get(`${row.agencyCode}|${row.period}`) ?? row.version),
          issuedAt: row.issuedAt.toISOString(),
          issuedBy: { id: row.issuedById, name: row.issuedByName },
        })),
      };
    },

    async getStatement(actor: Actor, id: string) {
      const row = await visibleStatement(actor, id);
      return await statementView(row, await latestVersionOf(row));
    },

    /**
     * Recomputes an issued statement from the raw calls with its stored parameters and the contract
     * versions recorded by its issue, and lists what no longer matches. `contractChanged` says
     * whether the versions recorded since (a retroactive renegotiation) would bill the quarter
     * otherwise: a reason to re-issue, not a difference in what was issued.
     */
    async verifyStatement(actor: Actor, id: string) {
      const row = await visibleStatement(actor, id);
      const agency = directory.agency(row.agencyCode);
      if (!agency) throw notFound('Agency');
      const parameters = row.parameters as StatementParameters;
      const versions = await contractVersions(agency.code, row.issuedAt);
      const recomputed = await computeStatement(agency, row.period, parameters, versions, 'raw');
      const differences = statementDifferences(row.body, JSON.parse(JSON.stringify(recomputed)));
      const billedNow = billUnits(await contractVersions(agency.code), parseQuarter(row.period));
      const frozen = row.body as SplitStatementBody;
      const frozenLines = {
        agency: frozen.fee.lines,
        portfolios: (frozen.portfolios ?? []).map((section) => ({ id: section.portfolio.code, lines: section.fee.lines })),
      };
      const contractChanged = billedNow.agency === null || statementDifferences(frozenLines, JSON.parse(JSON.stringify(feeLinesByUnit(billedNow)))).length > 0;
      return { id: row.id, number: row.number, reproduces: differences.length === 0, differences, contractChanged, parameters, recomputed };
    },

    /** Administrators: recompute the rollup of local days [from, to] from the raw calls. */
    async rebuildRollup(actor: Actor, query: { agency: string; from: string; to: string }) {
      const agency = visibleAgency(actor, query.agency, ['admin']);
      checkDayRange(query.from, query.to);
      return { agency: agency.code, from: query.from, to: query.to, ...(await rollup.rebuildDays(db, query)) };
    },
  };
}

/** Local days read from the rollup and from the raw calls (either may be null). */
export type SourcePlan = Readonly<{ rollup: { from: string; to: string } | null; raw: { from: string; to: string } | null }>;

function nextDay(date: string): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
}

export function checkDayRange(from: string, to: string): void {
  const start = DateTime.fromISO(from, { zone: 'UTC' });
  const end = DateTime.fromISO(to, { zone: 'UTC' });
  if (!start.isValid || !end.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    throw validation('from and to must be dates, YYYY-MM-DD');
  }
  if (from > to) throw validation('from must not be after to');
  if (end.diff(start, 'days').days + 1 > MAX_REPORT_DAYS) throw validation(`A report covers at most ${MAX_REPORT_DAYS} days`);
}

/** 'YYYY-MM' of every month touching [from, to]. */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  let month = DateTime.fromISO(from, { zone: 'UTC' }).startOf('month');
  const last = DateTime.fromISO(to, { zone: 'UTC' }).startOf('month');
  while (month <= last) {
    months.push(month.toFormat('yyyy-MM'));
    month = month.plus({ months: 1 });
  }
  return months;
}
