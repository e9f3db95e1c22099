import type { AuditEntry } from '../../contracts/audit.ts';
import type { Page } from '../../contracts/common.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { validation } from '../../domain/errors.ts';
import type { Database, Executor } from '../../db/client.ts';
import * as repo from './audit-repo.ts';

export type AuditChange = Readonly<{
  action: string;
  target: Readonly<{ kind: repo.AuditRow['targetKind']; id: string }>;
  agency: string | null;
  before: unknown;
  after: unknown;
}>;

/** What other modules record changes with, inside their own transaction. */
export type AuditPort = Readonly<{ record(executor: Executor, actor: Actor, change: AuditChange): Promise<void> }>;

export type AuditService = ReturnType<typeof createAuditService>;

const PAGE_LIMIT = 50;

/** The configuration audit trail: recorded by the admin verbs, read by administrators. */
export function createAuditService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async record(executor: Executor, actor: Actor, change: AuditChange): Promise<void> {
      await repo.insertEntry(executor, {
        at: clock.now(),
        actorKind: actor.kind,
        actorId: actor.id,
        actorName: actor.name,
        action: change.action,
        targetKind: change.target.kind,
        targetId: change.target.id,
        agencyCode: change.agency,
        // jsonb keeps what JSON keeps: a Date inside becomes its ISO string, as the API shows it.
        before: change.before === undefined ? null : JSON.parse(JSON.stringify(change.before)),
        after: change.after === undefined ? null : JSON.parse(JSON.stringify(change.after)),
      });
    },

    /** Administrators only: the trail names staff and shows every agency's configuration. */
    async list(
      actor: Actor,
      query: { agency?: string; targetKind?: repo.AuditRow['targetKind']; targetId?: string; cursor?: string; limit?: number },
    ): Promise<Page<AuditEntry>> {
      assertRole(actor, 'admin');
      const beforeId = query.cursor === undefined ? undefined : Number(query.cursor);
      if (beforeId !== undefined && !Number.isSafeInteger(beforeId)) throw validation('cursor is not one this list handed out');
      const limit = query.limit ?? PAGE_LIMIT;
      const rows = await repo.pageOfEntries(db, { ...query, beforeId, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return { items: page.map(publicEntry), nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null };
    },
  };
}

function publicEntry(row: repo.AuditRow): AuditEntry {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
    action: row.action,
    target: { kind: row.targetKind, id: row.targetId },
    agency: row.agencyCode,
    before: row.before,
    after: row.after,
  };
}
