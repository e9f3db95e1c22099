import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { AgencyCodeParams, CannedAnswersBody, TicketRefParams, TicketReplyBody } from './email-schemas.ts';
import type { TicketReplies } from './ticket-replies.ts';
import { CannedAnswers, QueuedReply } from '../../contracts/email.ts';

export function replyRoutes(app: FastifyInstance, replies: TicketReplies): void {
  const tags = ['email'];

  app.post(
    '/api/v1/tickets/:ref/replies',
    {
      schema: docSchema({
        tags,
        summary: 'Answer the tenant by e-mail, in the ticket’s thread (staff)',
        params: TicketRefParams,
        body: TicketReplyBody,
        response: { 202: QueuedReply },
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      const body = parseInput(TicketReplyBody, request.body);
      return reply.code(202).send(await replies.reply(actor, ref, body));
    },
  );

  app.get(
    '/api/v1/agencies/:agency/canned-answers',
    { schema: docSchema({ tags, summary: 'The agency’s canned answers for e-mail replies (staff)', params: AgencyCodeParams, response: CannedAnswers }) },
    async (request) => {
      const actor = requireActor(request);
      const { agency: code } = parseInput(AgencyCodeParams, request.params, 'path');
      return replies.cannedAnswers(actor, code);
    },
  );

  app.put(
    '/api/v1/agencies/:agency/canned-answers',
    {
      schema: docSchema({
        tags,
        summary: 'Replace the agency’s canned answers (supervisors)',
        params: AgencyCodeParams,
        body: CannedAnswersBody,
        response: CannedAnswers,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      const { agency: code } = parseInput(AgencyCodeParams, request.params, 'path');
      const { answers } = parseInput(CannedAnswersBody, request.body);
      return replies.replaceCannedAnswers(actor, code, answers);
    },
  );
}
