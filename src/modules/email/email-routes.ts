import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { AssignQuarantinedBody, AttachmentParams, EmailIdParams, QuarantineListQuery, TicketEmailsQuery } from './email-schemas.ts';
import type { EmailService } from './email-service.ts';
import { binaryAnswer } from '../../contracts/common.ts';
import { EmailDetail, EmailSummary, QuarantineAssigned, QuarantinePage, TicketEmails } from '../../contracts/email.ts';

/**
 * `attachment` always: a download is never displayed inline by the dashboard's origin. The bytes
 * stream from the database chunk by chunk as the client takes them: no 25 MB buffer, no statement
 * proportional to the file.
 */
function sendDownload(reply: FastifyReply, file: { filename: string; contentType: string; size: number; content: AsyncIterable<Buffer> }) {
  const ascii = file.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .header('content-length', file.size)
    .send(Readable.from(file.content, { objectMode: false }));
}

export function emailRoutes(app: FastifyInstance, email: EmailService): void {
  const tags = ['email'];

  app.get(
    '/api/v1/email/quarantine',
    { schema: docSchema({ tags, summary: 'Quarantined e-mail (supervisors)', query: QuarantineListQuery, response: QuarantinePage }) },
    async (request) => {
      const actor = requireActor(request);
      const query = parseInput(QuarantineListQuery, request.query, 'query');
      return email.listQuarantine(actor, query);
    },
  );

  app.post(
    '/api/v1/email/quarantine/:id/assign',
    {
      schema: docSchema({
        tags,
        summary: 'Assign a quarantined e-mail to an agency: it becomes a ticket',
        params: EmailIdParams,
        body: AssignQuarantinedBody,
        response: QuarantineAssigned,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      const { id } = parseInput(EmailIdParams, request.params, 'path');
      const body = parseInput(AssignQuarantinedBody, request.body);
      return email.assignQuarantined(actor, id, body);
    },
  );

  app.post(
    '/api/v1/email/quarantine/:id/discard',
    {
      schema: docSchema({
        tags,
        summary: 'Discard a quarantined e-mail (the original is kept until retention)',
        params: EmailIdParams,
        response: EmailSummary,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      const { id } = parseInput(EmailIdParams, request.params, 'path');
      return email.discardQuarantined(actor, id);
    },
  );

  app.get(
    '/api/v1/emails',
    { schema: docSchema({ tags, summary: "A ticket's e-mails", query: TicketEmailsQuery, response: TicketEmails }) },
    async (request) => {
      const actor = requireActor(request);
      const { ticket } = parseInput(TicketEmailsQuery, request.query, 'query');
      return email.listTicketEmails(actor, ticket);
    },
  );

  app.get(
    '/api/v1/emails/:id',
    { schema: docSchema({ tags, summary: 'An e-mail as text, with its attachments', params: EmailIdParams, response: EmailDetail }) },
    async (request) => {
      const actor = requireActor(request);
      const { id } = parseInput(EmailIdParams, request.params, 'path');
      return email.getEmail(actor, id);
    },
  );

  app.get(
    '/api/v1/emails/:id/raw',
    {
      schema: docSchema({
        tags,
        summary: 'The original message (.eml), for staff',
        params: EmailIdParams,
        response: binaryAnswer('message/rfc822', 'the message as received'),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { id } = parseInput(EmailIdParams, request.params, 'path');
      const raw = await email.getRaw(actor, id);
      return sendDownload(reply, { ...raw, contentType: 'application/octet-stream' });
    },
  );

  app.get(
    '/api/v1/emails/:id/attachments/:n',
    {
      schema: docSchema({
        tags,
        summary: 'Download an attachment (agency scope applies)',
        params: AttachmentParams,
        response: binaryAnswer('application/octet-stream', 'the attachment (its own type unless a browser would render it)'),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { id, n } = parseInput(AttachmentParams, request.params, 'path');
      return sendDownload(reply, await email.getAttachment(actor, id, n));
    },
  );
}
