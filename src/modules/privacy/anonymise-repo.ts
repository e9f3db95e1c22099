import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { CALL_PAYLOAD_KEPT_KEYS, TICKET_EVENT_PERSONAL_KEYS } from '../../domain/privacy-data-map.ts';
import { ANONYMISED } from '../../domain/privacy-keys.ts';
import { array, countOf, texts, uuids } from './privacy-sql.ts';
import { freezeRepeatVerdicts } from './repeat-verdicts.ts';

/* Anonymising records, for an erasure and for retention: the facts reports count stay. */

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
  // Whether a call repeats an earlier one is decided from the numbers: decided now, while they are here.
  await freezeRepeatVerdicts(tx, agency, callSids);
  const calls = await countOf(
    tx,
    sql`update calls set from_number = null, callback_phone = null
          where agency_code = ${agency} and call_sid = any(${texts(callSids)}) and (from_number is not null or callback_phone is not null)`,
  );
  return { calls, callEvents };
}

/** Tickets keep reference, category, status, channel and dates (what reports and statements count). */
export async function anonymiseTickets(
  tx: Executor,
  agency: string,
  ids: readonly string[],
  pattern: string | null,
): Promise<{ tickets: number; ticketEvents: number }> {
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
  const callbacks = await countOf(
    tx,
    // An open task whose number is erased can be worked by nobody: it closes, which also keeps
    // two erased callers of one agency apart under the one-open-task-per-number index.
    sql`update callbacks set caller_phone = ${ANONYMISED},
          closed_reason = case when status = 'open' then 'anonymised' else closed_reason end,
          closed_at = case when status = 'open' then now() else closed_at end,
          assigned_to = case when status = 'open' then null else assigned_to end,
          status = case when status = 'open' then 'cancelled' else status end
        where agency_code = ${agency} and id = any(${uuids(ids)}) and caller_phone <> ${ANONYMISED}`,
  );
  return { callbacks, callbackAttempts };
}

/** A delivered announcement's copy goes; the row stays as the record that it was delivered. */
export async function anonymiseDeliveries(
  tx: Executor,
  agency: string,
  ids: readonly string[],
  pattern: string | null,
): Promise<{ deliveries: number; deliveryAttempts: number }> {
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

/** What anonymiseEmails changed, by table name (the names receipts count with). */
export function emailTableCounts(counts: { inboundEmails: number; inboundEmailRaw: number; emailAttachments: number; emailMessageIds: number }) {
  return {
    inbound_emails: counts.inboundEmails,
    inbound_email_raw: counts.inboundEmailRaw,
    email_attachments: counts.emailAttachments,
    email_message_ids: counts.emailMessageIds,
  };
}
