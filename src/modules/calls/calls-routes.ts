import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { CallService } from './calls-service.ts';
import { CallListQuery } from './calls-schemas.ts';
import { CallPage } from '../../contracts/calls.ts';

export function callsRoutes(app: FastifyInstance, calls: CallService): void {
  app.get('/api/v1/calls', { schema: docSchema({ tags: ['calls'], summary: 'Call log', query: CallListQuery, response: CallPage }) }, async (request) => {
    const actor = requireActor(request);
    const query = parseInput(CallListQuery, request.query, 'query');
    return calls.listCalls(actor, {
      agency: query.agency,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      limit: query.limit,
      cursor: query.cursor,
    });
  });
}
