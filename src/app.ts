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
import { installDashboard } from './http/dashboard-static.ts';
import { installAuth } from './modules/auth/auth-plugin.ts';
import type { RouteTable } from './modules/auth/route-table.ts';
import { collectRoutes } from './modules/auth/route-table.ts';
import type { Worker } from './modules/module.ts';
import type { ModuleServices } from './modules/module-list.ts';
import { createModules } from './modules/module-list.ts';
import type { Realtime } from './realtime/realtime-server.ts';
import { attachRealtime } from './realtime/realtime-server.ts';
import { startClusterRelay } from './realtime/cluster-relay.ts';
import { twilioVoicePlugin } from '../webhooks/twilio/twilio-plugin.ts';
import { renderDecision } from '../webhooks/twilio/twiml.ts';
import { emailWebhooksPlugin } from '../webhooks/email/email-plugin.ts';

export type AppDeps = Readonly<{
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  /** false in tests: pino stays silent unless LOG_LEVEL asks otherwise. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Node's default process metrics (CPU, memory, GC) on /metrics; default true. prom-client's
   * collectors observe the whole process and are never released, so a process that builds many
   * apps (a test file) turns them off.
   */
  processMetrics?: boolean;
}>;

/**
 * What the app is made of, for its edges, tests and the simulator to reach: every module's
 * service (src/modules/module-list.ts) and the app's own infrastructure.
 */
export type AppServices = ModuleServices &
  Readonly<{
    bus: EventBus;
    metrics: Metrics;
    /** Every route of the app (method, url), collected as they are registered: the isolation matrix reads it. */
    routes: RouteTable;
    /** socket.io on app.server (CONTRACT §8): rooms per agency and role, sequence numbers, snapshots. */
    realtime: Realtime;
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

/**
 * Builds the whole application without listening: tests drive it with inject(). The modules come
 * from one list (src/modules/module-list.ts); this function adds what is not a module: the HTTP
 * infrastructure, the webhook adapters, the realtime layer and the dashboard.
 */
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
  const eventLoopDelay = startEventLoopDelay();
  app.addHook('onClose', async () => eventLoopDelay.stop());
  const metrics = createMetrics({ collectDefaults: deps.processMetrics ?? true, eventLoopDelay });
  const routes = collectRoutes(app);

  // The realtime layer reads the live module, and the live module's snapshot route is stamped by
  // the realtime layer: the route reaches it through this arrow, set before any request is served.
  let realtime: Realtime | undefined;
  const { modules, services } = await createModules(
    { config, db: database.db, connections: database.connections, clock, bus, log: app.log },
    { stampedSnapshot: (actor) => realtime!.snapshotFor(actor), renderVoice: (decision) => renderDecision(decision, config.publicBaseUrl) },
  );

  // Several nodes share one Postgres: events committed on one reach dashboards on the others.
  const relay = config.databaseUrl
    ? await startClusterRelay({ databaseUrl: config.databaseUrl, bus, onError: (error) => app.log.warn({ err: error }, 'cluster relay') })
    : null;
  if (relay) {
    app.addHook('onClose', async () => relay.close());
    // An administrator's change committed on another node: route the next call with it here too.
    const stopReloading = relay.subscribeRemote((event) => {
      if (event.type === 'agency.configured')
        services.directory.reload(database.db).catch((error: unknown) => app.log.error({ err: error }, 'could not reload the agency directory'));
    });
    app.addHook('onClose', async () => stopReloading());
  }
  realtime = attachRealtime(app, {
    bus,
    live: services.live,
    clock,
    authenticate: (cookie) => services.auth.actorFromCookieHeader(cookie),
    publicBaseUrl: config.publicBaseUrl,
    agencyCodes: () => services.directory.agencyCodes(),
    log: app.log,
    remote: relay ?? undefined,
  });
  app.decorate('services', { ...services, bus, metrics, routes, realtime });

  const unsubscribe = modules.flatMap((module) => (module.subscriptions ?? []).map((listener) => bus.subscribe(listener)));
  app.addHook('onClose', async () => {
    for (const stop of unsubscribe) stop();
  });
  decorateActor(app);
  // Before authentication: its onRequest hook refuses (401, 403) by throwing, which skips every
  // hook after it, and a refusal must carry the same headers as any other answer.
  installSecurityHeaders(app, { https: config.publicBaseUrl.startsWith('https:') });
  await installAuth(app, { auth: services.auth, securityLog: services.securityLog, publicBaseUrl: config.publicBaseUrl });
  installErrorHandler(app);
  closeConnectionsOfUnreadBodies(app);
  await installOpenApi(app);
  installMetrics(app, metrics, bus, { token: config.metrics.token });
  healthRoutes(
    app,
    database.ping,
    () => services.voice.backlog(),
    () => eventLoopDelay.recent(),
  );

  // The webhook adapters: providers' requests checked and translated into the modules' verbs.
  await app.register(twilioVoicePlugin, {
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilio.authToken,
    holdMusicUrl: config.twilio.holdMusicUrl,
    voice: services.voice,
    callbackDial: services.callbacks.dialFromSoftphone,
  });
  await app.register(emailWebhooksPlugin, {
    email: services.email,
    clock,
    // One secret by default; each provider's own secret when its variable is set (config.ts).
    secrets: {
      inbound: config.email.webhookSecret,
      sendgrid: config.email.sendgridPassword,
      mailgun: config.email.mailgunSigningKey,
      postmark: config.email.postmarkPassword,
    },
  });
  await app.register(async (api) => {
    for (const module of modules) module.routes?.(api);
  });
  runWorkers(
    app,
    modules.flatMap((module) => module.workers ?? []),
  );
  if (!(await installDashboard(app))) {
    app.log.warn(
      'no built dashboard in dashboard/dist: the API runs without the web screens; build them with `npm run build:dashboard` (needs the dev dependencies)',
    );
  }

  return app;
}

/**
 * THE list of background workers, from the modules in list order: each is started once the app is
 * ready (`listen` readies it before it binds; tests ready it without listening) and stopped, in
 * reverse order, when it closes. A worker that fails to stop is logged and the others still stop.
 */
export function runWorkers(app: FastifyInstance, workers: readonly Worker[]): void {
  app.addHook('onReady', async () => {
    for (const worker of workers) {
      worker.start();
      app.log.debug({ worker: worker.name }, 'worker started');
    }
  });
  app.addHook('onClose', async () => {
    for (const worker of [...workers].reverse()) {
      try {
        await worker.stop();
      } catch (error) {
        app.log.error({ err: error, worker: worker.name }, 'worker did not stop cleanly');
      }
    }
  });
}
