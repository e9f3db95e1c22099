import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { deliveries, deliveryAttempts, deliveryTargets } from '../../db/schema/index.ts';
import type { TicketScope } from '../../domain/delivery-targets.ts';
import { mostSpecificTargets } from '../../domain/delivery-targets.ts';

export type DeliveryRow = typeof deliveries.$inferSelect;
export type NewDeliveryRow = typeof deliveries.$inferInsert;
export type DeliveryTargetRow = typeof deliveryTargets.$inferSelect;
export type NewDeliveryTargetRow = typeof deliveryTargets.$inferInsert;

/** The active targets that receive a ticket: the most specific level of portfolio and category that has any (src/domain/delivery-targets.ts). */
export async function targetsForTicket(tx: Executor, agencyCode: string, ticket: TicketScope): Promise<DeliveryTargetRow[]> {
  const rows = await tx
    .select()
    .from(deliveryTargets)
    .where(
      and(
        eq(deliveryTargets.agencyCode, agencyCode),
        eq(deliveryTargets.active, true),
        or(eq(deliveryTargets.category, ticket.category), isNull(deliveryTargets.category)),
        ticket.portfolioId === null
          ? isNull(deliveryTargets.portfolioId)
          : or(eq(deliveryTargets.portfolioId, ticket.portfolioId), isNull(deliveryTargets.portfolioId)),
      ),
    );
  return mostSpecificTargets(rows, ticket);
}

export async function listTargets(tx: Executor, agencies: readonly string[]): Promise<DeliveryTargetRow[]> {
  if (agencies.length === 0) return [];
  return tx
    .select()
    .from(deliveryTargets)
    .where(inArray(deliveryTargets.agencyCode, [...agencies]))
    .orderBy(deliveryTargets.agencyCode, deliveryTargets.portfolioId, deliveryTargets.category, deliveryTargets.createdAt);
}

export async function findTarget(tx: Executor, id: string): Promise<DeliveryTargetRow | undefined> {
  const [row] = await tx.select().from(deliveryTargets).where(eq(deliveryTargets.id, id));
  return row;
}

export async function insertTarget(tx: Executor, row: NewDeliveryTargetRow): Promise<DeliveryTargetRow> {
  const [inserted] = await tx.insert(deliveryTargets).values(row).returning();
  return inserted;
}

export async function updateTarget(tx: Executor, id: string, changes: Partial<NewDeliveryTargetRow>): Promise<DeliveryTargetRow | undefined> {
  const [row] = await tx.update(deliveryTargets).set(changes).where(eq(deliveryTargets.id, id)).returning();
  return row;
}

/** Writes outbox rows; one announced twice (same dedupe key) is written once. */
export async function insertDeliveries(tx: Executor, rows: NewDeliveryRow[]): Promise<DeliveryRow[]> {
  if (rows.length === 0) return [];
  return tx.insert(deliveries).values(rows).onConflictDoNothing().returning();
}

export async function insertAttempt(tx: Executor, attempt: typeof deliveryAttempts.$inferInsert): Promise<void> {
  await tx.insert(deliveryAttempts).values(attempt);
}

export async function findDelivery(tx: Executor, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await tx.select().from(deliveries).where(eq(deliveries.id, id));
  return row;
}

export async function attemptsOf(tx: Executor, deliveryId: string) {
  return tx.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, deliveryId)).orderBy(deliveryAttempts.id);
}

/** A dead (or held) delivery goes back to the queue with a fresh 24 hours; the id, hence the idempotency key, stays. */
export async function requeueDelivery(tx: Executor, id: string, fromStatuses: readonly string[], now: Date, giveUpAt: Date): Promise<DeliveryRow | undefined> {
  const [row] = await tx
    .update(deliveries)
    .set({ status: 'pending', nextAttemptAt: now, giveUpAt, updatedAt: now, lastError: null })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, [...fromStatuses] as DeliveryRow['status'][])))
    .returning();
  return row;
}

export async function listDeliveries(
  tx: Executor,
  filter: { agencies: readonly string[]; status?: string; kind?: string; ticketRef?: string; limit: number; before?: { createdAt: Date; id: string } },
): Promise<{ items: DeliveryRow[]; nextCursor: string | null }> {
  if (filter.agencies.length === 0) return { items: [], nextCursor: null };
  const conditions: SQL[] = [inArray(deliveries.agencyCode, [...filter.agencies])];
  if (filter.status) conditions.push(eq(deliveries.status, filter.status as DeliveryRow['status']));
  if (filter.kind) conditions.push(eq(deliveries.kind, filter.kind as DeliveryRow['kind']));
  if (filter.ticketRef) conditions.push(eq(deliveries.ticketRef, filter.ticketRef.toUpperCase()));
  if (filter.before) {
    const { createdAt, id } = filter.before;
    conditions.push(or(sql`${deliveries.createdAt} < ${createdAt}`, and(eq(deliveries.createdAt, createdAt), sql`${deliveries.id} < ${id}`))!);
  }
  const rows = await tx
    .select()
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > filter.limit && last ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url') : null;
  return { items, nextCursor };
}
