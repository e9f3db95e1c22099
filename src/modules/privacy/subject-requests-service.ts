import { createHash } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import type { SubjectKeys, SubjectQuery } from '../../domain/privacy-keys.ts';
import { freeTextPatternSql, maskedSubject, mergeKeys, subjectKeysOf } from '../../domain/privacy-keys.ts';
import type { Executor } from '../../db/client.ts';
import { rowsWhere } from './agency-rows-repo.ts';
import {
  anonymiseCallbacks,
  anonymiseCalls,
  anonymiseDeliveries,
  anonymiseEmails,
  anonymiseTickets,
  deleteOutbox,
  deleteOverflow,
  deleteTenants,
  emailTableCounts,
} from './anonymise-repo.ts';
import type { PrivacyContext } from './privacy-context.ts';
import type { PrivacyServiceDeps, RequestContext, SubjectRequest } from './privacy-service.ts';
import { insertReceipt } from './receipts-repo.ts';
import type { SubjectRecords, SubjectTenant } from './subject-search-repo.ts';
import { findSubjectRecords, findSubjectTenants } from './subject-search-repo.ts';

const SUBJECT_EXPORT_FORMAT = 'centralino-subject-export/1';

/** Data-subject requests (art. 15, 17, 20): every record of an agency about one person, exported or erased. */
export function createSubjectRequestService(deps: PrivacyServiceDeps, context: PrivacyContext) {
  const { db, clock, emailBytes, log } = deps;
  const { tables, assertActsFor, view, actorColumns, recordAccess } = context;

  /** The subject's identifiers, plus those of the registry rows they lead to (a tenant's other numbers and address). */
  async function expandKeys(executor: Executor, agency: string, given: SubjectKeys) {
    let keys = given;
    let tenants: SubjectTenant[] = [];
    for (let round = 0; round < 4; round += 1) {
      tenants = await findSubjectTenants(executor, agency, keys);
      const found: SubjectKeys = {
        phones: tenants.flatMap((tenant) => tenant.phones),
        emails: tenants.flatMap((tenant) => (tenant.email ? [tenant.email.toLowerCase()] : [])),
        tenantCodes: tenants.map((tenant) => tenant.code),
      };
      const merged = mergeKeys(keys, found);
      const grew = merged.phones.length + merged.emails.length + merged.tenantCodes.length > keys.phones.length + keys.emails.length + keys.tenantCodes.length;
      keys = merged;
      if (!grew) break;
    }
    return { keys, tenants };
  }

  async function findSubject(executor: Executor, agency: string, query: SubjectQuery) {
    const { keys, tenants } = await expandKeys(executor, agency, subjectKeysOf(query));
    const pattern = freeTextPatternSql(keys);
    const records = await findSubjectRecords(
      executor,
      agency,
      keys,
      pattern,
      tenants.map((tenant) => tenant.id),
    );
    return { keys, pattern, records };
  }

  async function subjectTables(records: SubjectRecords): Promise<Record<string, Record<string, unknown>[]>> {
    const info = await tables();
    const rows = async (table: string, column: string, values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8') => {
      const described = info.get(table);
      return described ? rowsWhere(db, described, column, values, type) : [];
    };
    return {
      tenants: await rows('tenants', 'id', records.tenants, 'uuid'),
      tenant_phones: await rows('tenant_phones', 'tenant_id', records.tenants, 'uuid'),
      calls: await rows('calls', 'call_sid', records.callSids, 'text'),
      call_events: await rows('call_events', 'call_sid', records.callSids, 'text'),
      tickets: await rows('tickets', 'id', records.tickets, 'uuid'),
      ticket_events: await rows('ticket_events', 'ticket_id', records.tickets, 'uuid'),
      ticket_calls: await rows('ticket_calls', 'ticket_id', records.tickets, 'uuid'),
      inbound_emails: await rows('inbound_emails', 'id', records.emails, 'uuid'),
      inbound_email_raw: await withBytes(await rows('inbound_email_raw', 'email_id', records.emails, 'uuid'), 'bytes'),
      email_attachments: await withBytes(await rows('email_attachments', 'email_id', records.emails, 'uuid'), 'content'),
      email_outbox: await rows('email_outbox', 'id', records.outbox, 'uuid'),
      callbacks: await rows('callbacks', 'id', records.callbacks, 'uuid'),
      callback_attempts: await rows('callback_attempts', 'callback_id', records.callbacks, 'uuid'),
      deliveries: await rows('deliveries', 'id', records.deliveries, 'uuid'),
      delivery_attempts: await rows('delivery_attempts', 'delivery_id', records.deliveries, 'uuid'),
    };
  }

  /** The person gets each message and attachment whole (base64), not the chunks it is stored in. */
  async function withBytes(rows: Record<string, unknown>[], column: string): Promise<Record<string, unknown>[]> {
    for (const row of rows) row[column] = (await emailBytes.load(String(row.blob_id))).toString('base64');
    return rows;
  }

  return {
    /** Every record of the agency about the person, as one JSON document (art. 15 and 20). */
    async exportSubject(actor: Actor, request: SubjectRequest, context: RequestContext = {}) {
      await assertActsFor(actor, request.agency, 'supervisor', 'admin', 'agency');
      const now = clock.now();
      const { keys, records } = await findSubject(db, request.agency, request);
      const data = await subjectTables(records);
      const counts = Object.fromEntries(Object.entries(data).map(([table, rows]) => [table, rows.length]));
      const body = JSON.stringify({
        format: SUBJECT_EXPORT_FORMAT,
        agency: request.agency,
        generatedAt: now.toISOString(),
        subject: keys,
        counts,
        tables: data,
      });
      const receipt = await insertReceipt(db, {
        kind: 'subject_export',
        agencyCode: request.agency,
        status: 'completed',
        requestedAt: now,
        completedAt: clock.now(),
        ...actorColumns(actor),
        subject: maskedSubject(keys),
        counts,
        sha256: createHash('sha256').update(body).digest('hex'),
        byteSize: Buffer.byteLength(body),
        details: request.reason ? { reason: request.reason } : null,
        requestId: context.requestId ?? null,
      });
      await recordAccess(
        actor,
        request.agency,
        'subject-export',
        receipt.id,
        Object.values(counts).reduce((a, b) => a + b, 0),
      );
      return { receipt: view(receipt), body };
    },

    /**
     * Erases the person from the agency's records (art. 17): the registry rows go, e-mails lose
     * their raw bytes, attachments and text, calls, tickets, call-backs and deliveries lose every
     * personal field, and any record that mentions the person's number or address is treated as
     * theirs. What reports count (times, outcomes, queues, waits, categories, statuses) stays.
     */
    async eraseSubject(actor: Actor, request: SubjectRequest, context: RequestContext = {}) {
      await assertActsFor(actor, request.agency, 'supervisor', 'admin', 'agency');
      const agency = request.agency;
      const now = clock.now();
      const receipt = await db.transaction(async (tx) => {
        const { keys, pattern, records } = await findSubject(tx, agency, request);
        const calls = await anonymiseCalls(tx, agency, records.callSids);
        const tickets = await anonymiseTickets(tx, agency, records.tickets, pattern);
        const outbox = await deleteOutbox(tx, agency, records.outbox);
        const emails = await anonymiseEmails(tx, agency, records.emails);
        const callbacks = await anonymiseCallbacks(tx, agency, records.callbacks);
        const deliveries = await anonymiseDeliveries(tx, agency, records.deliveries, pattern);
        const tenants = await deleteTenants(tx, agency, records.tenants);
        const overflow = await deleteOverflow(tx, agency, records.overflow);
        const counts = {
          calls: calls.calls,
          call_events: calls.callEvents,
          tickets: tickets.tickets,
          ticket_events: tickets.ticketEvents,
          ...emailTableCounts(emails),
          email_outbox: outbox.emailOutbox,
          email_message_ids: emails.emailMessageIds + outbox.emailMessageIds,
          callbacks: callbacks.callbacks,
          callback_attempts: callbacks.callbackAttempts,
          deliveries: deliveries.deliveries,
          delivery_attempts: deliveries.deliveryAttempts,
          tenants: tenants.tenants,
          tenant_phones: tenants.tenantPhones,
          cluster_event_overflow: overflow,
        };
        return insertReceipt(tx, {
          kind: 'subject_erasure',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: clock.now(),
          ...actorColumns(actor),
          subject: maskedSubject(keys),
          counts,
          details: request.reason ? { reason: request.reason } : null,
          requestId: context.requestId ?? null,
        });
      });
      // The e-mails' bytes: their rows went in the transaction, their chunks go now, a few per
      // statement (a crash in between leaves them to the minute sweep; no row names them).
      await emailBytes.removeDropped();
      await recordAccess(actor, agency, 'subject-erasure', receipt.id);
      log.info({ agency, receipt: receipt.id, counts: receipt.counts }, 'data subject erased');
      return view(receipt);
    },
  };
}
