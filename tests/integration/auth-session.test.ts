import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { createAgencyToken, loginAs, sessionCookieOf } from '../helpers/auth.ts';
import { TEST_BASE_URL, TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';

const START = '2026-11-23T09:00:00Z';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: START });
});
afterAll(async () => {
  await t.close();
});

describe('login, me and logout', () => {
  it('logs in with the demo password and sets an HttpOnly, SameSite, Secure session cookie', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: TEST_BASE_URL },
      payload: { username: 'referente-milano', password: TEST_DEMO_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.user).toMatchObject({ username: 'referente-milano', role: 'agency', agency: 'aler-milano', agencies: ['aler-milano'] });
    expect(body.csrfToken).toEqual(expect.any(String));
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^centralino_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Secure/i);
  });

  it('answers me with the user, the agencies served and the CSRF token', async () => {
    const session = await loginAs(t.app, 'operatore1');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: 'operatore1', role: 'operator', agencies: ['aler-milano', 'aler-pavia-lodi'] },
      csrfToken: session.csrfToken,
    });
  });

  it('refuses a wrong password and an unknown user with the same 401 and message', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.10',
      payload: { username: 'admin', password: 'nope-nope-nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.0.0.10',
      payload: { username: 'nobody-here', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error).toEqual(unknown.json().error);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('ends the session server-side on logout: the old cookie replayed gets 401', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers });
    expect(logout.statusCode).toBe(204);
    const replay = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: { cookie: session.cookie } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses anonymous API requests with 401', async () => {
    for (const url of ['/api/v1/calls', '/api/v1/auth/me', '/api/v1/admin/tokens']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
    }
  });

  it('refuses a forged cookie', async () => {
    const session = await loginAs(t.app, 'operatore2');
    const forged = session.cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: forged } });
    expect(response.statusCode).toBe(401);
  });

  it('authenticates an agency bearer token as that agency', async () => {
    const token = await createAgencyToken(t.app, 'aler-milano');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: token.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ token: { role: 'agency', agencies: ['aler-milano'] } });
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer cnt_not-a-real-token' } });
    expect(bad.statusCode).toBe(401);
  });

  it('gives the cookie of a login back as a usable session', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'ADMIN', password: TEST_DEMO_PASSWORD } });
    expect(response.statusCode).toBe(200);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: sessionCookieOf(response) } });
    expect(me.json().user.username).toBe('admin');
  });
});
