import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Metric } from 'prom-client';
import type { EventBus } from '../domain/events.ts';
import { AppError } from '../domain/errors.ts';
import { safeEqual } from '../modules/auth/auth-crypto.ts';
import type { EventLoopDelay } from './event-loop-delay.ts';

export const METRICS_ROUTE = '/metrics';

export type Metrics = Readonly<{ registry: Registry; webhookSeconds: Histogram<'route' | 'status'>; callsByOutcome: Counter<'agency' | 'outcome'> }>;

/** One registry per app instance, so that tests building several apps do not share counters. */
export function createMetrics(options: { collectDefaults: boolean; eventLoopDelay: EventLoopDelay }): Metrics {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry });
  registry.registerMetric(eventLoopDelayHistogram(options.eventLoopDelay));
  return {
    registry,
    webhookSeconds: new Histogram({
      name: 'centralino_webhook_duration_seconds',
      help: 'Time to answer a provider webhook (Twilio gives 15 s in total)',
      labelNames: ['route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15],
      registers: [registry],
    }),
    callsByOutcome: new Counter({
      name: 'centralino_calls_total',
      help: 'Inbound calls by the outcome they settled on',
      labelNames: ['agency', 'outcome'],
      registers: [registry],
    }),
  };
}

/**
 * `centralino_event_loop_delay_seconds` as a Prometheus histogram. prom-client's Histogram takes
 * one observation at a time, while the delay arrives as bucket counts folded from Node's monitor;
 * so this is a metric of the shape the registry reads (`get()` with the `_bucket`, `_sum` and
 * `_count` series), which is the whole of prom-client's collector interface.
 */
function eventLoopDelayHistogram(delay: EventLoopDelay): Metric {
  const name = 'centralino_event_loop_delay_seconds';
  const help = 'How late the event loop ran (perf_hooks.monitorEventLoopDelay, 10 ms timer): every webhook waits this long on top of its own work';
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => {
      const { buckets, count, sum } = delay.histogram();
      return {
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: [
          ...buckets.map(([le, value]) => ({ metricName: `${name}_bucket`, labels: { le }, value })),
          { metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: count },
          { metricName: `${name}_sum`, labels: {}, value: sum },
          { metricName: `${name}_count`, labels: {}, value: count },
        ],
      };
    },
    // Registry.resetMetrics() calls it; the counts are cumulative since start, like every histogram's.
    reset: () => {},
  };
  return metric as unknown as Metric;
}

export function installMetrics(app: FastifyInstance, metrics: Metrics, bus: EventBus, options: { token: string | undefined }): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/webhooks/')) {
      metrics.webhookSeconds.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    }
  });
  bus.subscribe((event) => {
    if (event.type !== 'call.settled') return;
    metrics.callsByOutcome.inc({ agency: event.agency ?? 'none', outcome: event.data.call.outcome });
  });
  // Per-agency call volumes are what the fees are billed from: on the public port they are served
  // only to the bearer of METRICS_TOKEN, and without one they are not there at all (the scraper
  // reads the METRICS_PORT listener instead, see metrics-listener.ts).
  app.get(METRICS_ROUTE, { schema: { hide: true } }, async (request, reply) => {
    if (!options.token) {
      reply.callNotFound();
      return reply;
    }
    if (!hasBearer(request, options.token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError('UNAUTHENTICATED', 'Metrics need the METRICS_TOKEN bearer token');
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function hasBearer(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match !== null && safeEqual(match[1], token);
}
