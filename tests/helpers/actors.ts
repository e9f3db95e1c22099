import { eq } from 'drizzle-orm';
import type { Actor } from '../../src/domain/actor.ts';
import type { Database } from '../../src/db/client.ts';
import { userAgencies, users } from '../../src/db/schema/index.ts';

/** The Actor a demo user's session would carry, read from the seeded users: for service-level tests. */
export async function actorOf(db: Database, username: string): Promise<Actor> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  if (!user) throw new Error(`No user ${username}`);
  const served = await db.select({ agencyCode: userAgencies.agencyCode }).from(userAgencies).where(eq(userAgencies.userId, user.id));
  const agencies = user.role === 'agency' ? [user.agencyCode!] : served.map((row) => row.agencyCode).sort();
  return Object.freeze({ kind: 'user', id: user.id, name: user.username, role: user.role, agencies: Object.freeze(agencies) });
}
