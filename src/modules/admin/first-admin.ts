import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { agencies, users } from '../../db/schema/index.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import { UserCreateBody } from './admin-schemas.ts';
import * as repo from './users-admin-repo.ts';

export type FirstAdminResult = { created: true; username: string; password: string } | { created: false; reason: string };

/**
 * The first administrator of a database that has none: a production database starts empty (no demo
 * seed), and every other account is made through the administration API by an administrator. Once
 * an administrator exists this refuses, so it cannot become a second way in. The password is
 * generated and returned once; the account serves every agency already there.
 */
export async function createFirstAdmin(db: Database, input: { username: string; displayName?: string; now: Date }): Promise<FirstAdminResult> {
  const parsed = UserCreateBody.safeParse({ username: input.username, displayName: input.displayName ?? input.username, role: 'admin' });
  if (!parsed.success) return { created: false, reason: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Two of these run at once on an empty database: one creates, the other finds it.
    await tx.execute('lock table users in share row exclusive mode');
    const [existing] = await tx.select({ username: users.username }).from(users).where(eq(users.role, 'admin')).limit(1);
    if (existing)
      return { created: false, reason: `an administrator exists already (${existing.username}): create accounts through /api/v1/admin/users` } as const;
    const row = await repo.insertUser(tx, {
      username: parsed.data.username,
      displayName: parsed.data.displayName,
      role: 'admin',
      agencyCode: null,
      passwordHash,
      passwordChangedAt: input.now,
      createdAt: input.now,
    });
    if (!row) return { created: false, reason: `username ${parsed.data.username} is taken` } as const;
    const codes = (await tx.select({ code: agencies.code }).from(agencies)).map((agency) => agency.code);
    await repo.replaceAssignments(tx, row.id, codes);
    return { created: true, username: row.username, password } as const;
  });
}
