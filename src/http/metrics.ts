import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../domain/events.ts';

export type Metrics = Readonly<{ registry: Registry; webhookSeconds: Histogram<'route' | 'status'>; callsByOutcome: Counter<'agency' | 'outcome'> }>;

/** One registry per app instance, so that tests building several apps do not share counters. */
export function createMetrics(options: { collectDefaults: boolean }): Metrics {
  const registry = new Registry();
  if (options.collectDefaults) collectDefaultMetrics({ register: registry });
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

export function installMetrics(app: FastifyInstance, metrics: Metrics, bus: EventBus): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/webhooks/')) {
      metrics.webhookSeconds.observe({ route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    }
  });
  bus.subscribe((event) => {
    if (event.type !== 'call.settled') return;
    const call = event.data.call as { outcome?: string } | undefined;
    metrics.callsByOutcome.inc({ agency: event.agency ?? 'none', outcome: call?.outcome ?? 'unknown' });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
