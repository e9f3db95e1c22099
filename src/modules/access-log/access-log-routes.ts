import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { accessLogCsv } from './access-log-csv.ts';
import type { AccessLog } from './access-log-service.ts';
import { AccessLogQuery } from './access-log-schemas.ts';

export function accessLogRoutes(app: FastifyInstance, accessLog: AccessLog): void {
  app.get(
    '/api/v1/access-log',
    { schema: docSchema({ tags: ['access log'], summary: 'Processor access log of an agency (JSON or CSV)', query: AccessLogQuery }) },
    async (request, reply) => {
      const actor = requireActor(request);
      const query = parseInput(AccessLogQuery, request.query, 'query');
      const items = await accessLog.exportEntries(actor, {
        agency: query.agency,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? endOf(query.to) : undefined,
      });
      if (query.format === 'csv') {
        const name = `access-log-${query.agency ?? 'all'}.csv`;
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(accessLogCsv(items));
      }
      return { items };
    },
  );
}

/** A date alone means the whole (UTC) day, included; a date-time is an exclusive bound. */
function endOf(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(Date.parse(`${value}T00:00:00Z`) + 24 * 60 * 60_000) : new Date(value);
}
