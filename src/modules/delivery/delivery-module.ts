import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { MailSender, MailSenderWithReceipt } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import { deliveryRoutes } from './delivery-routes.ts';
import type { DeliveryTicketTimeline } from './delivery-service.ts';
import { createDeliveryService } from './delivery-service.ts';
import { createDeliveryTargetsService } from './delivery-targets-service.ts';
import { postWebhook } from './webhook-sender.ts';

/**
 * Tickets delivered to the agencies' offices (signed webhooks, e-mail) through the one outbox: the
 * tickets module writes the rows in its own transaction (`ports.ticketOutbox`), the outbox runner
 * sends them through the handlers registered here, and each outcome goes on the ticket's timeline
 * (`deps.tickets`). Administrators set where each agency's tickets go (`targets`, audited) and
 * send a test delivery to see what the endpoint answers.
 */
export function createDeliveryModule(
  deps: Pick<ModuleCore, 'db' | 'clock' | 'bus'> & {
    directory: AgencyDirectory;
    tickets: DeliveryTicketTimeline;
    outbox: OutboxRunner;
    mail: MailSender | null;
    mailWithReceipt: MailSenderWithReceipt | null;
    audit: AuditPort;
  },
) {
  const deliveries = createDeliveryService({
    ...deps,
    transport: { webhook: (request) => postWebhook(request), mailer: deps.mail ?? undefined },
    outbox: deps.outbox,
  });
  const targets = createDeliveryTargetsService({ ...deps, mailWithReceipt: deps.mailWithReceipt });
  return {
    name: 'delivery',
    service: deliveries,
    routes: (api) => deliveryRoutes(api, deliveries, targets),
    ports: { ticketOutbox: deliveries.outbox },
  } satisfies AppModule;
}
