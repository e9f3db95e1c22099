import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { CallbackService } from './callback-service.ts';
import { CallbackListQuery, CallbackOutcomeBody, CallbackParams } from './callbacks-schemas.ts';
import { Callback, CallbackDetail, CallbackDial, CallbackPage } from '../../contracts/callbacks.ts';

const tags = ['callbacks'];

export function callbacksRoutes(app: FastifyInstance, callbacks: CallbackService): void {
  app.get(
    '/api/v1/callbacks',
    { schema: docSchema({ tags, summary: 'Callers owed a call back, soonest due first', query: CallbackListQuery, response: CallbackPage }) },
    async (request) => callbacks.listCallbacks(requireActor(request), parseInput(CallbackListQuery, request.query, 'query')),
  );

  app.get(
    '/api/v1/callbacks/:id',
    { schema: docSchema({ tags, summary: 'One call-back task with its attempts', params: CallbackParams, response: CallbackDetail }) },
    async (request) => {
      const { id } = parseInput(CallbackParams, request.params, 'path');
      return callbacks.getCallback(requireActor(request), id);
    },
  );

  app.post(
    '/api/v1/callbacks/:id/take',
    { schema: docSchema({ tags, summary: 'Take the task before dialling; 409 if someone took it first', params: CallbackParams, response: Callback }) },
    async (request) => {
      const { id } = parseInput(CallbackParams, request.params, 'path');
      return callbacks.takeCallback(requireActor(request), id);
    },
  );

  app.post(
    '/api/v1/callbacks/:id/dial',
    {
      schema: docSchema({
        tags,
        summary: 'Start a call back from the browser softphone: the params to pass to connect (the voice URL checks them again)',
        params: CallbackParams,
        response: CallbackDial,
      }),
    },
    async (request) => {
      const { id } = parseInput(CallbackParams, request.params, 'path');
      return callbacks.prepareDial(requireActor(request), id);
    },
  );

  app.post(
    '/api/v1/callbacks/:id/outcome',
    { schema: docSchema({ tags, summary: 'Record how the call back went', params: CallbackParams, body: CallbackOutcomeBody, response: Callback }) },
    async (request) => {
      const { id } = parseInput(CallbackParams, request.params, 'path');
      return callbacks.recordOutcome(requireActor(request), id, parseInput(CallbackOutcomeBody, request.body, 'body'));
    },
  );
}
