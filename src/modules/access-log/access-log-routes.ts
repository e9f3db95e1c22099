import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { ACCESS_LOG_CSV_HEADER, accessLogCsvLines } from './access-log-csv.ts';
import type { AccessLog, PublicAccessEntry } from './access-log-service.ts';
import { AccessLogQuery } from './access-log-schemas.ts';
import { AccessLog as AccessLogAnswer } from '../../contracts/access-log.ts';
import { binaryAnswer, jsonOr } from '../../contracts/common.ts';

export function accessLogRoutes(app: FastifyInstance, accessLog: AccessLog): void {
  app.get(
    '/api/v1/access-log',
    {
      schema: docSchema({
        tags: ['access log'],
        summary: 'Processor access log of an agency (JSON or CSV), streamed page by page',
        query: AccessLogQuery,
        response: jsonOr(AccessLogAnswer, binaryAnswer('text/csv', 'format=csv')),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const query = parseInput(AccessLogQuery, request.query, 'query');
      const pages = accessLog.exportEntries(actor, {
        agency: query.agency,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? endOf(query.to) : undefined,
      });
      if (query.format === 'csv') {
        const name = `access-log-${query.agency ?? 'all'}.csv`;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(Readable.from(csvText(pages)));
      }
      return reply.type('application/json; charset=utf-8').send(Readable.from(jsonText(pages)));
    },
  );
}

async function* csvText(pages: AsyncIterable<PublicAccessEntry[]>): AsyncGenerator<string> {
  yield ACCESS_LOG_CSV_HEADER;
  for await (const page of pages) yield accessLogCsvLines(page);
}

/** The same bytes as JSON.stringify({ items }), a page at a time. */
async function* jsonText(pages: AsyncIterable<PublicAccessEntry[]>): AsyncGenerator<string> {
  yield '{"items":[';
  let first = true;
  for await (const page of pages) {
    yield `${first ? '' : ','}${page.map((entry) => JSON.stringify(entry)).join(',')}`;
    first = false;
  }
  yield ']}';
}

/** A date alone means the whole (UTC) day, included; a date-time is an exclusive bound. */
function endOf(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(Date.parse(`${value}T00:00:00Z`) + 24 * 60 * 60_000) : new Date(value);
}
