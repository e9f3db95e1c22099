import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Clock } from './domain/clock.ts';
import type { EventBus } from './domain/events.ts';
import { createEventBus } from './domain/events.ts';
import type { DatabaseHandle } from './db/client.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { closeConnectionsOfUnreadBodies } from './http/close-unread-bodies.ts';
import { serverLimits } from './http/server-limits.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { healthRoutes } from './http/health-routes.ts';
import { maskPhone, maskPhonesInText, PHONE_LOG_PATHS } from './http/log-masking.ts';
import type { Metrics } from './http/metrics.ts';
import { createMetrics, installMetrics } from './http/metrics.ts';
import { startEventLoopDelay } from './http/event-loop-delay.ts';
import { installOpenApi } from './http/openapi.ts';
import { decorateActor } from './http/request-context.ts';
import type { AgencyDirectory } from './modules/agencies/agency-directory.ts';
import { createAgencyDirectory } from './modules/agencies/agency-directory.ts';
import { callsRoutes } from './modules/calls/calls-routes.ts';
import type { CallService } from './modules/calls/calls-service.ts';
import { createCallService } from './modules/calls/calls-service.ts';
import { createCallRollup } from './modules/reports/call-rollup.ts';
import { reportsRoutes } from './modules/reports/reports-routes.ts';
import type { ReportService } from './modules/reports/reports-service.ts';
import { createReportService } from './modules/reports/reports-service.ts';
import type { ResilientVoice } from './modules/calls/resilient-voice.ts';
import { createResilientVoice } from './modules/calls/resilient-voice.ts';
import { openDurableJournal } from './modules/calls/step-journal.ts';
import type { VoiceStep } from './modules/calls/voice-steps.ts';
import path from 'node:path';
import { SYSTEM_ACTOR } from './domain/actor.ts';
import { installDashboard } from './http/dashboard-static.ts';
import { liveRoutes } from './modules/live/live-routes.ts';
import type { LiveService } from './modules/live/live-service.ts';
import { createLiveService } from './modules/live/live-service.ts';
import { createSoftphoneService } from './modules/live/softphone-service.ts';
import type { Realtime } from './realtime/realtime-server.ts';
import { attachRealtime } from './realtime/realtime-server.ts';
import { startClusterRelay } from './realtime/cluster-relay.ts';
import { twilioVoicePlugin } from '../webhooks/twilio/twilio-plugin.ts';
import { emailWebhooksPlugin } from '../webhooks/email/email-plugin.ts';
import { createSmtpSender } from './modules/outbox/mail-sender.ts';
import type { OutboxRunner } from './modules/outbox/outbox-runner.ts';
import { createOutboxRunner } from './modules/outbox/outbox-runner.ts';
import { emailRoutes } from './modules/email/email-routes.ts';
import type { EmailService } from './modules/email/email-service.ts';
import { createEmailService } from './modules/email/email-service.ts';
import type { EmailParsePool } from './modules/email/parse-pool.ts';
import { createParsePool } from './modules/email/parse-pool.ts';
import type { DeliveryService } from './modules/delivery/delivery-service.ts';
import type { TenantService } from './modules/tenants/tenant-service.ts';
import type { OperatorService } from './modules/operators/operator-service.ts';
import type { CallbackService } from './modules/callbacks/callback-service.ts';
import type { TicketService } from './modules/tickets/ticket-service.ts';
import { createWorkflow } from './modules/tickets/workflow-wiring.ts';
import type { AccessLog } from './modules/access-log/access-log-service.ts';
import { createAccessLog } from './modules/access-log/access-log-service.ts';
import { accessLogRoutes } from './modules/access-log/access-log-routes.ts';
import { adminRoutes } from './modules/admin/admin-routes.ts';
import { installAuth } from './modules/auth/auth-plugin.ts';
import { authRoutes } from './modules/auth/auth-routes.ts';
import type { AuthService } from './modules/auth/auth-service.ts';
import { createAuthService } from './modules/auth/auth-service.ts';
import type { RouteTable } from './modules/auth/route-table.ts';
import { collectRoutes } from './modules/auth/route-table.ts';
import { createSecurityLog } from './modules/auth/security-log.ts';
import { resolveSessionSecret } from './modules/auth/session-secret.ts';
import type { PrivacyService } from './modules/privacy/privacy-service.ts';
import { createPrivacyService } from './modules/privacy/privacy-service.ts';
import { privacyRoutes } from './modules/privacy/privacy-routes.ts';
import { startRetentionWorker } from './modules/privacy/retention-worker.ts';

export type AppDeps = Readonly<{
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  /** false in tests: pino stays silent unless LOG_LEVEL asks otherwise. */
  logger?: FastifyServerOptions['logger'];
}>;

/** What the app is made of, for tests, the simulator and the composition root to reach. */
export type AppServices = Readonly<{
  bus: EventBus;
  directory: AgencyDirectory;
  calls: CallService;
  /** The voice webhooks' path: database first, memory and a durable journal when it is away. */
  voice: ResilientVoice;
  /** Tickets (segnalazioni): createTicket, getTicket, listTickets, changeTicket, addTicketMessage, … */
  tickets: TicketService;
  /** The transactional outbox towards the agencies' offices; `deliverDue()` runs one pass over deliveries. */
  deliveries: DeliveryService;
  /** The one outbox runner: acknowledgements, ticket e-mails and webhooks, each a handler registered for its kind. */
  outbox: OutboxRunner;
  /** Tenant registries per agency and the caller-ID screen pop. */
  tenants: TenantService;
  /** Operators' presence and location, the agencies and queues they answer. */
  operators: OperatorService;
  /** Call-backs owed to callers who gave up in the queue. */
  callbacks: CallbackService;
  /** Inbound e-mail: receive (store, parse, route, thread, ticket), quarantine, attachments, acknowledgements. */
  email: EmailService;
  /** The worker threads that parse inbound mail, within a time and memory budget per message. */
  emailParser: EmailParsePool;
  metrics: Metrics;
  /** Sessions, API tokens, login; `actorFromCookieHeader` authenticates socket.io handshakes. */
  auth: AuthService;
  /** The processor access log: `record(actor, { agency, resource, resourceId?, action, fields? })`. */
  accessLog: AccessLog;
  /** Every route of the app (method, url), collected as they are registered: the isolation matrix reads it. */
  routes: RouteTable;
  /** The live read model behind the dashboard: snapshot(actor), agencyToday(code). */
  live: LiveService;
  /** socket.io on app.server (CONTRACT §8): rooms per agency and role, sequence numbers, snapshots. */
  realtime: Realtime;
  /** Call-volume reports, the 36-month trend and quarterly statements (rollup of sealed days + raw today). */
  reports: ReportService;
  /** GDPR: retention (`applyRetention(now)`), data-subject export/erasure, agency export and end-of-contract deletion, receipts. */
  privacy: PrivacyService;
}>;

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: PHONE_LOG_PATHS, censor: (value) => (typeof value === 'string' ? maskPhone(value) : value) },
    serializers: {
      req: (request: { method: string; url: string; id: string }) => ({ method: request.method, url: maskPhonesInText(request.url), id: request.id }),
    },
  };
}

/** Builds the whole application without listening: tests drive it with inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, clock } = deps;
  const app = Fastify({
    logger: deps.logger ?? false,
    // Only the proxies the operator names are believed about the client's address (login throttling).
    trustProxy: config.trustProxy,
    // Twilio's and the providers' requests are identified in logs by our own id, echoed back.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Body limits, timeouts and keep-alive: no client holds a connection or memory for long.
    ...serverLimits(config.http),
  });

  const bus = createEventBus((error) => app.log.error({ err: error }, 'event listener failed'));
  const directory = await createAgencyDirectory(database.db);
  const accessLog = createAccessLog({ db: database.db, clock });
  const rollup = createCallRollup({ directory, clock });
  // One SMTP transport and one outbox runner for every outgoing message; modules register their handlers on it.
  const mail = config.smtp.url ? createSmtpSender(config.smtp.url, config.smtp.from) : null;
  const outbox = createOutboxRunner({ db: database.db, clock, onError: (error) => app.log.error({ err: error }, 'outbox run failed') });
  const workflow = createWorkflow({ config, db: database.db, clock, bus, directory, accessLog, mail, outbox });
  const { tickets, deliveries, tenants, operators, callbacks } = workflow.services;
  const calls = createCallService({
    db: database.db,
    directory,
    clock,
    bus,
    accessLog,
    // Two overlapping commits keep the node busy while one waits for its fsync; the rest of the pool serves everything else.
    incomingWritesInFlight: Math.min(2, database.connections),
    queuesServedBy: workflow.callHooks.queuesServedBy,
    pickRules: workflow.callHooks.pickRules,
    // Both run inside the call's own transaction: the day's rollup, and the call-back owed to an abandoned caller.
    afterCallChange: async (executor, call) => {
      await rollup.afterCallChange(executor, call);
      await workflow.callHooks.afterCallChange(executor, call);
    },
  });
  const reports = createReportService({ db: database.db, directory, clock, bus, rollup });
  // Parsing mail is CPU work that must never hold the thread answering calls: worker threads do it.
  const emailParser = createParsePool(config.email.parse);
  const email = createEmailService({
    db: database.db,
    clock,
    bus,
    directory,
    tickets,
    parse: (raw) => emailParser.parse(raw),
    recordAccess: (actor, entry) => accessLog.record(actor, entry),
    send: mail,
    outbox,
    onBackgroundError: (error) => app.log.error({ err: error }, 'e-mail background work failed'),
  });
  const eventLoopDelay = startEventLoopDelay();
  app.addHook('onClose', async () => eventLoopDelay.stop());
  const metrics = createMetrics({ collectDefaults: config.env !== 'test', eventLoopDelay });
  const routes = collectRoutes(app);
  const securityLog = createSecurityLog({ db: database.db, clock, log: () => app.log });
  const auth = createAuthService({ db: database.db, clock, secret: resolveSessionSecret(config), securityLog });
  const journal = await openDurableJournal<VoiceStep>(path.join(config.dataDir, 'journal', 'voice-steps.jsonl'));
  const voice = createResilientVoice({ calls, directory, journal, clock, bus, log: app.log });
  app.addHook('onClose', async () => voice.close());
  const live = createLiveService({
    db: database.db,
    directory,
    clock,
    operators,
    dayTotals: async (agency, day) => (await reports.callReport(SYSTEM_ACTOR, { agency, from: day, to: day })).totals,
  });
  // Several nodes share one Postgres: events committed on one reach dashboards on the others.
  const relay = config.databaseUrl
    ? await startClusterRelay({ databaseUrl: config.databaseUrl, bus, onError: (error) => app.log.warn({ err: error }, 'cluster relay') })
    : null;
  if (relay) app.addHook('onClose', async () => relay.close());
  const realtime = attachRealtime(app, {
    bus,
    live,
    clock,
    authenticate: (cookie) => auth.actorFromCookieHeader(cookie),
    publicBaseUrl: config.publicBaseUrl,
    agencyCodes: () => directory.agencyCodes(),
    log: app.log,
    remote: relay ?? undefined,
  });
  const { accountSid, apiKey, apiSecret, twimlAppSid } = config.twilio;
  const softphone = createSoftphoneService({
    db: database.db,
    calls,
    clock,
    twilio: accountSid && apiKey && apiSecret && twimlAppSid ? { accountSid, apiKey, apiSecret, twimlAppSid } : null,
  });
  const privacy = createPrivacyService({ db: database.db, clock, directory, accessLog, log: app.log });
  app.decorate('services', { bus, directory, calls, voice, tickets, deliveries, outbox, tenants, operators, callbacks, email, emailParser, metrics, auth, accessLog, routes, live, realtime, reports, privacy });

  workflow.install(app, app.log);
  decorateActor(app);
  // Before authentication: its onRequest hook refuses (401, 403) by throwing, which skips every
  // hook after it, and a refusal must carry the same headers as any other answer.
  installSecurityHeaders(app, { https: config.publicBaseUrl.startsWith('https:') });
  await installAuth(app, { auth, securityLog, publicBaseUrl: config.publicBaseUrl });
  installErrorHandler(app);
  closeConnectionsOfUnreadBodies(app);
  await installOpenApi(app);
  installMetrics(app, metrics, bus, { token: config.metrics.token });
  healthRoutes(app, database.ping, () => voice.backlog(), () => eventLoopDelay.recent());

  await app.register(twilioVoicePlugin, {
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilio.authToken,
    holdMusicUrl: config.twilio.holdMusicUrl,
    voice,
  });
  await app.register(emailWebhooksPlugin, {
    email,
    clock,
    // One secret by default; dedicated provider secrets can be wired here from config when set.
    secrets: { inbound: config.email.webhookSecret, sendgrid: config.email.sendgridPassword, mailgun: config.email.mailgunSigningKey, postmark: config.email.postmarkPassword },
  });
  // Mail stored but not filed when the process stopped is filed now, without delaying readiness.
  // A lease left by a crashed worker runs out after two minutes: the sweep files such mail too.
  // The same beat removes e-mail bytes no row names any more (deleted rows, crashed writes).
  let emailSweep: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    const sweep = () => {
      void email.reprocessPending().catch((error) => app.log.error({ err: error }, 'reprocessing stored e-mail failed'));
      void email.sweepBytes().catch((error) => app.log.error({ err: error }, 'removing loose e-mail bytes failed'));
    };
    sweep();
    emailSweep = setInterval(sweep, 60_000).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(emailSweep);
    await email.idle();
    await emailParser.close();
  });
  // The outbox polls every DELIVERY_POLL_MS (0: only woken passes and deliverDue() by hand); closing waits for the pass in flight.
  app.addHook('onReady', async () => outbox.start(config.workflow.deliveryPollMs));
  app.addHook('onClose', async () => outbox.stop());
  let retention: ReturnType<typeof startRetentionWorker> | undefined;
  app.addHook('onReady', async () => {
    if (config.retentionIntervalMs > 0) {
      retention = startRetentionWorker({ apply: () => privacy.applyRetention(), log: app.log, intervalMs: config.retentionIntervalMs });
    }
  });
  app.addHook('onClose', async () => retention?.stop());
  await app.register(async (api) => {
    callsRoutes(api, calls);
    workflow.routes(api);
    authRoutes(api, auth, { publicBaseUrl: config.publicBaseUrl });
    accessLogRoutes(api, accessLog);
    adminRoutes(api, { db: database.db, clock, directory, auth });
    emailRoutes(api, email);
    liveRoutes(api, realtime.snapshotFor, softphone);
    reportsRoutes(api, reports);
    privacyRoutes(api, privacy);
  });
  await installDashboard(app);

  return app;
}
