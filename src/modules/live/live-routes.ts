import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../domain/actor.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { LiveSnapshot, SoftphoneCall, SoftphoneHungUp, SoftphoneStatus, SoftphoneToken } from '../../contracts/live.ts';
import { HangUpBody } from './live-schemas.ts';
import type { SoftphoneService } from './softphone-service.ts';

/**
 * `snapshot` comes from the realtime layer, which stamps the live state with the event positions
 * it is consistent with; a client that fetched it over HTTP resumes its socket from there.
 */
export function liveRoutes(app: FastifyInstance, snapshot: (actor: Actor) => Promise<LiveSnapshot>, softphone: SoftphoneService): void {
  app.get(
    '/api/v1/live/snapshot',
    { schema: docSchema({ tags: ['live'], summary: "Live state: calls in progress, operators, today's figures", response: LiveSnapshot }) },
    async (request) => {
      return snapshot(requireActor(request));
    },
  );

  app.get(
    '/api/v1/softphone',
    { schema: docSchema({ tags: ['live'], summary: 'Softphone mode and the call the operator is talking to', response: SoftphoneStatus }) },
    async (request) => {
      return softphone.status(requireActor(request));
    },
  );

  app.post(
    '/api/v1/softphone/token',
    {
      schema: docSchema({
        tags: ['live'],
        summary: 'Access token for the browser Twilio Voice SDK (when the Twilio variables are set)',
        response: SoftphoneToken,
      }),
    },
    async (request, reply) => reply.header('cache-control', 'no-store').send(softphone.token(requireActor(request))),
  );

  app.post(
    '/api/v1/softphone/take-next',
    { schema: docSchema({ tags: ['live'], summary: 'Simulator (no Twilio configured): take the next waiting caller', response: SoftphoneCall }) },
    async (request) => {
      return { call: await softphone.takeNext(requireActor(request)) };
    },
  );

  app.post(
    '/api/v1/softphone/hang-up',
    { schema: docSchema({ tags: ['live'], summary: 'Simulator (no Twilio configured): end the conversation', body: HangUpBody, response: SoftphoneHungUp }) },
    async (request) => {
      const actor = requireActor(request);
      const body = parseInput(HangUpBody, request.body, 'body');
      return { call: await softphone.hangUp(actor, body.callSid) };
    },
  );
}
