import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Actor, Role } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies, SYSTEM_ACTOR } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, validation } from '../../domain/errors.ts';
import { agencyTables, tablesDeletedAtContractEnd, tablesKeptAtContractEnd } from '../../domain/privacy-data-map.ts';
import type { SubjectKeys, SubjectQuery } from '../../domain/privacy-keys.ts';
import { freeTextPatternSql, maskedSubject, mergeKeys, subjectKeysOf } from '../../domain/privacy-keys.ts';
import type { PrivacyReceipt } from '../../domain/privacy-receipt.ts';
import { receiptText } from '../../domain/privacy-receipt.ts';
import type { RetentionSettings } from '../../domain/privacy-retention.ts';
import { DEFAULT_RETENTION, RETENTION_BOUNDS, retentionCutoff } from '../../domain/privacy-retention.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import * as repo from './privacy-repo.ts';
import type { ReceiptRow, RetentionWindow, SubjectRecords, TableInfo } from './privacy-repo.ts';

export type PrivacyLog = Readonly<{ info(data: object, message: string): void; error(data: object, message: string): void }>;

/** The e-mail module's side: messages and attachments are stored as chunked blobs it owns. */
export type PrivacyEmailBytes = Readonly<{
  /** A stored message or attachment, whole. */
  load(blobId: string): Promise<Buffer>;
  /** Deletes the chunks of blobs whose rows were deleted (erasure, retention). */
  removeDropped(): Promise<unknown>;
}>;

export type PrivacyServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  accessLog: AccessLog;
  emailBytes: PrivacyEmailBytes;
  log: PrivacyLog;
}>;

export type PrivacyService = ReturnType<typeof createPrivacyService>;

export type SubjectRequest = SubjectQuery & Readonly<{ agency: string; reason?: string }>;
export type RequestContext = Readonly<{ requestId?: string }>;

export type RetentionOutcome = Readonly<{
  agency: string;
  cutoff: string;
  accessLogCutoff: string;
  counts: Record<string, number>;
  /** Another node was applying this agency's retention at the same moment: it finishes the pass. */
  skipped: boolean;
  receiptId: string | null;
}>;

/** Rows a retention or erasure step works through per transaction: short locks, bounded memory. */
const RETENTION_BATCH = 500;
const DAY_MS = 24 * 60 * 60_000;
const SUBJECT_EXPORT_FORMAT = 'centralino-subject-export/1';
const AGENCY_EXPORT_FORMAT = 'centralino-agency-export/1';
/**
 * Tables whose rows come and go without anyone adding the agency's data: sessions of its users,
 * events in transit between nodes, and the call rollups (derived from calls; a day gets sealed
 * whenever the reports ask). A deletion does not compare their counts with the export's.
 */
const VOLATILE_TABLES = new Set(['sessions', 'cluster_event_overflow', 'call_rollup_hourly', 'call_rollup_watermarks']);

/**
 * GDPR duties of the call center as processor (art. 28) towards each agency, the controller:
 * retention, data-subject export and erasure, the full export and the end-of-contract deletion,
 * each recorded in a receipt that outlives the data it is about.
 *
 * Who may do what: supervisors and administrators act for the agencies they serve
 * (administrators for every agency) on data-subject requests; the agency's own users and API
 * tokens for their agency; operators never. The full export is for administrators and the
 * agency; the deletion and the retention periods for administrators only.
 */
export function createPrivacyService(deps: PrivacyServiceDeps) {
  const { db, clock, directory, accessLog, emailBytes, log } = deps;
  let schema: Map<string, TableInfo> | null = null;
  const tables = async () => (schema ??= await repo.describeTables(db));

  async function assertActsFor(actor: Actor, agency: string, ...roles: Role[]): Promise<{ name: string; timezone: string }> {
    assertRole(actor, ...roles);
    if (actor.role !== 'admin' || actor.kind !== 'user') assertCanSeeAgency(actor, agency, 'Agency');
    const known = (await repo.agencyNames(db)).get(agency);
    if (!known) throw new AppError('NOT_FOUND', 'Agency not found');
    return known;
  }

  function view(row: ReceiptRow): PrivacyReceipt {
    return {
      id: row.id,
      kind: row.kind,
      agency: row.agencyCode,
      status: row.status,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt?.toISOString() ?? null,
      actor: { kind: row.actorKind, id: row.actorId, name: row.actorName, role: row.actorRole },
      subject: row.subject ?? null,
      counts: row.counts ?? null,
      sha256: row.sha256 ?? null,
      byteSize: row.byteSize ?? null,
      details: row.details ?? null,
    };
  }

  const actorColumns = (actor: Actor) => ({ actorKind: actor.kind, actorId: actor.id, actorName: actor.name, actorRole: actor.role });

  async function recordAccess(actor: Actor, agency: string, action: string, receiptId: string, count?: number) {
    await accessLog.record(actor, { agency, resource: 'privacy', resourceId: receiptId, action, count });
  }

  /** The subject's identifiers, plus those of the registry rows they lead to (a tenant's other numbers and address). */
  async function expandKeys(executor: Executor, agency: string, given: SubjectKeys) {
    let keys = given;
    let tenants: repo.SubjectTenant[] = [];
    for (let round = 0; round < 4; round += 1) {
      tenants = await repo.findSubjectTenants(executor, agency, keys);
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
    const records = await repo.findSubjectRecords(executor, agency, keys, pattern, tenants.map((tenant) => tenant.id));
    return { keys, pattern, records };
  }

  async function subjectTables(records: SubjectRecords): Promise<Record<string, Record<string, unknown>[]>> {
    const info = await tables();
    const rows = async (table: string, column: string, values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8') => {
      const described = info.get(table);
      return described ? repo.rowsWhere(db, described, column, values, type) : [];
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

  async function settingsOf(agencies: readonly string[]): Promise<Map<string, repo.SettingsRow>> {
    return new Map((await repo.findSettings(db, agencies)).map((row) => [row.agencyCode, row]));
  }

  async function settingsViews(codes: readonly string[]) {
    const rows = await settingsOf(codes);
    return codes.map((code) => {
      const row = rows.get(code);
      return {
        agency: code,
        personalDataMonths: row?.personalDataMonths ?? DEFAULT_RETENTION.personalDataMonths,
        accessLogMonths: row?.accessLogMonths ?? DEFAULT_RETENTION.accessLogMonths,
        isDefault: !row || row.updatedBy === 'default',
        lastRetentionAt: row?.lastRetentionAt?.toISOString() ?? null,
        lastRetentionCutoff: row?.lastRetentionCutoff?.toISOString() ?? null,
      };
    });
  }

  /** One agency's pass: each kind of record in batches, each batch its own transaction under the agency's lock. */
  /** How long a pass holds its agency: a node that dies mid-pass is taken over after this. */
  const RETENTION_LEASE_MS = 15 * 60_000;

  async function retainAgency(agency: string, timezone: string, settings: RetentionSettings, previousCutoff: Date | null, now: Date): Promise<RetentionOutcome> {
    const cutoff = retentionCutoff(now, settings.personalDataMonths, timezone);
    const accessLogCutoff = retentionCutoff(now, settings.accessLogMonths, timezone);
    // Earlier passes did everything before their cut-off; a day of overlap covers a pass that died half-way.
    const window: RetentionWindow = { agency, before: cutoff, notBefore: previousCutoff ? new Date(previousCutoff.getTime() - DAY_MS) : null, limit: RETENTION_BATCH };
    const counts: Record<string, number> = {};
    const add = (changed: Record<string, number>) => {
      for (const [table, n] of Object.entries(changed)) if (n > 0) counts[table] = (counts[table] ?? 0) + n;
    };
    type Step = {
      due: (executor: Executor, cursor: repo.RetentionCursor) => Promise<repo.DueBatch>;
      apply: (executor: Executor, ids: string[]) => Promise<Record<string, number>>;
    };
    const steps: Step[] = [
      { due: (x, c) => repo.callsDue(x, window, c), apply: (x, ids) => repo.anonymiseCalls(x, agency, ids).then(({ calls, callEvents }) => ({ calls, call_events: callEvents })) },
      {
        due: (x, c) => repo.ticketsDue(x, window, c),
        apply: (x, ids) => repo.anonymiseTickets(x, agency, ids, null).then(({ tickets, ticketEvents }) => ({ tickets, ticket_events: ticketEvents })),
      },
      { due: (x, c) => repo.emailsDue(x, window, c), apply: (x, ids) => repo.anonymiseEmails(x, agency, ids).then(emailCounts) },
      {
        due: (x, c) => repo.outboxDue(x, window, c),
        apply: (x, ids) => repo.deleteOutbox(x, agency, ids).then(({ emailOutbox, emailMessageIds }) => ({ email_outbox: emailOutbox, email_message_ids: emailMessageIds })),
      },
      {
        due: (x, c) => repo.callbacksDue(x, window, c),
        apply: (x, ids) => repo.anonymiseCallbacks(x, agency, ids).then(({ callbacks, callbackAttempts }) => ({ callbacks, callback_attempts: callbackAttempts })),
      },
      {
        due: (x, c) => repo.deliveriesDue(x, window, c),
        apply: (x, ids) => repo.anonymiseDeliveries(x, agency, ids, null).then(({ deliveries, deliveryAttempts }) => ({ deliveries, delivery_attempts: deliveryAttempts })),
      },
    ];
    const outcome = (skipped: boolean, receiptId: string | null): RetentionOutcome => ({
      agency,
      cutoff: cutoff.toISOString(),
      accessLogCutoff: accessLogCutoff.toISOString(),
      counts,
      skipped,
      receiptId,
    });

    // One pass per agency at a time, from its first batch to its receipt.
    if (!(await repo.claimRetention(db, { agencyCode: agency, ...settings, at: now, until: new Date(now.getTime() + RETENTION_LEASE_MS) }))) {
      return outcome(true, null);
    }
    try {
      return await retainClaimedAgency();
    } finally {
      // Normally released with the receipt; this covers a pass that stopped early or failed.
      await repo.releaseRetention(db, agency).catch(() => {});
    }

    async function retainClaimedAgency(): Promise<RetentionOutcome> {
      for (const step of steps) {
        let cursor: repo.RetentionCursor = null;
        for (;;) {
          const result: 'locked' | 'done' | 'more' = await db.transaction(async (tx) => {
            if (!(await repo.tryLockRetention(tx, agency))) return 'locked';
            const batch = await step.due(tx, cursor);
            if (batch.ids.length > 0) add(await step.apply(tx, batch.ids));
            cursor = batch.cursor;
            return batch.ids.length < RETENTION_BATCH ? 'done' : 'more';
          });
          if (result === 'locked') return outcome(true, null);
          if (result === 'done') break;
        }
      }
      // The chunks of the e-mails' bytes whose rows the batches deleted.
      await emailBytes.removeDropped();
      const receipt = await db.transaction(async (tx) => {
        if (!(await repo.tryLockRetention(tx, agency))) return 'locked' as const;
        add({ access_log: await repo.pruneAccessLog(tx, agency, accessLogCutoff) });
        await repo.markRetentionPass(tx, { agencyCode: agency, ...settings, at: now, cutoff });
        await repo.releaseRetention(tx, agency);
        if (Object.keys(counts).length === 0) return null;
        return repo.insertReceipt(tx, {
          kind: 'retention',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: now,
          ...actorColumns(SYSTEM_ACTOR),
          counts,
          details: { cutoff: cutoff.toISOString(), accessLogCutoff: accessLogCutoff.toISOString(), ...settings },
        });
      });
      if (receipt === 'locked') return outcome(true, null);
      if (receipt) log.info({ agency, cutoff: cutoff.toISOString(), counts }, 'retention applied');
      return outcome(false, receipt?.id ?? null);
    }
  }

  const service = {
    /** Retention periods of the agencies the actor may see (defaults where none were set). */
    async listSettings(actor: Actor, agency?: string) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const codes = scopeAgencies(actor, agency);
      const names = await repo.agencyNames(db);
      const known = codes.filter((code) => names.has(code));
      if (agency !== undefined && known.length === 0) throw new AppError('NOT_FOUND', 'Agency not found');
      return settingsViews(known);
    },

    /** Administrators set what the agency's data-processing agreement says; the change is receipted. */
    async setRetention(actor: Actor, agency: string, settings: RetentionSettings, context: RequestContext = {}) {
      await assertActsFor(actor, agency, 'admin');
      for (const [name, bounds] of Object.entries(RETENTION_BOUNDS)) {
        const value = settings[name as keyof RetentionSettings];
        if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) throw validation(`${name} must be a whole number of months from ${bounds.min} to ${bounds.max}`);
      }
      const now = clock.now();
      await db.transaction(async (tx) => {
        await repo.upsertSettings(tx, { agencyCode: agency, ...settings, updatedAt: now, updatedBy: actor.name });
        await repo.insertReceipt(tx, {
          kind: 'settings',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: now,
          ...actorColumns(actor),
          details: { ...settings },
          requestId: context.requestId ?? null,
        });
      });
      const [current] = await settingsViews([agency]);
      return current;
    },

    /**
     * One retention pass over every agency at `now`: personal data of contacts older than the
     * agency's period is anonymised, the facts reports count are kept, the access log is pruned.
     * Safe to run on several nodes at once and to repeat: a node finding an agency locked skips
     * it, and every change is conditional on the data still being there.
     *
     * A pass looks at what became due since the previous pass's cut-off; `full` looks at every
     * record before the cut-off again (records that arrived dated in the past, e.g. imported).
     */
    async applyRetention(now: Date = clock.now(), options: { full?: boolean } = {}): Promise<RetentionOutcome[]> {
      const agencies = await repo.agencyNames(db);
      const rows = await settingsOf([...agencies.keys()]);
      const outcomes: RetentionOutcome[] = [];
      for (const [agency, { timezone }] of [...agencies].sort(([a], [b]) => a.localeCompare(b))) {
        const row = rows.get(agency);
        const settings = { personalDataMonths: row?.personalDataMonths ?? DEFAULT_RETENTION.personalDataMonths, accessLogMonths: row?.accessLogMonths ?? DEFAULT_RETENTION.accessLogMonths };
        outcomes.push(await retainAgency(agency, timezone, settings, options.full ? null : (row?.lastRetentionCutoff ?? null), now));
      }
      return outcomes;
    },

    /** An administrator's "run it now" (the worker runs the same pass every few hours). */
    async runRetentionNow(actor: Actor, options: { full?: boolean } = {}): Promise<RetentionOutcome[]> {
      assertRole(actor, 'admin');
      if (actor.kind === 'token') throw new AppError('FORBIDDEN', 'This action needs the role admin');
      return service.applyRetention(clock.now(), options);
    },

    /** Every record of the agency about the person, as one JSON document (art. 15 and 20). */
    async exportSubject(actor: Actor, request: SubjectRequest, context: RequestContext = {}) {
      await assertActsFor(actor, request.agency, 'supervisor', 'admin', 'agency');
      const now = clock.now();
      const { keys, records } = await findSubject(db, request.agency, request);
      const data = await subjectTables(records);
      const counts = Object.fromEntries(Object.entries(data).map(([table, rows]) => [table, rows.length]));
      const body = JSON.stringify({ format: SUBJECT_EXPORT_FORMAT, agency: request.agency, generatedAt: now.toISOString(), subject: keys, counts, tables: data });
      const receipt = await repo.insertReceipt(db, {
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
      await recordAccess(actor, request.agency, 'subject-export', receipt.id, Object.values(counts).reduce((a, b) => a + b, 0));
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
        const calls = await repo.anonymiseCalls(tx, agency, records.callSids);
        const tickets = await repo.anonymiseTickets(tx, agency, records.tickets, pattern);
        const outbox = await repo.deleteOutbox(tx, agency, records.outbox);
        const emails = await repo.anonymiseEmails(tx, agency, records.emails);
        const callbacks = await repo.anonymiseCallbacks(tx, agency, records.callbacks);
        const deliveries = await repo.anonymiseDeliveries(tx, agency, records.deliveries, pattern);
        const tenants = await repo.deleteTenants(tx, agency, records.tenants);
        const overflow = await repo.deleteOverflow(tx, agency, records.overflow);
        const counts = {
          calls: calls.calls,
          call_events: calls.callEvents,
          tickets: tickets.tickets,
          ticket_events: tickets.ticketEvents,
          ...emailCounts(emails),
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
        return repo.insertReceipt(tx, {
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

    /**
     * Everything the agency has here, streamed as JSON Lines: a header, one line per row (binary
     * columns in base64, secrets left out), a line closing each table with its count, and an end
     * line with every count. The SHA-256 of exactly these bytes goes into the receipt when the
     * last line has been handed over; an export whose reader went away is marked failed.
     */
    async exportAgency(actor: Actor, agency: string, context: RequestContext = {}) {
      const known = await assertActsFor(actor, agency, 'admin', 'agency');
      const info = await tables();
      const startedAt = clock.now();
      const receipt = await repo.insertReceipt(db, {
        kind: 'agency_export',
        agencyCode: agency,
        status: 'started',
        requestedAt: startedAt,
        ...actorColumns(actor),
        details: { format: AGENCY_EXPORT_FORMAT },
        requestId: context.requestId ?? null,
      });
      await recordAccess(actor, agency, 'agency-export', receipt.id);
      const rules = [...agencyTables()].reverse().filter((rule) => info.has(rule.table));

      async function* lines(): AsyncGenerator<string> {
        const hash = createHash('sha256');
        let bytes = 0;
        const counts: Record<string, number> = {};
        let finished = false;
        const emit = (text: string) => {
          hash.update(text);
          bytes += Buffer.byteLength(text);
          return text;
        };
        try {
          yield emit(
            `${JSON.stringify({
              type: 'header',
              format: AGENCY_EXPORT_FORMAT,
              exportId: receipt.id,
              agency: { code: agency, name: known.name, timezone: known.timezone },
              startedAt: startedAt.toISOString(),
              tables: rules.map((rule) => rule.table),
              notes: 'One JSON object per line. Rows as stored (snake_case columns); binary columns in base64; password and token hashes and webhook secrets left out.',
            })}\n`,
          );
          for (const rule of rules) {
            const table = info.get(rule.table)!;
            // Rows with bytes (e-mail chunks of up to 256 KiB) a few at a time: each page stays one short statement.
            const limit = table.columns.some((column) => column.dataType === 'bytea') ? 4 : 500;
            const prefix = `{"type":"row","table":${JSON.stringify(rule.table)},"row":`;
            let after: string[] | null = null;
            let rows = 0;
            for (;;) {
              const page = await repo.pageOfRows(db, table, rule, agency, after, limit);
              if (page.rows.length > 0) yield emit(page.rows.map((row) => `${prefix}${row}}\n`).join(''));
              rows += page.rows.length;
              if (page.rows.length < limit) break;
              after = page.last;
              // PGlite runs each page's statement on the event loop, and awaiting it never yields:
              // without this turn the whole export held every webhook until its last line.
              await nextTurn();
              if (rows % 10_000 < limit) log.info({ exportId: receipt.id, agency, table: rule.table, rows }, 'agency export progress');
            }
            counts[rule.table] = rows;
            log.info({ exportId: receipt.id, agency, table: rule.table, rows }, 'agency export: table done');
            yield emit(`${JSON.stringify({ type: 'table', table: rule.table, rows })}\n`);
          }
          const completedAt = clock.now();
          yield emit(`${JSON.stringify({ type: 'end', exportId: receipt.id, completedAt: completedAt.toISOString(), counts })}\n`);
          const sha256 = hash.digest('hex');
          await repo.finishReceipt(db, receipt.id, { status: 'completed', completedAt, counts, sha256, byteSize: bytes });
          finished = true;
          log.info({ exportId: receipt.id, agency, bytes, sha256 }, 'agency export completed');
        } finally {
          if (!finished) {
            await repo
              .finishReceipt(db, receipt.id, { status: 'failed', completedAt: clock.now(), counts, byteSize: bytes })
              .catch((error: unknown) => log.error({ err: error, exportId: receipt.id }, 'could not mark the export failed'));
          }
        }
      }
      return { receipt: view(receipt), lines: lines() };
    },

    /**
     * End of contract: deletes every row of the agency that the export handed back, in one
     * transaction, provided an export of it completed with the SHA-256 given and nothing has
     * been added since (counts compared table by table under a lock on the agency). Kept:
     * issued statements, the contract, the access log and the receipts (the reasons are printed).
     */
    async deleteAgencyData(actor: Actor, agency: string, request: { exportSha256: string; confirm: string }, context: RequestContext = {}) {
      assertRole(actor, 'admin');
      if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only an administrator deletes an agency');
      const known = await assertActsFor(actor, agency, 'admin');
      if (request.confirm !== agency) throw validation('confirm must repeat the agency code');
      const sha256 = request.exportSha256.toLowerCase();
      const exported = await repo.findCompletedExport(db, agency, sha256);
      if (!exported) throw conflict('No completed export of this agency has that SHA-256: export its data first and quote the SHA-256 of that export');
      const info = await tables();
      const exportedCounts = exported.counts ?? {};
      const now = clock.now();
      const receipt = await db.transaction(async (tx) => {
        if (!(await repo.lockAgency(tx, agency))) throw new AppError('NOT_FOUND', 'Agency not found');
        const deletable = tablesDeletedAtContractEnd().filter((rule) => info.has(rule.table));
        const changed: string[] = [];
        for (const rule of deletable) {
          if (VOLATILE_TABLES.has(rule.table)) continue;
          const now = await repo.countAgencyRows(tx, rule, agency);
          const then = exportedCounts[rule.table] ?? 0;
          if (now !== then) changed.push(`${rule.table} ${then} → ${now}`);
        }
        if (changed.length > 0) throw conflict(`The agency's data changed since that export (${changed.join(', ')}): export it again`);
        const counts: Record<string, number> = {};
        for (const rule of deletable) counts[rule.table] = await repo.deleteAgencyRows(tx, rule, agency);
        const kept = [];
        for (const rule of tablesKeptAtContractEnd().filter((candidate) => info.has(candidate.table))) {
          kept.push({ table: rule.table, rows: await repo.countAgencyRows(tx, rule, agency), reason: rule.reason });
        }
        return repo.insertReceipt(tx, {
          kind: 'agency_deletion',
          agencyCode: agency,
          status: 'completed',
          requestedAt: now,
          completedAt: clock.now(),
          ...actorColumns(actor),
          counts,
          sha256,
          byteSize: exported.byteSize,
          details: { agencyName: known.name, exportReceiptId: exported.id, exportedAt: exported.completedAt?.toISOString() ?? null, exportCounts: exportedCounts, kept },
          requestId: context.requestId ?? null,
        });
      });
      await directory.reload(db);
      await recordAccess(actor, agency, 'agency-deletion', receipt.id);
      log.info({ agency, receipt: receipt.id, counts: receipt.counts }, 'agency data deleted at the end of its contract');
      return view(receipt);
    },

    async listReceipts(actor: Actor, query: { agency?: string; limit: number }) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      // Administrators also see the receipts of agencies whose data is gone (nobody is assigned to them any more).
      const agencies = actor.role === 'admin' && actor.kind === 'user' ? (query.agency === undefined ? undefined : [query.agency]) : scopeAgencies(actor, query.agency);
      const rows = await repo.listReceipts(db, agencies, query.limit);
      return rows.map(view);
    },

    async getReceipt(actor: Actor, id: string): Promise<PrivacyReceipt> {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const row = await repo.findReceipt(db, id);
      if (!row) throw new AppError('NOT_FOUND', 'Receipt not found');
      if (actor.role !== 'admin' || actor.kind !== 'user') assertCanSeeAgency(actor, row.agencyCode, 'Receipt');
      return view(row);
    },

    /** The printable receipt, in Italian. */
    async printReceipt(actor: Actor, id: string): Promise<string> {
      const receipt = await service.getReceipt(actor, id);
      const agency = (await repo.agencyNames(db)).get(receipt.agency) ?? { name: String(receipt.details?.agencyName ?? receipt.agency), timezone: 'Europe/Rome' };
      return receiptText(receipt, agency);
    },
  };
  return service;
}

function emailCounts(counts: { inboundEmails: number; inboundEmailRaw: number; emailAttachments: number; emailMessageIds: number }) {
  return {
    inbound_emails: counts.inboundEmails,
    inbound_email_raw: counts.inboundEmailRaw,
    email_attachments: counts.emailAttachments,
    email_message_ids: counts.emailMessageIds,
  };
}
