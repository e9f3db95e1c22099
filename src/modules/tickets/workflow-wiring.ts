import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Clock } from '../../domain/clock.ts';
import type { EventBus } from '../../domain/events.ts';
import type { Database, Executor } from '../../db/client.ts';
import { DEFAULT_PICK_RULES } from '../../domain/next-call.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { deliveryRoutes } from '../delivery/delivery-routes.ts';
import type { DeliveryService } from '../delivery/delivery-service.ts';
import { createDeliveryService } from '../delivery/delivery-service.ts';
import { postWebhook } from '../delivery/webhook-sender.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import type { CallbackService, SettledCall } from '../callbacks/callback-service.ts';
import { createCallbackService } from '../callbacks/callback-service.ts';
import { callbacksRoutes } from '../callbacks/callbacks-routes.ts';
import type { OperatorService } from '../operators/operator-service.ts';
import { createOperatorService } from '../operators/operator-service.ts';
import { operatorsRoutes } from '../operators/operators-routes.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { createTenantService } from '../tenants/tenant-service.ts';
import { tenantsRoutes } from '../tenants/tenants-routes.ts';
import type { AccessRecorder, TicketService } from './ticket-service.ts';
import { createTicketService } from './ticket-service.ts';
import { ticketsRoutes } from './tickets-routes.ts';

export type WorkflowServices = Readonly<{
  tickets: TicketService;
  deliveries: DeliveryService;
  tenants: TenantService;
  operators: OperatorService;
  callbacks: CallbackService;
}>;

/**
 * The operator's workflow after the call is answered: tickets, their delivery to the agencies'
 * offices through the outbox, tenants, operators and call-backs. One function so that buildApp
 * stays a list of modules.
 */
export function createWorkflow(deps: {
  config: Config;
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  accessLog: AccessRecorder;
  /** The one SMTP transport (null without SMTP_URL) and the one outbox runner, which the app starts. */
  mail: MailSender | null;
  outbox: OutboxRunner;
}) {
  const { config, db, clock, bus, directory } = deps;
  const deliveries = createDeliveryService({
    db,
    clock,
    bus,
    directory,
    transport: { webhook: (request) => postWebhook(request), mailer: deps.mail ?? undefined },
    outbox: deps.outbox,
  });
  const tickets = createTicketService({ db, clock, bus, directory, accessLog: deps.accessLog, outbox: deliveries.outbox });
  const tenants = createTenantService({
    db,
    clock,
    directory,
    accessLog: deps.accessLog,
    previousTickets: (agency, phones, tenantCodes) => tickets.ticketsOfCaller(agency, phones, tenantCodes),
  });
  const operators = createOperatorService({ db, clock, bus, directory });
  const callbacks = createCallbackService({ db, clock, bus, directory, dueMinutes: config.workflow.callbackDueMinutes });
  const services: WorkflowServices = { tickets, deliveries, tenants, operators, callbacks };

  return {
    services,
    /** For createCallService: the queues a softphone identity answers, and the call-back rule run in the call's transaction. */
    callHooks: {
      queuesServedBy: (identity: string, executor: Executor) => operators.queuesServedBy(identity, executor),
      afterCallChange: (executor: Executor, call: SettledCall) => callbacks.afterCallChange(executor, call),
      pickRules: { ...DEFAULT_PICK_RULES, heatingSeason: config.workflow.heatingSeason },
    },
    routes(api: FastifyInstance) {
      ticketsRoutes(api, tickets);
      deliveryRoutes(api, deliveries);
      tenantsRoutes(api, tenants);
      operatorsRoutes(api, operators);
      callbacksRoutes(api, callbacks);
    },
    /** Subscribes the presence and call-back reactions to call events, until the app closes. */
    install(app: FastifyInstance, log: FastifyBaseLogger) {
      const failed = (what: string) => (error: unknown) => log.error({ err: error }, what);
      // The softphone drives presence: bridged → on call, caller gone → wrap-up. Best effort, after the call's commit.
      const unsubscribe = bus.subscribe((event) => {
        const call = event.data.call as { callSid?: string; answeredBy?: string | null; outcome?: string } | undefined;
        if (!call?.callSid) return;
        if (event.type === 'call.bridged' && typeof event.data.operator === 'string') {
          operators.markOnCall(event.data.operator, call.callSid).catch(failed('presence update failed'));
        } else if (event.type === 'call.ended' && call.answeredBy) {
          operators.markWrapUp(call.answeredBy, call.callSid).catch(failed('presence update failed'));
        } else if (event.type === 'call.settled' && call.outcome === 'abandoned') {
          callbacks.announceFor(call.callSid).catch(failed('call-back announcement failed'));
        }
      });
      app.addHook('onClose', async () => {
        unsubscribe();
      });
    },
  };
}
