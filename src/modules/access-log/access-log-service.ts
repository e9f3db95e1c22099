import type { AccessLogEntry } from '../../contracts/access-log.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole, isStaff, SYSTEM_ACTOR, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { backgroundTurn } from '../../util/callers-first.ts';
import type { Database, Executor } from '../../db/client.ts';
import * as repo from './access-log-repo.ts';
import type { AccessLogRow } from './access-log-repo.ts';

/** One read of personal data: which agency's, what kind, which record (or how many), which fields. */
export type AccessEntry = Readonly<{
  agency: string;
  /** e.g. `calls`, `tickets`, `emails`, `tenants`. */
  resource: string;
  /** The record read (a ticket ref, a CallSid); omitted for lists. */
  resourceId?: string | null;
  /** e.g. `read`, `list`, `search`, `export`. */
  action: string;
  /** The personal fields shown, e.g. `['caller.phone', 'caller.name']`. */
  fields?: readonly string[];
  /** For lists: how many records of this agency were shown. */
  count?: number;
}>;

export type AccessLog = ReturnType<typeof createAccessLog>;

export const ACCESS_LOG_EXPORT_LIMIT = 50_000;
/** Entries per statement of an export: a few milliseconds of PGlite, which runs on the event loop. */
export const ACCESS_LOG_PAGE = 500;

/**
 * The processor's access log (GDPR art. 28/30: the call center reads the agencies' tenants' data on
 * their behalf). Reads by call-center staff are recorded; the agencies' own users and tokens read
 * their own data as controller and are not. Recording is awaited: a read that cannot be recorded fails.
 */
export function createAccessLog(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;

  function toRow(actor: Actor, entry: AccessEntry, at: Date) {
    return {
      at,
      actorKind: actor.kind,
      actorId: actor.id,
      actorName: actor.name,
      actorRole: actor.role,
      agencyCode: entry.agency,
      resource: entry.resource,
      resourceId: entry.resourceId ?? null,
      action: entry.action,
      fields: entry.fields ? [...entry.fields] : null,
      count: entry.count ?? null,
    };
  }

  const shouldRecord = (actor: Actor) => actor.kind === 'user' && isStaff(actor);

  return {
    /** Records one read. Pass `executor` to record inside the reading transaction. */
    async record(actor: Actor, entry: AccessEntry, executor: Executor = db): Promise<void> {
      if (shouldRecord(actor)) await repo.insertEntries(executor, [toRow(actor, entry, clock.now())]);
    },

    /** Records what the platform itself handed out of an agency's data (a report e-mailed to its liaison), whoever set it up. */
    async recordByPlatform(entry: AccessEntry, executor: Executor = db): Promise<void> {
      await repo.insertEntries(executor, [toRow(SYSTEM_ACTOR, entry, clock.now())]);
    },

    /** Records a list read: one entry per agency whose records were shown (none for an empty page). */
    async recordList(
      actor: Actor,
      entry: Omit<AccessEntry, 'agency' | 'count' | 'resourceId'>,
      agencyOfEachItem: readonly (string | null)[],
      executor: Executor = db,
    ): Promise<void> {
      if (!shouldRecord(actor)) return;
      const counts = new Map<string, number>();
      for (const agency of agencyOfEachItem) if (agency) counts.set(agency, (counts.get(agency) ?? 0) + 1);
      const at = clock.now();
      await repo.insertEntries(
        executor,
        [...counts].map(([agency, count]) => toRow(actor, { ...entry, agency, count }, at)),
      );
    },

    /**
     * The log of the agencies the actor may see: supervisors and admins, and the agency's own users.
     * Checked at once; the entries come page by page (at most ACCESS_LOG_EXPORT_LIMIT in all), with
     * a turn of the event loop between pages (callers first), so that a year of log is streamed to the client
     * rather than built in memory while every webhook waits.
     */
    exportEntries(actor: Actor, query: { agency?: string; from?: Date; to?: Date }): AsyncGenerator<PublicAccessEntry[]> {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const agencies = scopeAgencies(actor, query.agency);
      return (async function* pages() {
        let after: repo.EntryCursor = null;
        for (let sent = 0; sent < ACCESS_LOG_EXPORT_LIMIT; ) {
          const limit = Math.min(ACCESS_LOG_PAGE, ACCESS_LOG_EXPORT_LIMIT - sent);
          const rows = await repo.pageOfEntries(db, { agencies, from: query.from, to: query.to, after, limit });
          if (rows.length > 0) yield rows.map(publicEntry);
          if (rows.length < limit) return;
          sent += rows.length;
          const last = rows[rows.length - 1];
          after = { at: last.cursorAt, id: last.id };
          await backgroundTurn();
        }
      })();
    },
  };
}

export type PublicAccessEntry = ReturnType<typeof publicEntry>;

export function publicEntry(row: AccessLogRow): AccessLogEntry {
  return {
    at: row.at.toISOString(),
    agency: row.agencyCode,
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName, role: row.actorRole },
    resource: row.resource,
    resourceId: row.resourceId,
    action: row.action,
    fields: row.fields ?? [],
    count: row.count,
  };
}
