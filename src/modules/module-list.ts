import type { Actor } from '../domain/actor.ts';
import type { LiveSnapshot } from '../contracts/live.ts';
import { createAccessLogModule } from './access-log/access-log-module.ts';
import { createAdminModule } from './admin/admin-module.ts';
import { createAgenciesModule } from './agencies/agencies-module.ts';
import { createAuditModule } from './audit/audit-module.ts';
import { createAuthModule } from './auth/auth-module.ts';
import { createCallbacksModule } from './callbacks/callbacks-module.ts';
import { createCallsModule } from './calls/calls-module.ts';
import type { RenderVoice } from './calls/voice-preview.ts';
import { createDeliveryModule } from './delivery/delivery-module.ts';
import { createEmailModule } from './email/email-module.ts';
import type { IncidentsModule } from './incidents/incidents-module.ts';
import { createIncidentsModule } from './incidents/incidents-module.ts';
import { createLiveModule } from './live/live-module.ts';
import type { AppModule, ModuleCore } from './module.ts';
import { createOperatorsModule } from './operators/operators-module.ts';
import { createOutboxModule } from './outbox/outbox-module.ts';
import { createPrivacyModule } from './privacy/privacy-module.ts';
import { createReportMailModule } from './report-mail/report-mail-module.ts';
import { createReportsModule } from './reports/reports-module.ts';
import { createTenantsModule } from './tenants/tenants-module.ts';
import type { TicketsModule } from './tickets/tickets-module.ts';
import { createTicketsModule } from './tickets/tickets-module.ts';

/** What the modules need from outside src/modules: the realtime layer is attached to the server after them. */
export type ModuleEdges = Readonly<{
  stampedSnapshot: (actor: Actor) => Promise<LiveSnapshot>;
  /** The Twilio adapter's TwiML renderer: the calls module's voice preview shows what it would answer. */
  renderVoice: RenderVoice;
}>;

/**
 * THE list of modules, in dependency order: each line creates one module and hands it the ports
 * of those it needs. The app registers every module's routes, subscriptions and workers from the
 * list, in this order (workers stop in reverse). Adding a module: one folder with its
 * `createXModule(deps)`, one line here.
 *
 * Two pairs of modules need each other (tickets and tenants: the screen pop shows earlier tickets,
 * a ticket copies the tenant; tickets and delivery: a ticket change writes its delivery, a delivery
 * writes its outcome on the ticket), and call-backs ask tickets which numbers a softphone may dial. The earlier one reaches the later one's port through an arrow,
 * which runs only once the list is complete (the later module's type is written out, so that the
 * compiler need not infer it from itself).
 */
export async function createModules(core: ModuleCore, edges: ModuleEdges) {
  const list: AppModule[] = [];
  const add = <M extends AppModule>(module: M): M => {
    list.push(module);
    return module;
  };

  const agencies = add(await createAgenciesModule(core));
  const accessLog = add(createAccessLogModule(core));
  const auth = add(createAuthModule(core));
  const audit = add(createAuditModule(core));
  const admin = add(createAdminModule({ ...core, directory: agencies.service, auth: auth.service, audit: audit.ports }));
  const operators = add(createOperatorsModule({ ...core, directory: agencies.service, audit: audit.ports }));
  const callbacks = add(
    createCallbacksModule({
      ...core,
      directory: agencies.service,
      actorOfSoftphone: auth.service.actorOfSoftphone,
      tickets: {
        ofRef: (...query) => tickets.ports.dialTargets.ofRef(...query),
        latestOfPhone: (...query) => tickets.ports.dialTargets.latestOfPhone(...query),
      },
    }),
  );
  const reports = add(createReportsModule({ ...core, directory: agencies.service }));
  const outbox = add(createOutboxModule(core));
  const calls = add(
    await createCallsModule({
      ...core,
      directory: agencies.service,
      accessLog: accessLog.service,
      queuesServedBy: operators.ports.queuesServedBy,
      mayTakeCall: operators.ports.mayTakeCall,
      operatorLegEnded: operators.ports.operatorLegEnded,
      wrapUpDone: operators.ports.endWrapUp,
      reconcilePresence: operators.ports.reconcilePresence,
      afterCallChange: [reports.ports.afterCallChange, callbacks.ports.afterCallChange],
      renderVoice: edges.renderVoice,
      preMenu: (...query) => incidents.ports.preMenu(...query),
      reportFromCall: (...report) => incidents.ports.reportFromCall(...report),
    }),
  );
  const tenants = add(
    createTenantsModule({
      ...core,
      directory: agencies.service,
      accessLog: accessLog.service,
      calls: calls.ports.callLookup,
      portfolios: agencies.ports.portfolios,
      previousTickets: (...query) => tickets.ports.callerHistory(...query),
    }),
  );
  const deliveries = add(
    createDeliveryModule({
      ...core,
      directory: agencies.service,
      tickets: { recordDeliveryOutcome: (...outcome) => tickets.ports.timeline.recordDeliveryOutcome(...outcome) },
      outbox: outbox.ports.runner,
      mail: outbox.ports.mail,
      mailWithReceipt: outbox.ports.mailWithReceipt,
      audit: audit.ports,
    }),
  );
  const tickets: TicketsModule = add(
    createTicketsModule({
      ...core,
      directory: agencies.service,
      accessLog: accessLog.service,
      calls: calls.ports.callLookup,
      tenants: tenants.ports.lookup,
      portfolios: agencies.ports.portfolios,
      outbox: deliveries.ports.ticketOutbox,
    }),
  );
  const email = add(
    createEmailModule({
      ...core,
      directory: agencies.service,
      tickets: tickets.service,
      accessLog: accessLog.service,
      outbox: outbox.ports.runner,
      mail: outbox.ports.mail,
    }),
  );
  const incidents: IncidentsModule = add(
    createIncidentsModule({
      ...core,
      directory: agencies.service,
      audit: audit.ports,
      tickets: { openWithin: tickets.service.openWithin, closeWithin: tickets.service.closeWithin },
      notifyTenant: email.ports.tenantNotice,
    }),
  );
  const live = add(
    createLiveModule({
      ...core,
      directory: agencies.service,
      operators: operators.service,
      dayTotals: reports.ports.dayTotals,
      calls: calls.service,
      stampedSnapshot: edges.stampedSnapshot,
      incidentsToday: (agency, since) => incidents.service.openSummary([agency], since),
    }),
  );
  const reportMail = add(
    createReportMailModule({
      ...core,
      directory: agencies.service,
      reports: reports.service,
      audit: audit.ports,
      accessLog: accessLog.service,
      outbox: outbox.ports.runner,
      mail: outbox.ports.mail,
    }),
  );
  const privacy = add(createPrivacyModule({ ...core, directory: agencies.service, accessLog: accessLog.service, emailBytes: email.ports.bytes }));

  return {
    modules: list as readonly AppModule[],
    /** What the app, its edges (webhooks, realtime), tests and the simulator reach: `app.services`. */
    services: {
      directory: agencies.service,
      accessLog: accessLog.service,
      auth: auth.service,
      securityLog: auth.ports.securityLog,
      admin: admin.service,
      operators: operators.service,
      callbacks: callbacks.service,
      reports: reports.service,
      reportMail: reportMail.service,
      calls: calls.service,
      voice: calls.ports.voice,
      tenants: tenants.service,
      deliveries: deliveries.service,
      outbox: outbox.service,
      tickets: tickets.service,
      email: email.service,
      emailParser: email.ports.parser,
      live: live.service,
      privacy: privacy.service,
      incidents: incidents.service,
    },
  };
}

export type ModuleServices = Awaited<ReturnType<typeof createModules>>['services'];
