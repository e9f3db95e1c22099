import type { FastifyInstance } from 'fastify';
import { TEST_BASE_URL, TEST_DEMO_PASSWORD } from './test-constants.ts';

export type Session = Readonly<{
  cookie: string;
  csrfToken: string;
  /** Ready for app.inject: the session cookie, the CSRF header and a same-site Origin. */
  headers: Readonly<Record<string, string>>;
  user: { id: string; username: string; role: string; agency: string | null; agencies: string[] };
}>;

export type DemoUsername = 'operatore1' | 'operatore2' | 'supervisore' | 'admin' | 'referente-milano' | 'referente-pavia';

/** `name=value` of the session cookie in a response, for the next request's Cookie header. */
export function sessionCookieOf(response: { headers: Record<string, unknown> }): string {
  const header = response.headers['set-cookie'];
  const cookies = (Array.isArray(header) ? header : [header]).filter((value): value is string => typeof value === 'string');
  const cookie = cookies.find((value) => value.startsWith('centralino_session='));
  if (!cookie) throw new Error('no session cookie in the response');
  return cookie.split(';')[0];
}

/** Logs in (a demo user by default, with the tests' demo password) and returns what the next requests need. */
export async function loginAs(
  app: FastifyInstance,
  username: DemoUsername | (string & {}),
  options: { password?: string; remoteAddress?: string } = {},
): Promise<Session> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: TEST_BASE_URL },
    remoteAddress: options.remoteAddress,
    payload: { username, password: options.password ?? TEST_DEMO_PASSWORD },
  });
  if (response.statusCode !== 200) throw new Error(`login of ${username} failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { csrfToken: string; user: Session['user'] };
  const cookie = sessionCookieOf(response);
  return { cookie, csrfToken: body.csrfToken, user: body.user, headers: { cookie, 'x-csrf-token': body.csrfToken, origin: TEST_BASE_URL } };
}

export type AgencyToken = Readonly<{ id: string; token: string; headers: Readonly<Record<string, string>> }>;

/** Creates an agency API token through the admin API (as `admin`) and returns its Authorization header. */
export async function createAgencyToken(app: FastifyInstance, agency: string, name = `test token of ${agency}`): Promise<AgencyToken> {
  const admin = await loginAs(app, 'admin');
  const response = await app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: admin.headers, payload: { agency, name } });
  if (response.statusCode !== 201) throw new Error(`token creation failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { id: string; token: string };
  return { id: body.id, token: body.token, headers: { authorization: `Bearer ${body.token}` } };
}

/**
 * Creates call-center staff assigned to some agencies only, through the admin API (as `admin`), and
 * logs them in: the partial assignments the isolation tests need.
 */
export async function createStaffUser(
  app: FastifyInstance,
  username: string,
  role: 'operator' | 'supervisor' | 'admin',
  agencies: readonly string[],
): Promise<Session> {
  const admin = await loginAs(app, 'admin');
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: admin.headers,
    payload: { username, displayName: username, role, agencies, password: TEST_DEMO_PASSWORD },
  });
  if (response.statusCode !== 201) throw new Error(`user creation failed: ${response.statusCode} ${response.body}`);
  return loginAs(app, username);
}
