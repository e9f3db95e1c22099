import { backgroundTurn } from '../../util/callers-first.ts';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { SubjectKeys } from '../../domain/privacy-keys.ts';
import { rowsOf, texts, uuids } from './privacy-sql.ts';

/* Finding every record of an agency about one data subject (export and erasure). */

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
    await backgroundTurn();
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
export async function findSubjectRecords(
  db: Executor,
  agency: string,
  keys: SubjectKeys,
  pattern: string | null,
  tenantIds: string[],
): Promise<SubjectRecords> {
  const callSids = await scanMatching(db, {
    table: 'calls',
    alias: 'c',
    at: 'started_at',
    key: 'call_sid',
    agency,
    pageSize: SUBJECT_SCAN_PAGE.calls,
    match: sql`(c.from_number = any(${texts(keys.phones)}) or c.callback_phone = any(${texts(keys.phones)}))
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
      for (const row of await rowsOf<{ id: string; ref: string }>(db, sql`select t.id, t.ref from tickets t where t.id = any(${uuids(newTickets)})`))
        tickets.set(row.id, row.ref);
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
