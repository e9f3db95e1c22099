import { and, asc, desc, eq, gte, ilike, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { tenantPhones, tenants, ticketCalls, ticketCounters, ticketEvents, tickets } from '../../db/schema/index.ts';
import type { TicketSearch } from '../../domain/ticket-search.ts';

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicketRow = typeof tickets.$inferInsert;
export type TicketEventRow = typeof ticketEvents.$inferSelect;
export type NewTicketEventRow = typeof ticketEvents.$inferInsert;

/**
 * The next number of the agency's year, in the caller's transaction: the counter row stays
 * locked until commit and a rollback gives the number back, so references have no gaps.
 */
export async function allocateTicketNumber(tx: Executor, agencyCode: string, year: number): Promise<number> {
  const [row] = await tx
    .insert(ticketCounters)
    .values({ agencyCode, year, last: 1 })
    .onConflictDoUpdate({ target: [ticketCounters.agencyCode, ticketCounters.year], set: { last: sql`${ticketCounters.last} + 1` } })
    .returning({ last: ticketCounters.last });
  return row.last;
}

export async function insertTicket(tx: Executor, row: NewTicketRow): Promise<TicketRow> {
  const [inserted] = await tx.insert(tickets).values(row).returning();
  return inserted;
}

/** Appends an event; undefined when an e-mail with the same id was appended before. */
export async function insertTicketEvent(tx: Executor, event: NewTicketEventRow): Promise<TicketEventRow | undefined> {
  const [row] = await tx.insert(ticketEvents).values(event).onConflictDoNothing().returning();
  return row;
}

export async function findTicketByRef(tx: Executor, ref: string): Promise<TicketRow | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.ref, ref.trim().toUpperCase()));
  return row;
}

export async function findTicketById(tx: Executor, id: string): Promise<TicketRow | undefined> {
  const [row] = await tx.select().from(tickets).where(eq(tickets.id, id));
  return row;
}

/**
 * The conditional update behind every state change: it changes the row only if it still is as
 * the caller saw it. Undefined means someone else moved it first.
 */
export async function updateTicketIf(
  tx: Executor,
  id: string,
  expected: { status?: string; category?: string; unassigned?: boolean; assignedTo?: string },
  changes: Partial<NewTicketRow>,
): Promise<TicketRow | undefined> {
  const conditions: SQL[] = [eq(tickets.id, id)];
  if (expected.status !== undefined) conditions.push(eq(tickets.status, expected.status as TicketRow['status']));
  if (expected.category !== undefined) conditions.push(eq(tickets.category, expected.category as TicketRow['category']));
  if (expected.unassigned) conditions.push(isNull(tickets.assignedTo));
  if (expected.assignedTo !== undefined) conditions.push(eq(tickets.assignedTo, expected.assignedTo));
  const [row] = await tx
    .update(tickets)
    .set(changes)
    .where(and(...conditions))
    .returning();
  return row;
}

export async function touchTicket(tx: Executor, id: string, at: Date): Promise<void> {
  await tx.update(tickets).set({ updatedAt: at }).where(eq(tickets.id, id));
}

export async function eventsOfTickets(tx: Executor, ticketIds: readonly string[]): Promise<Map<string, TicketEventRow[]>> {
  const byTicket = new Map<string, TicketEventRow[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows = await tx
    .select()
    .from(ticketEvents)
    .where(inArray(ticketEvents.ticketId, [...ticketIds]))
    .orderBy(asc(ticketEvents.id));
  for (const row of rows) {
    const list = byTicket.get(row.ticketId) ?? [];
    list.push(row);
    byTicket.set(row.ticketId, list);
  }
  return byTicket;
}

export async function callSidsOfTickets(tx: Executor, ticketIds: readonly string[]): Promise<Map<string, string[]>> {
  const byTicket = new Map<string, string[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows = await tx
    .select()
    .from(ticketCalls)
    .where(inArray(ticketCalls.ticketId, [...ticketIds]))
    .orderBy(asc(ticketCalls.linkedAt));
  for (const row of rows) byTicket.set(row.ticketId, [...(byTicket.get(row.ticketId) ?? []), row.callSid]);
  return byTicket;
}

/** Links a call to a ticket; false when it was linked already. */
export async function linkTicketCall(tx: Executor, ticketId: string, callSid: string, at: Date): Promise<boolean> {
  const rows = await tx.insert(ticketCalls).values({ ticketId, callSid, linkedAt: at }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export type TicketCursor = { createdAt: Date; id: string };

export type TicketFilter = {
  agencies: readonly string[];
  status?: string;
  category?: string;
  channel?: string;
  portfolio?: string;
  from?: Date;
  to?: Date;
  /** What `q` asks for, as `parseTicketSearch` read it. */
  search?: TicketSearch;
  assignedTo?: string;
  limit: number;
  cursor?: TicketCursor;
};

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * A phone number in E.164: the caller's number on the ticket, or a number of the tenant the ticket
 * was filed for (the registry of the ticket's own agency). The registry's tenants are looked up
 * first (an index scan of `tenant_phones`), so that the ticket condition is two index lookups
 * (`tickets_agency_caller_phone_idx`, `tickets_agency_tenant_idx`) rather than a scan.
 */
async function phoneMatches(tx: Executor, agencies: readonly string[], e164: string): Promise<SQL> {
  const registered = await tx
    .select({ agencyCode: tenants.agencyCode, code: tenants.code })
    .from(tenantPhones)
    .innerJoin(tenants, eq(tenants.id, tenantPhones.tenantId))
    .where(and(eq(tenantPhones.e164, e164), inArray(tenantPhones.agencyCode, [...agencies]), eq(tenants.agencyCode, tenantPhones.agencyCode)));
  const byAgency = new Map<string, string[]>();
  for (const row of registered) byAgency.set(row.agencyCode, [...(byAgency.get(row.agencyCode) ?? []), row.code]);
  return or(
    eq(tickets.callerPhone, e164),
    ...[...byAgency].map(([agency, codes]) => and(eq(tickets.agencyCode, agency), inArray(tickets.tenantCode, codes))!),
  )!;
}

/** One word of free text: in the reference, subject, description, caller, tenant code or name, address or building. */
function termMatches(term: string): SQL {
  const pattern = `%${escapeLike(term)}%`;
  return or(
    ilike(tickets.ref, pattern),
    ilike(tickets.subject, pattern),
    ilike(tickets.description, pattern),
    ilike(tickets.callerName, pattern),
    ilike(tickets.callerEmail, pattern),
    ilike(tickets.callerPhone, pattern),
    ilike(tickets.tenantCode, pattern),
    sql`${tickets.dwelling}->>'address' ilike ${pattern}`,
    sql`${tickets.dwelling}->>'building' ilike ${pattern}`,
    sql`${tickets.dwelling}->>'municipality' ilike ${pattern}`,
    sql`exists (select 1 from ${tenants} where ${tenants.agencyCode} = ${tickets.agencyCode} and ${tenants.code} = ${tickets.tenantCode} and ${tenants.name} ilike ${pattern})`,
  )!;
}

/** Newest first, keyset-paginated on (created_at, id): a ticket created while someone pages lands before the cursor, never twice. */
export async function listTickets(tx: Executor, filter: TicketFilter): Promise<{ items: TicketRow[]; nextCursor: string | null }> {
  if (filter.agencies.length === 0) return { items: [], nextCursor: null };
  const conditions: SQL[] = [inArray(tickets.agencyCode, [...filter.agencies])];
  if (filter.status) conditions.push(eq(tickets.status, filter.status as TicketRow['status']));
  if (filter.category) conditions.push(eq(tickets.category, filter.category as TicketRow['category']));
  if (filter.channel) conditions.push(eq(tickets.channel, filter.channel as TicketRow['channel']));
  if (filter.portfolio) conditions.push(eq(tickets.portfolioId, filter.portfolio));
  if (filter.assignedTo) conditions.push(eq(tickets.assignedTo, filter.assignedTo));
  if (filter.from) conditions.push(gte(tickets.createdAt, filter.from));
  if (filter.to) conditions.push(lt(tickets.createdAt, filter.to));
  if (filter.search?.phone) conditions.push(await phoneMatches(tx, filter.agencies, filter.search.phone));
  for (const term of filter.search?.terms ?? []) conditions.push(termMatches(term));
  if (filter.cursor) {
    const { createdAt, id } = filter.cursor;
    conditions.push(or(lt(tickets.createdAt, createdAt), and(eq(tickets.createdAt, createdAt), lt(tickets.id, id)))!);
  }
  const rows = await tx
    .select()
    .from(tickets)
    .where(and(...conditions))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > filter.limit && last ? encodeTicketCursor({ createdAt: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}

export function encodeTicketCursor(cursor: TicketCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeTicketCursor(cursor: string): TicketCursor | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    return Number.isNaN(date.getTime()) || typeof id !== 'string' ? null : { createdAt: date, id };
  } catch {
    return null;
  }
}

/** The newer tickets of the agency opened beside this one (its duplicates and follow-ups), oldest first. */
export async function ticketsLinkedTo(tx: Executor, agencyCode: string, ref: string): Promise<{ ref: string; kind: string }[]> {
  const rows = await tx
    .select({ ref: tickets.ref, kind: tickets.linkKind })
    .from(tickets)
    .where(and(eq(tickets.agencyCode, agencyCode), eq(tickets.linkedRef, ref)))
    .orderBy(asc(tickets.createdAt))
    .limit(50);
  return rows.map((row) => ({ ref: row.ref, kind: row.kind ?? 'mentions' }));
}

/** A caller's earlier tickets in one agency: by their number or by the tenant codes they matched. */
export async function ticketsOfCaller(
  tx: Executor,
  agencyCode: string,
  phones: readonly string[],
  tenantCodes: readonly string[],
  limit: number,
): Promise<TicketRow[]> {
  const who: SQL[] = [];
  if (phones.length > 0) who.push(inArray(tickets.callerPhone, [...phones]));
  if (tenantCodes.length > 0) who.push(inArray(tickets.tenantCode, [...tenantCodes]));
  if (who.length === 0) return [];
  return tx
    .select()
    .from(tickets)
    .where(and(eq(tickets.agencyCode, agencyCode), or(...who)))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit);
}
