import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Clock } from './domain/clock.ts';
import type { EventBus } from './domain/events.ts';
import { createEventBus } from './domain/events.ts';
import type { DatabaseHandle } from './db/client.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { maskPhone, maskPhonesInText, PHONE_LOG_PATHS } from './http/log-masking.ts';
import type { Metrics } from './http/metrics.ts';
import { createMetrics, installMetrics } from './http/metrics.ts';
import { installOpenApi } from './http/openapi.ts';
import { decorateActor } from './http/request-context.ts';
import type { AgencyDirectory } from './modules/agencies/agency-directory.ts';
import { createAgencyDirectory } from './modules/agencies/agency-directory.ts';
import { callsRoutes } from './modules/calls/calls-routes.ts';
import type { CallService } from './modules/calls/calls-service.ts';
import { createCallService } from './modules/calls/calls-service.ts';
import { twilioVoicePlugin } from '../webhooks/twilio/twilio-plugin.ts';

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
  metrics: Metrics;
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
    trustProxy: true,
    // Twilio's and the providers' requests are identified in logs by our own id, echoed back.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });

  const bus = createEventBus((error) => app.log.error({ err: error }, 'event listener failed'));
  const directory = await createAgencyDirectory(database.db);
  const calls = createCallService({ db: database.db, directory, clock, bus });
  const metrics = createMetrics({ collectDefaults: config.env !== 'test' });
  app.decorate('services', { bus, directory, calls, metrics });

  decorateActor(app);
  installErrorHandler(app);
  await installOpenApi(app);
  installMetrics(app, metrics, bus);
  healthRoutes(app, database.ping);

  await app.register(twilioVoicePlugin, {
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilio.authToken,
    holdMusicUrl: config.twilio.holdMusicUrl,
    calls,
  });
  await app.register(async (api) => {
    callsRoutes(api, calls);
  });

  return app;
}
