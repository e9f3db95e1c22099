import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createAgencyToken, createStaffUser, loginAs } from '../helpers/auth.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const START = '2026-11-23T09:00:00Z';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: START });
  for (const to of ['+39800100100', '+39800200200']) {
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', to))).statusCode).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
});

async function listTokens(headers: Record<string, string>) {
  const response = await t.app.inject({ method: 'GET', url: '/api/v1/admin/tokens', headers });
  expect(response.statusCode).toBe(200);
  return response.json().items as { id: string; agency: string; lastUsedAt: string | null; revokedAt: string | null; prefix: string }[];
}

describe('agency API tokens', () => {
  it('are shown once, stored hashed, and list without their secret', async () => {
    const admin = await loginAs(t.app, 'admin');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tokens',
      headers: admin.headers,
      payload: { agency: 'aler-milano', name: 'gestionale' },
    });
    expect(created.statusCode).toBe(201);
    const { token, id, prefix } = created.json();
    expect(token).toMatch(/^cnt_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/admin/tokens', headers: admin.headers });
    expect(listed.body).not.toContain(token);
    expect(listed.json().items.find((item: { id: string }) => item.id === id)).toMatchObject({
      agency: 'aler-milano',
      name: 'gestionale',
      lastUsedAt: null,
      revokedAt: null,
    });
  });

  it('are scoped to their agency: own calls only, the other agency refused', async () => {
    const token = await createAgencyToken(t.app, 'aler-milano');
    const own = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: token.headers });
    expect(own.statusCode).toBe(200);
    const agencies = own.json().items.map((call: { agency: string }) => call.agency);
    expect(agencies.length).toBeGreaterThan(0);
    expect(new Set(agencies)).toEqual(new Set(['aler-milano']));
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/calls?agency=aler-pavia-lodi', headers: token.headers });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('aler-pavia-lodi.');
  });

  it('cannot administer anything', async () => {
    const token = await createAgencyToken(t.app, 'aler-milano');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/admin/tokens', headers: token.headers });
    expect(list.statusCode).toBe(403);
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tokens',
      headers: token.headers,
      payload: { agency: 'aler-pavia-lodi', name: 'x' },
    });
    expect(create.statusCode).toBe(403);
  });

  it('record their last use', async () => {
    const admin = await loginAs(t.app, 'admin');
    const token = await createAgencyToken(t.app, 'aler-pavia-lodi');
    t.clock.set('2026-11-23T10:00:00Z');
    await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: token.headers });
    expect((await listTokens(admin.headers)).find((item) => item.id === token.id)?.lastUsedAt).toBe('2026-11-23T10:00:00.000Z');
    t.clock.set('2026-11-23T10:30:00Z');
    await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: token.headers });
    expect((await listTokens(admin.headers)).find((item) => item.id === token.id)?.lastUsedAt).toBe('2026-11-23T10:30:00.000Z');
  });

  it('stop working once revoked', async () => {
    const admin = await loginAs(t.app, 'admin');
    const token = await createAgencyToken(t.app, 'aler-milano');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: token.headers })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${token.id}`, headers: admin.headers });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(String));
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: token.headers });
    expect(after.statusCode).toBe(401);
  });

  it('are managed by administrators only: supervisors list, cannot create or revoke', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    const token = await createAgencyToken(t.app, 'aler-milano');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/admin/tokens', headers: supervisor.headers })).statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/admin/tokens', headers: supervisor.headers, payload: { agency: 'aler-milano', name: 'x' } }))
        .statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/tokens/${token.id}`, headers: supervisor.headers })).statusCode).toBe(403);
  });

  it("are listed to a supervisor only for the agencies they serve: another agency's token is not even named", async () => {
    await createAgencyToken(t.app, 'aler-pavia-lodi', 'gestionale Pavia');
    const milanoOnly = await createStaffUser(t.app, 'supervisore-milano', 'supervisor', ['aler-milano']);
    const listed = await listTokens(milanoOnly.headers);
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed.map((item) => item.agency))).toEqual(new Set(['aler-milano']));
    const foreign = await t.app.inject({ method: 'GET', url: '/api/v1/admin/tokens?agency=aler-pavia-lodi', headers: milanoOnly.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('gestionale Pavia');
    // Administrators still manage every agency's tokens.
    expect((await listTokens((await loginAs(t.app, 'admin')).headers)).some((item) => item.agency === 'aler-pavia-lodi')).toBe(true);
  });

  it('cannot be created for an unknown agency', async () => {
    const admin = await loginAs(t.app, 'admin');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/tokens',
      headers: admin.headers,
      payload: { agency: 'aler-bergamo', name: 'x' },
    });
    expect(response.statusCode).toBe(404);
  });
});
