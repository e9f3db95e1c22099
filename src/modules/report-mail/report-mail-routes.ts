import type { FastifyInstance } from 'fastify';
import { AgencyReportMail, ReportMailRecipientsBody } from '../../contracts/report-mail.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { AgencyParams } from '../admin/admin-schemas.ts';
import type { ReportMailService } from './report-mail-service.ts';

const tags = ['admin'];

export function reportMailRoutes(api: FastifyInstance, service: ReportMailService): void {
  api.get(
    '/api/v1/admin/agencies/:code/report-mail',
    {
      schema: docSchema({
        tags,
        summary: "Who receives the agency's monthly report and quarterly statement draft by e-mail, and the latest mailings",
        params: AgencyParams,
        response: AgencyReportMail,
      }),
    },
    async (request) => service.getSettings(requireActor(request), parseInput(AgencyParams, request.params, 'path').code),
  );

  api.put(
    '/api/v1/admin/agencies/:code/report-mail',
    {
      schema: docSchema({
        tags,
        summary: 'Replace the recipients (an empty list turns that mail off); audited',
        params: AgencyParams,
        body: ReportMailRecipientsBody,
        response: AgencyReportMail,
      }),
    },
    async (request) =>
      service.replaceRecipients(
        requireActor(request),
        parseInput(AgencyParams, request.params, 'path').code,
        parseInput(ReportMailRecipientsBody, request.body, 'report-mail'),
      ),
  );
}
