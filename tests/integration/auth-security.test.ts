import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createAgencyToken, loginAs, sessionCookieOf } from '../helpers/auth.ts';
import { TEST_BASE_URL, TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';

const START = '2026-11-23T09:00:00Z';
const HOUR = 60 * 60_000;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: START });
});
afterAll(async () => {
  await t.close();
});
// Every test starts two hours after the last one ended: no lock or throttle window carries over.
beforeEach(() => {
  t.clock.advance(2 * HOUR);
});

function login(username: string, password: string, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, headers, payload: { username, password } });
}

const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });

describe('CSRF on cookie-authenticated state changes', () => {
  it('refuses a POST with the session cookie but without the X-CSRF-Token header, and the session lives on', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: session.cookie, origin: TEST_BASE_URL } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
    expect((await me(session.cookie)).statusCode).toBe(200);
  });

  it('refuses a wrong token', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...session.headers, 'x-csrf-token': 'x'.repeat(43) } });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...session.headers, origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(403);
    expect((await me(session.cookie)).statusCode).toBe(200);
  });

  it('refuses a foreign Referer when there is no Origin', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const { origin: _origin, ...headers } = session.headers;
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...headers, referer: 'https://evil.example/page' } });
    expect(response.statusCode).toBe(403);
  });

  it('accepts the same host as Origin (behind a proxy) with the right token', async () => {
    const session = await loginAs(t.app, 'supervisore');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: 'http://dashboard.internal:8080', host: 'dashboard.internal:8080' },
    });
    expect(response.statusCode).toBe(204);
  });

  it('refuses a login posted from a foreign origin', async () => {
    const response = await login('admin', TEST_DEMO_PASSWORD, '127.0.0.1', { origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('does not apply to bearer-token requests, which carry no cookie', async () => {
    const token = await createAgencyToken(t.app, 'aler-milano');
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { ...token.headers, origin: 'https://evil.example' } });
    expect(response.statusCode).not.toBe(403);
  });
});

describe('login throttling', () => {
  it('throttles a burst of 150 wrong passwords for one account long before the 150th; another account still logs in from another address', async () => {
    const burst = await Promise.all(Array.from({ length: 150 }, () => login('operatore1', 'wrong-password-guess', '203.0.113.7')));
    const statuses = burst.map((response) => response.statusCode);
    const refusedAsWrong = statuses.filter((status) => status === 401).length;
    expect(refusedAsWrong).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBe(150 - refusedAsWrong);
    expect(statuses.findIndex((status) => status === 429)).toBeLessThan(10);
    expect(Number(burst.find((response) => response.statusCode === 429)!.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits out the lock: nothing is learnt from a locked account.
    expect((await login('operatore1', TEST_DEMO_PASSWORD, '198.51.100.1')).statusCode).toBe(429);
    expect((await login('operatore2', TEST_DEMO_PASSWORD, '198.51.100.2')).statusCode).toBe(200);
    t.clock.advance(HOUR);
    expect((await login('operatore1', TEST_DEMO_PASSWORD, '198.51.100.1')).statusCode).toBe(200);
  });

  it('allows at most 100 failed attempts per account per hour to an attacker who waits out every lock', async () => {
    let failures = 0;
    const end = t.clock.now().getTime() + HOUR;
    while (t.clock.now().getTime() < end) {
      const response = await login('admin', 'still-guessing-wrong', '203.0.113.8');
      if (response.statusCode === 401) failures += 1;
      else {
        expect(response.statusCode).toBe(429);
        t.clock.advance(response.json().error.details.retryAfterSeconds * 1000);
      }
    }
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThanOrEqual(100);
  });

  it('answers an unknown user exactly like a wrong password, throttle included', async () => {
    const unknown = [];
    const wrong = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      unknown.push(await login('no-such-user', 'some-password-1', '203.0.113.9'));
      wrong.push(await login('referente-pavia', 'some-password-1', '203.0.113.9'));
    }
    expect(unknown.map((response) => response.statusCode)).toEqual(wrong.map((response) => response.statusCode));
    expect(unknown.map((response) => response.json().error.message)).toEqual(wrong.map((response) => response.json().error.message));
    expect(unknown.at(-1)!.statusCode).toBe(429);
  });
});

describe('session lifetime', () => {
  it('ends a session idle for more than 8 hours', async () => {
    const session = await loginAs(t.app, 'operatore2', { remoteAddress: '192.0.2.1' });
    t.clock.advance(7 * HOUR + 59 * 60_000);
    expect((await me(session.cookie)).statusCode).toBe(200);
    t.clock.advance(8 * HOUR + 1000);
    expect((await me(session.cookie)).statusCode).toBe(401);
  });

  it('ends an active session 12 hours after login', async () => {
    const session = await loginAs(t.app, 'operatore2', { remoteAddress: '192.0.2.1' });
    for (let hours = 0; hours < 11; hours += 1) {
      t.clock.advance(HOUR);
      expect((await me(session.cookie)).statusCode).toBe(200);
    }
    t.clock.advance(HOUR);
    expect((await me(session.cookie)).statusCode).toBe(401);
  });
});

describe('password change', () => {
  it('ends every session of the user, starts a new one, and the old password stops working', async () => {
    const first = await loginAs(t.app, 'referente-pavia', { remoteAddress: '192.0.2.2' });
    const second = await loginAs(t.app, 'referente-pavia', { remoteAddress: '192.0.2.3' });
    const newPassword = 'a-new-long-passphrase-2026';
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: first.headers,
      remoteAddress: '192.0.2.2',
      payload: { currentPassword: TEST_DEMO_PASSWORD, newPassword },
    });
    expect(change.statusCode).toBe(200);
    expect((await me(first.cookie)).statusCode).toBe(401);
    expect((await me(second.cookie)).statusCode).toBe(401);
    expect((await me(sessionCookieOf(change))).statusCode).toBe(200);
    expect((await login('referente-pavia', TEST_DEMO_PASSWORD, '192.0.2.4')).statusCode).toBe(401);
    expect((await login('referente-pavia', newPassword, '192.0.2.4')).statusCode).toBe(200);
  });

  it('refuses a wrong current password and a too short new one', async () => {
    const session = await loginAs(t.app, 'referente-milano', { remoteAddress: '192.0.2.5' });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: session.headers,
      payload: { currentPassword: 'not-my-password', newPassword: 'a-new-long-passphrase-2026' },
    });
    expect(wrong.statusCode).toBe(403);
    const short = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: session.headers,
      payload: { currentPassword: TEST_DEMO_PASSWORD, newPassword: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toMatch(/at least 12/);
    expect((await me(session.cookie)).statusCode).toBe(200);
  });
});
