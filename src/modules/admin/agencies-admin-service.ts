import type {
  AgencyCalendar,
  AgencyCategoryList,
  AgencyConfig,
  AgencyHolidays,
  AgencyProfile,
  ContractVersion,
  ContractVersionList,
} from '../../contracts/admin.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import type { EventBus } from '../../domain/events.ts';
import { AppError, conflict, validation } from '../../domain/errors.ts';
import type { AgencyCategory } from '../../domain/categories.ts';
import { categoryListProblemsIt, menuPromptIt } from '../../domain/categories.ts';
import { holidayChoicesOf } from '../../domain/holiday-policy.ts';
import { nationalHolidays } from '../../domain/italian-holidays.ts';
import { PATRON_SAINTS, patronSaintOf } from '../../domain/patron-saints.ts';
import { queueName } from '../../domain/routing.ts';
import type { DaySource } from '../../domain/schedule.ts';
import { calendarDays, localDateOf } from '../../domain/schedule-calendar.ts';
import { groupExceptions, scheduleFromRows } from '../../domain/schedule-rows.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { toAgencyCategories } from '../agencies/agency-directory.ts';
import { categoryQueueRow, categoryRow, defaultCategoryRows } from '../agencies/category-rows.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import { changedParts } from './config-diff.ts';
import * as repo from './agencies-admin-repo.ts';
import { ABANDON_AMBER_PCT, ABANDON_RED_PCT } from '../../domain/wall-tones.ts';
import { findUser } from './users-admin-repo.ts';
import { createVoiceAdmin, voiceConfigView } from './voice-admin.ts';
import type {
  AgencyCreateBody,
  CategoriesBody,
  AgencyPatchBody,
  CalendarQuery,
  ContractBody,
  ContractVersionBody,
  EmailAddressesBody,
  ExceptionBody,
  HolidaysBody,
  NumbersBody,
  PortfoliosBody,
  QueuesBody,
  ScheduleBody,
  WeeklyBody,
} from './admin-schemas.ts';

export type AgencyAdminService = ReturnType<typeof createAgencyAdminService>;

/**
 * Configuration of the client agencies. Administrators change it, supervisors read the agencies
 * they serve. Every change is one transaction that also writes its audit entry (the parts that
 * changed, before and after), and is followed by a directory reload here and, through the
 * `agency.configured` event the cluster relay carries, on every other node: the very next webhook
 * routes with the new numbers, hours and queues, whichever node it reaches.
 */
export function createAgencyAdminService(deps: { db: Database; clock: Clock; directory: AgencyDirectory; audit: AuditPort; bus: EventBus }) {
  const { db, directory, audit, bus } = deps;

  /** Administrators configure every agency; supervisors see only those they serve. */
  function assertCanRead(actor: Actor, code: string): void {
    assertRole(actor, 'admin', 'supervisor');
    if (actor.role !== 'admin') assertCanSeeAgency(actor, code, 'Agency');
  }

  async function view(code: string, executor: Executor = db) {
    const config = await repo.loadAgencyConfig(executor, code);
    if (!config) throw new AppError('NOT_FOUND', 'Agency not found');
    return publicAgencyConfig(config);
  }

  /** After a commit: this node's directory now, the other nodes' through the event. */
  async function configured(code: string, parts: string[]) {
    await directory.reload(db);
    bus.publish({ type: 'agency.configured', agency: code, at: deps.clock.now().toISOString(), data: { agency: code, parts } });
  }

  /**
   * Runs a change on an existing agency in one transaction with its audit entry, reloads the
   * directory everywhere, answers the new configuration. A change the view shows no difference in leaves no entry.
   */
  async function change(actor: Actor, code: string, work: (tx: Tx) => Promise<void>) {
    assertRole(actor, 'admin');
    const { after, parts } = await db.transaction(async (tx) => {
      if (!(await repo.findAgencyRow(tx, code))) throw new AppError('NOT_FOUND', 'Agency not found');
      const before = await view(code, tx);
      await work(tx);
      const after = await view(code, tx);
      const diff = changedParts(before, after);
      if (diff.parts.length > 0) {
        await audit.record(tx, actor, {
          action: `agency.${diff.parts.join('+')}`,
          target: { kind: 'agency', id: code },
          agency: code,
          before: diff.before,
          after: diff.after,
        });
      }
      return { after, parts: diff.parts };
    });
    // Reloaded even when the public view shows no difference: a part it does not show may have changed.
    await configured(code, parts);
    return after;
  }

  /** The configuration of an agency an actor may read, or NOT_FOUND. */
  async function readable(actor: Actor, code: string) {
    assertCanRead(actor, code);
    const config = await repo.loadAgencyConfig(db, code);
    if (!config) throw new AppError('NOT_FOUND', 'Agency not found');
    return config;
  }

  async function getHolidays(actor: Actor, code: string, year: number | undefined): Promise<AgencyHolidays> {
    const config = await readable(actor, code);
    return holidaysView(config, year ?? Number(localDateOf(deps.clock.now(), config.agency.timezone).slice(0, 4)));
  }

  /** A holiday key an agency may choose for: a national holiday of last, this or next year, or a known comune's patron. */
  function assertKnownHolidays(keys: readonly string[]): void {
    const year = deps.clock.now().getUTCFullYear();
    const national = new Set([year - 1, year, year + 1].flatMap((candidate) => nationalHolidays(candidate).map((holiday) => holiday.key)));
    const unknown = keys.filter((key) => !(national.has(key) || (key.startsWith('patron:') && patronSaintOf(key.slice('patron:'.length)))));
    if (unknown.length > 0) throw validation(`Unknown holiday: ${unknown.join(', ')}`);
  }

  async function assertOwnPortfolios(tx: Tx, code: string, ids: readonly (string | null)[]): Promise<void> {
    const own = await repo.portfolioIdsOf(tx, code);
    const unknown = [...new Set(ids.filter((id): id is string => id !== null && !own.has(id)))];
    if (unknown.length > 0) throw validation(`Unknown portfolio of ${code}: ${unknown.join(', ')}`);
  }

  const voice = createVoiceAdmin({ db, clock: deps.clock, readable, change, scheduleOf: scheduleFromConfig });

  return {
    getVoice: voice.getVoice,
    replaceVoice: voice.replaceVoice,

    async listAgencies(actor: Actor) {
      assertRole(actor, 'admin', 'supervisor');
      const rows = await repo.listAgencyRows(db, actor.role === 'admin' ? undefined : actor.agencies);
      return rows.map(publicAgency);
    },

    async getAgency(actor: Actor, code: string) {
      assertCanRead(actor, code);
      return view(code);
    },

    async createAgency(actor: Actor, body: AgencyCreateBody) {
      assertRole(actor, 'admin');
      await db.transaction(async (tx) => {
        if (await repo.findAgencyRow(tx, body.code)) throw conflict(`Agency ${body.code} exists already`);
        if (await repo.findAgencyByTicketPrefix(tx, body.ticketPrefix)) throw conflict(`Ticket prefix ${body.ticketPrefix} is taken`);
        assertAbandonThresholds(body.wallAbandonAmberPct, body.wallAbandonRedPct);
        await repo.insertAgency(tx, { ...body, createdAt: deps.clock.now() });
        // An agency is born with the three default categories and their queues; it edits them later.
        const defaults = defaultCategoryRows(body.code);
        await repo.upsertQueues(tx, defaults.queues);
        await repo.replaceCategories(tx, body.code, defaults.categories, []);
        // Its creator may see it at once; other staff are assigned through the users API.
        if (actor.kind === 'user') await repo.assignAgency(tx, actor.id, body.code);
        await audit.record(tx, actor, {
          action: 'agency.create',
          target: { kind: 'agency', id: body.code },
          agency: body.code,
          before: null,
          after: await view(body.code, tx),
        });
      });
      await configured(body.code, ['create']);
      return view(body.code);
    },

    updateAgency: (actor: Actor, code: string, body: AgencyPatchBody) =>
      change(actor, code, async (tx) => {
        const row = await repo.findAgencyRow(tx, code);
        assertAbandonThresholds(
          body.wallAbandonAmberPct === undefined ? (row?.wallAbandonAmberPct ?? null) : body.wallAbandonAmberPct,
          body.wallAbandonRedPct === undefined ? (row?.wallAbandonRedPct ?? null) : body.wallAbandonRedPct,
        );
        await repo.updateAgency(tx, code, body);
      }),

    replacePortfolios: (actor: Actor, code: string, body: PortfoliosBody) =>
      change(actor, code, async (tx) => {
        const ids = body.portfolios.map((portfolio) => portfolio.id);
        if (new Set(ids).size !== ids.length) throw validation('Each portfolio id once');
        const taken = await repo.foreignPortfolios(tx, code, ids);
        if (taken.length > 0) throw conflict(`Portfolio id taken by another agency: ${taken.join(', ')}`);
        await repo.replacePortfolios(tx, code, body.portfolios);
      }),

    replaceNumbers: (actor: Actor, code: string, body: NumbersBody) =>
      change(actor, code, async (tx) => {
        const e164s = body.numbers.map((number) => number.e164);
        if (new Set(e164s).size !== e164s.length) throw validation('Each number once');
        const taken = await repo.foreignNumbers(tx, code, e164s);
        if (taken.length > 0) throw conflict(`Number already routed to another agency: ${taken.join(', ')}`);
        await assertOwnPortfolios(
          tx,
          code,
          body.numbers.map((number) => number.portfolio),
        );
        await repo.replaceNumbers(
          tx,
          code,
          body.numbers.map((number) => ({ e164: number.e164, agencyCode: code, kind: number.kind, label: number.label, portfolioId: number.portfolio })),
        );
      }),

    replaceEmailAddresses: (actor: Actor, code: string, body: EmailAddressesBody) =>
      change(actor, code, async (tx) => {
        const addresses = body.addresses.map((entry) => entry.address);
        if (new Set(addresses).size !== addresses.length) throw validation('Each address once');
        const taken = await repo.foreignAddresses(tx, code, addresses);
        if (taken.length > 0) throw conflict(`Address already routed to another agency: ${taken.join(', ')}`);
        await assertOwnPortfolios(
          tx,
          code,
          body.addresses.map((entry) => entry.portfolio),
        );
        await repo.replaceAddresses(
          tx,
          code,
          body.addresses.map((entry) => ({ address: entry.address, agencyCode: code, portfolioId: entry.portfolio })),
        );
      }),

    replaceSchedule: (actor: Actor, code: string, body: ScheduleBody) =>
      change(actor, code, async (tx) => {
        const dates = body.exceptions.map((exception) => exception.date);
        if (new Set(dates).size !== dates.length) throw validation('Each exception date once (list several ranges in one entry)');
        const exceptions = body.exceptions.flatMap(
          (exception): { agencyCode: string; date: string; opens: string | null; closes: string | null; note: string | null }[] =>
            exception.ranges.length === 0
              ? [{ agencyCode: code, date: exception.date, opens: null, closes: null, note: exception.note }]
              : exception.ranges.map((range) => ({ agencyCode: code, date: exception.date, opens: range.opens, closes: range.closes, note: exception.note })),
        );
        await repo.replaceSchedule(
          tx,
          code,
          body.weekly.map((range) => ({ ...range, agencyCode: code })),
          exceptions,
        );
      }),

    replaceWeekly: (actor: Actor, code: string, body: WeeklyBody) =>
      change(actor, code, (tx) =>
        repo.replaceWeekly(
          tx,
          code,
          body.weekly.map((range) => ({ ...range, agencyCode: code })),
        ),
      ),

    /** Sets one date's exception; the other dates, the weekly hours and the holiday choices stay. */
    putException: (actor: Actor, code: string, date: string, body: ExceptionBody) =>
      change(actor, code, (tx) =>
        repo.replaceException(
          tx,
          code,
          date,
          body.ranges.length === 0
            ? [{ agencyCode: code, date, opens: null, closes: null, note: body.note }]
            : body.ranges.map((range) => ({ agencyCode: code, date, opens: range.opens, closes: range.closes, note: body.note })),
        ),
      ),

    deleteException: (actor: Actor, code: string, date: string) =>
      change(actor, code, async (tx) => {
        if (!(await repo.deleteException(tx, code, date))) throw new AppError('NOT_FOUND', `No exception on ${date}`);
      }),

    getHolidays,

    async replaceHolidays(actor: Actor, code: string, body: HolidaysBody, year: number | undefined): Promise<AgencyHolidays> {
      await change(actor, code, async (tx) => {
        assertKnownHolidays(body.choices.map((choice) => choice.key));
        if (body.defaultMode) await repo.updateAgency(tx, code, { holidayMode: body.defaultMode });
        await repo.replaceHolidayChoices(
          tx,
          code,
          body.choices.map((choice) => ({ agencyCode: code, holidayKey: choice.key, mode: choice.mode, ranges: choice.ranges })),
        );
      });
      return getHolidays(actor, code, year);
    },

    async getCalendar(actor: Actor, code: string, query: CalendarQuery): Promise<AgencyCalendar> {
      const config = await readable(actor, code);
      const schedule = scheduleFromConfig(config);
      const from = query.from ?? localDateOf(deps.clock.now(), schedule.timezone);
      return {
        agency: code,
        timezone: schedule.timezone,
        from,
        days: calendarDays(schedule, from, query.days).map((day) => ({
          date: day.date,
          weekday: day.weekday,
          weekdayName: day.weekdayName,
          ranges: day.ranges.map((range) => ({ opens: range.opens, closes: range.closes })),
          reason: reasonOf(day.source),
        })),
      };
    },

    async listCategories(actor: Actor, code: string): Promise<AgencyCategoryList> {
      assertCanRead(actor, code);
      if (!(await repo.findAgencyRow(db, code))) throw new AppError('NOT_FOUND', 'Agency not found');
      return categoryList(db, code);
    },

    /**
     * Replaces the agency's category list as a whole (its order is the list order). A category
     * left out is removed with its queue only if nothing names it; one with tickets, calls or a
     * delivery target can only be retired. Problems are answered in Italian, one per sentence.
     */
    async replaceCategories(actor: Actor, code: string, body: CategoriesBody): Promise<AgencyCategoryList> {
      await change(actor, code, async (tx) => {
        const wanted: AgencyCategory[] = body.categories.map((category, index) => ({ ...category, position: index + 1 }));
        const problems = categoryListProblemsIt(wanted);
        const before = await repo.categoryRowsOf(tx, code);
        const removed = before.filter((row) => !wanted.some((category) => category.code === row.code));
        const ticketCounts = await repo.ticketCountsByCategory(tx, code);
        const otherUses = await repo.otherUsesOfCategories(
          tx,
          code,
          removed.map((row) => row.code),
        );
        for (const row of removed) {
          const tickets = ticketCounts.get(row.code) ?? 0;
          if (tickets > 0) problems.push(`La categoria «${row.label}» ha ${tickets} segnalazioni: si può ritirare, non eliminare.`);
          else if ((otherUses.get(row.code) ?? 0) > 0)
            problems.push(`La categoria «${row.label}» compare in chiamate o destinazioni di consegna: si può ritirare, non eliminare.`);
        }
        if (problems.length > 0) throw validation(problems.join(' '), { problems });
        const now = deps.clock.now();
        await repo.replaceCategories(
          tx,
          code,
          wanted.map((category) => categoryRow(code, category, before.find((row) => row.code === category.code)?.retiredAt ?? now)),
          removed.map((row) => row.code),
        );
        await repo.upsertQueues(
          tx,
          wanted.map((category) => categoryQueueRow(code, category)),
        );
      });
      return categoryList(db, code);
    },

    replaceQueues: (actor: Actor, code: string, body: QueuesBody) =>
      change(actor, code, async (tx) => {
        const known = new Set((await repo.categoryRowsOf(tx, code)).map((row) => row.code));
        const unknown = body.queues.filter((queue) => !known.has(queue.category)).map((queue) => queue.category);
        if (unknown.length > 0) throw new AppError('CATEGORY_UNKNOWN', `${code} has no category ${unknown.join(', ')}`);
        await repo.upsertQueues(
          tx,
          body.queues.map((queue) => ({
            name: queueName(code, queue.category),
            agencyCode: code,
            category: queue.category,
            label: queue.label,
            priority: queue.priority,
          })),
        );
      }),

    /**
     * PUT …/contract, kept for existing clients: records the terms as a new version in force from
     * their `startsOn` (a new or renewed contract). Earlier versions stay, and bill their own days.
     */
    replaceContract: (actor: Actor, code: string, body: ContractBody) =>
      change(actor, code, async (tx) =>
        repo.insertContractVersion(tx, { ...body, agencyCode: code, effectiveFrom: body.startsOn, ...(await recorded(tx, actor)) }),
      ),

    /** GET …/contracts: every version, oldest first, with who recorded it and when. */
    async listContractVersions(actor: Actor, code: string): Promise<ContractVersionList> {
      assertCanRead(actor, code);
      if (!(await repo.findAgencyRow(db, code))) throw new AppError('NOT_FOUND', 'Agency not found');
      return { items: (await repo.contractVersions(db, code)).map(publicContractVersion) };
    },

    /** POST …/contracts: a renegotiation from a date; terms left out are the latest version's. */
    async addContractVersion(actor: Actor, code: string, body: ContractVersionBody): Promise<ContractVersionList> {
      await change(actor, code, async (tx) => {
        await assertOwnPortfolios(tx, code, [body.portfolio]);
        const versions = await repo.contractVersions(tx, code);
        // Terms left out are the latest of the same portfolio's versions, else of the agency's own.
        const latest =
          versions.filter((version) => version.portfolioId === body.portfolio).at(-1) ?? versions.filter((version) => version.portfolioId === null).at(-1);
        const months = body.months ?? latest?.months;
        if (months === undefined) throw validation('The first version of a contract needs its duration in months');
        await repo.insertContractVersion(tx, {
          agencyCode: code,
          effectiveFrom: body.effectiveFrom,
          annualFeeCents: body.annualFeeCents,
          currency: body.currency ?? latest?.currency ?? 'EUR',
          vatExcluded: body.vatExcluded ?? latest?.vatExcluded ?? true,
          billing: body.billing ?? latest?.billing ?? 'quarterly_in_arrears',
          startsOn: body.startsOn ?? latest?.startsOn ?? body.effectiveFrom,
          months,
          tacitRenewal: body.tacitRenewal ?? latest?.tacitRenewal ?? true,
          noticeMonths: body.noticeMonths ?? latest?.noticeMonths ?? 3,
          portfolioId: body.portfolio,
          ...(await recorded(tx, actor)),
        });
      });
      return { items: (await repo.contractVersions(db, code)).map(publicContractVersion) };
    },
  };

  /** Who recorded a version, by the display name people know them by. */
  async function recorded(tx: Tx, actor: Actor) {
    const user = await findUser(tx, actor.id);
    return { recordedAt: deps.clock.now(), recordedById: actor.id, recordedByName: user?.displayName ?? actor.name };
  }
}

function publicContractVersion(row: repo.ContractVersionRow): ContractVersion {
  return {
    id: row.id,
    version: row.version,
    effectiveFrom: row.effectiveFrom,
    annualFeeCents: row.annualFeeCents,
    currency: row.currency,
    vatExcluded: row.vatExcluded,
    billing: row.billing,
    startsOn: row.startsOn,
    months: row.months,
    tacitRenewal: row.tacitRenewal,
    noticeMonths: row.noticeMonths,
    portfolio: row.portfolioId,
    recordedAt: row.recordedAt?.toISOString() ?? null,
    recordedBy: row.recordedById ? { id: row.recordedById, name: row.recordedByName ?? row.recordedById } : null,
  };
}

async function categoryList(db: Database, code: string): Promise<AgencyCategoryList> {
  const [rows, queueRows, ticketCounts] = await Promise.all([repo.categoryRowsOf(db, code), repo.queueRowsOf(db, code), repo.ticketCountsByCategory(db, code)]);
  const categories = toAgencyCategories(rows, queueRows);
  return {
    agency: code,
    items: categories.map((category) => ({
      ...category,
      keywords: [...category.keywords],
      queue: queueName(code, category.code),
      tickets: ticketCounts.get(category.code) ?? 0,
    })),
    menuPrompt: menuPromptIt(categories),
  };
}

function publicAgency(row: repo.AgencyRow): AgencyProfile {
  return {
    code: row.code,
    name: row.name,
    timezone: row.timezone,
    ticketPrefix: row.ticketPrefix,
    emergencyNumber: row.emergencyNumber,
    serviceLevelSeconds: row.serviceLevelSeconds,
    shortAbandonSeconds: row.shortAbandonSeconds,
    serviceLevelTargetPct: row.serviceLevelTargetPct,
    callbackDueMinutes: row.callbackDueMinutes,
    queuedCallbackSeconds: row.queuedCallbackSeconds,
    wallWaitAlertSeconds: row.wallWaitAlertSeconds,
    wallAbandonAmberPct: row.wallAbandonAmberPct,
    wallAbandonRedPct: row.wallAbandonRedPct,
    comuni: row.comuni,
    holidayMode: row.holidayMode,
  };
}

type LoadedConfig = NonNullable<Awaited<ReturnType<typeof repo.loadAgencyConfig>>>;

/** The wallboard's abandon rate must turn amber before it turns red, whichever of the two is the agency's own. */
function assertAbandonThresholds(amberPct: number | null, redPct: number | null): void {
  const amber = amberPct ?? ABANDON_AMBER_PCT;
  const red = redPct ?? ABANDON_RED_PCT;
  if (amber >= red) throw validation(`wallAbandonAmberPct (${amber}) must be below wallAbandonRedPct (${red})`);
}

function scheduleFromConfig(config: LoadedConfig) {
  return scheduleFromRows({
    timezone: config.agency.timezone,
    hours: config.hourRows,
    exceptions: config.exceptionRows,
    comuni: config.agency.comuni,
    holidayMode: config.agency.holidayMode,
    choices: config.choiceRows,
  });
}

function holidaysView(config: LoadedConfig, year: number): AgencyHolidays {
  const policy = scheduleFromConfig(config).holidays;
  if (!policy) throw new Error('a schedule built from rows always has a holiday policy');
  const served = new Set(config.agency.comuni);
  return {
    agency: config.agency.code,
    year,
    defaultMode: policy.defaultMode,
    holidays: holidayChoicesOf(policy, year).map(({ holiday, choice, explicit }) => ({
      key: holiday.key,
      date: holiday.date,
      kind: holiday.kind,
      name: holiday.name,
      comune: holiday.comune,
      mode: choice.mode,
      ranges: choice.ranges.map((range) => ({ opens: range.opens, closes: range.closes })),
      explicit,
    })),
    comuni: PATRON_SAINTS.map((entry) => ({ comune: entry.comune, name: entry.name, saint: entry.saint, date: entry.date, served: served.has(entry.comune) })),
  };
}

function reasonOf(source: DaySource): AgencyCalendar['days'][number]['reason'] {
  if (source.kind === 'holiday') return { kind: 'holiday', label: source.holiday.name, holidayKey: source.holiday.key, mode: source.mode };
  if (source.kind === 'exception') return { kind: 'exception', label: source.note, holidayKey: null, mode: null };
  return { kind: 'weekly', label: null, holidayKey: null, mode: null };
}

function publicAgencyConfig(config: LoadedConfig): AgencyConfig {
  const exceptions = groupExceptions(config.exceptionRows).map((exception) => ({
    date: exception.date,
    ranges: exception.ranges.map((range) => ({ opens: range.opens, closes: range.closes })),
    note: exception.note ?? null,
  }));
  // The agency's own contract: versions that bill a portfolio separately are listed by GET …/contracts.
  const contract = config.contractRows.filter((row) => row.portfolioId === null).at(-1);
  return {
    ...publicAgency(config.agency),
    portfolios: config.portfolioRows.map((row) => ({ id: row.id, name: row.name })),
    numbers: config.numberRows.map((row) => ({ e164: row.e164, kind: row.kind, label: row.label, portfolio: row.portfolioId })),
    emailAddresses: config.addressRows.map((row) => ({ address: row.address, portfolio: row.portfolioId })),
    schedule: {
      weekly: config.hourRows.map((row) => ({ weekday: row.weekday, opens: row.opens, closes: row.closes })),
      exceptions,
    },
    queues: config.queueRows.map((row) => ({ name: row.name, category: row.category, label: row.label, priority: row.priority })),
    contract: contract
      ? {
          annualFeeCents: contract.annualFeeCents,
          currency: contract.currency,
          vatExcluded: contract.vatExcluded,
          billing: contract.billing,
          startsOn: contract.startsOn,
          months: contract.months,
          tacitRenewal: contract.tacitRenewal,
          noticeMonths: contract.noticeMonths,
        }
      : null,
    voice: voiceConfigView(config.agency.emergencyNumber, config.voiceRows),
  };
}
