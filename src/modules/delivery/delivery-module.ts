import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore, Worker } from '../module.ts';
import { deliveryRoutes } from './delivery-routes.ts';
import type { DeliveryTicketTimeline } from './delivery-service.ts';
import { createDeliveryService } from './delivery-service.ts';
import type { DeliveryWorker } from './delivery-worker.ts';
import { startDeliveryWorker } from './delivery-worker.ts';
import { createSmtpMailer } from './email-sender.ts';
import { postWebhook } from './webhook-sender.ts';

/**
 * Tickets delivered to the agencies' offices (signed webhooks, e-mail) through a transactional
 * outbox: the tickets module writes the rows in its own transaction (`ports.ticketOutbox`), the
 * worker sends them with retries, and each outcome goes on the ticket's timeline (`deps.tickets`).
 */
export function createDeliveryModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & { directory: AgencyDirectory; tickets: DeliveryTicketTimeline }) {
  const { config, log } = deps;
  const deliveries = createDeliveryService({
    ...deps,
    transport: { webhook: (request) => postWebhook(request), mailer: config.smtp.url ? createSmtpMailer(config.smtp.url, config.smtp.from) : undefined },
  });
  const workers: Worker[] = [];
  if (config.workflow.deliveryPollMs > 0) {
    let worker: DeliveryWorker | undefined;
    workers.push({
      name: 'delivery',
      start() {
        worker = startDeliveryWorker({
          intervalMs: config.workflow.deliveryPollMs,
          deliverDue: () => deliveries.deliverDue(),
          onError: (error) => log.error({ err: error }, 'delivery run failed'),
        });
      },
      // Waits for the run in flight, so nothing is cut off mid-commit.
      stop: async () => worker?.stop(),
    });
  }
  return {
    name: 'delivery',
    service: deliveries,
    routes: (api) => deliveryRoutes(api, deliveries),
    workers,
    ports: { ticketOutbox: deliveries.outbox },
  } satisfies AppModule;
}
