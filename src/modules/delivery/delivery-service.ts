import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { DELIVERY_RETRY, giveUpAtFor } from '../../domain/retry-policy.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { OutboxRunner, OutboxRunSummary } from '../outbox/outbox-runner.ts';
import { createOutboxRunner } from '../outbox/outbox-runner.ts';
import type { TicketOutbox } from '../tickets/ticket-outbox.ts';
import type { Ticket } from '../tickets/ticket-view.ts';
import * as repo from './delivery-repo.ts';
import type { DeliveryRow, DeliveryTargetRow } from './delivery-repo.ts';
import type { DeliveryTransport } from './delivery-handlers.ts';
import { deliveryHandlers } from './delivery-handlers.ts';
import { publicDelivery } from './delivery-view.ts';
import { renderTicketEmail } from './ticket-email.ts';
import { categoryLabelIt } from '../../domain/categories.ts';

export type { DeliveryTransport } from './delivery-handlers.ts';

/**
 * The tickets module's side: a delivery that succeeded or died is written on its ticket's timeline,
 * in the transaction that records the outcome.
 */
export type DeliveryTicketTimeline = Readonly<{
  recordDeliveryOutcome(tx: Executor, entry: { ticketId: string; delivered: boolean; data: Record<string, unknown>; at: Date }): Promise<void>;
}>;

export type DeliveryServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  transport: DeliveryTransport;
  tickets: DeliveryTicketTimeline;
  /** The app's outbox runner, on which the delivery handlers are registered; without one the service has its own. */
  outbox?: OutboxRunner;
  /** For a runner of its own: how long a claimed delivery is this worker's; past it another worker may claim it again. */
  leaseSeconds?: number;
  batchSize?: number;
}>;

export type DeliveryRunSummary = OutboxRunSummary;

export type DeliveryService = ReturnType<typeof createDeliveryService>;

/** The deadline of a delivery written, or sent again, at `now`. */
const giveUpAt = (now: Date) => giveUpAtFor(DELIVERY_RETRY, now)!;

export function createDeliveryService(deps: DeliveryServiceDeps) {
  const { db, clock, bus, transport } = deps;
  const runner = deps.outbox ?? createOutboxRunner({ db, clock, leaseSeconds: deps.leaseSeconds, batchSize: deps.batchSize });
  const handlers = deliveryHandlers({ db, bus, transport, tickets: deps.tickets });
  for (const handler of handlers) runner.register(handler);
  const kinds = handlers.map((handler) => handler.kind);

  const outbox: TicketOutbox = {
    async enqueue(tx, { ticketId, ticket, eventId, eventType, now }) {
      const targets = await repo.targetsForTicket(tx, ticket.agency, { portfolioId: ticket.portfolio, category: ticket.category });
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
          payload: payloadFor(target, id, eventType, ticket, now, categoryLabelIt(deps.directory.agency(ticket.agency)?.categories ?? [], ticket.category)),
          status: isHeldMail ? ('held' as const) : ('pending' as const),
          nextAttemptAt: now,
          giveUpAt: giveUpAt(now),
          createdAt: now,
          updatedAt: now,
        };
      });
      await repo.insertDeliveries(tx, rows);
    },
  };

  return {
    outbox,

    /**
     * One pass of the outbox runner over the deliveries: claims what is due and tries it once. The
     * runner's poll does this; so can a test after moving its clock, or an operator's script. Safe
     * to run on several nodes at once.
     */
    deliverDue(): Promise<DeliveryRunSummary> {
      return runner.runDue(kinds);
    },

    async listDeliveries(
      actor: Actor,
      query: { agency?: string; status?: DeliveryRow['status']; kind?: DeliveryRow['kind']; ticket?: string; limit: number; cursor?: string },
    ) {
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
      const updated = await repo.requeueDelivery(db, id, from, now, giveUpAt(now));
      if (!updated) throw conflict(`Delivery ${id} is ${row.status}: only dead deliveries are sent again`);
      bus.publish({ type: 'delivery.requeued', agency: row.agencyCode, at: now.toISOString(), data: { delivery: publicDelivery(updated), by: actor.name } });
      return publicDelivery(updated);
    },
  };
}

function payloadFor(target: DeliveryTargetRow, id: string, eventType: string, ticket: Ticket, now: Date, categoryLabel: string): Record<string, unknown> {
  if (target.kind === 'email') {
    const mail = renderTicketEmail(eventType, ticket, categoryLabel);
    return { to: target.emailTo, subject: mail.subject, text: mail.text, ticketRef: ticket.ref };
  }
  return { id, type: eventType, occurredAt: now.toISOString(), agency: ticket.agency, queue: `${ticket.agency}.${ticket.category}`, ticket };
}
