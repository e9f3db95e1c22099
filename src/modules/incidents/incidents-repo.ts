import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowsOf, texts } from '../../db/raw-sql.ts';
import { calls, incidents, incidentTickets, tenants, tickets } from '../../db/schema/index.ts';

export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncidentRow = typeof incidents.$inferInsert;
export type LinkedTicketRow = Readonly<{
  incidentId: string;
  ticketId: string;
  ref: string;
  status: string;
  channel: string;
  via: string;
  linkedAt: Date;
}>;

export async function insertIncident(tx: Executor, row: NewIncidentRow): Promise<IncidentRow> {
  const [inserted] = await tx.insert(incidents).values(row).returning();
  return inserted!;
}

export async function findIncident(tx: Executor, id: string, options: { forUpdate?: boolean } = {}): Promise<IncidentRow | undefined> {
  const query = tx.select().from(incidents).where(eq(incidents.id, id));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  return row;
}

export async function listIncidents(tx: Executor, agencies: readonly string[], status: 'open' | 'closed' | undefined, limit: number): Promise<IncidentRow[]> {
  if (agencies.length === 0) return [];
  const conditions = [inArray(incidents.agencyCode, [...agencies])];
  if (status) conditions.push(eq(incidents.status, status));
  return tx
    .select()
    .from(incidents)
    .where(and(...conditions))
    .orderBy(desc(incidents.createdAt))
    .limit(limit);
}

export async function closeIncident(
  tx: Executor,
  id: string,
  changes: { closedBy: string; closedAt: Date; closingNote: string | null },
): Promise<IncidentRow | undefined> {
  const [row] = await tx
    .update(incidents)
    .set({ status: 'closed', ...changes })
    .where(and(eq(incidents.id, id), eq(incidents.status, 'open')))
    .returning();
  return row;
}

/** Links a ticket; false when it was linked already. */
export async function linkTicket(tx: Executor, link: { incidentId: string; ticketId: string; via: string; linkedAt: Date }): Promise<boolean> {
  const rows = await tx.insert(incidentTickets).values(link).onConflictDoNothing().returning({ ticketId: incidentTickets.ticketId });
  return rows.length > 0;
}

export async function linkedTickets(tx: Executor, incidentIds: readonly string[]): Promise<Map<string, LinkedTicketRow[]>> {
  const byIncident = new Map<string, LinkedTicketRow[]>();
  if (incidentIds.length === 0) return byIncident;
  const rows = await tx
    .select({
      incidentId: incidentTickets.incidentId,
      ticketId: incidentTickets.ticketId,
      ref: tickets.ref,
      status: tickets.status,
      channel: tickets.channel,
      via: incidentTickets.via,
      linkedAt: incidentTickets.linkedAt,
    })
    .from(incidentTickets)
    .innerJoin(tickets, eq(tickets.id, incidentTickets.ticketId))
    .where(inArray(incidentTickets.incidentId, [...incidentIds]))
    .orderBy(incidentTickets.linkedAt, tickets.ref);
  for (const row of rows) byIncident.set(row.incidentId, [...(byIncident.get(row.incidentId) ?? []), row]);
  return byIncident;
}

/** Calls whose callers heard each incident, and of those the ones that added their report (no operator). */
export async function callCounts(tx: Executor, incidentIds: readonly string[], since?: Date): Promise<Map<string, { heard: number; reported: number }>> {
  const counts = new Map<string, { heard: number; reported: number }>();
  if (incidentIds.length === 0) return counts;
  const conditions = [inArray(calls.incidentId, [...incidentIds])];
  if (since) conditions.push(sql`${calls.startedAt} >= ${since.toISOString()}`);
  const rows = await tx
    .select({
      incidentId: calls.incidentId,
      heard: sql<number>`count(*)::int`,
      reported: sql<number>`(count(*) filter (where ${calls.outcome} = 'incident_report'))::int`,
    })
    .from(calls)
    .where(and(...conditions))
    .groupBy(calls.incidentId);
  for (const row of rows) counts.set(row.incidentId!, { heard: Number(row.heard), reported: Number(row.reported) });
  return counts;
}

/** The tickets of `agency` with these references (any status). */
export async function ticketsByRef(tx: Executor, agency: string, refs: readonly string[]) {
  if (refs.length === 0) return [];
  return tx
    .select({ id: tickets.id, ref: tickets.ref, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.agencyCode, agency), inArray(tickets.ref, [...refs])));
}

export type RegistryBuilding = { municipality: string; building: string; address: string; tenants: number };

/** The buildings of the agency's registry, as the registry names them, with the address callers hear. */
export async function registryBuildings(tx: Executor, agency: string): Promise<RegistryBuilding[]> {
  const rows = await tx
    .select({
      municipality: sql<string>`coalesce(${tenants.municipality}, '')`,
      building: sql<string>`${tenants.building}`,
      address: sql<string>`coalesce(min(${tenants.address}), ${tenants.building})`,
      tenants: sql<number>`count(*)::int`,
    })
    .from(tenants)
    .where(and(eq(tenants.agencyCode, agency), sql`${tenants.building} is not null and ${tenants.building} <> ''`))
    .groupBy(sql`coalesce(${tenants.municipality}, '')`, tenants.building)
    .orderBy(sql`coalesce(${tenants.municipality}, '')`, tenants.building);
  return rows.map((row) => ({ ...row, tenants: Number(row.tenants) }));
}

/**
 * The open incident on `category` of the building a registered e-mail sender lives in (the sender's
 * address on the agency's registry, or the tenant the ticket names): the e-mail's ticket is linked
 * to it. Null when the sender is on no building with one.
 */
export async function openIncidentOfSender(
  tx: Executor,
  agency: string,
  sender: { email: string | null; tenantCode: string | null },
  category: string,
): Promise<string | null> {
  if (!sender.email && !sender.tenantCode) return null;
  const rows = await rowsOf<{ id: string }>(
    tx,
    sql`select i.id from ${incidents} i join ${tenants} t
          on t.agency_code = i.agency_code and coalesce(t.municipality, '') = i.municipality and t.building = i.building
        where i.agency_code = ${agency} and i.status = 'open' and i.category = ${category}
          and (lower(t.email) = lower(${sender.email ?? ''}) or t.code = ${sender.tenantCode ?? ''})
        order by i.created_at desc limit 1`,
  );
  return rows[0]?.id ?? null;
}

/** The open tickets of an incident, to close with it. */
export async function openTicketIds(tx: Executor, incidentId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: tickets.id })
    .from(incidentTickets)
    .innerJoin(tickets, eq(tickets.id, incidentTickets.ticketId))
    .where(and(eq(incidentTickets.incidentId, incidentId), sql`${tickets.status} = any(${texts(['new', 'routed', 'acknowledged'])})`))
    .orderBy(tickets.ref);
  return rows.map((row) => row.id);
}
