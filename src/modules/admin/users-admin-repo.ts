import { asc, eq, inArray, max } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { agencies, sessions, userAgencies, users } from '../../db/schema/index.ts';

export type UserRow = typeof users.$inferSelect;

export async function listUsers(db: Executor): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.username));
}

export async function findUser(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

/** user id -> agencies served, for staff. */
export async function assignments(db: Executor, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .select()
    .from(userAgencies)
    .where(inArray(userAgencies.userId, [...userIds]));
  for (const row of rows) map.set(row.userId, [...(map.get(row.userId) ?? []), row.agencyCode].sort());
  return map;
}

/** user id -> when their latest session began: the last login. */
export async function lastLogins(db: Executor, userIds: readonly string[]): Promise<Map<string, Date>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ userId: sessions.userId, at: max(sessions.createdAt) })
    .from(sessions)
    .where(inArray(sessions.userId, [...userIds]))
    .groupBy(sessions.userId);
  return new Map(rows.flatMap((row) => (row.at ? [[row.userId, row.at] as const] : [])));
}

export async function existingAgencies(db: Executor, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db
    .select({ code: agencies.code })
    .from(agencies)
    .where(inArray(agencies.code, [...codes]));
  return new Set(rows.map((row) => row.code));
}

export async function insertUser(db: Executor, row: typeof users.$inferInsert): Promise<UserRow> {
  const [inserted] = await db.insert(users).values(row).onConflictDoNothing({ target: users.username }).returning();
  return inserted;
}

export async function updateUser(db: Executor, id: string, changes: Partial<typeof users.$inferInsert>): Promise<void> {
  await db.update(users).set(changes).where(eq(users.id, id));
}

export async function replaceAssignments(db: Executor, userId: string, codes: readonly string[]): Promise<void> {
  await db.delete(userAgencies).where(eq(userAgencies.userId, userId));
  if (codes.length > 0) await db.insert(userAgencies).values(codes.map((agencyCode) => ({ userId, agencyCode })));
}
