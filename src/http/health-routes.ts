import type { FastifyInstance } from 'fastify';
import { Liveness, Readiness } from '../contracts/health.ts';
import { withTimeout } from '../util/with-timeout.ts';
import type { RecentEventLoopDelay } from './event-loop-delay.ts';
import { docSchema } from './openapi.ts';

/**
 * `journalBacklog` counts voice steps answered from memory during a database outage and not yet
 * recorded: ready means the database answers, caught up means the backlog is 0 as well.
 * `eventLoopDelayMs` ({ p99, max } over the last minute) tells a node that answers but answers
 * late: every webhook waits that long on top of its own work.
 */
export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>, journalBacklog: () => number, eventLoopDelay: () => RecentEventLoopDelay): void {
  app.get('/healthz', { schema: docSchema({ tags: ['health'], summary: 'The process is up', security: false, response: Liveness }) }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: docSchema({ tags: ['health'], summary: 'The database answers', security: false, response: { 200: Readiness, 503: Readiness } }) },
    async (request, reply) => {
      try {
        await withTimeout(ping(), 2000);
        return { status: 'ready', journalBacklog: journalBacklog(), eventLoopDelayMs: delayFigures(eventLoopDelay()) };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.code(503).send({ status: 'unavailable', journalBacklog: journalBacklog(), eventLoopDelayMs: delayFigures(eventLoopDelay()) });
      }
    },
  );
}

function delayFigures(recent: RecentEventLoopDelay) {
  return { p99: recent.p99, max: recent.max, windowSeconds: recent.windowSeconds };
}
