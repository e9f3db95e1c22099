import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Clock } from '../../domain/clock.ts';
import type { EventBus } from '../../domain/events.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { deliveryRoutes } from '../delivery/delivery-routes.ts';
import type { DeliveryService } from '../delivery/delivery-service.ts';
import { createDeliveryService } from '../delivery/delivery-service.ts';
import { startDeliveryWorker } from '../delivery/delivery-worker.ts';
import type { DeliveryWorker } from '../delivery/delivery-worker.ts';
import { createSmtpMailer } from '../delivery/email-sender.ts';
import { postWebhook } from '../delivery/webhook-sender.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { tenantsRoutes } from '../tenants/tenants-routes.ts';
import type { AccessRecorder, TicketService } from './ticket-service.ts';
import { createTicketService } from './ticket-service.ts';
import { ticketsRoutes } from './tickets-routes.ts';

export type WorkflowServices = Readonly<{ tickets: TicketService; deliveries: DeliveryService; tenants: TenantService }>;

/**
 * The operator's workflow after the call is answered: tickets, their delivery to the agencies'
 * offices through the outbox, tenants, operators and call-backs. One function so that buildApp
 * stays a list of modules.
 */
export function createWorkflow(deps: { config: Config; db: Database; clock: Clock; bus: EventBus; directory: AgencyDirectory; accessLog: AccessRecorder }) {
  const { config, db, clock, bus, directory } = deps;
  const deliveries = createDeliveryService({
    db,
    clock,
    bus,
    directory,
    transport: { webhook: (request) => postWebhook(request), mailer: config.smtp.url ? createSmtpMailer(config.smtp.url, config.smtp.from) : undefined },
  });
  const tickets = createTicketService({ db, clock, bus, directory, accessLog: deps.accessLog, outbox: deliveries.outbox });
  const tenants = createTenantService({
    db,
    clock,
    directory,
    accessLog: deps.accessLog,
    previousTickets: (agency, phones, tenantCodes) => tickets.ticketsOfCaller(agency, phones, tenantCodes),
  });
  const services: WorkflowServices = { tickets, deliveries, tenants };

  return {
    services,
    routes(api: FastifyInstance) {
      ticketsRoutes(api, tickets);
      deliveryRoutes(api, deliveries);
      tenantsRoutes(api, tenants);
    },
    /** Starts the delivery worker with the app and stops it (waiting for the run in flight) on close. */
    install(app: FastifyInstance, log: FastifyBaseLogger) {
      let worker: DeliveryWorker | undefined;
      app.addHook('onReady', async () => {
        if (config.workflow.deliveryPollMs > 0) {
          worker = startDeliveryWorker({
            intervalMs: config.workflow.deliveryPollMs,
            deliverDue: () => deliveries.deliverDue(),
            onError: (error) => log.error({ err: error }, 'delivery run failed'),
          });
        }
      });
      app.addHook('onClose', async () => {
        await worker?.stop();
      });
    },
  };
}
