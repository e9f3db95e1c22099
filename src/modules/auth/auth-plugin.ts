import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { METRICS_ROUTE } from '../../http/metrics.ts';
import { safeEqual } from './auth-crypto.ts';
import type { AuthService, LiveSession } from './auth-service.ts';
import { SESSION_ABSOLUTE_MS } from './auth-service.ts';
import type { SecurityLog } from './security-log.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session behind the cookie, when the request is cookie-authenticated. */
    authSession: LiveSession | null;
  }
}

export type AuthPluginOptions = Readonly<{
  auth: AuthService;
  securityLog: SecurityLog;
  publicBaseUrl: string;
}>;

export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The only /api routes that answer without a session or a token. */
const PUBLIC_API_ROUTES = new Set(['/api/v1/auth/login']);
export const LOGIN_ROUTE = '/api/v1/auth/login';
/** What a session with a provisional password may still do: see who it is, change the password, leave. */
const PROVISIONAL_PASSWORD_ROUTES = new Set(['/api/v1/auth/me', '/api/v1/auth/password', '/api/v1/auth/logout']);

export function sessionCookieOptions(publicBaseUrl: string) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: publicBaseUrl.startsWith('https:'),
    maxAge: Math.floor(SESSION_ABSOLUTE_MS / 1000),
  };
}

/**
 * Sets `request.actor` on every request from the session cookie or an agency's bearer token,
 * enforces CSRF on cookie-authenticated state changes, and refuses anonymous /api requests.
 * Installed on the root instance so that every route, whoever registers it, is behind it.
 */
export async function installAuth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { auth, securityLog } = options;
  const allowedOrigin = new URL(options.publicBaseUrl).origin;
  await app.register(fastifyCookie);
  app.decorateRequest('authSession', null);
  const recorded = new WeakSet<Error>();

  function refuse(request: FastifyRequest, kind: 'csrf_refused' | 'login_refused_origin', message: string): never {
    const error = new AppError('FORBIDDEN', message);
    recorded.add(error);
    void securityLog.record({
      kind,
      actorId: request.actor?.id,
      ip: request.ip,
      method: request.method,
      path: request.routeOptions.url ?? null,
      detail: message,
    });
    throw error;
  }

  /** Same origin: the public base URL, or the host the request was sent to (a proxy may rewrite neither). */
  function isForeignOrigin(request: FastifyRequest): boolean {
    const origin = request.headers.origin ?? originOf(request.headers.referer);
    // Browsers send Origin on every cross-site POST; without it the CSRF token alone decides.
    if (origin === undefined) return false;
    if (origin === allowedOrigin) return false;
    try {
      const parsed = new URL(origin);
      // Normalised the same way, so that `localhost:80` and `http://localhost` compare equal.
      return !request.headers.host || parsed.host !== new URL(`${parsed.protocol}//${request.headers.host}`).host;
    } catch {
      return true;
    }
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Webhooks authenticate with their providers' signatures, never as a person; /metrics with
    // METRICS_TOKEN, whose bearer header is not an agency's API token.
    if (request.url.startsWith('/webhooks/') || request.routeOptions.url === METRICS_ROUTE) return;
    const authorization = request.headers.authorization;
    const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (bearer) {
      // A token request carries no cookie authority: a browser never adds this header cross-site.
      const actor = await auth.authenticateBearer(bearer[1]);
      if (!actor) {
        await securityLog.record({ kind: 'token_rejected', ip: request.ip, method: request.method, path: request.routeOptions.url ?? null });
        throw new AppError('UNAUTHENTICATED', 'Invalid or revoked API token');
      }
      request.actor = actor;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await auth.authenticateSessionCookie(cookie);
      if (session) {
        request.actor = session.actor;
        request.authSession = session;
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
    }
    const route = request.routeOptions.url;
    if (UNSAFE_METHODS.has(request.method)) {
      if (route === LOGIN_ROUTE && isForeignOrigin(request)) refuse(request, 'login_refused_origin', 'Cross-site login refused');
      if (request.authSession) {
        if (isForeignOrigin(request)) refuse(request, 'csrf_refused', 'Cross-site request refused');
        const header = request.headers[CSRF_HEADER];
        if (typeof header !== 'string' || !safeEqual(header, request.authSession.csrfToken)) {
          refuse(request, 'csrf_refused', `Missing or wrong ${CSRF_HEADER} header`);
        }
      }
    }
    if (request.url.startsWith('/api/') && !request.actor && !(route && PUBLIC_API_ROUTES.has(route))) {
      throw new AppError('UNAUTHENTICATED', 'Authentication required');
    }
    // A password an administrator generated (and so has seen) opens nothing but its own replacement.
    if (request.authSession?.user.mustChangePassword && request.url.startsWith('/api/') && !(route && PROVISIONAL_PASSWORD_ROUTES.has(route))) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED', 'Change the provisional password first (POST /api/v1/auth/password)');
    }
  });

  // Authorization failures raised anywhere (service guards included) are recorded once.
  app.addHook('onError', async (request, reply, error) => {
    if (error instanceof AppError && error.code === 'RATE_LIMITED') {
      const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retryAfter) reply.header('retry-after', String(retryAfter));
    }
    if (!(error instanceof AppError) || error.code !== 'FORBIDDEN' || recorded.has(error)) return;
    await securityLog.record({
      kind: 'forbidden',
      actorId: request.actor?.id,
      username: request.actor?.name,
      ip: request.ip,
      method: request.method,
      path: request.routeOptions.url ?? null,
      detail: error.message,
    });
  });
}

function originOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
