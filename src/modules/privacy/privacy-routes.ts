import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { PrivacyService } from './privacy-service.ts';
import { binaryAnswer } from '../../contracts/common.ts';
import { PrivacyReceipt, PrivacyReceiptList, RetentionRun, RetentionSetting, RetentionSettingList, SubjectExport } from '../../contracts/privacy.ts';
import {
  AgencyCodeParams,
  AgencyDeletionBody,
  AgencyExportBody,
  AgencyQuery,
  ReceiptListQuery,
  ReceiptParams,
  RetentionBody,
  RetentionRunBody,
  SubjectRequestBody,
} from './privacy-schemas.ts';

/** /api/v1/privacy: data-subject requests, the agency export and deletion, retention, receipts. */
export function privacyRoutes(app: FastifyInstance, privacy: PrivacyService): void {
  const tags = ['privacy'];

  app.get(
    '/api/v1/privacy/settings',
    { schema: docSchema({ tags, summary: 'Retention periods of the agencies you may see', query: AgencyQuery, response: RetentionSettingList }) },
    async (request) => {
      const query = parseInput(AgencyQuery, request.query, 'query');
      return { items: await privacy.listSettings(requireActor(request), query.agency) };
    },
  );

  app.put(
    '/api/v1/admin/agencies/:code/retention',
    {
      schema: docSchema({
        tags: ['admin', ...tags],
        summary: "Set how long an agency's personal data and access log are kept (months)",
        params: AgencyCodeParams,
        body: RetentionBody,
        response: RetentionSetting,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyCodeParams, request.params, 'path');
      return privacy.setRetention(requireActor(request), code, parseInput(RetentionBody, request.body, 'retention'), { requestId: request.id });
    },
  );

  app.post(
    '/api/v1/privacy/retention/run',
    {
      schema: docSchema({
        tags,
        summary: 'Apply every agency’s retention now (administrators); `full` looks at every old record again',
        body: RetentionRunBody,
        response: RetentionRun,
      }),
    },
    async (request) => ({
      items: await privacy.runRetentionNow(requireActor(request), parseInput(RetentionRunBody, request.body ?? {}, 'request')),
    }),
  );

  app.post(
    '/api/v1/privacy/subject-export',
    {
      schema: docSchema({
        tags,
        summary: 'Every record of an agency about one person (phone, e-mail or tenant code), as JSON',
        body: SubjectRequestBody,
        response: SubjectExport,
      }),
    },
    async (request, reply) => {
      const body = parseInput(SubjectRequestBody, request.body, 'request');
      const { receipt, body: document } = await privacy.exportSubject(requireActor(request), body, { requestId: request.id });
      return reply
        .type('application/json; charset=utf-8')
        .header('x-privacy-receipt', receipt.id)
        .header('content-disposition', `attachment; filename="interessato-${receipt.agency}-${receipt.id}.json"`)
        .send(document);
    },
  );

  app.post(
    '/api/v1/privacy/subject-erasure',
    {
      schema: docSchema({
        tags,
        summary: 'Erase one person from an agency’s records; answers the receipt',
        body: SubjectRequestBody,
        response: PrivacyReceipt,
      }),
    },
    async (request) => privacy.eraseSubject(requireActor(request), parseInput(SubjectRequestBody, request.body, 'request'), { requestId: request.id }),
  );

  app.post(
    '/api/v1/privacy/agency-export',
    {
      schema: docSchema({
        tags,
        summary: 'All of an agency’s data, streamed as JSON Lines; the receipt holds its SHA-256',
        body: AgencyExportBody,
        response: binaryAnswer('application/x-ndjson', 'JSON Lines, one record a line; the receipt id in X-Privacy-Receipt'),
      }),
    },
    async (request, reply) => {
      const { agency } = parseInput(AgencyExportBody, request.body, 'request');
      const { receipt, lines } = await privacy.exportAgency(requireActor(request), agency, { requestId: request.id });
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('x-privacy-receipt', receipt.id)
        .header('content-disposition', `attachment; filename="export-${agency}-${receipt.id}.jsonl"`)
        .send(Readable.from(lines));
    },
  );

  app.post(
    '/api/v1/privacy/agency-deletion',
    {
      schema: docSchema({
        tags,
        summary: 'End of contract: delete an agency’s data after its export (administrators)',
        body: AgencyDeletionBody,
        response: PrivacyReceipt,
      }),
    },
    async (request) => {
      const body = parseInput(AgencyDeletionBody, request.body, 'request');
      return privacy.deleteAgencyData(requireActor(request), body.agency, body, { requestId: request.id });
    },
  );

  app.get(
    '/api/v1/privacy/receipts',
    {
      schema: docSchema({
        tags,
        summary: 'Privacy receipts: exports, erasures, deletions, retention passes',
        query: ReceiptListQuery,
        response: PrivacyReceiptList,
      }),
    },
    async (request) => {
      const query = parseInput(ReceiptListQuery, request.query, 'query');
      return { items: await privacy.listReceipts(requireActor(request), query) };
    },
  );

  app.get(
    '/api/v1/privacy/receipts/:id',
    { schema: docSchema({ tags, summary: 'One privacy receipt', params: ReceiptParams, response: PrivacyReceipt }) },
    async (request) => {
      const { id } = parseInput(ReceiptParams, request.params, 'path');
      return privacy.getReceipt(requireActor(request), id);
    },
  );

  app.get(
    '/api/v1/privacy/receipts/:id/text',
    {
      schema: docSchema({
        tags,
        summary: 'The printable receipt, in Italian (text/plain)',
        params: ReceiptParams,
        response: binaryAnswer('text/plain', 'the receipt in Italian'),
      }),
    },
    async (request, reply) => {
      const { id } = parseInput(ReceiptParams, request.params, 'path');
      return reply.type('text/plain; charset=utf-8').send(await privacy.printReceipt(requireActor(request), id));
    },
  );
}
