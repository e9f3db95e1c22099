import type { FastifyInstance } from 'fastify';
import { withTimeout } from '../util/with-timeout.ts';

/**
 * `journalBacklog` counts voice steps answered from memory during a database outage and not yet
 * recorded: ready means the database answers, caught up means the backlog is 0 as well.
 */
export function healthRoutes(app: FastifyInstance, ping: () => Promise<void>, journalBacklog: () => number): void {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'The database answers' } }, async (request, reply) => {
    try {
      await withTimeout(ping(), 2000);
      return { status: 'ready', journalBacklog: journalBacklog() };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', journalBacklog: journalBacklog() });
    }
  });
}
