import type { FastifyInstance } from 'fastify';
import { withTimeout } from '../util/with-timeout.ts';
import type { RecentEventLoopDelay } from './event-loop-delay.ts';

/**
 * `journalBacklog` counts voice steps answered from memory during a database outage and not yet
 * recorded: ready means the database answers, caught up means the backlog is 0 as well.
 * `eventLoopDelayMs` ({ p99, max } over the last minute) tells a node that answers but answers
 * late: every webhook waits that long on top of its own work.
 */
export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>, journalBacklog: () => number, eventLoopDelay: () => RecentEventLoopDelay): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'The database answers' } }, async (request, reply) => {
    try {
      await withTimeout(ping(), 2000);
      return { status: 'ready', journalBacklog: journalBacklog(), eventLoopDelayMs: delayFigures(eventLoopDelay()) };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', journalBacklog: journalBacklog(), eventLoopDelayMs: delayFigures(eventLoopDelay()) });
    }
  });
}

function delayFigures(recent: RecentEventLoopDelay) {
  return { p99: recent.p99, max: recent.max, windowSeconds: recent.windowSeconds };
}
