import { and, asc, count, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import {
  emailAddresses,
  emailAttachments,
  emailMessageIds,
  emailOutbox,
  emailWebhookNonces,
  inboundEmailRaw,
  inboundEmails,
  tenants,
  tickets,
  ticketEvents,
} from '../../db/schema/index.ts';
import type { EmailStatus } from '../../db/schema/email.ts';
import * as bytes from './email-bytes-repo.ts';

export type InboundEmailRow = typeof inboundEmails.$inferSelect;
export type NewInboundEmail = typeof inboundEmails.$inferInsert;
export type OutboxRow = typeof emailOutbox.$inferSelect;
export type NewOutbox = typeof emailOutbox.$inferInsert;
/** An attachment as the parser gives it: its bytes are written as a blob before its row. */
export type AttachmentInput = Omit<typeof emailAttachments.$inferInsert, 'id' | 'blobId'> & { content: Buffer };
/** An attachment whose bytes are written (`stageAttachments`), ready for its row. */
export type StagedAttachment = Omit<typeof emailAttachments.$inferInsert, 'id'> & { blobId: string };
export type AttachmentMeta = Omit<typeof emailAttachments.$inferSelect, 'blobId'>;

/** The same bytes delivered before: nothing needs writing, the first row answers. */
export async function findInboundBySha(tx: Executor, rawSha256: string): Promise<InboundEmailRow | undefined> {
  const [row] = await tx.select().from(inboundEmails).where(eq(inboundEmails.rawSha256, rawSha256));
  return row;
}

/** Thrown when bytes were not written because a first delivery had them, and that delivery is gone. */
export class RawBytesNeeded extends Error {}

/**
 * Stores a delivery under its raw bytes, already written as `blobId` (null when `findInboundBySha`
 * found them). The raw SHA-256 is unique: the same bytes delivered again find the first row instead
 * of a second copy; a blob written for them is then the caller's to discard.
 */
export async function insertInbound(
  tx: Executor,
  row: NewInboundEmail & { id: string },
  blobId: string | null,
): Promise<{ fresh: boolean; row: InboundEmailRow }> {
  if (blobId === null) {
    const existing = await findInboundBySha(tx, row.rawSha256);
    if (existing) return { fresh: false, row: existing };
    throw new RawBytesNeeded(`no stored e-mail has the bytes ${row.rawSha256}`);
  }
  const [inserted] = await tx.insert(inboundEmails).values(row).onConflictDoNothing({ target: inboundEmails.rawSha256 }).returning();
  if (inserted) {
    await tx.insert(inboundEmailRaw).values({ emailId: inserted.id, blobId });
    await bytes.claimBlob(tx, blobId);
    return { fresh: true, row: inserted };
  }
  const [existing] = await tx.select().from(inboundEmails).where(eq(inboundEmails.rawSha256, row.rawSha256));
  return { fresh: false, row: existing };
}

/** False when this provider nonce was seen before (a replay); claims nothing. */
export async function nonceSeen(tx: Executor, provider: string, token: string): Promise<boolean> {
  const [row] = await tx
    .select({ token: emailWebhookNonces.token })
    .from(emailWebhookNonces)
    .where(and(eq(emailWebhookNonces.provider, provider), eq(emailWebhookNonces.token, token)));
  return row !== undefined;
}

/** False when this provider nonce was seen before: a replay. */
export async function recordNonce(tx: Executor, provider: string, token: string, seenAt: Date): Promise<boolean> {
  const inserted = await tx.insert(emailWebhookNonces).values({ provider, token, seenAt }).onConflictDoNothing().returning({ token: emailWebhookNonces.token });
  return inserted.length > 0;
}

/** Takes the processing lease of a pending row; null if it is processed or someone else holds it. */
export async function claimPending(tx: Executor, id: string, now: Date, leaseUntil: Date): Promise<InboundEmailRow | null> {
  const [row] = await tx
    .update(inboundEmails)
    .set({ leaseUntil, attempts: sql`${inboundEmails.attempts} + 1` })
    .where(and(eq(inboundEmails.id, id), eq(inboundEmails.status, 'pending'), or(isNull(inboundEmails.leaseUntil), lt(inboundEmails.leaseUntil, now))))
    .returning();
  return row ?? null;
}

export async function pendingIds(tx: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: inboundEmails.id })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.status, 'pending'), or(isNull(inboundEmails.leaseUntil), lt(inboundEmails.leaseUntil, now))))
    .orderBy(asc(inboundEmails.receivedAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** The blob holding the raw message; null once retention removed it. */
export async function rawBlobOf(tx: Executor, id: string): Promise<string | null> {
  const [row] = await tx.select({ blobId: inboundEmailRaw.blobId }).from(inboundEmailRaw).where(eq(inboundEmailRaw.emailId, id));
  return row?.blobId ?? null;
}

/** The raw message in memory as its chunks, for the parsing thread: read chunk by chunk, never in one statement. */
export async function loadRawChunks(tx: Executor, id: string): Promise<Buffer[] | null> {
  const blobId = await rawBlobOf(tx, id);
  return blobId ? bytes.loadBlobChunks(tx, blobId) : null;
}

/** The raw message in one Buffer (the fallback reader, the tests). */
export async function loadRaw(tx: Executor, id: string): Promise<Buffer | null> {
  const chunks = await loadRawChunks(tx, id);
  return chunks ? Buffer.concat(chunks) : null;
}

export async function findEmail(tx: Executor, id: string): Promise<InboundEmailRow | undefined> {
  const [row] = await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id));
  return row;
}

/** Moves a row out of `from` (pending, quarantined); null when someone else moved it first. */
export async function settleEmail(tx: Executor, id: string, from: EmailStatus, changes: Partial<NewInboundEmail>): Promise<InboundEmailRow | null> {
  const [row] = await tx
    .update(inboundEmails)
    .set({ ...changes, leaseUntil: null })
    .where(and(eq(inboundEmails.id, id), eq(inboundEmails.status, from)))
    .returning();
  return row ?? null;
}

/** Takes a short lease on a quarantined row, so that two supervisors cannot both assign it. */
export async function leaseQuarantined(tx: Executor, id: string, now: Date, leaseUntil: Date): Promise<InboundEmailRow | null> {
  const [row] = await tx
    .update(inboundEmails)
    .set({ leaseUntil })
    .where(and(eq(inboundEmails.id, id), eq(inboundEmails.status, 'quarantined'), or(isNull(inboundEmails.leaseUntil), lt(inboundEmails.leaseUntil, now))))
    .returning();
  return row ?? null;
}

export async function releaseLease(tx: Executor, id: string): Promise<void> {
  await tx.update(inboundEmails).set({ leaseUntil: null }).where(eq(inboundEmails.id, id));
}

/** The first claim of (agency, Message-ID) wins; the answer names the e-mail that holds it. */
export async function claimMessageId(tx: Executor, agencyCode: string, messageId: string, emailId: string): Promise<{ holder: string | null }> {
  await tx.insert(emailMessageIds).values({ agencyCode, messageId, emailId }).onConflictDoNothing();
  const [row] = await tx
    .select({ emailId: emailMessageIds.emailId, outboxId: emailMessageIds.outboxId })
    .from(emailMessageIds)
    .where(and(eq(emailMessageIds.agencyCode, agencyCode), eq(emailMessageIds.messageId, messageId)));
  return { holder: row?.emailId ?? (row?.outboxId ? `outbox:${row.outboxId}` : null) };
}

/** Ticket references of known Message-IDs (inbound mail and our own acknowledgements) of one agency. */
export async function ticketsOfMessageIds(tx: Executor, agencyCode: string, messageIds: readonly string[]): Promise<Map<string, string>> {
  if (messageIds.length === 0) return new Map();
  const rows = await tx
    .select({ messageId: emailMessageIds.messageId, inboundRef: inboundEmails.ticketRef, outboxRef: emailOutbox.ticketRef })
    .from(emailMessageIds)
    .leftJoin(inboundEmails, eq(inboundEmails.id, emailMessageIds.emailId))
    .leftJoin(emailOutbox, eq(emailOutbox.id, emailMessageIds.outboxId))
    .where(and(eq(emailMessageIds.agencyCode, agencyCode), inArray(emailMessageIds.messageId, [...messageIds])));
  const refs = new Map<string, string>();
  for (const row of rows) {
    const ref = row.inboundRef ?? row.outboxRef;
    if (ref) refs.set(row.messageId, ref);
  }
  return refs;
}

/** The ticket an earlier, interrupted run already appended this e-mail to (ticket events are keyed by e-mail id). */
export async function ticketHoldingEmail(tx: Executor, emailId: string): Promise<{ ref: string; agencyCode: string } | null> {
  const [row] = await tx
    .select({ ref: tickets.ref, agencyCode: tickets.agencyCode })
    .from(ticketEvents)
    .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(eq(ticketEvents.emailId, emailId))
    .limit(1);
  return row ?? null;
}

/**
 * Writes the attachments' bytes, each its own blob, before the transaction that inserts their rows
 * (never inside it). What that transaction does not take, `releaseAttachments` removes.
 */
export async function stageAttachments(db: Executor, rows: readonly AttachmentInput[], now: Date): Promise<StagedAttachment[]> {
  const staged: StagedAttachment[] = [];
  for (const { content, ...row } of rows) staged.push({ ...row, blobId: await bytes.writeBlob(db, row.emailId, content, now) });
  return staged;
}

/** In the settling transaction. A row an interrupted earlier run inserted stays; this run's blob for it is dropped. */
export async function insertAttachments(tx: Executor, rows: readonly StagedAttachment[]): Promise<void> {
  for (const row of rows) {
    const [inserted] = await tx.insert(emailAttachments).values(row).onConflictDoNothing().returning({ id: emailAttachments.id });
    if (inserted) await bytes.claimBlob(tx, row.blobId);
  }
}

/** After the settling transaction, committed or not: the staged blobs no row took go. */
export async function releaseAttachments(db: Executor, rows: readonly StagedAttachment[]): Promise<void> {
  await bytes.discardBlobs(
    db,
    rows.map((row) => row.blobId),
  );
}

const ATTACHMENT_META = {
  id: emailAttachments.id,
  emailId: emailAttachments.emailId,
  position: emailAttachments.position,
  filename: emailAttachments.filename,
  contentType: emailAttachments.contentType,
  size: emailAttachments.size,
  sha256: emailAttachments.sha256,
  contentId: emailAttachments.contentId,
  inline: emailAttachments.inline,
};

export async function attachmentsOf(tx: Executor, emailIds: readonly string[]): Promise<AttachmentMeta[]> {
  if (emailIds.length === 0) return [];
  return tx
    .select(ATTACHMENT_META)
    .from(emailAttachments)
    .where(inArray(emailAttachments.emailId, [...emailIds]))
    .orderBy(asc(emailAttachments.emailId), asc(emailAttachments.position));
}

export async function findAttachment(tx: Executor, emailId: string, position: number) {
  const [row] = await tx
    .select({ ...ATTACHMENT_META, blobId: emailAttachments.blobId })
    .from(emailAttachments)
    .where(and(eq(emailAttachments.emailId, emailId), eq(emailAttachments.position, position)));
  return row;
}

/** The acknowledgement as the pipeline writes it; the outbox's own columns are set here. */
export type NewAck = Omit<NewOutbox, 'status' | 'nextAttemptAt' | 'updatedAt'>;

/** Queues an acknowledgement for the outbox runner, due at once. */
export async function insertOutbox(tx: Executor, row: NewAck): Promise<OutboxRow | null> {
  const [inserted] = await tx
    .insert(emailOutbox)
    .values({ ...row, status: 'pending', nextAttemptAt: row.createdAt, updatedAt: row.createdAt })
    .onConflictDoNothing()
    .returning();
  if (!inserted) return null;
  await tx.insert(emailMessageIds).values({ agencyCode: row.agencyCode, messageId: row.messageId, outboxId: inserted.id }).onConflictDoNothing();
  return inserted;
}

const LIST_COLUMNS = {
  id: inboundEmails.id,
  receivedAt: inboundEmails.receivedAt,
  provider: inboundEmails.provider,
  envelopeTo: inboundEmails.envelopeTo,
  rawSize: inboundEmails.rawSize,
  status: inboundEmails.status,
  kind: inboundEmails.kind,
  agencyCode: inboundEmails.agencyCode,
  fromAddress: inboundEmails.fromAddress,
  fromName: inboundEmails.fromName,
  subject: inboundEmails.subject,
  messageId: inboundEmails.messageId,
  quarantineReason: inboundEmails.quarantineReason,
  quarantinedAt: inboundEmails.quarantinedAt,
  resolvedAt: inboundEmails.resolvedAt,
  resolvedBy: inboundEmails.resolvedBy,
  ticketRef: inboundEmails.ticketRef,
  lastError: inboundEmails.lastError,
};

export type EmailListRow = { [K in keyof typeof LIST_COLUMNS]: InboundEmailRow[K] };

/** Newest first, keyset-paginated on (received_at, id). */
export async function listByStatus(
  tx: Executor,
  filter: {
    statuses: readonly EmailStatus[];
    limit: number;
    cursor?: { receivedAt: Date; id: string };
    /** Mail routed to these agencies, and mail of no agency when `agencyless`. */
    agencies: readonly string[];
    agencyless: boolean;
  },
): Promise<EmailListRow[]> {
  const scope = [
    ...(filter.agencies.length > 0 ? [inArray(inboundEmails.agencyCode, [...filter.agencies])] : []),
    ...(filter.agencyless ? [isNull(inboundEmails.agencyCode)] : []),
  ];
  if (scope.length === 0) return [];
  const conditions = [inArray(inboundEmails.status, [...filter.statuses]), or(...scope)!];
  if (filter.cursor) {
    const { receivedAt, id } = filter.cursor;
    conditions.push(or(lt(inboundEmails.receivedAt, receivedAt), and(eq(inboundEmails.receivedAt, receivedAt), lt(inboundEmails.id, id)))!);
  }
  return tx
    .select(LIST_COLUMNS)
    .from(inboundEmails)
    .where(and(...conditions))
    .orderBy(desc(inboundEmails.receivedAt), desc(inboundEmails.id))
    .limit(filter.limit + 1);
}

/** How many messages the quarantine list's filter matches on every page (the screen's counter). */
export async function countByStatus(
  tx: Executor,
  filter: { statuses: readonly EmailStatus[]; agencies: readonly string[]; agencyless: boolean },
): Promise<number> {
  const scope = [
    ...(filter.agencies.length > 0 ? [inArray(inboundEmails.agencyCode, [...filter.agencies])] : []),
    ...(filter.agencyless ? [isNull(inboundEmails.agencyCode)] : []),
  ];
  if (scope.length === 0) return 0;
  const [row] = await tx
    .select({ total: count() })
    .from(inboundEmails)
    .where(and(inArray(inboundEmails.status, [...filter.statuses]), or(...scope)!));
  return Number(row?.total ?? 0);
}

/** The outbox rows of the replies operators sent from a ticket, oldest first. */
export async function repliesOfTicket(tx: Executor, agency: string, ref: string, kind: string) {
  return tx
    .select({ messageId: emailOutbox.messageId, status: emailOutbox.status, attempts: emailOutbox.attempts, deliveredAt: emailOutbox.deliveredAt })
    .from(emailOutbox)
    .where(and(eq(emailOutbox.agencyCode, agency), eq(emailOutbox.ticketRef, ref), eq(emailOutbox.kind, kind)))
    .orderBy(asc(emailOutbox.createdAt));
}

export async function emailsOfTicket(tx: Executor, ref: string): Promise<EmailListRow[]> {
  return tx.select(LIST_COLUMNS).from(inboundEmails).where(eq(inboundEmails.ticketRef, ref)).orderBy(asc(inboundEmails.receivedAt));
}

/**
 * Retention: the raw message of discarded mail older than `before` goes; the row stays as a
 * record. The deleted rows' blobs become loose (a trigger) and their chunks go after.
 */
export async function purgeDiscardedRaw(tx: Executor, before: Date): Promise<number> {
  const rows = await tx
    .delete(inboundEmailRaw)
    .where(
      inArray(
        inboundEmailRaw.emailId,
        tx
          .select({ id: inboundEmails.id })
          .from(inboundEmails)
          .where(and(eq(inboundEmails.status, 'discarded'), lt(inboundEmails.resolvedAt, before))),
      ),
    )
    .returning({ id: inboundEmailRaw.emailId });
  return rows.length;
}

/** The agency's inbound address (the portfolio's when given): the From of acknowledgements after a manual assignment. */
export async function inboundAddressOf(tx: Executor, agencyCode: string, portfolioId: string | null): Promise<string | null> {
  const rows = await tx.select().from(emailAddresses).where(eq(emailAddresses.agencyCode, agencyCode)).orderBy(asc(emailAddresses.address));
  return rows.find((row) => row.portfolioId === portfolioId)?.address ?? null;
}

/** The agency's tickets among `refs`, with what threading needs to know of them. */
export async function ticketsForThreading(tx: Executor, agencyCode: string, refs: readonly string[]): Promise<Map<string, { ref: string; status: string }>> {
  if (refs.length === 0) return new Map();
  const rows = await tx
    .select({ ref: tickets.ref, status: tickets.status })
    .from(tickets)
    .where(and(eq(tickets.agencyCode, agencyCode), inArray(tickets.ref, [...refs])));
  return new Map(rows.map((row) => [row.ref, row]));
}

/**
 * Whether `address` (normalised) already corresponds about the ticket: its caller's e-mail, the
 * sender of mail filed on it, or an address we wrote to about it.
 */
export async function isCorrespondent(tx: Executor, agencyCode: string, ref: string, address: string): Promise<boolean> {
  const [row] = await tx
    .select({
      known: sql<boolean>`lower(trim(coalesce(${tickets.callerEmail}, ''))) = ${address}
        or exists (select 1 from ${inboundEmails} where ${inboundEmails.ticketRef} = ${ref} and ${inboundEmails.agencyCode} = ${agencyCode}
                     and ${inboundEmails.status} in ('ticket', 'appended') and lower(${inboundEmails.fromAddress}) = ${address})
        or exists (select 1 from ${emailOutbox} where ${emailOutbox.ticketRef} = ${ref} and ${emailOutbox.agencyCode} = ${agencyCode} and lower(${emailOutbox.toAddress}) = ${address})`,
    })
    .from(tickets)
    .where(and(eq(tickets.agencyCode, agencyCode), eq(tickets.ref, ref)));
  return row?.known === true;
}

/** Whether the agency's tenant registry has this (normalised) e-mail address. */
export async function onTenantRegistry(tx: Executor, agencyCode: string, address: string): Promise<boolean> {
  const rows = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.agencyCode, agencyCode), sql`lower(${tenants.email}) = ${address}`))
    .limit(1);
  return rows.length > 0;
}

// A two-key advisory lock class of its own (the migrator, the reports and retention use others).
const ACK_LOCK_CLASS = 70_091;

/**
 * Acknowledgements already queued for (agency, recipient) since `since`. The transaction first takes
 * a lock on that pair, so two messages from one sender on two nodes count one after the other.
 */
export async function recentAcksTo(tx: Executor, agencyCode: string, address: string, since: Date): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ACK_LOCK_CLASS}::int, hashtext(${`${agencyCode}|${address}`}))`);
  const [row] = await tx
    .select({ n: count() })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.agencyCode, agencyCode),
        sql`lower(${emailOutbox.toAddress}) = ${address}`,
        gt(emailOutbox.createdAt, since),
        eq(emailOutbox.kind, 'auto_ack'),
      ),
    );
  return row?.n ?? 0;
}

/** The latest message of a ticket that came from its correspondent: what a reply answers, and the agency address it was written to. */
export async function lastInboundOfTicket(tx: Executor, agencyCode: string, ref: string) {
  const [row] = await tx
    .select({ id: inboundEmails.id, messageId: inboundEmails.messageId, recipient: inboundEmails.recipient })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.agencyCode, agencyCode), eq(inboundEmails.ticketRef, ref), inArray(inboundEmails.status, ['ticket', 'appended'])))
    .orderBy(desc(inboundEmails.receivedAt))
    .limit(1);
  return row ?? null;
}
