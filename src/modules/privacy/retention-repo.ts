import { eq, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { privacySettings } from '../../db/schema/index.ts';
import { CALL_PAYLOAD_KEPT_KEYS } from '../../domain/privacy-data-map.ts';
import { ANONYMISED } from '../../domain/privacy-keys.ts';
import { countOf, rowsOf, texts } from './privacy-sql.ts';

/* Retention: each agency's periods, the claim on a pass, and what a pass still has to anonymise. */

export type SettingsRow = typeof privacySettings.$inferSelect;

export async function findSettings(db: Executor, agencies: readonly string[]): Promise<SettingsRow[]> {
  if (agencies.length === 0) return [];
  return db
    .select()
    .from(privacySettings)
    .where(inArray(privacySettings.agencyCode, [...agencies]));
}

export async function upsertSettings(
  db: Executor,
  row: Pick<SettingsRow, 'agencyCode' | 'personalDataMonths' | 'accessLogMonths' | 'updatedAt' | 'updatedBy'>,
): Promise<void> {
  await db
    .insert(privacySettings)
    .values(row)
    .onConflictDoUpdate({
      target: privacySettings.agencyCode,
      set: { personalDataMonths: row.personalDataMonths, accessLogMonths: row.accessLogMonths, updatedAt: row.updatedAt, updatedBy: row.updatedBy },
    });
}

/** Remembers a finished pass; an agency without settings gets a row with the defaults it ran with. */
export async function markRetentionPass(
  db: Executor,
  row: Pick<SettingsRow, 'agencyCode' | 'personalDataMonths' | 'accessLogMonths'> & { at: Date; cutoff: Date },
): Promise<void> {
  await db
    .insert(privacySettings)
    .values({ ...row, updatedAt: row.at, updatedBy: 'default', lastRetentionAt: row.at, lastRetentionCutoff: row.cutoff })
    .onConflictDoUpdate({ target: privacySettings.agencyCode, set: { lastRetentionAt: row.at, lastRetentionCutoff: row.cutoff } });
}

// A two-key advisory lock class of its own (the migrator and the reports use others).
const RETENTION_LOCK_CLASS = 70_081;

/**
 * Claims the agency for one whole retention pass (its batches are separate transactions, so a
 * transaction lock alone would let two passes interleave and split the work and its receipt).
 * Succeeds when nobody holds the agency or the holder's lease has lapsed.
 */
export async function claimRetention(
  db: Executor,
  row: Pick<SettingsRow, 'agencyCode' | 'personalDataMonths' | 'accessLogMonths'> & { at: Date; until: Date },
): Promise<boolean> {
  const claimed = await db
    .insert(privacySettings)
    .values({
      agencyCode: row.agencyCode,
      personalDataMonths: row.personalDataMonths,
      accessLogMonths: row.accessLogMonths,
      updatedAt: row.at,
      updatedBy: 'default',
      retentionClaimedUntil: row.until,
    })
    .onConflictDoUpdate({
      target: privacySettings.agencyCode,
      set: { retentionClaimedUntil: row.until },
      setWhere: sql`${privacySettings.retentionClaimedUntil} is null or ${privacySettings.retentionClaimedUntil} <= ${row.at.toISOString()}::timestamptz`,
    })
    .returning({ agencyCode: privacySettings.agencyCode });
  return claimed.length > 0;
}

export async function releaseRetention(db: Executor, agency: string): Promise<void> {
  await db.update(privacySettings).set({ retentionClaimedUntil: null }).where(eq(privacySettings.agencyCode, agency));
}

export async function tryLockRetention(tx: Executor, agency: string): Promise<boolean> {
  const [row] = await rowsOf<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${RETENTION_LOCK_CLASS}::int, hashtext(${agency})) as locked`);
  return row?.locked === true;
}

export type RetentionWindow = Readonly<{ agency: string; before: Date; notBefore: Date | null; limit: number }>;

/** Where the previous batch of a pass stopped: (time, id) of its last record. */
export type RetentionCursor = Readonly<{ at: string; id: string }> | null;

export type DueBatch = Readonly<{ ids: string[]; cursor: RetentionCursor }>;

/**
 * The next batch of records of one kind still holding personal data, in (time, id) order after
 * `cursor`: every batch starts where the last one stopped, so a pass over millions of old records
 * never scans the ones it has done again.
 */
async function dueBatch(
  db: Executor,
  window: RetentionWindow,
  cursor: RetentionCursor,
  query: { table: string; alias: string; at: string; id: string; stillPersonal: SQL },
): Promise<DueBatch> {
  const at = sql`${sql.identifier(query.alias)}.${sql.identifier(query.at)}`;
  const key = sql`${sql.identifier(query.alias)}.${sql.identifier(query.id)}::text`;
  const lower = window.notBefore ? sql` and ${at} >= ${window.notBefore.toISOString()}::timestamptz` : sql``;
  const after = cursor ? sql` and (${at}, ${key}) > (${cursor.at}::timestamptz, ${cursor.id}::text)` : sql``;
  const rows = await rowsOf<{ id: string; at: string }>(
    db,
    sql`select ${key} as id, ${at}::text as at from ${sql.identifier(query.table)} ${sql.identifier(query.alias)}
        where ${sql.identifier(query.alias)}.agency_code = ${window.agency} and ${at} < ${window.before.toISOString()}::timestamptz${lower}${after}
          and (${query.stillPersonal})
        order by ${at}, ${key} limit ${window.limit}`,
  );
  const last = rows.at(-1);
  return { ids: rows.map((row) => row.id), cursor: last ? { at: last.at, id: last.id } : cursor };
}

export function callsDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  const kept = texts(CALL_PAYLOAD_KEPT_KEYS);
  return dueBatch(db, window, cursor, {
    table: 'calls',
    alias: 'c',
    at: 'started_at',
    id: 'call_sid',
    stillPersonal: sql`c.from_number is not null or c.callback_phone is not null or exists (select 1 from call_events e where e.call_sid = c.call_sid
      and exists (select 1 from jsonb_object_keys(e.payload) k where not (k = any(${kept}))))`,
  });
}

/** A ticket untouched since the cut-off, whatever its status: one still open after years is not being worked. */
export function ticketsDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  return dueBatch(db, window, cursor, {
    table: 'tickets',
    alias: 't',
    at: 'updated_at',
    id: 'id',
    stillPersonal: sql`t.description <> ${ANONYMISED} or t.subject <> ${ANONYMISED} or t.caller_phone is not null or t.caller_name is not null
      or t.caller_email is not null or t.tenant_code is not null or t.dwelling is not null
      or exists (select 1 from ticket_events te where te.ticket_id = t.id and te.text is not null and te.text <> ${ANONYMISED})`,
  });
}

/** Mail still being filed (`pending`) is left for the next pass. */
export function emailsDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  return dueBatch(db, window, cursor, {
    table: 'inbound_emails',
    alias: 'e',
    at: 'received_at',
    id: 'id',
    stillPersonal: sql`e.status <> 'pending' and e.raw_sha256 not like 'erased:%'`,
  });
}

/** Acknowledgements past the cut-off go whatever their state: one still queued after so long will never be sent. */
export function outboxDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  return dueBatch(db, window, cursor, { table: 'email_outbox', alias: 'o', at: 'created_at', id: 'id', stillPersonal: sql`true` });
}

export function callbacksDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  return dueBatch(db, window, cursor, {
    table: 'callbacks',
    alias: 'cb',
    at: 'created_at',
    id: 'id',
    stillPersonal: sql`cb.caller_phone <> ${ANONYMISED} or exists (select 1 from callback_attempts a where a.callback_id = cb.id and a.note is not null)`,
  });
}

/** Deliveries still in flight are left alone. */
export function deliveriesDue(db: Executor, window: RetentionWindow, cursor: RetentionCursor): Promise<DueBatch> {
  return dueBatch(db, window, cursor, {
    table: 'deliveries',
    alias: 'd',
    at: 'created_at',
    id: 'id',
    stillPersonal: sql`d.status not in ('pending', 'delivering') and not (d.payload ? 'anonimizzato')`,
  });
}

export async function pruneAccessLog(tx: Executor, agency: string, before: Date): Promise<number> {
  return countOf(tx, sql`delete from access_log where agency_code = ${agency} and at < ${before.toISOString()}::timestamptz`);
}
