import type { EmailSummary } from '../../contracts/email.ts';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, canSeeAgency, isStaff, servesEveryAgency } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import type { Category } from '../../domain/routing.ts';
import type { Database } from '../../db/client.ts';
import type { EmailStatus } from '../../db/schema/email.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import { createOutboxRunner } from '../outbox/outbox-runner.ts';
import { ACK_KIND, createAckHandler } from './ack-handler.ts';
import type { EmailTicketPort, Outcome } from './email-pipeline.ts';
import { createPipeline } from './email-pipeline.ts';
import * as bytes from './email-bytes-repo.ts';
import * as repo from './email-repo.ts';
import type { EmailListRow, InboundEmailRow, NewInboundEmail } from './email-repo.ts';
import type { MessageBytes } from './message-bytes.ts';
import type { ParseOutcome } from './parse-pool.ts';
import { REPLY_KIND } from './reply-handler.ts';

type StoredInbound = Awaited<ReturnType<typeof repo.insertInbound>>;

export type EmailProvider = 'raw' | 'sendgrid' | 'mailgun' | 'postmark';

/** The four answers CONTRACT §5 allows for an authenticated delivery. */
export type DeliveryStatus = 'ticket' | 'appended' | 'duplicate' | 'quarantined';

export type ReceiveInput = Readonly<{
  provider: EmailProvider;
  /** The message as it arrived, in pieces (message-bytes.ts); moved to the parser, not used after. */
  raw: MessageBytes;
  envelopeTo: readonly string[];
  /** A provider nonce (Mailgun's token): refused if seen before. */
  nonce?: string;
}>;

export type ReceiveResult = Readonly<{ kind: 'accepted'; id: string; status: DeliveryStatus; ticket: string | null }> | Readonly<{ kind: 'replay' }>;

/** Reads of e-mail bodies by call-center staff go to the processor access log. */
export type EmailAccessRecorder = (
  actor: Actor,
  entry: { agency: string; resource: string; resourceId?: string | null; action: string; fields?: readonly string[] },
) => Promise<void>;

export type EmailServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  tickets: EmailTicketPort;
  /** MIME parsing in worker threads: the app's parse pool (parse-pool.ts). */
  parse: (pieces: readonly Buffer[]) => Promise<ParseOutcome>;
  recordAccess?: EmailAccessRecorder;
  /** The one SMTP transport; without it acknowledgements wait in `email_outbox`, readable. */
  send?: MailSender | null;
  /** The app's outbox runner, on which acknowledgements are registered; a service of its own has its own. */
  outbox?: OutboxRunner;
  onBackgroundError?: (error: unknown) => void;
}>;

export type EmailService = ReturnType<typeof createEmailService>;

/** A worker that died mid-message gives it up after this long; start-up and the sweep take it again. */
const LEASE_MS = 2 * 60_000;
/**
 * Claims of one pending message (its first processing included). A message whose processing
 * kills the process every time would otherwise be taken again by every sweep, for ever.
 */
const MAX_PROCESSING_ATTEMPTS = 3;
const QUARANTINE_ROLES = ['supervisor', 'admin'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const READ_ROLES = ['operator', 'supervisor', 'admin', 'agency'] as const;
/** HTML, SVG and scripts are served as opaque bytes: an attachment is never rendered by our origin. */
const RENDERABLE_TYPES =
  /^(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/x-javascript|multipart\/)/;

function deliveryStatus(status: EmailStatus): DeliveryStatus {
  if (status === 'ticket' || status === 'appended' || status === 'duplicate') return status;
  return 'quarantined';
}

export function publicEmail(row: EmailListRow | InboundEmailRow): EmailSummary {
  return {
    id: row.id,
    receivedAt: row.receivedAt.toISOString(),
    provider: row.provider,
    status: row.status,
    kind: row.kind,
    agency: row.agencyCode,
    from: row.fromAddress ? { address: row.fromAddress, name: row.fromName } : null,
    subject: row.subject,
    messageId: row.messageId,
    envelopeTo: row.envelopeTo,
    size: row.rawSize,
    ticket: row.ticketRef,
    quarantine:
      row.status === 'quarantined' || row.status === 'discarded' ? { reason: row.quarantineReason, at: row.quarantinedAt?.toISOString() ?? null } : null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
  };
}

function publicAttachment(emailId: string, attachment: repo.AttachmentMeta) {
  return {
    n: attachment.position,
    filename: attachment.filename,
    contentType: attachment.contentType,
    size: attachment.size,
    sha256: attachment.sha256,
    inline: attachment.inline,
    url: `/api/v1/emails/${emailId}/attachments/${attachment.position}`,
  };
}

function encodeCursor(row: EmailListRow): string {
  return Buffer.from(JSON.stringify([row.receivedAt.toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const receivedAt = new Date(at);
    if (!Number.isNaN(receivedAt.getTime()) && typeof id === 'string') return { receivedAt, id };
  } catch {
    // falls through to the validation error
  }
  throw validation('Invalid cursor');
}

/**
 * The e-mail channel: store first, then parse, route, thread and file as a ticket; quarantine
 * what cannot be filed; acknowledge tenants. Webhook adapters and the API call only these verbs.
 */
export function createEmailService(deps: EmailServiceDeps) {
  const { db, clock, bus, directory } = deps;
  const onError = deps.onBackgroundError ?? (() => {});
  const pipeline = createPipeline({ db, clock, directory, tickets: deps.tickets, parse: deps.parse });
  const outbox = deps.outbox ?? createOutboxRunner({ db, clock, onError });
  if (deps.send) outbox.register(createAckHandler(deps.send));
  const ackQueued = () => outbox.wake(ACK_KIND);
  let sweeping: Promise<number> | null = null;
  let sweepingBytes: Promise<number> | null = null;

  function announce(outcome: Outcome) {
    const row = outcome.row;
    const at = clock.now().toISOString();
    if (row.status === 'quarantined') {
      // To the staff of the agency it was routed to; of no agency, to the staff-wide room (those serving every agency).
      bus.publish({
        type: 'email.quarantined',
        agency: row.agencyCode,
        at,
        data: { email: { id: row.id, reason: row.quarantineReason, receivedAt: row.receivedAt.toISOString() } },
      });
      return;
    }
    bus.publish({
      type: 'email.received',
      agency: row.agencyCode,
      at,
      data: {
        email: { id: row.id, status: row.status, ticket: row.ticketRef, kind: row.kind, subject: row.subject, receivedAt: row.receivedAt.toISOString() },
      },
    });
  }

  /** Processes one pending row if its lease can be taken; null when another worker has it. */
  async function processPending(id: string): Promise<InboundEmailRow | null> {
    const now = clock.now();
    const row = await repo.claimPending(db, id, now, new Date(now.getTime() + LEASE_MS));
    if (!row) return null;
    if (row.attempts > MAX_PROCESSING_ATTEMPTS) return giveUp(row);
    return processLeased(row);
  }

  /** A message whose earlier claims all ended without settling it: kept in quarantine, not tried again. */
  async function giveUp(row: InboundEmailRow): Promise<InboundEmailRow> {
    const now = clock.now();
    const settled = await repo.settleEmail(db, row.id, 'pending', {
      status: 'quarantined',
      quarantineReason: 'too_many_attempts',
      quarantinedAt: now,
      processedAt: now,
      lastError: `processing was interrupted ${row.attempts - 1} times`,
    });
    const outcome = { row: settled ?? (await repo.findEmail(db, row.id)) ?? row, ack: null };
    announce(outcome);
    return outcome.row;
  }

  /** Processes a row whose lease this worker holds. */
  async function processLeased(row: InboundEmailRow, received?: readonly Buffer[]): Promise<InboundEmailRow> {
    let outcome: Outcome;
    try {
      outcome = await pipeline.process(row, received);
    } catch (error) {
      // Whatever went wrong after the bytes were safe, a supervisor sees the message.
      const message = error instanceof Error ? error.message : String(error);
      const settled = await repo.settleEmail(db, row.id, 'pending', {
        status: 'quarantined',
        quarantineReason: 'processing_error',
        quarantinedAt: clock.now(),
        processedAt: clock.now(),
        lastError: message.slice(0, 1000),
      });
      onError(error);
      outcome = { row: settled ?? (await repo.findEmail(db, row.id)) ?? row, ack: null };
    }
    announce(outcome);
    if (outcome.ack) ackQueued();
    return outcome.row;
  }

  /**
   * Quarantined mail is the business of the supervisors and administrators serving the agency it
   * was routed to. Mail routed to no agency (unroutable, unreadable without a known recipient, a
   * processing error) may be any agency's tenants' mail, so only staff serving every agency see it:
   * a supervisor of one agency must not read what may be another agency's tenant's letter.
   */
  function canSeeQuarantined(actor: Actor, agencyCode: string | null): boolean {
    if (actor.kind !== 'system' && !(QUARANTINE_ROLES as readonly string[]).includes(actor.role)) return false;
    return agencyCode ? canSeeAgency(actor, agencyCode) : servesEveryAgency(actor, directory.agencyCodes());
  }

  /**
   * The bytes go in first, chunk by chunk and outside any transaction (unless the same bytes are
   * stored already); then the row that names them commits, with the provider's nonce, in one
   * short transaction. A blob no row took (the same bytes delivered at the same moment, a replay)
   * is removed again. Null for a replayed nonce.
   */
  async function store(input: ReceiveInput, row: NewInboundEmail & { id: string }): Promise<StoredInbound | null> {
    const known = await repo.findInboundBySha(db, row.rawSha256);
    let blobId = known ? null : await bytes.writeBlob(db, row.id, input.raw.chunks, row.receivedAt);
    let stored: StoredInbound | null = null;
    try {
      try {
        stored = await storeRow(input, row, blobId);
      } catch (error) {
        if (!(error instanceof repo.RawBytesNeeded)) throw error;
        // The first delivery of these bytes was erased meanwhile: this one keeps its own copy.
        blobId = await bytes.writeBlob(db, row.id, input.raw.chunks, row.receivedAt);
        stored = await storeRow(input, row, blobId);
      }
      return stored;
    } finally {
      if (blobId && !stored?.fresh) await bytes.discardBlobs(db, [blobId]);
    }
  }

  function storeRow(input: ReceiveInput, row: NewInboundEmail & { id: string }, blobId: string | null): Promise<StoredInbound | null> {
    return db.transaction(async (tx) => {
      if (input.nonce !== undefined && !(await repo.recordNonce(tx, input.provider, input.nonce, row.receivedAt))) return null;
      return repo.insertInbound(tx, row, blobId);
    });
  }

  async function visibleEmail(actor: Actor, id: string): Promise<InboundEmailRow> {
    if (!UUID.test(id)) throw notFound('E-mail');
    const row = await repo.findEmail(db, id);
    if (!row) throw notFound('E-mail');
    if (row.agencyCode && row.status !== 'quarantined' && row.status !== 'discarded') {
      assertRole(actor, ...READ_ROLES);
      assertCanSeeAgency(actor, row.agencyCode, 'E-mail');
    } else if (!canSeeQuarantined(actor, row.agencyCode)) {
      throw notFound('E-mail');
    }
    return row;
  }

  /** A quarantined message the actor may act on, or 404 (another agency's mail is not confirmed to exist). */
  async function visibleQuarantined(actor: Actor, id: string): Promise<InboundEmailRow> {
    if (!UUID.test(id)) throw notFound('Quarantined e-mail');
    const row = await repo.findEmail(db, id);
    if (!row || !canSeeQuarantined(actor, row.agencyCode)) throw notFound('Quarantined e-mail');
    return row;
  }

  /**
   * Moving mail to an agency its recipient address does not belong to hands one controller's data
   * (or data of no known controller) to another: both agencies' access logs record who did it.
   */
  async function recordMove(actor: Actor, id: string, from: string | null, to: string) {
    if (!deps.recordAccess) return;
    const fields = [`from:${from ?? 'none'}`, `to:${to}`];
    if (from) await deps.recordAccess(actor, { agency: from, resource: 'emails', resourceId: id, action: 'reassign', fields });
    await deps.recordAccess(actor, { agency: to, resource: 'emails', resourceId: id, action: 'reassign', fields });
  }

  async function recordRead(actor: Actor, row: InboundEmailRow, action: string, fields: readonly string[]) {
    if (!deps.recordAccess || !row.agencyCode || !isStaff(actor)) return;
    await deps.recordAccess(actor, { agency: row.agencyCode, resource: 'emails', resourceId: row.id, action, fields });
  }

  return {
    /**
     * An authenticated delivery. The bytes are committed before anything else is attempted; the
     * same bytes again answer `duplicate` (or finish processing a row a crash left pending).
     */
    async receive(input: ReceiveInput): Promise<ReceiveResult> {
      const now = clock.now();
      if (input.nonce !== undefined && (await repo.nonceSeen(db, input.provider, input.nonce))) return { kind: 'replay' };
      const stored = await store(input, {
        id: randomUUID(),
        receivedAt: now,
        provider: input.provider,
        envelopeTo: input.envelopeTo
          .map((address) => address.trim())
          .filter(Boolean)
          .slice(0, 50),
        rawSha256: input.raw.sha256,
        rawSize: input.raw.size,
        status: 'pending',
        // Born leased: the sweep must not take a message this request is about to process.
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        attempts: 1,
      });
      if (!stored) return { kind: 'replay' };
      if (!stored.fresh && stored.row.status !== 'pending') {
        return { kind: 'accepted', id: stored.row.id, status: 'duplicate', ticket: stored.row.ticketRef };
      }
      // The pieces just stored go to the parser as they are: reading 25 MB back would cost the loop again.
      const row = stored.fresh ? await processLeased(stored.row, input.raw.chunks) : await processPending(stored.row.id);
      if (!row) return { kind: 'accepted', id: stored.row.id, status: 'duplicate', ticket: null };
      if (!stored.fresh) return { kind: 'accepted', id: row.id, status: 'duplicate', ticket: row.ticketRef };
      return { kind: 'accepted', id: row.id, status: deliveryStatus(row.status), ticket: row.ticketRef };
    },

    /** Stored but unprocessed rows (a crash between storing and filing): run at start-up and periodically. */
    async reprocessPending(limit = 100): Promise<number> {
      if (sweeping) return sweeping;
      sweeping = (async () => {
        let processed = 0;
        for (const id of await repo.pendingIds(db, clock.now(), limit)) {
          if (await processPending(id)) processed += 1;
        }
        return processed;
      })().finally(() => {
        sweeping = null;
        // Acknowledgements a mail server refused earlier are retried on the same beat too (the poll may be off).
        ackQueued();
      });
      return sweeping;
    },

    async listQuarantine(actor: Actor, query: { status: 'open' | 'discarded' | 'all'; limit: number; cursor?: string }) {
      assertRole(actor, ...QUARANTINE_ROLES);
      const statuses: EmailStatus[] = query.status === 'open' ? ['quarantined'] : query.status === 'discarded' ? ['discarded'] : ['quarantined', 'discarded'];
      const scope = {
        statuses,
        agencies: actor.kind === 'system' ? directory.agencyCodes() : actor.agencies,
        agencyless: servesEveryAgency(actor, directory.agencyCodes()),
      };
      const [rows, total] = await Promise.all([
        repo.listByStatus(db, { ...scope, limit: query.limit, cursor: query.cursor ? decodeCursor(query.cursor) : undefined }),
        repo.countByStatus(db, scope),
      ]);
      const items = rows.slice(0, query.limit);
      return {
        items: items.map((row) => ({ ...publicEmail(row), lastError: row.lastError })),
        nextCursor: rows.length > query.limit && items.length > 0 ? encodeCursor(items[items.length - 1]) : null,
        // Every page of the filter, in the viewer's scope: the screen's counter.
        total,
      };
    },

    /** One message as text, with its attachments; bodies read by staff are logged for the agency. */
    async getEmail(actor: Actor, id: string) {
      const row = await visibleEmail(actor, id);
      const attachments = await repo.attachmentsOf(db, [row.id]);
      await recordRead(actor, row, 'read', ['from', 'subject', 'text']);
      return {
        ...publicEmail(row),
        text: row.textBody,
        sentAt: row.sentAt?.toISOString() ?? null,
        pec: row.pec,
        flags: row.flags,
        attachments: attachments.map((attachment) => publicAttachment(row.id, attachment)),
      };
    },

    async listTicketEmails(actor: Actor, ref: string) {
      assertRole(actor, ...READ_ROLES);
      const rows = (await repo.emailsOfTicket(db, ref)).filter((row) => row.agencyCode !== null);
      if (rows.length === 0) return { items: [], replies: [] };
      assertCanSeeAgency(actor, rows[0].agencyCode!, 'Ticket');
      const attachments = await repo.attachmentsOf(
        db,
        rows.map((row) => row.id),
      );
      const replies = await repo.repliesOfTicket(db, rows[0].agencyCode!, ref, REPLY_KIND);
      return {
        replies: replies.map((reply) => ({ ...reply, deliveredAt: reply.deliveredAt?.toISOString() ?? null })),
        items: rows.map((row) => ({
          ...publicEmail(row),
          attachments: attachments.filter((attachment) => attachment.emailId === row.id).map((attachment) => publicAttachment(row.id, attachment)),
        })),
      };
    },

    /** The attachment's bytes as a stream of chunks, read one query at a time as the reply drains. */
    async getAttachment(actor: Actor, id: string, position: number) {
      const row = await visibleEmail(actor, id);
      const attachment = await repo.findAttachment(db, row.id, position);
      if (!attachment) throw notFound('Attachment');
      await recordRead(actor, row, 'download', [`attachment:${position}`]);
      const contentType = RENDERABLE_TYPES.test(attachment.contentType) ? 'application/octet-stream' : attachment.contentType;
      return { filename: attachment.filename, contentType, size: attachment.size, content: bytes.readBlob(db, attachment.blobId) };
    },

    /** The original bytes (.eml) for staff, streamed: evidence, and what a supervisor inspects in quarantine. */
    async getRaw(actor: Actor, id: string) {
      assertRole(actor, 'operator', ...QUARANTINE_ROLES);
      const row = await visibleEmail(actor, id);
      const blobId = await repo.rawBlobOf(db, row.id);
      if (!blobId) throw notFound('The original of this e-mail (removed by retention)');
      await recordRead(actor, row, 'download', ['raw']);
      return { filename: `${row.id}.eml`, size: row.rawSize, content: bytes.readBlob(db, blobId) };
    },

    /**
     * "Assign to agency": the quarantined message becomes a ticket of that agency. The actor must
     * serve the agency the mail was routed to (or every agency, for mail of none) and the target.
     */
    async assignQuarantined(actor: Actor, id: string, input: { agency: string; portfolio?: string | null; category?: Category }) {
      assertRole(actor, ...QUARANTINE_ROLES);
      await visibleQuarantined(actor, id);
      assertCanSeeAgency(actor, input.agency, 'Agency');
      const agency = directory.agency(input.agency);
      if (!agency) throw notFound('Agency');
      const address = await repo.inboundAddressOf(db, agency.code, input.portfolio ?? null);
      if (input.portfolio && !address) throw validation(`Unknown portfolio ${input.portfolio} for ${agency.code}`);
      const now = clock.now();
      const row = await repo.leaseQuarantined(db, id, now, new Date(now.getTime() + LEASE_MS));
      if (!row) {
        const current = await repo.findEmail(db, id);
        if (!current) throw notFound('Quarantined e-mail');
        throw conflict(
          current.status === 'quarantined' ? `E-mail ${id} is being assigned by someone else` : `E-mail ${id} is ${current.status}, not in quarantine`,
        );
      }
      let outcome: Outcome;
      try {
        if (row.agencyCode !== agency.code) await recordMove(actor, row.id, row.agencyCode, agency.code);
        outcome = await pipeline.assign(row, actor, {
          route: { address: address ?? '', agency, portfolioId: input.portfolio ?? null },
          category: input.category,
        });
      } catch (error) {
        await repo.releaseLease(db, row.id);
        throw error;
      }
      if (outcome.row.status !== 'ticket') throw conflict(`E-mail ${id} was resolved meanwhile`);
      announce(outcome);
      if (outcome.ack) ackQueued();
      return { id: outcome.row.id, status: 'ticket' as const, ticket: outcome.row.ticketRef };
    },

    /** "Discard": out of the quarantine list; the bytes stay until retention removes them. */
    async discardQuarantined(actor: Actor, id: string) {
      assertRole(actor, ...QUARANTINE_ROLES);
      await visibleQuarantined(actor, id);
      const now = clock.now();
      const row = await repo.settleEmail(db, id, 'quarantined', { status: 'discarded', resolvedAt: now, resolvedBy: actor.name });
      if (!row) {
        const current = await repo.findEmail(db, id);
        if (!current) throw notFound('Quarantined e-mail');
        throw conflict(`E-mail ${id} is ${current.status}, not in quarantine`);
      }
      bus.publish({ type: 'email.discarded', agency: row.agencyCode, at: now.toISOString(), data: { email: { id: row.id } } });
      return publicEmail(row);
    },

    /** Retention: removes the bytes of mail discarded before `before`. */
    async purgeDiscarded(before: Date): Promise<number> {
      const purged = await repo.purgeDiscardedRaw(db, before);
      await bytes.removeDroppedBlobs(db);
      return purged;
    },

    /** Removes the chunks no row names any more, and those a crash left half-written (run with the minute sweep). */
    async sweepBytes(): Promise<number> {
      if (sweepingBytes) return sweepingBytes;
      sweepingBytes = bytes.sweepLooseBlobs(db, clock.now()).finally(() => {
        sweepingBytes = null;
      });
      return sweepingBytes;
    },

    /** Waits for acknowledgements being sent and for sweeps: for a graceful shutdown. */
    async idle(): Promise<void> {
      await outbox.idle();
      if (sweeping) await sweeping;
      if (sweepingBytes) await sweepingBytes.catch(() => {});
    },
  };
}
