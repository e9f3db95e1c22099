import { and, asc, count, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  agencies,
  agencyCategories,
  agencyContracts,
  calls,
  deliveryTargets,
  tickets,
  emailAddresses,
  holidayChoices,
  openingHours,
  phoneNumbers,
  portfolios,
  queues,
  scheduleExceptions,
  userAgencies,
} from '../../db/schema/index.ts';
import { voiceRowsOf } from './voice-settings-repo.ts';

export type AgencyRow = typeof agencies.$inferSelect;

export async function listAgencyRows(db: Executor, codes?: readonly string[]): Promise<AgencyRow[]> {
  if (codes && codes.length === 0) return [];
  const query = db.select().from(agencies);
  return codes ? query.where(inArray(agencies.code, [...codes])).orderBy(asc(agencies.code)) : query.orderBy(asc(agencies.code));
}

export async function findAgencyRow(db: Executor, code: string): Promise<AgencyRow | undefined> {
  const [row] = await db.select().from(agencies).where(eq(agencies.code, code));
  return row;
}

export async function findAgencyByTicketPrefix(db: Executor, prefix: string): Promise<AgencyRow | undefined> {
  const [row] = await db.select().from(agencies).where(eq(agencies.ticketPrefix, prefix));
  return row;
}

/** Everything configured for one agency, as the admin API shows it. */
export async function loadAgencyConfig(db: Executor, code: string) {
  const agency = await findAgencyRow(db, code);
  if (!agency) return undefined;
  const [portfolioRows, numberRows, addressRows, hourRows, exceptionRows, queueRows, contractRows, choiceRows, voiceRows] = await Promise.all([
    db.select().from(portfolios).where(eq(portfolios.agencyCode, code)).orderBy(asc(portfolios.id)),
    db.select().from(phoneNumbers).where(eq(phoneNumbers.agencyCode, code)).orderBy(asc(phoneNumbers.e164)),
    db.select().from(emailAddresses).where(eq(emailAddresses.agencyCode, code)).orderBy(asc(emailAddresses.address)),
    db.select().from(openingHours).where(eq(openingHours.agencyCode, code)).orderBy(asc(openingHours.weekday), asc(openingHours.opens)),
    db.select().from(scheduleExceptions).where(eq(scheduleExceptions.agencyCode, code)).orderBy(asc(scheduleExceptions.date), asc(scheduleExceptions.opens)),
    db.select().from(queues).where(eq(queues.agencyCode, code)).orderBy(asc(queues.category)),
    db.select().from(agencyContracts).where(eq(agencyContracts.agencyCode, code)).orderBy(asc(agencyContracts.version)),
    db.select().from(holidayChoices).where(eq(holidayChoices.agencyCode, code)).orderBy(asc(holidayChoices.holidayKey)),
    voiceRowsOf(db, code),
  ]);
  return { agency, portfolioRows, numberRows, addressRows, hourRows, exceptionRows, queueRows, contractRows, choiceRows, voiceRows };
}

export async function insertAgency(db: Executor, row: typeof agencies.$inferInsert): Promise<void> {
  await db.insert(agencies).values(row);
}

export async function updateAgency(db: Executor, code: string, changes: Partial<typeof agencies.$inferInsert>): Promise<void> {
  await db.update(agencies).set(changes).where(eq(agencies.code, code));
}

export async function assignAgency(db: Executor, userId: string, agencyCode: string): Promise<void> {
  await db.insert(userAgencies).values({ userId, agencyCode }).onConflictDoNothing();
}

export async function portfolioIdsOf(db: Executor, code: string): Promise<Set<string>> {
  const rows = await db.select({ id: portfolios.id }).from(portfolios).where(eq(portfolios.agencyCode, code));
  return new Set(rows.map((row) => row.id));
}

/** Portfolio ids among `ids` that belong to another agency. */
export async function foreignPortfolios(db: Executor, code: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: portfolios.id })
    .from(portfolios)
    .where(and(inArray(portfolios.id, [...ids]), ne(portfolios.agencyCode, code)));
  return rows.map((row) => row.id);
}

export async function replacePortfolios(db: Executor, code: string, rows: readonly { id: string; name: string }[]): Promise<void> {
  const keep = rows.map((row) => row.id);
  const existing = await portfolioIdsOf(db, code);
  const removed = [...existing].filter((id) => !keep.includes(id));
  if (removed.length > 0) await db.delete(portfolios).where(and(eq(portfolios.agencyCode, code), inArray(portfolios.id, removed)));
  for (const row of rows) {
    await db
      .insert(portfolios)
      .values({ id: row.id, name: row.name, agencyCode: code })
      .onConflictDoUpdate({ target: portfolios.id, set: { name: row.name } });
  }
}

/** Numbers among `e164s` that route to another agency. */
export async function foreignNumbers(db: Executor, code: string, e164s: readonly string[]): Promise<string[]> {
  if (e164s.length === 0) return [];
  const rows = await db
    .select({ e164: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.e164, [...e164s]), ne(phoneNumbers.agencyCode, code)));
  return rows.map((row) => row.e164);
}

export async function replaceNumbers(db: Executor, code: string, rows: readonly (typeof phoneNumbers.$inferInsert)[]): Promise<void> {
  await db.delete(phoneNumbers).where(eq(phoneNumbers.agencyCode, code));
  if (rows.length > 0) await db.insert(phoneNumbers).values([...rows]);
}

export async function foreignAddresses(db: Executor, code: string, addresses: readonly string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const rows = await db
    .select({ address: emailAddresses.address })
    .from(emailAddresses)
    .where(and(inArray(emailAddresses.address, [...addresses]), ne(emailAddresses.agencyCode, code)));
  return rows.map((row) => row.address);
}

export async function replaceAddresses(db: Executor, code: string, rows: readonly (typeof emailAddresses.$inferInsert)[]): Promise<void> {
  await db.delete(emailAddresses).where(eq(emailAddresses.agencyCode, code));
  if (rows.length > 0) await db.insert(emailAddresses).values([...rows]);
}

export async function replaceSchedule(
  db: Executor,
  code: string,
  weekly: readonly (typeof openingHours.$inferInsert)[],
  exceptions: readonly (typeof scheduleExceptions.$inferInsert)[],
): Promise<void> {
  await db.delete(openingHours).where(eq(openingHours.agencyCode, code));
  await db.delete(scheduleExceptions).where(eq(scheduleExceptions.agencyCode, code));
  if (weekly.length > 0) await db.insert(openingHours).values([...weekly]);
  if (exceptions.length > 0) await db.insert(scheduleExceptions).values([...exceptions]);
}

export async function replaceWeekly(db: Executor, code: string, weekly: readonly (typeof openingHours.$inferInsert)[]): Promise<void> {
  await db.delete(openingHours).where(eq(openingHours.agencyCode, code));
  if (weekly.length > 0) await db.insert(openingHours).values([...weekly]);
}

/** Replaces one date's exception rows, leaving every other date alone. */
export async function replaceException(db: Executor, code: string, date: string, rows: readonly (typeof scheduleExceptions.$inferInsert)[]): Promise<void> {
  await deleteException(db, code, date);
  if (rows.length > 0) await db.insert(scheduleExceptions).values([...rows]);
}

/** Removes one date's exception; answers whether there was one. */
export async function deleteException(db: Executor, code: string, date: string): Promise<boolean> {
  const removed = await db
    .delete(scheduleExceptions)
    .where(and(eq(scheduleExceptions.agencyCode, code), eq(scheduleExceptions.date, date)))
    .returning({ id: scheduleExceptions.id });
  return removed.length > 0;
}

export async function replaceHolidayChoices(db: Executor, code: string, rows: readonly (typeof holidayChoices.$inferInsert)[]): Promise<void> {
  await db.delete(holidayChoices).where(eq(holidayChoices.agencyCode, code));
  if (rows.length > 0) await db.insert(holidayChoices).values([...rows]);
}

export async function upsertQueues(db: Executor, rows: readonly (typeof queues.$inferInsert)[]): Promise<void> {
  for (const row of rows) {
    await db
      .insert(queues)
      .values(row)
      .onConflictDoUpdate({ target: queues.name, set: { label: row.label, priority: row.priority } });
  }
}

export type ContractVersionRow = typeof agencyContracts.$inferSelect;

/** Every version of the agency's contract, oldest first. */
export async function contractVersions(db: Executor, code: string): Promise<ContractVersionRow[]> {
  return db.select().from(agencyContracts).where(eq(agencyContracts.agencyCode, code)).orderBy(asc(agencyContracts.version));
}

/**
 * Adds the next version of the agency's contract. Rows are never updated or deleted: issued
 * statements are recomputed under the versions they billed. Two administrators adding a version at
 * once collide on (agency, version) and the later one fails rather than overwriting.
 */
export async function insertContractVersion(db: Executor, row: Omit<typeof agencyContracts.$inferInsert, 'version' | 'id'>): Promise<void> {
  const [latest] = await db
    .select({ version: agencyContracts.version })
    .from(agencyContracts)
    .where(eq(agencyContracts.agencyCode, row.agencyCode))
    .orderBy(desc(agencyContracts.version))
    .limit(1);
  await db.insert(agencyContracts).values({ ...row, version: (latest?.version ?? 0) + 1 });
}

export type AgencyCategoryRow = typeof agencyCategories.$inferSelect;

export async function categoryRowsOf(db: Executor, code: string): Promise<AgencyCategoryRow[]> {
  return db.select().from(agencyCategories).where(eq(agencyCategories.agencyCode, code)).orderBy(asc(agencyCategories.position));
}

export async function queueRowsOf(db: Executor, code: string) {
  return db.select().from(queues).where(eq(queues.agencyCode, code));
}

/** Tickets per category of one agency: a category with tickets is never removed, only retired. */
export async function ticketCountsByCategory(db: Executor, code: string): Promise<Map<string, number>> {
  const rows = await db.select({ category: tickets.category, n: count() }).from(tickets).where(eq(tickets.agencyCode, code)).groupBy(tickets.category);
  return new Map(rows.map((row) => [row.category, Number(row.n)]));
}

/** Calls and delivery targets that name one of `categories`: they too keep a category from being removed. */
export async function otherUsesOfCategories(db: Executor, code: string, categories: readonly string[]): Promise<Map<string, number>> {
  const uses = new Map<string, number>();
  if (categories.length === 0) return uses;
  const [callRows, targetRows] = await Promise.all([
    db
      .select({ category: calls.category, n: count() })
      .from(calls)
      .where(and(eq(calls.agencyCode, code), inArray(calls.category, [...categories])))
      .groupBy(calls.category),
    db
      .select({ category: deliveryTargets.category, n: count() })
      .from(deliveryTargets)
      .where(and(eq(deliveryTargets.agencyCode, code), inArray(deliveryTargets.category, [...categories])))
      .groupBy(deliveryTargets.category),
  ]);
  for (const row of [...callRows, ...targetRows]) if (row.category) uses.set(row.category, (uses.get(row.category) ?? 0) + Number(row.n));
  return uses;
}

/** Replaces the category list; queues of removed categories go with them (the caller made sure nothing names them). */
export async function replaceCategories(
  db: Executor,
  code: string,
  rows: readonly (typeof agencyCategories.$inferInsert)[],
  removed: readonly string[],
): Promise<void> {
  await db.delete(agencyCategories).where(eq(agencyCategories.agencyCode, code));
  if (removed.length > 0) await db.delete(queues).where(and(eq(queues.agencyCode, code), inArray(queues.category, [...removed])));
  if (rows.length > 0) await db.insert(agencyCategories).values([...rows]);
}
