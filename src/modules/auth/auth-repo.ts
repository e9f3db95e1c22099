import { and, eq, gt, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { apiTokens, loginThrottle, sessions, userAgencies, users } from '../../db/schema/index.ts';
import type { ThrottleState } from './login-throttle.ts';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function agenciesServedBy(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.select({ code: userAgencies.agencyCode }).from(userAgencies).where(eq(userAgencies.userId, userId));
  return rows.map((row) => row.code).sort();
}

export async function updatePasswordHash(db: Executor, userId: string, passwordHash: string, at: Date): Promise<void> {
  await db.update(users).set({ passwordHash, passwordChangedAt: at, mustChangePassword: false }).where(eq(users.id, userId));
}

export async function insertSession(db: Executor, session: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(session).returning();
  return row;
}

/** A session that is neither revoked nor expired at `now`, with its user. */
export async function findLiveSession(db: Executor, tokenHash: string, now: Date, idleMs: number) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, tokenHash),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        gt(sessions.lastSeenAt, new Date(now.getTime() - idleMs)),
      ),
    );
  return row;
}

/** Moves the idle deadline, at most once per `granularityMs`, so that reads do not all become writes. */
export async function touchSession(db: Executor, id: string, now: Date, granularityMs: number): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: now })
    .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, new Date(now.getTime() - granularityMs))));
}

export async function revokeSessionByHash(db: Executor, tokenHash: string, now: Date, reason: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
}

export async function revokeSessionsOfUser(db: Executor, userId: string, now: Date, reason: string): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** Reads one throttle row for update (creating it first), so that concurrent attempts queue up on it. */
export async function lockThrottle(tx: Executor, key: string, now: Date): Promise<ThrottleState> {
  await tx.insert(loginThrottle).values({ key, windowStartedAt: now, updatedAt: now }).onConflictDoNothing();
  const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.key, key)).for('update');
  return row;
}

export async function saveThrottle(tx: Executor, key: string, state: ThrottleState, now: Date): Promise<void> {
  await tx
    .update(loginThrottle)
    .set({
      consecutiveFailures: state.consecutiveFailures,
      windowStartedAt: state.windowStartedAt,
      windowFailures: state.windowFailures,
      lockedUntil: state.lockedUntil,
      updatedAt: now,
    })
    .where(eq(loginThrottle.key, key));
}

export async function insertApiToken(db: Executor, token: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(token).returning();
  return row;
}

export async function findLiveApiToken(db: Executor, tokenHash: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row;
}

export async function touchApiToken(db: Executor, id: string, now: Date, granularityMs: number): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - granularityMs)))));
}

export async function listApiTokens(db: Executor, agencies: readonly string[]): Promise<ApiTokenRow[]> {
  if (agencies.length === 0) return [];
  return db
    .select()
    .from(apiTokens)
    .where(inArray(apiTokens.agencyCode, [...agencies]))
    .orderBy(apiTokens.agencyCode, apiTokens.createdAt);
}

export async function findApiToken(db: Executor, id: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export async function revokeApiToken(db: Executor, id: string, now: Date): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row;
}

const STALE_MS = 30 * 24 * 60 * 60_000;

/**
 * Housekeeping on each successful login, so that nothing grows without bound and no scheduler is
 * needed: the user's sessions ended long ago, and throttle rows idle for a day and not locked.
 */
export async function pruneStale(db: Executor, userId: string, now: Date): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, new Date(now.getTime() - STALE_MS))));
  await db
    .delete(loginThrottle)
    .where(
      and(lt(loginThrottle.updatedAt, new Date(now.getTime() - 24 * 60 * 60_000)), or(isNull(loginThrottle.lockedUntil), lte(loginThrottle.lockedUntil, now))),
    );
}
