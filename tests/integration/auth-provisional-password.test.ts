import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** A password an administrator generated is provisional: it opens nothing but its own replacement. */
let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => {
  await t.close();
});

const ORIGIN = { origin: 'https://centralino.test' };

async function logIn(username: string, password: string) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: ORIGIN, payload: { username, password } });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = String(response.headers['set-cookie']).split(';')[0];
  return { body: response.json(), headers: { cookie, 'x-csrf-token': response.json().csrfToken, ...ORIGIN } };
}

describe('provisional passwords', () => {
  it('makes a new clerk choose a password before reading any data, and shows the administrator the last login', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin.headers,
      payload: { username: 'referente-nuova', displayName: 'Referente Nuova', role: 'agency', agency: 'aler-pavia-lodi' },
    });
    const { user, password } = created.json();
    expect(user).toMatchObject({ mustChangePassword: true, lastLoginAt: null });

    const first = await logIn('referente-nuova', password);
    expect(first.body.user.mustChangePassword).toBe(true);
    const blocked = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?agency=aler-pavia-lodi', headers: first.headers });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: first.headers })).statusCode).toBe(200);

    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: first.headers,
      payload: { currentPassword: password, newPassword: 'una-password-tutta-mia' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().user.mustChangePassword).toBe(false);
    const mine = await logIn('referente-nuova', 'una-password-tutta-mia');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tickets?agency=aler-pavia-lodi', headers: mine.headers })).statusCode).toBe(200);

    const seen = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/${user.id}`, headers: admin.headers })).json();
    expect(seen).toMatchObject({ mustChangePassword: false, lastLoginAt: '2026-11-23T09:00:00.000Z' });
  });

  it('makes a reset password provisional again, but not one the administrator chose through the API', async () => {
    const [clerk] = (await t.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: admin.headers }))
      .json()
      .items.filter((user: { username: string }) => user.username === 'referente-pavia');
    const reset = (await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${clerk.id}/password`, headers: admin.headers, payload: {} })).json();
    expect(reset.user.mustChangePassword).toBe(true);
    const session = await logIn('referente-pavia', reset.password);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls?agency=aler-pavia-lodi', headers: session.headers })).statusCode).toBe(403);

    const chosen = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${clerk.id}/password`,
        headers: admin.headers,
        payload: { password: 'scelta-dall-amministratore' },
      })
    ).json();
    expect(chosen.user.mustChangePassword).toBe(false);
  });
});
