import type { AgencyCategoryList, AgencyConfig, AgencyProfile } from '../../contracts/admin.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, validation } from '../../domain/errors.ts';
import type { AgencyCategory } from '../../domain/categories.ts';
import { categoryListProblemsIt, menuPromptIt } from '../../domain/categories.ts';
import { queueName } from '../../domain/routing.ts';
import type { Database, Tx } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { toAgencyCategories } from '../agencies/agency-directory.ts';
import { categoryQueueRow, categoryRow, defaultCategoryRows } from '../agencies/category-rows.ts';
import * as repo from './agencies-admin-repo.ts';
import type {
  AgencyCreateBody,
  CategoriesBody,
  AgencyPatchBody,
  ContractBody,
  EmailAddressesBody,
  NumbersBody,
  PortfoliosBody,
  QueuesBody,
  ScheduleBody,
} from './admin-schemas.ts';

export type AgencyAdminService = ReturnType<typeof createAgencyAdminService>;

/**
 * Configuration of the client agencies. Administrators change it, supervisors read the agencies
 * they serve. Every change is one transaction and is followed by a directory reload, so the very
 * next webhook routes with the new numbers, hours and queues.
 */
export function createAgencyAdminService(deps: { db: Database; clock: Clock; directory: AgencyDirectory }) {
  const { db, directory } = deps;

  /** Administrators configure every agency; supervisors see only those they serve. */
  function assertCanRead(actor: Actor, code: string): void {
    assertRole(actor, 'admin', 'supervisor');
    if (actor.role !== 'admin') assertCanSeeAgency(actor, code, 'Agency');
  }

  async function view(code: string) {
    const config = await repo.loadAgencyConfig(db, code);
    if (!config) throw new AppError('NOT_FOUND', 'Agency not found');
    return publicAgencyConfig(config);
  }

  /** Runs a change on an existing agency in one transaction, reloads the directory, answers the new configuration. */
  async function change(actor: Actor, code: string, work: (tx: Tx) => Promise<void>) {
    assertRole(actor, 'admin');
    await db.transaction(async (tx) => {
      if (!(await repo.findAgencyRow(tx, code))) throw new AppError('NOT_FOUND', 'Agency not found');
      await work(tx);
    });
    await directory.reload(db);
    return view(code);
  }

  async function assertOwnPortfolios(tx: Tx, code: string, ids: readonly (string | null)[]): Promise<void> {
    const own = await repo.portfolioIdsOf(tx, code);
    const unknown = [...new Set(ids.filter((id): id is string => id !== null && !own.has(id)))];
    if (unknown.length > 0) throw validation(`Unknown portfolio of ${code}: ${unknown.join(', ')}`);
  }

  return {
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
        await repo.insertAgency(tx, { ...body, createdAt: deps.clock.now() });
        // An agency is born with the three default categories and their queues; it edits them later.
        const defaults = defaultCategoryRows(body.code);
        await repo.upsertQueues(tx, defaults.queues);
        await repo.replaceCategories(tx, body.code, defaults.categories, []);
        // Its creator may see it at once; other staff are assigned through the users API.
        if (actor.kind === 'user') await repo.assignAgency(tx, actor.id, body.code);
      });
      await directory.reload(db);
      return view(body.code);
    },

    updateAgency: (actor: Actor, code: string, body: AgencyPatchBody) => change(actor, code, (tx) => repo.updateAgency(tx, code, body)),

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

    replaceContract: (actor: Actor, code: string, body: ContractBody) =>
      change(actor, code, (tx) => repo.replaceContract(tx, code, { ...body, agencyCode: code })),
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
  };
}

function publicAgencyConfig(config: NonNullable<Awaited<ReturnType<typeof repo.loadAgencyConfig>>>): AgencyConfig {
  const exceptions = new Map<string, { date: string; ranges: { opens: string; closes: string }[]; note: string | null }>();
  for (const row of config.exceptionRows) {
    const entry = exceptions.get(row.date) ?? { date: row.date, ranges: [], note: row.note };
    if (row.opens && row.closes) entry.ranges.push({ opens: row.opens, closes: row.closes });
    exceptions.set(row.date, entry);
  }
  const contract = config.contractRows.at(-1);
  return {
    ...publicAgency(config.agency),
    portfolios: config.portfolioRows.map((row) => ({ id: row.id, name: row.name })),
    numbers: config.numberRows.map((row) => ({ e164: row.e164, kind: row.kind, label: row.label, portfolio: row.portfolioId })),
    emailAddresses: config.addressRows.map((row) => ({ address: row.address, portfolio: row.portfolioId })),
    schedule: {
      weekly: config.hourRows.map((row) => ({ weekday: row.weekday, opens: row.opens, closes: row.closes })),
      exceptions: [...exceptions.values()],
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
  };
}
