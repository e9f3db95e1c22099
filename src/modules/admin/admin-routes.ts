import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../../domain/actor.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { ApiTokenService } from '../auth/api-token-service.ts';
import {
  AgencyCreateBody,
  CategoriesBody,
  AgencyParams,
  AgencyPatchBody,
  CalendarQuery,
  ContractBody,
  ContractVersionBody,
  EmailAddressesBody,
  ExceptionBody,
  ExceptionParams,
  HolidaysBody,
  HolidaysQuery,
  IdParams,
  NumbersBody,
  PasswordResetBody,
  PortfoliosBody,
  QueuesBody,
  ScheduleBody,
  TokenCreateBody,
  TokenListQuery,
  UserCreateBody,
  UserListQuery,
  UserPatchBody,
  VoiceBody,
  WeeklyBody,
} from './admin-schemas.ts';
import { AgencyVoice } from '../../contracts/voice.ts';
import type { AgencyAdminService } from './agencies-admin-service.ts';
import type { UserAdminService } from './users-admin-service.ts';
import {
  AgencyCalendar,
  AgencyCategoryList,
  AgencyConfig,
  AgencyHolidays,
  AgencyList,
  ApiToken,
  ContractVersionList,
  ApiTokenList,
  CreatedApiToken,
  CreatedUser,
  PasswordReset,
  UserAccount,
  UserList,
} from '../../contracts/admin.ts';

export type AdminServices = Readonly<{ tokens: ApiTokenService; agencies: AgencyAdminService; users: UserAdminService }>;

/** /api/v1/admin: agencies, users and tokens. Administrators change; supervisors read. */
export function adminRoutes(app: FastifyInstance, services: AdminServices): void {
  const { tokens, agencies, users } = services;
  const tags = ['admin'];

  app.get('/api/v1/admin/agencies', { schema: docSchema({ tags, summary: 'Agencies', response: AgencyList }) }, async (request) => ({
    items: await agencies.listAgencies(requireActor(request)),
  }));
  app.post(
    '/api/v1/admin/agencies',
    { schema: docSchema({ tags, summary: 'Create an agency (with its three queues)', body: AgencyCreateBody, response: { 201: AgencyConfig } }) },
    async (request, reply) => {
      const body = parseInput(AgencyCreateBody, request.body, 'agency');
      return reply.code(201).send(await agencies.createAgency(requireActor(request), body));
    },
  );
  app.get(
    '/api/v1/admin/agencies/:code',
    { schema: docSchema({ tags, summary: 'An agency and its whole configuration', params: AgencyParams, response: AgencyConfig }) },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.getAgency(requireActor(request), code);
    },
  );
  app.patch(
    '/api/v1/admin/agencies/:code',
    {
      schema: docSchema({
        tags,
        summary: 'Name, time zone, emergency number, service-level parameters',
        params: AgencyParams,
        body: AgencyPatchBody,
        response: AgencyConfig,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.updateAgency(requireActor(request), code, parseInput(AgencyPatchBody, request.body, 'agency'));
    },
  );

  /** PUT routes replace one part of an agency's configuration as a whole. */
  function replaceRoute<S extends z.ZodType>(
    part: string,
    summary: string,
    schema: S,
    verb: (actor: Actor, code: string, body: z.output<S>) => Promise<unknown>,
  ) {
    app.put(
      `/api/v1/admin/agencies/:code/${part}`,
      { schema: docSchema({ tags, summary, params: AgencyParams, body: schema, response: AgencyConfig }) },
      async (request) => {
        const { code } = parseInput(AgencyParams, request.params, 'path');
        return verb(requireActor(request), code, parseInput(schema, request.body, part));
      },
    );
  }
  replaceRoute('portfolios', 'Replace the portfolios (housing stocks) of an agency', PortfoliosBody, agencies.replacePortfolios);
  replaceRoute('numbers', 'Replace the inbound numbers of an agency', NumbersBody, agencies.replaceNumbers);
  replaceRoute('email-addresses', 'Replace the inbound e-mail addresses of an agency', EmailAddressesBody, agencies.replaceEmailAddresses);
  replaceRoute('schedule', 'Replace the weekly opening hours and dated exceptions', ScheduleBody, agencies.replaceSchedule);
  replaceRoute('schedule/weekly', 'Replace the weekly opening hours only (exceptions and holidays stay)', WeeklyBody, agencies.replaceWeekly);
  app.put(
    '/api/v1/admin/agencies/:code/schedule/exceptions/:date',
    {
      schema: docSchema({
        tags,
        summary: 'Set the exception of one date (no ranges: closed), leaving the others',
        params: ExceptionParams,
        body: ExceptionBody,
        response: AgencyConfig,
      }),
    },
    async (request) => {
      const { code, date } = parseInput(ExceptionParams, request.params, 'path');
      return agencies.putException(requireActor(request), code, date, parseInput(ExceptionBody, request.body, 'exception'));
    },
  );
  app.delete(
    '/api/v1/admin/agencies/:code/schedule/exceptions/:date',
    { schema: docSchema({ tags, summary: 'Remove the exception of one date', params: ExceptionParams, response: AgencyConfig }) },
    async (request) => {
      const { code, date } = parseInput(ExceptionParams, request.params, 'path');
      return agencies.deleteException(requireActor(request), code, date);
    },
  );
  app.get(
    '/api/v1/admin/agencies/:code/holidays',
    {
      schema: docSchema({
        tags,
        summary: "A year's holidays with the agency's choice for each",
        params: AgencyParams,
        query: HolidaysQuery,
        response: AgencyHolidays,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      const { year } = parseInput(HolidaysQuery, request.query, 'query');
      return agencies.getHolidays(requireActor(request), code, year);
    },
  );
  app.put(
    '/api/v1/admin/agencies/:code/holidays',
    {
      schema: docSchema({
        tags,
        summary: 'Replace the holiday choices (open, closed, special hours) and optionally the default',
        params: AgencyParams,
        query: HolidaysQuery,
        body: HolidaysBody,
        response: AgencyHolidays,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      const { year } = parseInput(HolidaysQuery, request.query, 'query');
      return agencies.replaceHolidays(requireActor(request), code, parseInput(HolidaysBody, request.body, 'holidays'), year);
    },
  );
  app.get(
    '/api/v1/admin/agencies/:code/calendar',
    {
      schema: docSchema({
        tags,
        summary: 'The opening hours of the next days as callers will meet them',
        params: AgencyParams,
        query: CalendarQuery,
        response: AgencyCalendar,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.getCalendar(requireActor(request), code, parseInput(CalendarQuery, request.query, 'query'));
    },
  );
  replaceRoute(
    'contract',
    'Record contract terms as a new version in force from their startsOn (earlier versions are kept)',
    ContractBody,
    agencies.replaceContract,
  );
  app.get(
    '/api/v1/admin/agencies/:code/contracts',
    {
      schema: docSchema({
        tags,
        summary: 'Every version of the contract, oldest first, with who recorded it',
        params: AgencyParams,
        response: ContractVersionList,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.listContractVersions(requireActor(request), code);
    },
  );
  app.post(
    '/api/v1/admin/agencies/:code/contracts',
    {
      schema: docSchema({
        tags,
        summary: "Renegotiate: a new contract version in force from effectiveFrom (terms left out are the latest version's)",
        params: AgencyParams,
        body: ContractVersionBody,
        response: { 201: ContractVersionList },
      }),
    },
    async (request, reply) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      const body = parseInput(ContractVersionBody, request.body, 'contract');
      return reply.code(201).send(await agencies.addContractVersion(requireActor(request), code, body));
    },
  );
  replaceRoute('queues', "Labels and priorities of the agency's queues (one per category)", QueuesBody, agencies.replaceQueues);
  app.get(
    '/api/v1/admin/agencies/:code/categories',
    { schema: docSchema({ tags, summary: "An agency's categories and the voice menu they make", params: AgencyParams, response: AgencyCategoryList }) },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.listCategories(requireActor(request), code);
    },
  );
  app.put(
    '/api/v1/admin/agencies/:code/categories',
    {
      schema: docSchema({
        tags,
        summary: 'Replace the category list: labels, digits, keywords, boost, fallback; retire instead of removing what has tickets',
        params: AgencyParams,
        body: CategoriesBody,
        response: AgencyCategoryList,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.replaceCategories(requireActor(request), code, parseInput(CategoriesBody, request.body, 'categories'));
    },
  );
  app.get(
    '/api/v1/admin/agencies/:code/voice',
    {
      schema: docSchema({
        tags,
        summary: 'What callers hear: texts and flags of the agency and of each portfolio, with what each empty field stands for',
        params: AgencyParams,
        response: AgencyVoice,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.getVoice(requireActor(request), code);
    },
  );
  app.put(
    '/api/v1/admin/agencies/:code/voice',
    {
      schema: docSchema({
        tags,
        summary: 'Replace the voice texts and flags (null texts: generated; null portfolio fields: inherited from the agency)',
        params: AgencyParams,
        body: VoiceBody,
        response: AgencyVoice,
      }),
    },
    async (request) => {
      const { code } = parseInput(AgencyParams, request.params, 'path');
      return agencies.replaceVoice(requireActor(request), code, parseInput(VoiceBody, request.body, 'voice'));
    },
  );
  app.get('/api/v1/admin/users', { schema: docSchema({ tags, summary: 'Users', query: UserListQuery, response: UserList }) }, async (request) => {
    const query = parseInput(UserListQuery, request.query, 'query');
    return { items: await users.listUsers(requireActor(request), query) };
  });
  app.post(
    '/api/v1/admin/users',
    { schema: docSchema({ tags, summary: 'Create a user (a generated password is shown once)', body: UserCreateBody, response: { 201: CreatedUser } }) },
    async (request, reply) => {
      const body = parseInput(UserCreateBody, request.body, 'user');
      return reply.code(201).send(await users.createUser(requireActor(request), body));
    },
  );
  app.get('/api/v1/admin/users/:id', { schema: docSchema({ tags, summary: 'A user', params: IdParams, response: UserAccount }) }, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    return users.getUser(requireActor(request), id);
  });
  app.patch(
    '/api/v1/admin/users/:id',
    { schema: docSchema({ tags, summary: 'Rename, disable or assign agencies', params: IdParams, body: UserPatchBody, response: UserAccount }) },
    async (request) => {
      const { id } = parseInput(IdParams, request.params, 'path');
      return users.updateUser(requireActor(request), id, parseInput(UserPatchBody, request.body, 'user'));
    },
  );
  app.post(
    '/api/v1/admin/users/:id/password',
    {
      schema: docSchema({ tags, summary: "Reset a user's password (ends their sessions)", params: IdParams, body: PasswordResetBody, response: PasswordReset }),
    },
    async (request) => {
      const { id } = parseInput(IdParams, request.params, 'path');
      return users.resetPassword(requireActor(request), id, parseInput(PasswordResetBody, request.body, 'password reset'));
    },
  );

  app.get(
    '/api/v1/admin/tokens',
    { schema: docSchema({ tags, summary: 'Agency API tokens', query: TokenListQuery, response: ApiTokenList }) },
    async (request) => {
      const query = parseInput(TokenListQuery, request.query, 'query');
      return { items: await tokens.listTokens(requireActor(request), query) };
    },
  );
  app.post(
    '/api/v1/admin/tokens',
    { schema: docSchema({ tags, summary: 'Create an agency API token (shown once)', body: TokenCreateBody, response: { 201: CreatedApiToken } }) },
    async (request, reply) => {
      const body = parseInput(TokenCreateBody, request.body, 'token');
      return reply.code(201).send(await tokens.createToken(requireActor(request), body));
    },
  );
  app.delete(
    '/api/v1/admin/tokens/:id',
    { schema: docSchema({ tags, summary: 'Revoke an agency API token', params: IdParams, response: ApiToken }) },
    async (request) => {
      const { id } = parseInput(IdParams, request.params, 'path');
      return tokens.revokeToken(requireActor(request), id);
    },
  );
}
