import { and, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.ts';
import type { OutboxJobStatus } from '../../db/schema/outbox-job.ts';

/** A table with the outbox's columns (src/db/schema/outbox-job.ts) beside its own. */
export type OutboxTable = PgTable & {
  id: PgColumn;
  kind: PgColumn;
  status: PgColumn;
  attempts: PgColumn;
  nextAttemptAt: PgColumn;
  leaseUntil: PgColumn;
  leaseToken: PgColumn;
  lastError: PgColumn;
  updatedAt: PgColumn;
  deliveredAt: PgColumn;
  giveUpAt: PgColumn;
};

/** What the runner reads of a row of any outbox table. */
export type OutboxJob = {
  id: string;
  kind: string;
  status: OutboxJobStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  leaseToken: string | null;
  lastError: string | null;
  updatedAt: Date;
  deliveredAt: Date | null;
  giveUpAt: Date | null;
};

export type RowOf<T extends OutboxTable> = T['$inferSelect'] & OutboxJob;

/**
 * Claims up to `limit` due rows of `kinds` for this worker: pending ones whose time has come and
 * claimed ones whose lease ran out (their worker died mid-attempt). SKIP LOCKED lets several nodes
 * claim side by side without waiting for or double-claiming each other's rows.
 */
export async function claimDue<T extends OutboxTable>(
  tx: Executor,
  table: T,
  options: { now: Date; leaseUntil: Date; leaseToken: string; kinds: readonly string[]; limit: number },
): Promise<RowOf<T>[]> {
  if (options.kinds.length === 0) return [];
  const due = tx
    .select({ id: table.id })
    .from(table as PgTable)
    .where(
      and(
        inArray(table.kind, [...options.kinds]),
        or(
          and(eq(table.status, 'pending' satisfies OutboxJobStatus), lte(table.nextAttemptAt, options.now)),
          and(eq(table.status, 'delivering' satisfies OutboxJobStatus), lte(table.leaseUntil, options.now)),
        ),
      ),
    )
    .orderBy(table.nextAttemptAt)
    .limit(options.limit)
    .for('update', { skipLocked: true });
  const claimed = await tx
    .update(table as PgTable)
    .set({
      status: 'delivering' satisfies OutboxJobStatus,
      leaseUntil: options.leaseUntil,
      leaseToken: options.leaseToken,
      attempts: sql`${table.attempts} + 1`,
      updatedAt: options.now,
    } as never)
    .where(inArray(table.id, due))
    .returning();
  return claimed as RowOf<T>[];
}

/** The end of an attempt: the shared columns the runner decides, and those the kind adds (e.g. an HTTP status). */
export type Finish = Readonly<{
  status: Extract<OutboxJobStatus, 'pending' | 'delivered' | 'dead'>;
  nextAttemptAt?: Date;
  lastError: string | null;
  deliveredAt?: Date;
  updatedAt: Date;
  columns?: Readonly<Record<string, unknown>>;
}>;

/** Records the end of an attempt, if this worker still holds the lease (it may have run out meanwhile). */
export async function finishClaimed<T extends OutboxTable>(
  tx: Executor,
  table: T,
  claimed: { id: string; leaseToken: string },
  finish: Finish,
): Promise<RowOf<T> | undefined> {
  const { columns, ...shared } = finish;
  const [row] = await tx
    .update(table as PgTable)
    .set({ ...columns, ...shared, leaseUntil: null, leaseToken: null } as never)
    .where(and(eq(table.id, claimed.id), eq(table.status, 'delivering' satisfies OutboxJobStatus), eq(table.leaseToken, claimed.leaseToken)))
    .returning();
  return row as RowOf<T> | undefined;
}
