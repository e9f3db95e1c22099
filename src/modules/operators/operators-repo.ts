import { and, asc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { calls, operatorPresence, operatorPresenceEvents, operatorQueues, userAgencies, users } from '../../db/schema/index.ts';

export type PresenceRow = typeof operatorPresence.$inferSelect;
export type Presence = PresenceRow['presence'];
export type Location = PresenceRow['location'];

export type StaffMember = Readonly<{
  id: string;
  username: string;
  displayName: string;
  role: string;
  disabled: boolean;
  agencies: string[];
  queues: string[];
  presence: PresenceRow | null;
  /** The agency of the call in `presence.callSid`: only that agency's staff may see the CallSid. */
  callAgency: string | null;
}>;

/** Call-center staff (not agency users), with the agencies and queues they serve and their presence. */
export async function listStaff(tx: Executor, filter: { userIds?: readonly string[]; username?: string } = {}): Promise<StaffMember[]> {
  const conditions = [ne(users.role, 'agency')];
  if (filter.userIds) {
    if (filter.userIds.length === 0) return [];
    conditions.push(inArray(users.id, [...filter.userIds]));
  }
  if (filter.username) conditions.push(eq(users.username, filter.username));
  const people = await tx
    .select({ user: users, presence: operatorPresence, callAgency: calls.agencyCode })
    .from(users)
    .leftJoin(operatorPresence, eq(operatorPresence.userId, users.id))
    .leftJoin(calls, eq(calls.callSid, operatorPresence.callSid))
    .where(and(...conditions))
    .orderBy(asc(users.username));
  if (people.length === 0) return [];
  const ids = people.map((row) => row.user.id);
  const [agencyRows, queueRows] = await Promise.all([
    tx.select().from(userAgencies).where(inArray(userAgencies.userId, ids)),
    tx.select().from(operatorQueues).where(inArray(operatorQueues.userId, ids)),
  ]);
  return people.map(({ user, presence, callAgency }) => ({
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    agencies: agencyRows
      .filter((row) => row.userId === user.id)
      .map((row) => row.agencyCode)
      .sort(),
    queues: queueRows
      .filter((row) => row.userId === user.id)
      .map((row) => row.queueName)
      .sort(),
    presence,
    callAgency: presence?.callSid ? callAgency : null,
  }));
}

/** The agency a call belongs to (null for a number of no agency, or an unknown CallSid). */
export async function agencyOfCall(tx: Executor, callSid: string): Promise<string | null> {
  const [row] = await tx.select({ agency: calls.agencyCode }).from(calls).where(eq(calls.callSid, callSid));
  return row?.agency ?? null;
}

/** Staff members serving at least one of the given agencies. */
export async function staffIdsServing(tx: Executor, agencies: readonly string[]): Promise<string[]> {
  if (agencies.length === 0) return [];
  const rows = await tx
    .selectDistinct({ userId: userAgencies.userId })
    .from(userAgencies)
    .where(inArray(userAgencies.agencyCode, [...agencies]));
  return rows.map((row) => row.userId);
}

export async function findPresence(tx: Executor, userId: string): Promise<PresenceRow | undefined> {
  const [row] = await tx.select().from(operatorPresence).where(eq(operatorPresence.userId, userId));
  return row;
}

/** Sets the presence, unless `onlyIf` says it must still be some state (an automatic change racing a manual one). */
export async function writePresence(tx: Executor, row: PresenceRow, onlyIf?: { presence: Presence; callSid: string | null }): Promise<PresenceRow | undefined> {
  let written: PresenceRow | undefined;
  if (onlyIf) {
    [written] = await tx
      .update(operatorPresence)
      .set({ presence: row.presence, location: row.location, callSid: row.callSid, since: row.since })
      .where(
        and(
          eq(operatorPresence.userId, row.userId),
          eq(operatorPresence.presence, onlyIf.presence),
          onlyIf.callSid === null ? sql`${operatorPresence.callSid} is null` : eq(operatorPresence.callSid, onlyIf.callSid),
        ),
      )
      .returning();
  } else {
    [written] = await tx
      .insert(operatorPresence)
      .values(row)
      .onConflictDoUpdate({ target: operatorPresence.userId, set: { presence: row.presence, location: row.location, callSid: row.callSid, since: row.since } })
      .returning();
  }
  if (written) {
    await tx
      .insert(operatorPresenceEvents)
      .values({ userId: row.userId, presence: row.presence, location: row.location, callSid: row.callSid, occurredAt: row.since });
  }
  return written;
}

/** Appends the presence log rows of automatic changes (one statement for all). */
async function logPresence(tx: Executor, rows: readonly PresenceRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(operatorPresenceEvents)
    .values(rows.map((row) => ({ userId: row.userId, presence: row.presence, location: row.location, callSid: row.callSid, occurredAt: row.since })));
}

/**
 * Operators shown on a call that is not in conversation any more (settled, ended, unknown): into
 * wrap-up for it. One conditional statement: on two nodes, each row changes once.
 */
export async function releaseStaleOnCall(tx: Executor, at: Date): Promise<PresenceRow[]> {
  const rows = await tx
    .update(operatorPresence)
    .set({ presence: 'wrap_up', since: at })
    .where(
      and(
        eq(operatorPresence.presence, 'on_call'),
        sql`not exists (select 1 from ${calls} where ${calls.callSid} = ${operatorPresence.callSid} and ${calls.outcome} = 'bridged' and ${calls.endedAt} is null)`,
      ),
    )
    .returning();
  await logPresence(tx, rows);
  return rows;
}

/** Wrap-ups that began at or before `startedBy`: over, the operator is available. */
export async function endExpiredWrapUps(tx: Executor, startedBy: Date, at: Date): Promise<PresenceRow[]> {
  const rows = await tx
    .update(operatorPresence)
    .set({ presence: 'available', callSid: null, since: at })
    .where(and(eq(operatorPresence.presence, 'wrap_up'), lte(operatorPresence.since, startedBy)))
    .returning();
  await logPresence(tx, rows);
  return rows;
}

/** The operator whose softphone leg `legCallSid` was bridged to the call they are on: into wrap-up. */
export async function wrapUpAfterLeg(tx: Executor, username: string, legCallSid: string, at: Date): Promise<PresenceRow | undefined> {
  const [row] = await tx
    .update(operatorPresence)
    .set({ presence: 'wrap_up', since: at })
    .where(
      and(
        eq(operatorPresence.presence, 'on_call'),
        sql`${operatorPresence.userId} = (select ${users.id} from ${users} where ${users.username} = ${username})`,
        sql`${operatorPresence.callSid} in (select ${calls.callSid} from ${calls} where ${calls.operatorCallSid} = ${legCallSid})`,
      ),
    )
    .returning();
  if (row) await logPresence(tx, [row]);
  return row;
}

/**
 * Replaces the operator's queues among `within` (the queues of the agencies the actor serves);
 * the operator's queues of other agencies are left as they are.
 */
export async function replaceQueuesWithin(tx: Executor, userId: string, within: readonly string[], queueNames: readonly string[]): Promise<void> {
  if (within.length > 0) await tx.delete(operatorQueues).where(and(eq(operatorQueues.userId, userId), inArray(operatorQueues.queueName, [...within])));
  if (queueNames.length > 0) await tx.insert(operatorQueues).values(queueNames.map((queueName) => ({ userId, queueName })));
}
