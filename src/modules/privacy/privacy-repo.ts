import { setImmediate as nextTurn } from 'node:timers/promises';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { privacyReceipts, privacySettings } from '../../db/schema/index.ts';
import type { TableRule, TableScope } from '../../domain/privacy-data-map.ts';
import { CALL_PAYLOAD_KEPT_KEYS, ruleOf, TICKET_EVENT_PERSONAL_KEYS } from '../../domain/privacy-data-map.ts';
import { ANONYMISED } from '../../domain/privacy-keys.ts';
import type { SubjectKeys } from '../../domain/privacy-keys.ts';

export type ReceiptRow = typeof privacyReceipts.$inferSelect;
export type NewReceipt = typeof privacyReceipts.$inferInsert;
export type SettingsRow = typeof privacySettings.$inferSelect;

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function countOf(db: Executor, statement: SQL): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`with changed as (${statement} returning 1) select count(*)::int as n from changed`);
  return Number(row?.n ?? 0);
}

const array = (values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8') =>
  values.length === 0
    ? sql`array[]::${sql.raw(type)}[]`
    : sql`array[${sql.join(
        values.map((value) => sql`${value}`),
        sql`, `,
      )}]::${sql.raw(type)}[]`;
const texts = (values: readonly string[]) => array(values, 'text');
const uuids = (values: readonly string[]) => array(values, 'uuid');

/* ---------- settings and receipts ---------- */

export async function findSettings(db: Executor, agencies: readonly string[]): Promise<SettingsRow[]> {
  if (agencies.length === 0) return [];
  return db.select().from(privacySettings).where(inArray(privacySettings.agencyCode, [...agencies]));
}

export async function upsertSettings(db: Executor, row: Pick<SettingsRow, 'agencyCode' | 'personalDataMonths' | 'accessLogMonths' | 'updatedAt' | 'updatedBy'>): Promise<void> {
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

export async function insertReceipt(db: Executor, row: NewReceipt): Promise<ReceiptRow> {
  const [inserted] = await db.insert(privacyReceipts).values(row).returning();
  return inserted;
}

export async function finishReceipt(db: Executor, id: string, change: Partial<Pick<ReceiptRow, 'status' | 'completedAt' | 'counts' | 'sha256' | 'byteSize' | 'details'>>): Promise<ReceiptRow | undefined> {
  const [row] = await db.update(privacyReceipts).set(change).where(eq(privacyReceipts.id, id)).returning();
  return row;
}

export async function findReceipt(db: Executor, id: string): Promise<ReceiptRow | undefined> {
  const [row] = await db.select().from(privacyReceipts).where(eq(privacyReceipts.id, id));
  return row;
}

export async function listReceipts(db: Executor, agencies: readonly string[] | undefined, limit: number): Promise<ReceiptRow[]> {
  const query = db.select().from(privacyReceipts);
  const filtered = agencies === undefined ? query : query.where(inArray(privacyReceipts.agencyCode, agencies.length > 0 ? [...agencies] : ['']));
  return filtered.orderBy(desc(privacyReceipts.requestedAt), desc(privacyReceipts.id)).limit(limit);
}

export async function findCompletedExport(db: Executor, agency: string, sha256: string): Promise<ReceiptRow | undefined> {
  const [row] = await db
    .select()
    .from(privacyReceipts)
    .where(and(eq(privacyReceipts.agencyCode, agency), eq(privacyReceipts.kind, 'agency_export'), eq(privacyReceipts.status, 'completed'), eq(privacyReceipts.sha256, sha256)))
    .orderBy(desc(privacyReceipts.completedAt))
    .limit(1);
  return row;
}

/** Locks the agency row: inserts that reference the agency (new calls, tickets, e-mails) wait until commit. */
export async function lockAgency(tx: Executor, agency: string): Promise<{ code: string; name: string } | undefined> {
  const [row] = await rowsOf<{ code: string; name: string }>(tx, sql`select code, name from agencies where code = ${agency} for update`);
  return row;
}

export async function agencyNames(db: Executor): Promise<Map<string, { name: string; timezone: string }>> {
  const rows = await rowsOf<{ code: string; name: string; timezone: string }>(db, sql`select code, name, timezone from agencies`);
  return new Map(rows.map((row) => [row.code, { name: row.name, timezone: row.timezone }]));
}

// A two-key advisory lock class of its own (the migrator and the reports use others).
const RETENTION_LOCK_CLASS = 70_081;

/** One node at a time per agency: another node holding it means that pass is being done already. */
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
    .values({ agencyCode: row.agencyCode, personalDataMonths: row.personalDataMonths, accessLogMonths: row.accessLogMonths, updatedAt: row.at, updatedBy: 'default', retentionClaimedUntil: row.until })
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

/* ---------- finding a data subject's records ---------- */

export type SubjectTenant = { id: string; code: string; email: string | null; phones: string[] };

export async function findSubjectTenants(db: Executor, agency: string, keys: SubjectKeys): Promise<SubjectTenant[]> {
  return rowsOf<SubjectTenant>(
    db,
    sql`select t.id, t.code, t.email,
          coalesce((select array_agg(p.e164 order by p.e164) from tenant_phones p where p.tenant_id = t.id), array[]::text[]) as phones
        from tenants t
        where t.agency_code = ${agency}
          and (t.code = any(${texts(keys.tenantCodes)}) or lower(t.email) = any(${texts(keys.emails)})
               or exists (select 1 from tenant_phones p where p.tenant_id = t.id and p.e164 = any(${texts(keys.phones)})))`,
  );
}

export type SubjectRecords = {
  tenants: string[];
  callSids: string[];
  tickets: string[];
  ticketRefs: string[];
  emails: string[];
  outbox: string[];
  callbacks: string[];
  deliveries: string[];
  overflow: number[];
};

/** Longer than any phone number or e-mail address a search looks for. */
const BYTES_OVERLAP = 1024;

/**
 * Whether the bytes of an e-mail (raw message, attachments) match `pattern`, chunk by chunk. Each
 * chunk is searched with the last KiB of the chunk before it in front, so that a number or an
 * address split across two chunks is found too.
 */
function bytesMatch(emailId: SQL, pattern: string): SQL {
  return sql`exists (select 1 from email_blob_chunks c
      left join email_blob_chunks b on b.blob_id = c.blob_id and b.seq = c.seq - 1
      where c.email_id = ${emailId}
        and (c.blob_id in (select r.blob_id from inbound_email_raw r where r.email_id = ${emailId})
             or c.blob_id in (select a.blob_id from email_attachments a where a.email_id = ${emailId}))
        and encode(coalesce(substring(b.bytes from greatest(octet_length(b.bytes) - ${sql.raw(String(BYTES_OVERLAP - 1))}, 1)), ''::bytea) || c.bytes, 'escape') ~* ${pattern})`;
}

/** `extra` is OR-ed in only when the subject has identifiers that can appear in free text. */
const orMatching = (pattern: string | null, condition: (pattern: string) => SQL) => (pattern === null ? sql`` : sql` or ${condition(pattern)}`);

/** One table of the agency walked in (time, key) order: `match` is a condition on the row `alias`. */
type SubjectScan = Readonly<{ table: string; alias: string; at: string; key: string; agency: string; match: SQL; pageSize: number }>;

/**
 * The keys of the rows of one table of the agency that `match`, examining `pageSize` rows per
 * statement in (time, key) order with a turn of the event loop between statements. A page bounds
 * the rows looked at, not the rows found: a regular expression over every call of a year in one
 * statement held PGlite, which runs on the event loop, and with it every webhook, for seconds.
 */
async function scanMatching(db: Executor, scan: SubjectScan): Promise<string[]> {
  const alias = sql.identifier(scan.alias);
  const at = sql`${alias}.${sql.identifier(scan.at)}`;
  const key = sql`${alias}.${sql.identifier(scan.key)}::text`;
  const found: string[] = [];
  let after: { at: string; key: string } | null = null;
  for (;;) {
    // `at >=` lets the index on (agency, time) start at the cursor; the row comparison breaks ties.
    const cursor: SQL = after ? sql` and ${at} >= ${after.at}::timestamptz and (${at}, ${key}) > (${after.at}::timestamptz, ${after.key}::text)` : sql``;
    const rows: { k: string; at: string; hit: boolean }[] = await rowsOf<{ k: string; at: string; hit: boolean }>(
      db,
      sql`with ${alias} as (
            select ${alias}.* from ${sql.identifier(scan.table)} ${alias}
            where ${alias}.agency_code = ${scan.agency}${cursor} order by ${at}, ${key} limit ${scan.pageSize})
          select ${key} as k, ${at}::text as at, coalesce(${scan.match}, false) as hit from ${alias} order by ${at}, ${key}`,
    );
    for (const row of rows) if (row.hit) found.push(row.k);
    if (rows.length < scan.pageSize) return found;
    const last: { k: string; at: string } = rows[rows.length - 1];
    after = { at: last.at, key: last.k };
    await nextTurn();
  }
}

/** Rows per statement when looking for a subject: a few milliseconds each on PGlite. */
const SUBJECT_SCAN_PAGE = { calls: 1000, tickets: 500, emails: 100, others: 500 } as const;

/**
 * Every record of the agency about the subject: found by its identifiers in their own columns,
 * by the identifiers anywhere in the record's text (a description, an e-mail body, a raw message,
 * an attachment, a webhook payload), and by the links between records (the e-mails and call-backs
 * of a matched ticket, the tickets of a matched call). Links are followed until nothing new turns up.
 */
export async function findSubjectRecords(db: Executor, agency: string, keys: SubjectKeys, pattern: string | null, tenantIds: string[]): Promise<SubjectRecords> {
  const callSids = await scanMatching(db, {
    table: 'calls',
    alias: 'c',
    at: 'started_at',
    key: 'call_sid',
    agency,
    pageSize: SUBJECT_SCAN_PAGE.calls,
    match: sql`c.from_number = any(${texts(keys.phones)})
          ${orMatching(pattern, (p) => sql`c.from_number ~* ${p} or exists (select 1 from call_events e where e.call_sid = c.call_sid and e.payload::text ~* ${p})`)}`,
  });

  const tickets = new Map<string, string>();
  const emails = new Set<string>();
  for (let round = 0; round < 5; round += 1) {
    const refs = [...tickets.values()];
    const before = tickets.size + emails.size;
    const ticketIds = await scanMatching(db, {
      table: 'tickets',
      alias: 't',
      at: 'created_at',
      key: 'id',
      agency,
      pageSize: SUBJECT_SCAN_PAGE.tickets,
      match: sql`t.caller_phone = any(${texts(keys.phones)}) or lower(t.caller_email) = any(${texts(keys.emails)})
              or t.tenant_code = any(${texts(keys.tenantCodes)}) or t.ref = any(${texts(refs)})
              or exists (select 1 from ticket_calls tc where tc.ticket_id = t.id and tc.call_sid = any(${texts(callSids)}))
              or t.ref in (select e.ticket_ref from inbound_emails e where e.id = any(${uuids([...emails])}))
              ${orMatching(
                pattern,
                (p) => sql`concat_ws(' ', t.subject, t.description, t.caller_phone, t.caller_name, t.caller_email, t.tenant_code, t.dwelling::text) ~* ${p}
                  or exists (select 1 from ticket_events te where te.ticket_id = t.id and concat_ws(' ', te.text, te.data::text) ~* ${p})`,
              )}`,
    });
    const newTickets = ticketIds.filter((id) => !tickets.has(id));
    if (newTickets.length > 0) {
      for (const row of await rowsOf<{ id: string; ref: string }>(db, sql`select t.id, t.ref from tickets t where t.id = any(${uuids(newTickets)})`)) tickets.set(row.id, row.ref);
    }
    const emailIds = await scanMatching(db, {
      table: 'inbound_emails',
      alias: 'e',
      at: 'received_at',
      key: 'id',
      agency,
      pageSize: SUBJECT_SCAN_PAGE.emails,
      match: sql`lower(e.from_address) = any(${texts(keys.emails)}) or e.ticket_ref = any(${texts([...tickets.values()])})
            ${orMatching(
              pattern,
              (p) => sql`concat_ws(' ', e.from_address, e.from_name, e.subject, e.text_body, e.message_id, e.in_reply_to, e."references"::text, e.pec::text,
                            e.quarantine_reason, e.last_error, e.flags::text, e.envelope_to::text) ~* ${p}
                or exists (select 1 from email_attachments a where a.email_id = e.id and a.filename ~* ${p})
                or ${bytesMatch(sql`e.id`, p)}`,
            )}`,
    });
    for (const id of emailIds) emails.add(id);
    if (tickets.size + emails.size === before) break;
  }
  const ticketIds = [...tickets.keys()];
  const ticketRefs = [...tickets.values()];
  const emailIds = [...emails];

  const outbox = await scanMatching(db, {
    table: 'email_outbox',
    alias: 'o',
    at: 'created_at',
    key: 'id',
    agency,
    pageSize: SUBJECT_SCAN_PAGE.others,
    match: sql`o.inbound_email_id = any(${uuids(emailIds)}) or lower(o.to_address) = any(${texts(keys.emails)}) or o.ticket_ref = any(${texts(ticketRefs)})
          ${orMatching(pattern, (p) => sql`concat_ws(' ', o.to_address, o.subject, o.text_body, o.in_reply_to, o."references"::text, o.last_error) ~* ${p}`)}`,
  });
  const callbacks = await scanMatching(db, {
    table: 'callbacks',
    alias: 'cb',
    at: 'created_at',
    key: 'id',
    agency,
    pageSize: SUBJECT_SCAN_PAGE.others,
    match: sql`cb.caller_phone = any(${texts(keys.phones)}) or cb.call_sid = any(${texts(callSids)}) or cb.ticket_ref = any(${texts(ticketRefs)})
          ${orMatching(pattern, (p) => sql`cb.caller_phone ~* ${p} or exists (select 1 from callback_attempts a where a.callback_id = cb.id and a.note ~* ${p})`)}`,
  });
  const deliveries = await scanMatching(db, {
    table: 'deliveries',
    alias: 'd',
    at: 'created_at',
    key: 'id',
    agency,
    pageSize: SUBJECT_SCAN_PAGE.others,
    match: sql`d.ticket_id = any(${uuids(ticketIds)}) or d.ticket_ref = any(${texts(ticketRefs)})
          ${orMatching(pattern, (p) => sql`d.payload::text ~* ${p} or d.last_error ~* ${p} or exists (select 1 from delivery_attempts a where a.delivery_id = d.id and a.error ~* ${p})`)}`,
  });
  const overflow =
    pattern === null
      ? []
      : await rowsOf<{ id: number }>(db, sql`select id from cluster_event_overflow where body->>'agency' = ${agency} and body::text ~* ${pattern}`);
  return {
    tenants: tenantIds,
    callSids,
    tickets: ticketIds,
    ticketRefs,
    emails: emailIds,
    outbox,
    callbacks,
    deliveries,
    overflow: overflow.map((row) => Number(row.id)),
  };
}

/* ---------- anonymising ---------- */

/** Calls keep every fact a report counts; the caller's number goes, and so does whatever Twilio told about them. */
export async function anonymiseCalls(tx: Executor, agency: string, callSids: readonly string[]): Promise<{ calls: number; callEvents: number }> {
  if (callSids.length === 0) return { calls: 0, callEvents: 0 };
  const kept = texts(CALL_PAYLOAD_KEPT_KEYS);
  const callEvents = await countOf(
    tx,
    sql`update call_events e
          set payload = coalesce((select jsonb_object_agg(j.key, j.value) from jsonb_each(e.payload) j where j.key = any(${kept})), '{}'::jsonb)
        where e.call_sid = any(${texts(callSids)})
          and e.call_sid in (select c.call_sid from calls c where c.agency_code = ${agency})
          and exists (select 1 from jsonb_object_keys(e.payload) k where not (k = any(${kept})))`,
  );
  const calls = await countOf(tx, sql`update calls set from_number = null where agency_code = ${agency} and call_sid = any(${texts(callSids)}) and from_number is not null`);
  return { calls, callEvents };
}

/** Tickets keep reference, category, status, channel and dates (what reports and statements count). */
export async function anonymiseTickets(tx: Executor, agency: string, ids: readonly string[], pattern: string | null): Promise<{ tickets: number; ticketEvents: number }> {
  if (ids.length === 0) return { tickets: 0, ticketEvents: 0 };
  const tickets = await countOf(
    tx,
    sql`update tickets set caller_phone = null, caller_name = null, caller_email = null, tenant_code = null, dwelling = null,
          subject = case when subject is null then null else ${ANONYMISED} end, description = ${ANONYMISED}
        where agency_code = ${agency} and id = any(${uuids(ids)})
          and (description <> ${ANONYMISED} or subject <> ${ANONYMISED} or caller_phone is not null or caller_name is not null
               or caller_email is not null or tenant_code is not null or dwelling is not null)`,
  );
  const personalKeys = texts(TICKET_EVENT_PERSONAL_KEYS);
  // An appended e-mail's `from` is its sender; elsewhere `from`/`to` are statuses or categories and stay.
  const data = sql`case when te.data is null then null
      else (case when te.type = 'email' then te.data - 'from' else te.data end) - ${personalKeys} end`;
  const ticketEvents = await countOf(
    tx,
    sql`update ticket_events te
          set text = case when te.text is null then null else ${ANONYMISED} end,
              data = case when ${pattern}::text is not null and (${data})::text ~* ${pattern}::text then '{}'::jsonb else ${data} end
        where te.ticket_id = any(${uuids(ids)})
          and te.ticket_id in (select t.id from tickets t where t.agency_code = ${agency})
          and ((te.text is not null and te.text <> ${ANONYMISED}) or te.data is distinct from (${data}) or (${pattern}::text is not null and te.data::text ~* ${pattern}::text))`,
  );
  return { tickets, ticketEvents };
}

/**
 * An e-mail keeps its row (status, agency, dates: the reports count it) and loses everything else:
 * the raw bytes, the attachments, sender, subject, body, PEC envelope, Message-ID claims. The raw
 * message's SHA-256 is replaced too: a digest of a person's message is still about them.
 */
export async function anonymiseEmails(
  tx: Executor,
  agency: string,
  ids: readonly string[],
): Promise<{ inboundEmails: number; inboundEmailRaw: number; emailAttachments: number; emailMessageIds: number }> {
  if (ids.length === 0) return { inboundEmails: 0, inboundEmailRaw: 0, emailAttachments: 0, emailMessageIds: 0 };
  const own = sql`(select e.id from inbound_emails e where e.agency_code = ${agency} and e.id = any(${uuids(ids)}))`;
  const inboundEmailRaw = await countOf(tx, sql`delete from inbound_email_raw where email_id in ${own}`);
  const emailAttachments = await countOf(tx, sql`delete from email_attachments where email_id in ${own}`);
  const emailMessageIds = await countOf(tx, sql`delete from email_message_ids where agency_code = ${agency} and email_id in ${own}`);
  const inboundEmails = await countOf(
    tx,
    sql`update inbound_emails set raw_sha256 = 'erased:' || id::text, message_id = null, in_reply_to = null, "references" = null,
          from_address = null, from_name = null, subject = null, text_body = null, pec = null, quarantine_reason = null, last_error = null,
          flags = case when flags is null then null else flags - 'reasons' end
        where agency_code = ${agency} and id = any(${uuids(ids)}) and raw_sha256 not like 'erased:%'`,
  );
  return { inboundEmails, inboundEmailRaw, emailAttachments, emailMessageIds };
}

/** Acknowledgements sent to the subject: the copy kept for delivery is of no use once sent, and goes. */
export async function deleteOutbox(tx: Executor, agency: string, ids: readonly string[]): Promise<{ emailOutbox: number; emailMessageIds: number }> {
  if (ids.length === 0) return { emailOutbox: 0, emailMessageIds: 0 };
  const emailMessageIds = await countOf(tx, sql`delete from email_message_ids where agency_code = ${agency} and outbox_id = any(${uuids(ids)})`);
  const emailOutbox = await countOf(tx, sql`delete from email_outbox where agency_code = ${agency} and id = any(${uuids(ids)})`);
  return { emailOutbox, emailMessageIds };
}

export async function anonymiseCallbacks(tx: Executor, agency: string, ids: readonly string[]): Promise<{ callbacks: number; callbackAttempts: number }> {
  if (ids.length === 0) return { callbacks: 0, callbackAttempts: 0 };
  const callbackAttempts = await countOf(
    tx,
    sql`update callback_attempts set note = null
        where callback_id in (select id from callbacks where agency_code = ${agency} and id = any(${uuids(ids)})) and note is not null`,
  );
  const callbacks = await countOf(tx, sql`update callbacks set caller_phone = ${ANONYMISED} where agency_code = ${agency} and id = any(${uuids(ids)}) and caller_phone <> ${ANONYMISED}`);
  return { callbacks, callbackAttempts };
}

/** A delivered announcement's copy goes; the row stays as the record that it was delivered. */
export async function anonymiseDeliveries(tx: Executor, agency: string, ids: readonly string[], pattern: string | null): Promise<{ deliveries: number; deliveryAttempts: number }> {
  if (ids.length === 0) return { deliveries: 0, deliveryAttempts: 0 };
  const own = sql`(select id from deliveries where agency_code = ${agency} and id = any(${uuids(ids)}))`;
  const deliveryAttempts =
    pattern === null ? 0 : await countOf(tx, sql`update delivery_attempts set error = ${ANONYMISED} where delivery_id in ${own} and error ~* ${pattern}`);
  const deliveries = await countOf(
    tx,
    sql`update deliveries set payload = '{"anonimizzato": true}'::jsonb,
          last_error = case when ${pattern}::text is not null and last_error ~* ${pattern}::text then ${ANONYMISED} else last_error end
        where agency_code = ${agency} and id = any(${uuids(ids)}) and not (payload ? 'anonimizzato')`,
  );
  return { deliveries, deliveryAttempts };
}

export async function deleteTenants(tx: Executor, agency: string, ids: readonly string[]): Promise<{ tenants: number; tenantPhones: number }> {
  if (ids.length === 0) return { tenants: 0, tenantPhones: 0 };
  const tenantPhones = await countOf(tx, sql`delete from tenant_phones where agency_code = ${agency} and tenant_id = any(${uuids(ids)})`);
  const tenants = await countOf(tx, sql`delete from tenants where agency_code = ${agency} and id = any(${uuids(ids)})`);
  return { tenants, tenantPhones };
}

export async function deleteOverflow(tx: Executor, agency: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  return countOf(tx, sql`delete from cluster_event_overflow where body->>'agency' = ${agency} and id = any(${array(ids, 'int8')})`);
}

/* ---------- what a retention pass has to do ---------- */

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
    stillPersonal: sql`c.from_number is not null or exists (select 1 from call_events e where e.call_sid = c.call_sid
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
  return dueBatch(db, window, cursor, { table: 'inbound_emails', alias: 'e', at: 'received_at', id: 'id', stillPersonal: sql`e.status <> 'pending' and e.raw_sha256 not like 'erased:%'` });
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

/* ---------- rows as JSON: the subject export, the agency export, the end-of-contract deletion ---------- */

export type ColumnInfo = Readonly<{ name: string; dataType: string; udt: string }>;
export type TableInfo = Readonly<{ table: string; columns: readonly ColumnInfo[]; primaryKey: readonly string[] }>;

/** The live schema, as the database describes it: every table of `public` with its columns and primary key. */
export async function describeTables(db: Executor): Promise<Map<string, TableInfo>> {
  const columns = await rowsOf<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
    db,
    sql`select c.table_name, c.column_name, c.data_type, c.udt_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' order by c.table_name, c.ordinal_position`,
  );
  const keys = await rowsOf<{ table_name: string; column_name: string }>(
    db,
    sql`select tc.table_name, kcu.column_name from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
        where tc.table_schema = 'public' and tc.constraint_type = 'PRIMARY KEY' order by tc.table_name, kcu.ordinal_position`,
  );
  const tables = new Map<string, { table: string; columns: ColumnInfo[]; primaryKey: string[] }>();
  for (const column of columns) {
    const table = tables.get(column.table_name) ?? { table: column.table_name, columns: [], primaryKey: [] };
    table.columns.push({ name: column.column_name, dataType: column.data_type, udt: column.udt_name });
    tables.set(column.table_name, table);
  }
  for (const key of keys) tables.get(key.table_name)?.primaryKey.push(key.column_name);
  return tables;
}

const id = (name: string) => sql.identifier(name);

/** `t.col` in the agency: through the agency column, the parent's scope, or a JSON field. */
export function scopeCondition(scope: TableScope, agency: string, alias: string): SQL {
  switch (scope.kind) {
    case 'agency':
      return sql`${id(alias)}.${id(scope.column)} = ${agency}`;
    case 'json':
      return sql`${id(alias)}.${id(scope.column)}->>${scope.key} = ${agency}`;
    case 'parent': {
      const parentRule = ruleOf(scope.parent);
      if (!parentRule) throw new Error(`No privacy rule for ${scope.parent}`);
      const parentAlias = `${alias}_p`;
      return sql`${id(alias)}.${id(scope.column)} in (select ${id(parentAlias)}.${id(scope.parentColumn)} from ${id(scope.parent)} ${id(parentAlias)}
        where ${scopeCondition(parentRule.scope, agency, parentAlias)})`;
    }
    case 'none':
      return sql`false`;
  }
}

/** A row as one JSON object: binary columns in base64, secrets left out. Built in chunks (Postgres takes 100 arguments per call). */
function rowJson(info: TableInfo, alias: string, omit: readonly string[]): SQL {
  const columns = info.columns.filter((column) => !omit.includes(column.name));
  const chunks: SQL[] = [];
  for (let start = 0; start < columns.length; start += 40) {
    const pairs = columns.slice(start, start + 40).map((column) => {
      const value = column.dataType === 'bytea' ? sql`encode(${id(alias)}.${id(column.name)}, 'base64')` : sql`${id(alias)}.${id(column.name)}`;
      return sql`${column.name}::text, ${value}`;
    });
    chunks.push(sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`);
  }
  return chunks.length === 0 ? sql`'{}'::jsonb` : sql.join(chunks, sql` || `);
}

export type JsonPage = { rows: string[]; last: string[] | null };

/**
 * One page of a table's rows of the agency, as JSON text, in primary-key order. `after` is the
 * primary key of the last row of the previous page: keyset paging keeps every page one index scan.
 */
export async function pageOfRows(db: Executor, info: TableInfo, rule: TableRule, agency: string, after: string[] | null, limit: number): Promise<JsonPage> {
  if (info.primaryKey.length === 0) throw new Error(`${info.table} has no primary key`);
  const key = info.primaryKey.map((name) => info.columns.find((column) => column.name === name)!);
  const keyList = sql.join(
    key.map((column) => sql`${id('t')}.${id(column.name)}`),
    sql`, `,
  );
  const afterCondition = after
    ? sql` and (${keyList}) > (${sql.join(
        key.map((column, index) => sql`${after[index]}::${sql.raw(column.udt)}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await rowsOf<Record<string, string>>(
    db,
    sql`select ${sql.join(
      key.map((column, index) => sql`${id('t')}.${id(column.name)}::text as ${id(`k${index}`)}`),
      sql`, `,
    )}, (${rowJson(info, 't', rule.secret ?? [])})::text as j
        from ${id(info.table)} ${id('t')}
        where ${scopeCondition(rule.scope, agency, 't')}${afterCondition}
        order by ${keyList} limit ${limit}`,
  );
  const lastRow = rows.at(-1);
  return { rows: rows.map((row) => row.j), last: lastRow ? key.map((_, index) => lastRow[`k${index}`]) : null };
}

/** Rows of one table selected by a column's values (the subject export), as parsed JSON. */
export async function rowsWhere(db: Executor, info: TableInfo, column: string, values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8'): Promise<Record<string, unknown>[]> {
  if (values.length === 0) return [];
  const rule = ruleOf(info.table);
  const rows = await rowsOf<{ j: string }>(
    db,
    sql`select (${rowJson(info, 't', rule?.secret ?? [])})::text as j from ${id(info.table)} ${id('t')}
        where ${id('t')}.${id(column)} = any(${array(values, type)})
        order by ${sql.join(
          info.primaryKey.map((name) => sql`${id('t')}.${id(name)}`),
          sql`, `,
        )}`,
  );
  return rows.map((row) => JSON.parse(row.j) as Record<string, unknown>);
}

export async function countAgencyRows(db: Executor, rule: TableRule, agency: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from ${id(rule.table)} ${id('t')} where ${scopeCondition(rule.scope, agency, 't')}`);
  return Number(row?.n ?? 0);
}

export async function deleteAgencyRows(tx: Executor, rule: TableRule, agency: string): Promise<number> {
  return countOf(tx, sql`delete from ${id(rule.table)} ${id('t')} where ${scopeCondition(rule.scope, agency, 't')}`);
}
