import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { CallService } from './calls-service.ts';
import { AgencyParams, CallListQuery, CallOutcomeBody, CallSidParams, OutcomeCodesBody } from './calls-schemas.ts';
import { CallOutcomeAnswer, CallPage, OutcomeCodes } from '../../contracts/calls.ts';

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
      callSid: query.callSid?.split(','),
    });
  });

  app.post(
    '/api/v1/calls/:callSid/outcome',
    {
      schema: docSchema({
        tags: ['calls'],
        summary: "Close the call's wrap-up with an outcome code (esito)",
        params: CallSidParams,
        body: CallOutcomeBody,
        response: CallOutcomeAnswer,
      }),
    },
    async (request) => {
      const { callSid } = parseInput(CallSidParams, request.params, 'path');
      const { code } = parseInput(CallOutcomeBody, request.body, 'body');
      return { call: await calls.setCallOutcome(requireActor(request), callSid, code) };
    },
  );

  app.get(
    '/api/v1/agencies/:agency/outcome-codes',
    { schema: docSchema({ tags: ['calls'], summary: "The agency's outcome codes (its own, or the defaults)", params: AgencyParams, response: OutcomeCodes }) },
    async (request) => calls.listOutcomeCodes(requireActor(request), parseInput(AgencyParams, request.params, 'path').agency),
  );

  app.put(
    '/api/v1/agencies/:agency/outcome-codes',
    {
      schema: docSchema({
        tags: ['calls'],
        summary: "Replace the agency's outcome codes (empty: back to the defaults)",
        params: AgencyParams,
        body: OutcomeCodesBody,
        response: OutcomeCodes,
      }),
    },
    async (request) => {
      const { agency } = parseInput(AgencyParams, request.params, 'path');
      const { codes } = parseInput(OutcomeCodesBody, request.body, 'body');
      return calls.replaceOutcomeCodes(requireActor(request), agency, codes);
    },
  );
}
