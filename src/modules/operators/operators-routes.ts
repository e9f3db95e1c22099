import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { OperatorService } from './operator-service.ts';
import { OperatorListQuery, OperatorParams, OperatorQueuesBody, PresenceBody } from './operators-schemas.ts';
import { Operator, OperatorList } from '../../contracts/operators.ts';

const tags = ['operators'];

export function operatorsRoutes(app: FastifyInstance, operators: OperatorService): void {
  app.put(
    '/api/v1/operators/me/presence',
    { schema: docSchema({ tags, summary: 'Set your presence and where you work from', body: PresenceBody, response: Operator }) },
    async (request) => operators.setMyPresence(requireActor(request), parseInput(PresenceBody, request.body, 'body')),
  );

  app.get(
    '/api/v1/operators',
    { schema: docSchema({ tags, summary: 'Operators, their presence, agencies and queues', query: OperatorListQuery, response: OperatorList }) },
    async (request) => operators.listOperators(requireActor(request), parseInput(OperatorListQuery, request.query, 'query')),
  );

  app.put(
    '/api/v1/operators/:username/queues',
    {
      schema: docSchema({
        tags,
        summary: 'The queues an operator answers (empty: all of their agencies)',
        params: OperatorParams,
        body: OperatorQueuesBody,
        response: Operator,
      }),
    },
    async (request) => {
      const { username } = parseInput(OperatorParams, request.params, 'path');
      const { queues } = parseInput(OperatorQueuesBody, request.body, 'body');
      return operators.setOperatorQueues(requireActor(request), username, queues);
    },
  );
}
