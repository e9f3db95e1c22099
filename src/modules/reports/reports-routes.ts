import type { FastifyInstance, FastifyReply } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { callReportCsv, callReportFilename } from './report-csv.ts';
import type { ReportService } from './reports-service.ts';
import {
  CallReportQuery,
  OperationsQuery,
  IssueStatementBody,
  RebuildRollupBody,
  StatementListQuery,
  StatementParams,
  StaffingQuery,
  StatementPreviewQuery,
  TrendQuery,
} from './reports-schemas.ts';
import { staffingCsv, staffingFilename } from './staffing-csv.ts';
import { operationsCsv, operationsFilename } from './operations-csv.ts';
import type { OperationsEstimate } from './operations.ts';
import type { StaffingEstimate } from './staffing.ts';
import { renderStatementHtml, STATEMENT_PAGE_CSP } from './statement-html.ts';
import { binaryAnswer, jsonOr } from '../../contracts/common.ts';
import {
  CallReport,
  IssuedStatement,
  OperationsReport,
  RollupRebuilt,
  Staffing,
  StatementList,
  StatementPreview,
  StatementVerification,
  Trend,
} from '../../contracts/reports.ts';

const tags = ['reports'];

/** A report for Excel: a download named after what it holds. */
function sendCsv(reply: FastifyReply, filename: string, body: string) {
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(body);
}

export function reportsRoutes(app: FastifyInstance, reports: ReportService, staffing: StaffingEstimate, operations: OperationsEstimate): void {
  app.get(
    '/api/v1/reports/operations',
    {
      schema: docSchema({
        tags,
        summary:
          'How the service was delivered: answered calls, talk and wrap-up by site (on site / remote), call-backs against their deadline, e-mail first response; format=csv for Excel',
        query: OperationsQuery,
        response: jsonOr(OperationsReport, binaryAnswer('text/csv', 'format=csv: the report for Excel')),
      }),
    },
    async (request, reply) => {
      const { format, ...query } = parseInput(OperationsQuery, request.query, 'query');
      const report = await operations(requireActor(request), query);
      return format === 'json' ? report : sendCsv(reply, operationsFilename(report), operationsCsv(report));
    },
  );

  app.get(
    '/api/v1/reports/staffing',
    {
      schema: docSchema({
        tags,
        summary: 'Operators needed per half-hour of the week (Erlang C) against those logged in, from the last weeks of the same season; format=csv for Excel',
        query: StaffingQuery,
        response: jsonOr(Staffing, binaryAnswer('text/csv', 'format=csv: the estimate for Excel')),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { format, ...query } = parseInput(StaffingQuery, request.query, 'query');
      const estimate = await staffing(actor, query);
      return format === 'json' ? estimate : sendCsv(reply, staffingFilename(estimate), staffingCsv(estimate));
    },
  );

  app.get(
    '/api/v1/reports/calls',
    {
      schema: docSchema({
        tags,
        summary: 'Call-volume report of an agency over local days (CONTRACT §7); format=csv for Excel',
        query: CallReportQuery,
        response: jsonOr(CallReport, binaryAnswer('text/csv', 'format=csv: the report for Excel')),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { format, ...query } = parseInput(CallReportQuery, request.query, 'query');
      const report = await reports.callReport(actor, query);
      return format === 'json' ? report : sendCsv(reply, callReportFilename(report), callReportCsv(report));
    },
  );

  app.get(
    '/api/v1/reports/trend',
    { schema: docSchema({ tags, summary: 'Monthly call and e-mail volumes (default: 36 complete months)', query: TrendQuery, response: Trend }) },
    async (request) => {
      const actor = requireActor(request);
      return reports.volumeTrend(actor, parseInput(TrendQuery, request.query, 'query'));
    },
  );

  app.get(
    '/api/v1/reports/statements',
    { schema: docSchema({ tags, summary: 'Issued quarterly statements, every version', query: StatementListQuery, response: StatementList }) },
    async (request) => {
      const actor = requireActor(request);
      return reports.listStatements(actor, parseInput(StatementListQuery, request.query, 'query'));
    },
  );

  app.get(
    '/api/v1/reports/statements/preview',
    {
      schema: docSchema({
        tags,
        summary: 'What the statement of a quarter would say now (not stored)',
        query: StatementPreviewQuery,
        response: StatementPreview,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      return reports.previewStatement(actor, parseInput(StatementPreviewQuery, request.query, 'query'));
    },
  );

  app.post(
    '/api/v1/reports/statements',
    {
      schema: docSchema({
        tags,
        summary: 'Issue (freeze) the statement of a past quarter; a re-issue is a new version',
        body: IssueStatementBody,
        response: { 201: IssuedStatement },
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      return reply.code(201).send(await reports.issueStatement(actor, parseInput(IssueStatementBody, request.body, 'body')));
    },
  );

  app.get(
    '/api/v1/reports/statements/:id',
    { schema: docSchema({ tags, summary: 'An issued statement as frozen', params: StatementParams, response: IssuedStatement }) },
    async (request) => {
      const actor = requireActor(request);
      const { id } = parseInput(StatementParams, request.params, 'path');
      return reports.getStatement(actor, id);
    },
  );

  app.get(
    '/api/v1/reports/statements/:id/print',
    {
      schema: docSchema({
        tags,
        summary: 'The statement as a printable Italian HTML page',
        params: StatementParams,
        response: binaryAnswer('text/html', 'printable Italian page'),
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { id } = parseInput(StatementParams, request.params, 'path');
      const view = await reports.getStatement(actor, id);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', STATEMENT_PAGE_CSP)
        .header('cache-control', 'private, no-store')
        .send(renderStatementHtml(view, reports.categoryTitles(view.statement.agency.code)));
    },
  );

  app.get(
    '/api/v1/reports/statements/:id/verify',
    {
      schema: docSchema({
        tags,
        summary: 'Recompute a statement from the raw calls with its stored parameters and list differences',
        params: StatementParams,
        response: StatementVerification,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      const { id } = parseInput(StatementParams, request.params, 'path');
      return reports.verifyStatement(actor, id);
    },
  );

  app.post(
    '/api/v1/reports/rollups/rebuild',
    {
      schema: docSchema({
        tags,
        summary: 'Administrators: recompute the report rollup of local days from the raw calls',
        body: RebuildRollupBody,
        response: RollupRebuilt,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      return reports.rebuildRollup(actor, parseInput(RebuildRollupBody, request.body, 'body'));
    },
  );
}
