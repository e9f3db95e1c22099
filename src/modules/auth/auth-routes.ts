import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import { sessionCookieOptions } from './auth-plugin.ts';
import type { AuthService, ClientInfo, NewSession } from './auth-service.ts';
import { ChangePasswordBody, LoginBody } from './auth-schemas.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { SessionStarted, WhoAmI } from '../../contracts/auth.ts';
import { NoContent } from '../../contracts/common.ts';

export function authRoutes(app: FastifyInstance, auth: AuthService, options: { publicBaseUrl: string }): void {
  const cookieOptions = sessionCookieOptions(options.publicBaseUrl);
  const client = (request: FastifyRequest): ClientInfo => ({ ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null });
  const startSession = (reply: FastifyReply, session: NewSession) => {
    reply.setCookie(SESSION_COOKIE, session.cookieValue, cookieOptions);
    return { user: session.user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  };

  app.post(
    '/api/v1/auth/login',
    {
      schema: docSchema({
        tags: ['auth'],
        summary: 'Log in: sets the session cookie, returns the CSRF token',
        body: LoginBody,
        security: false,
        response: SessionStarted,
      }),
    },
    async (request, reply) => {
      const body = parseInput(LoginBody, request.body, 'login');
      return startSession(reply, await auth.login(body, client(request)));
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: docSchema({ tags: ['auth'], summary: 'Log out: ends the session server-side', response: { 204: NoContent } }) },
    async (request, reply) => {
      requireActor(request);
      if (!request.authSession) throw new AppError('VALIDATION', 'Only a session can log out; revoke a token instead');
      await auth.logout(request.authSession);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get('/api/v1/auth/me', { schema: docSchema({ tags: ['auth'], summary: 'Who is logged in, with the CSRF token', response: WhoAmI }) }, async (request) => {
    const actor = requireActor(request);
    if (request.authSession) return { user: request.authSession.user, csrfToken: request.authSession.csrfToken };
    return { token: { id: actor.id, name: actor.name, role: actor.role, agencies: actor.agencies } };
  });

  app.post(
    '/api/v1/auth/password',
    {
      schema: docSchema({
        tags: ['auth'],
        summary: 'Change your own password: ends every session, starts a new one',
        body: ChangePasswordBody,
        response: SessionStarted,
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = parseInput(ChangePasswordBody, request.body, 'password change');
      return startSession(reply, await auth.changePassword(actor, body, client(request)));
    },
  );
}
