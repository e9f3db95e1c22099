import type { EventBus } from '../../domain/events.ts';
import { DELIVERY_RETRY } from '../../domain/retry-policy.ts';
import type { Database, Tx } from '../../db/client.ts';
import { deliveries } from '../../db/schema/index.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { AttemptResult, FinishedAttempt, OutboxHandler } from '../outbox/outbox-runner.ts';
import * as repo from './delivery-repo.ts';
import type { DeliveryRow } from './delivery-repo.ts';
import type { DeliveryTicketTimeline } from './delivery-service.ts';
import { publicDelivery } from './delivery-view.ts';
import type { SendResult, WebhookRequest } from './webhook-sender.ts';

export type DeliveryTransport = Readonly<{
  webhook(request: WebhookRequest): Promise<SendResult>;
  /** The one SMTP transport; absent without SMTP, and e-mails to the agencies are then kept as `held`. */
  mailer?: MailSender;
}>;

/** An attempt's result, with what the attempt log and the ticket's timeline say about it. */
type DeliveryResult = AttemptResult & Readonly<{ statusCode: number | null; target: string | null }>;

const failed = (error: string, target: string | null = null): DeliveryResult => ({
  ok: false,
  error,
  statusCode: null,
  target,
  columns: { lastStatusCode: null },
});

/**
 * The outbox handlers of deliveries to the agencies' offices: a signed webhook, and an e-mail when
 * SMTP is configured. Every attempt is logged; a delivered or dead one goes on the ticket's timeline
 * and to the dashboards.
 */
export function deliveryHandlers(deps: {
  db: Database;
  bus: EventBus;
  transport: DeliveryTransport;
  tickets: DeliveryTicketTimeline;
}): OutboxHandler<typeof deliveries, DeliveryResult>[] {
  const { db, bus, transport } = deps;

  async function recorded(tx: Tx, row: DeliveryRow, attempt: FinishedAttempt<DeliveryRow, DeliveryResult>): Promise<void> {
    const { result, now } = attempt;
    await repo.insertAttempt(tx, {
      deliveryId: row.id,
      attempt: attempt.claimed.attempts,
      ok: result.ok,
      statusCode: result.statusCode,
      error: result.ok ? null : result.error,
      durationMs: attempt.durationMs,
      occurredAt: now,
    });
    if (!row.ticketId || attempt.outcome === 'retrying') return;
    await deps.tickets.recordDeliveryOutcome(tx, {
      ticketId: row.ticketId,
      delivered: attempt.outcome === 'delivered',
      data: {
        deliveryId: row.id,
        announcement: row.eventType,
        target: result.target,
        kind: row.kind,
        attempts: row.attempts,
        ...(result.ok ? {} : { error: result.error }),
      },
      at: now,
    });
  }

  function settled(row: DeliveryRow, attempt: FinishedAttempt<DeliveryRow, DeliveryResult>): void {
    if (attempt.outcome === 'retrying') return;
    bus.publish({ type: `delivery.${attempt.outcome}`, agency: row.agencyCode, at: attempt.now.toISOString(), data: { delivery: publicDelivery(row) } });
  }

  const webhook: OutboxHandler<typeof deliveries, DeliveryResult> = {
    kind: 'webhook',
    table: deliveries,
    policy: DELIVERY_RETRY,
    async attempt(row, now) {
      const target = await repo.findTarget(db, row.targetId);
      if (!target) return failed('target removed');
      if (!target.url || !target.secret) return failed('target has no URL or secret', target.label);
      const sent = await transport.webhook({
        url: target.url,
        secret: target.secret,
        body: JSON.stringify(row.payload),
        idempotencyKey: row.id,
        eventType: row.eventType,
        timestamp: String(Math.floor(now.getTime() / 1000)),
      });
      const columns = { lastStatusCode: sent.statusCode };
      return sent.ok
        ? { ok: true, statusCode: sent.statusCode, target: target.label, columns }
        : { ok: false, error: sent.error, statusCode: sent.statusCode, target: target.label, columns };
    },
    recorded,
    settled,
  };
  if (!transport.mailer) return [webhook];

  const mailer = transport.mailer;
  const email: OutboxHandler<typeof deliveries, DeliveryResult> = {
    kind: 'email',
    table: deliveries,
    policy: DELIVERY_RETRY,
    async attempt(row) {
      const target = await repo.findTarget(db, row.targetId);
      if (!target) return failed('target removed');
      if (!target.emailTo) return failed('no address', target.label);
      const mail = row.payload as { subject: string; text: string };
      try {
        await mailer({
          to: target.emailTo,
          subject: mail.subject,
          text: mail.text,
          // The receiving office's mail client can spot a redelivered message by its id.
          messageId: `<${row.id}@centralino>`,
          headers: { 'X-Centralino-Delivery': row.id },
        });
      } catch (error) {
        return failed(error instanceof Error ? error.message : String(error), target.label);
      }
      return { ok: true, statusCode: null, target: target.label, columns: { lastStatusCode: null } };
    },
    recorded,
    settled,
  };
  return [webhook, email];
}
