import type { ApiToken } from '../../contracts/admin.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import { randomSecret, sha256Hex } from './auth-crypto.ts';
import * as repo from './auth-repo.ts';
import type { ApiTokenRow } from './auth-repo.ts';

/** Tokens carry a recognisable prefix so that secret scanners (and people) can spot a leaked one. */
export const API_TOKEN_PREFIX = 'cnt_';

export type ApiTokenService = ReturnType<typeof createApiTokenService>;

/**
 * Agency API tokens: scoped to one agency, shown once at creation, stored as SHA-256, revocable.
 * Administrators manage them; supervisors may list them (never the secret, which is not kept).
 */
export function createApiTokenService(deps: { db: Database; clock: Clock; directory: AgencyDirectory; audit: AuditPort }) {
  const { db, clock, directory, audit } = deps;

  function assertAgencyExists(agency: string): void {
    if (!directory.agency(agency)) throw new AppError('NOT_FOUND', 'Agency not found');
  }

  return {
    async createToken(actor: Actor, input: { agency: string; name: string }) {
      assertRole(actor, 'admin');
      assertAgencyExists(input.agency);
      // A token reads all of an agency's data: only an administrator who serves that agency mints one.
      assertCanSeeAgency(actor, input.agency, 'Agency');
      const secret = `${API_TOKEN_PREFIX}${randomSecret(32)}`;
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertApiToken(tx, {
          agencyCode: input.agency,
          name: input.name,
          tokenHash: sha256Hex(secret),
          prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6),
          createdBy: actor.kind === 'user' ? actor.id : null,
          createdAt: clock.now(),
        });
        await audit.record(tx, actor, tokenChange('token.create', null, publicToken(inserted)));
        return inserted;
      });
      return { ...publicToken(row), token: secret };
    },

    async listTokens(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'admin', 'supervisor');
      if (query.agency) assertAgencyExists(query.agency);
      // Administrators manage every agency's tokens; a supervisor sees those of the agencies they serve.
      const agencies = actor.role === 'admin' ? (query.agency ? [query.agency] : directory.agencyCodes()) : scopeAgencies(actor, query.agency);
      return (await repo.listApiTokens(db, agencies)).map(publicToken);
    },

    async revokeToken(actor: Actor, id: string) {
      assertRole(actor, 'admin');
      return db.transaction(async (tx) => {
        const existing = await repo.findApiToken(tx, id);
        if (!existing) throw new AppError('NOT_FOUND', 'Token not found');
        assertCanSeeAgency(actor, existing.agencyCode, 'Token');
        const revoked = await repo.revokeApiToken(tx, id, clock.now());
        if (revoked) await audit.record(tx, actor, tokenChange('token.revoke', publicToken(existing), publicToken(revoked)));
        return publicToken(revoked ?? existing);
      });
    },
  };
}

function tokenChange(action: string, before: ApiToken | null, after: ApiToken) {
  return { action, target: { kind: 'token' as const, id: after.id }, agency: after.agency, before, after };
}

export function publicToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    agency: row.agencyCode,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
