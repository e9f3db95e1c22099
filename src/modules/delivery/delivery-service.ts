import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { decideRetry, GIVE_UP_AFTER_SECONDS, jitterOf } from '../../domain/delivery-retry.ts';
import type { Category } from '../../domain/routing.ts';
import type { Database, Tx } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { TicketOutbox } from '../tickets/ticket-outbox.ts';
import type { Ticket } from '../tickets/ticket-view.ts';
import * as repo from './delivery-repo.ts';
import type { DeliveryRow, DeliveryTargetRow } from './delivery-repo.ts';
import type { Mailer } from './email-sender.ts';
import { renderTicketEmail } from './ticket-email.ts';
import type { SendResult, WebhookRequest } from './webhook-sender.ts';

export type DeliveryTransport = Readonly<{
  webhook(request: WebhookRequest): Promise<SendResult>;
  /** Absent without SMTP: e-mails are then kept in the outbox as `held`. */
  mailer?: Mailer;
}>;

/**
 * The tickets module's side: a delivery that succeeded or died is written on its ticket's timeline,
 * in the transaction that records the outcome.
 */
export type DeliveryTicketTimeline = Readonly<{
  recordDeliveryOutcome(tx: Tx, entry: { ticketId: string; delivered: boolean; data: Record<string, unknown>; at: Date }): Promise<void>;
}>;

export type DeliveryServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  transport: DeliveryTransport;
  tickets: DeliveryTicketTimeline;
  /** How long a claimed delivery is this worker's; past it another worker may claim it again. */
  leaseSeconds?: number;
  batchSize?: number;
}>;

export type DeliveryRunSummary = { claimed: number; delivered: number; retrying: number; dead: number; lost: number };

export type DeliveryService = ReturnType<typeof createDeliveryService>;

const GIVE_UP_MS = GIVE_UP_AFTER_SECONDS * 1000;

export function createDeliveryService(deps: DeliveryServiceDeps) {
  const { db, clock, bus, transport } = deps;
  const leaseMs = (deps.leaseSeconds ?? 120) * 1000;
  const batchSize = deps.batchSize ?? 20;
  const kinds = transport.mailer ? ['webhook', 'email'] : ['webhook'];

  const outbox: TicketOutbox = {
    async enqueue(tx, { ticketId, ticket, eventId, eventType, now }) {
      const targets = await repo.targetsForQueue(tx, ticket.agency, ticket.category);
      const rows = targets.map((target) => {
        const id = randomUUID();
        const isHeldMail = target.kind === 'email' && !transport.mailer;
        return {
          id,
          agencyCode: ticket.agency,
          ticketId,
          ticketRef: ticket.ref,
          targetId: target.id,
          kind: target.kind,
          eventType,
          dedupeKey: `ticket-event:${eventId}:${target.id}`,
          payload: payloadFor(target, id, eventType, ticket, now),
          status: isHeldMail ? ('held' as const) : ('pending' as const),
          nextAttemptAt: now,
          giveUpAt: new Date(now.getTime() + GIVE_UP_MS),
          createdAt: now,
          updatedAt: now,
        };
      });
      await repo.insertDeliveries(tx, rows);
    },
  };

  async function send(row: DeliveryRow, target: DeliveryTargetRow | undefined, now: Date): Promise<SendResult> {
    if (!target) return { ok: false, statusCode: null, error: 'target removed' };
    if (row.kind === 'webhook') {
      if (!target.url || !target.secret) return { ok: false, statusCode: null, error: 'target has no URL or secret' };
      return transport.webhook({
        url: target.url,
        secret: target.secret,
        body: JSON.stringify(row.payload),
        idempotencyKey: row.id,
        eventType: row.eventType,
        timestamp: String(Math.floor(now.getTime() / 1000)),
      });
    }
    if (!transport.mailer || !target.emailTo) return { ok: false, statusCode: null, error: 'no SMTP configured or no address' };
    const mail = row.payload as { subject: string; text: string };
    return transport.mailer.send({ to: target.emailTo, subject: mail.subject, text: mail.text, idempotencyKey: row.id });
  }

  /** One attempt of one claimed delivery, recorded only if this worker still holds its lease. */
  async function attempt(row: DeliveryRow): Promise<'delivered' | 'retrying' | 'dead' | 'lost'> {
    const target = await repo.findTarget(db, row.targetId);
    const started = performance.now();
    const result = await send(row, target, clock.now());
    const durationMs = Math.round(performance.now() - started);
    const now = clock.now();
    const claim = { id: row.id, leaseToken: row.leaseToken! };
    const outcome = await db.transaction(async (tx) => {
      let updated: DeliveryRow | undefined;
      if (result.ok) {
        updated = await repo.finishDelivery(tx, claim, { status: 'delivered', deliveredAt: now, lastStatusCode: result.statusCode, lastError: null, updatedAt: now });
      } else {
        const decision = decideRetry(row.attempts, now, row.giveUpAt, jitterOf(row.id));
        updated = await repo.finishDelivery(tx, claim, {
          status: decision.kind === 'dead' ? 'dead' : 'pending',
          nextAttemptAt: decision.kind === 'retry' ? decision.at : row.nextAttemptAt,
          lastStatusCode: result.statusCode,
          lastError: result.error,
          updatedAt: now,
        });
      }
      if (!updated) return { kind: 'lost' as const };
      await repo.insertAttempt(tx, {
        deliveryId: row.id,
        attempt: row.attempts,
        ok: result.ok,
        statusCode: result.statusCode,
        error: result.ok ? null : result.error,
        durationMs,
        occurredAt: now,
      });
      const status = updated.status;
      if (row.ticketId && (status === 'delivered' || status === 'dead')) {
        await deps.tickets.recordDeliveryOutcome(tx, {
          ticketId: row.ticketId,
          delivered: status === 'delivered',
          data: { deliveryId: row.id, announcement: row.eventType, target: target?.label ?? null, kind: row.kind, attempts: row.attempts, ...(result.ok ? {} : { error: result.error }) },
          at: now,
        });
      }
      return { kind: status === 'delivered' ? ('delivered' as const) : status === 'dead' ? ('dead' as const) : ('retrying' as const), row: updated };
    });
    if (outcome.kind === 'delivered' || outcome.kind === 'dead') {
      bus.publish({ type: `delivery.${outcome.kind}`, agency: row.agencyCode, at: now.toISOString(), data: { delivery: publicDelivery(outcome.row!) } });
    }
    return outcome.kind;
  }

  return {
    outbox,

    /**
     * Claims what is due and tries it once. The interval worker calls this; so can a test after
     * moving its clock, or an operator's script. Safe to run on several nodes at once.
     */
    async deliverDue(): Promise<DeliveryRunSummary> {
      const now = clock.now();
      const claimed = await db.transaction((tx) =>
        repo.claimDueDeliveries(tx, { now, leaseUntil: new Date(now.getTime() + leaseMs), leaseToken: randomUUID(), kinds, limit: batchSize }),
      );
      const summary: DeliveryRunSummary = { claimed: claimed.length, delivered: 0, retrying: 0, dead: 0, lost: 0 };
      // A failure here leaves the row claimed; its lease runs out and the next run tries it again.
      const outcomes = await Promise.allSettled(claimed.map((row) => attempt(row)));
      for (const outcome of outcomes) summary[outcome.status === 'fulfilled' ? outcome.value : 'lost'] += 1;
      return summary;
    },

    async listDeliveries(actor: Actor, query: { agency?: string; status?: DeliveryRow['status']; kind?: DeliveryRow['kind']; ticket?: string; limit: number; cursor?: string }) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const agencies = scopeAgencies(actor, query.agency);
      let before: { createdAt: Date; id: string } | undefined;
      if (query.cursor) {
        try {
          const [createdAt, id] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [string, string];
          before = { createdAt: new Date(createdAt), id };
          if (Number.isNaN(before.createdAt.getTime())) throw new Error('bad date');
        } catch {
          throw validation('Invalid cursor');
        }
      }
      const page = await repo.listDeliveries(db, { agencies, status: query.status, kind: query.kind, ticketRef: query.ticket, limit: query.limit, before });
      return { items: page.items.map(publicDelivery), nextCursor: page.nextCursor };
    },

    async getDelivery(actor: Actor, id: string) {
      assertRole(actor, 'supervisor', 'admin', 'agency');
      const row = await repo.findDelivery(db, id);
      if (!row) throw notFound('Delivery');
      assertCanSeeAgency(actor, row.agencyCode, 'Delivery');
      const attempts = await repo.attemptsOf(db, id);
      return {
        ...publicDelivery(row),
        payload: row.payload,
        attemptLog: attempts.map((entry) => ({
          attempt: entry.attempt,
          at: entry.occurredAt.toISOString(),
          ok: entry.ok,
          statusCode: entry.statusCode,
          error: entry.error,
          durationMs: entry.durationMs,
        })),
      };
    },

    /** A supervisor sends a dead letter again once the agency's system is back: same idempotency key, 24 fresh hours. */
    async redeliver(actor: Actor, id: string) {
      assertRole(actor, 'supervisor', 'admin');
      const now = clock.now();
      const row = await repo.findDelivery(db, id);
      if (!row) throw notFound('Delivery');
      assertCanSeeAgency(actor, row.agencyCode, 'Delivery');
      const from = row.kind === 'email' && transport.mailer ? ['dead', 'held'] : ['dead'];
      const updated = await repo.requeueDelivery(db, id, from, now, new Date(now.getTime() + GIVE_UP_MS));
      if (!updated) throw conflict(`Delivery ${id} is ${row.status}: only dead deliveries are sent again`);
      bus.publish({ type: 'delivery.requeued', agency: row.agencyCode, at: now.toISOString(), data: { delivery: publicDelivery(updated), by: actor.name } });
      return publicDelivery(updated);
    },

    async listTargets(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'supervisor', 'admin');
      const rows = await repo.listTargets(db, scopeAgencies(actor, query.agency));
      return { items: rows.map(publicTarget) };
    },

    /** Admins point an agency's queue at its office. A webhook without a secret gets a generated one, shown once. */
    async createTarget(
      actor: Actor,
      input: { agency: string; category?: Category | null; kind: 'webhook' | 'email'; label: string; url?: string; secret?: string; emailTo?: string },
    ) {
      assertRole(actor, 'admin');
      assertCanSeeAgency(actor, input.agency, 'Agency');
      if (!deps.directory.agency(input.agency)) throw notFound('Agency');
      if (input.kind === 'webhook' && !input.url) throw validation('A webhook target needs a url');
      if (input.kind === 'email' && !input.emailTo) throw validation('An e-mail target needs emailTo');
      const secret = input.kind === 'webhook' ? (input.secret ?? randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '')) : null;
      const row = await repo.insertTarget(db, {
        agencyCode: input.agency,
        category: input.category ?? null,
        kind: input.kind,
        label: input.label,
        url: input.kind === 'webhook' ? input.url : null,
        secret,
        emailTo: input.kind === 'email' ? input.emailTo : null,
        createdAt: clock.now(),
      });
      return { ...publicTarget(row), ...(secret && !input.secret ? { secret } : {}) };
    },

    async disableTarget(actor: Actor, id: string) {
      assertRole(actor, 'admin');
      const row = await repo.findTarget(db, id);
      if (!row) throw notFound('Delivery target');
      assertCanSeeAgency(actor, row.agencyCode, 'Delivery target');
      return publicTarget((await repo.deactivateTarget(db, id))!);
    },
  };
}

function payloadFor(target: DeliveryTargetRow, id: string, eventType: string, ticket: Ticket, now: Date): Record<string, unknown> {
  if (target.kind === 'email') {
    const mail = renderTicketEmail(eventType, ticket);
    return { to: target.emailTo, subject: mail.subject, text: mail.text, ticketRef: ticket.ref };
  }
  return { id, type: eventType, occurredAt: now.toISOString(), agency: ticket.agency, queue: `${ticket.agency}.${ticket.category}`, ticket };
}

export function publicDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    agency: row.agencyCode,
    ticket: row.ticketRef,
    targetId: row.targetId,
    kind: row.kind,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    giveUpAt: row.giveUpAt.toISOString(),
    lastError: row.lastError,
    lastStatusCode: row.lastStatusCode,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

export function publicTarget(row: DeliveryTargetRow) {
  return {
    id: row.id,
    agency: row.agencyCode,
    category: row.category,
    kind: row.kind,
    label: row.label,
    url: row.url,
    emailTo: row.emailTo,
    active: row.active,
    hasSecret: Boolean(row.secret),
    createdAt: row.createdAt.toISOString(),
  };
}
