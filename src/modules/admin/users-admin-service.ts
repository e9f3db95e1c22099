import type { UserAccount } from '../../contracts/admin.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, validation } from '../../domain/errors.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { assertAcceptablePassword } from '../auth/auth-service.ts';
import { generatePassword, hashPassword } from '../auth/passwords.ts';
import * as repo from './users-admin-repo.ts';
import type { UserCreateBody, UserPatchBody } from './admin-schemas.ts';

export type UserAdminService = ReturnType<typeof createUserAdminService>;

/**
 * Accounts. Administrators create, disable, assign and reset; supervisors read the staff and the
 * agency users of the agencies they serve. Disabling an account or resetting its password ends
 * every session it has.
 */
export function createUserAdminService(deps: { db: Database; clock: Clock; auth: AuthService; audit: AuditPort }) {
  const { db, clock, auth, audit } = deps;

  /** Accounts in the trail as the API shows them: never a password or its hash. */
  const userChange = (action: string, before: UserAccount | null, after: UserAccount) => ({
    action,
    target: { kind: 'user' as const, id: after.id },
    agency: after.agency,
    before,
    after,
  });

  async function view(executor: Executor, id: string) {
    const user = await repo.findUser(executor, id);
    if (!user) throw new AppError('NOT_FOUND', 'User not found');
    return publicUser(user, (await repo.assignments(executor, [id])).get(id) ?? [], (await repo.lastLogins(executor, [id])).get(id) ?? null);
  }

  async function assertAgenciesExist(executor: Executor, codes: readonly string[]): Promise<void> {
    const existing = await repo.existingAgencies(executor, codes);
    const unknown = codes.filter((code) => !existing.has(code));
    if (unknown.length > 0) throw validation(`Unknown agency: ${[...new Set(unknown)].join(', ')}`);
  }

  /**
   * What a supervisor may see of a user: agency users of the agencies they serve, and staff with
   * only those of their assignments (that a colleague also serves another agency is not theirs to know).
   * Administrators see everything. Null: not visible at all.
   */
  function asSeenBy(actor: Actor, user: ReturnType<typeof publicUser>): ReturnType<typeof publicUser> | null {
    if (actor.role === 'admin') return user;
    if (user.agency !== null) return actor.agencies.includes(user.agency) ? user : null;
    return { ...user, agencies: user.agencies.filter((code) => actor.agencies.includes(code)) };
  }

  return {
    async listUsers(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'admin', 'supervisor');
      if (query.agency && actor.role !== 'admin') assertCanSeeAgency(actor, query.agency, 'Agency');
      const rows = await repo.listUsers(db);
      const ids = rows.map((row) => row.id);
      const [served, logins] = await Promise.all([repo.assignments(db, ids), repo.lastLogins(db, ids)]);
      return rows
        .map((row) => asSeenBy(actor, publicUser(row, served.get(row.id) ?? [], logins.get(row.id) ?? null)))
        .filter((user) => user !== null)
        .filter((user) => !query.agency || user.agency === query.agency || user.agencies.includes(query.agency));
    },

    async getUser(actor: Actor, id: string) {
      assertRole(actor, 'admin', 'supervisor');
      const user = asSeenBy(actor, await view(db, id));
      if (!user) throw new AppError('NOT_FOUND', 'User not found');
      return user;
    },

    async createUser(actor: Actor, body: UserCreateBody) {
      assertRole(actor, 'admin');
      const password = body.password ?? generatePassword();
      assertAcceptablePassword(password, body.username);
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      const id = await db.transaction(async (tx) => {
        await assertAgenciesExist(tx, [...body.agencies, ...(body.agency ? [body.agency] : [])]);
        const row = await repo.insertUser(tx, {
          username: body.username,
          displayName: body.displayName,
          role: body.role,
          agencyCode: body.agency ?? null,
          passwordHash,
          passwordChangedAt: now,
          // A generated password has been seen by the administrator: the user replaces it at first login.
          mustChangePassword: body.password === undefined,
          createdAt: now,
        });
        if (!row) throw conflict(`Username ${body.username} is taken`);
        await repo.replaceAssignments(tx, row.id, [...new Set(body.agencies)]);
        await audit.record(tx, actor, userChange('user.create', null, await view(tx, row.id)));
        return row.id;
      });
      return { user: await view(db, id), ...(body.password ? {} : { password }) };
    },

    async updateUser(actor: Actor, id: string, body: UserPatchBody) {
      assertRole(actor, 'admin');
      if (body.disabled && actor.id === id) throw validation('You cannot disable your own account');
      const user = await db.transaction(async (tx) => {
        const existing = await repo.findUser(tx, id);
        if (!existing) throw new AppError('NOT_FOUND', 'User not found');
        const before = await view(tx, id);
        if (body.agencies !== undefined) {
          if (existing.role === 'agency') throw validation('An agency user belongs to one agency; create another user for another agency');
          await assertAgenciesExist(tx, body.agencies);
          await repo.replaceAssignments(tx, id, [...new Set(body.agencies)]);
        }
        const changes = {
          ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
          ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        };
        if (Object.keys(changes).length > 0) await repo.updateUser(tx, id, changes);
        const after = await view(tx, id);
        await audit.record(tx, actor, userChange('user.update', before, after));
        return after;
      });
      if (body.disabled) await auth.endSessionsOf(id, 'disabled');
      return user;
    },

    async resetPassword(actor: Actor, id: string, body: { password?: string }) {
      assertRole(actor, 'admin');
      const existing = await repo.findUser(db, id);
      if (!existing) throw new AppError('NOT_FOUND', 'User not found');
      const password = body.password ?? generatePassword();
      assertAcceptablePassword(password, existing.username);
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        const before = await view(tx, id);
        await repo.updateUser(tx, id, { passwordHash, passwordChangedAt: clock.now(), mustChangePassword: body.password === undefined });
        await audit.record(tx, actor, userChange('user.password_reset', before, await view(tx, id)));
      });
      const endedSessions = await auth.endSessionsOf(id, 'password_reset');
      return { user: await view(db, id), endedSessions, ...(body.password ? {} : { password }) };
    },
  };
}

function publicUser(row: repo.UserRow, agencies: readonly string[], lastLoginAt: Date | null): UserAccount {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    agency: row.agencyCode,
    agencies: row.role === 'agency' ? (row.agencyCode ? [row.agencyCode] : []) : [...agencies],
    disabled: row.disabled,
    mustChangePassword: row.mustChangePassword,
    lastLoginAt: lastLoginAt?.toISOString() ?? null,
    passwordChangedAt: row.passwordChangedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
