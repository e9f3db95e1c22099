import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const AT_10_ROME = '2026-11-23T09:00:00Z';
let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ now: AT_10_ROME });
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: unknown) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** A generated password is provisional: the user replaces it, and then logs in with their own. */
async function ownPassword(provisional: Session, password: string, username: string): Promise<Session> {
  const own = `${username}-password-propria`;
  const changed = await api('POST', '/api/v1/auth/password', provisional, { currentPassword: password, newPassword: own });
  expect(changed.statusCode, changed.body).toBe(200);
  return loginAs(t.app, username, { password: own });
}

const ring = (to: string) => twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', to));

describe('agency administration', () => {
  it("shows an agency's whole configuration, contract included", async () => {
    const response = await api('GET', '/api/v1/admin/agencies/aler-pavia-lodi', admin);
    expect(response.statusCode).toBe(200);
    const agency = response.json();
    expect(agency).toMatchObject({ code: 'aler-pavia-lodi', name: 'ALER Pavia-Lodi', timezone: 'Europe/Rome', serviceLevelSeconds: 20 });
    expect(agency.numbers.map((number: { e164: string }) => number.e164)).toEqual(['+390382000000', '+39800200200', '+39800300300']);
    expect(agency.emailAddresses).toContainEqual({ address: 'patrimonio-comunale@aler-pavia-lodi.example', portfolio: 'comune-di-pavia' });
    expect(agency.queues.map((queue: { name: string }) => queue.name).sort()).toEqual([
      'aler-pavia-lodi.admin',
      'aler-pavia-lodi.heating',
      'aler-pavia-lodi.maintenance',
    ]);
    expect(agency.schedule.weekly).toHaveLength(7);
    expect(agency.contract).toMatchObject({ annualFeeCents: 4_299_000, startsOn: '2025-05-03', months: 36, tacitRenewal: true, noticeMonths: 3 });
  });

  it('routes a newly added number at once (the webhooks read the reloaded directory)', async () => {
    const before = await ring('+39800400400');
    expect(before.body).toContain('<Hangup/>');
    const current = (await api('GET', '/api/v1/admin/agencies/aler-milano', admin)).json();
    const numbers = [...current.numbers, { e164: '+39800400400', kind: 'numero_verde', label: 'Nuovo numero verde' }];
    const response = await api('PUT', '/api/v1/admin/agencies/aler-milano/numbers', admin, { numbers });
    expect(response.statusCode).toBe(200);
    expect(response.json().numbers).toHaveLength(3);
    const after = await ring('+39800400400');
    expect(after.body).toContain('ALER Milano');
    expect(after.body).toContain('<Gather');
  });

  it('refuses a number that routes to another agency with 409, changing nothing', async () => {
    const response = await api('PUT', '/api/v1/admin/agencies/aler-milano/numbers', admin, { numbers: [{ e164: '+39800200200', kind: 'numero_verde' }] });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toContain('+39800200200');
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano', admin)).json().numbers).toHaveLength(3);
  });

  it('explains every invalid field', async () => {
    const response = await api('PUT', '/api/v1/admin/agencies/aler-milano/schedule', admin, {
      weekly: [{ weekday: 8, opens: '09:00', closes: '08:00' }],
      exceptions: [{ date: '2026-02-30' }],
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().error.details.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['weekly.0.weekday', 'weekly.0', 'exceptions.0.date']));
  });

  it('closes an agency for a holiday with a dated exception', async () => {
    const current = (await api('GET', '/api/v1/admin/agencies/aler-milano', admin)).json();
    const response = await api('PUT', '/api/v1/admin/agencies/aler-milano/schedule', admin, {
      weekly: current.schedule.weekly,
      exceptions: [{ date: '2026-11-23', note: 'Chiusura straordinaria' }],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().schedule.exceptions).toEqual([{ date: '2026-11-23', ranges: [], note: 'Chiusura straordinaria' }]);
    const closed = await ring('+39800100100');
    expect(closed.body).not.toContain('<Gather');
    expect(closed.body).toContain('<Hangup/>');
  });

  it('sets the emergency number, queue priorities and contract terms', async () => {
    const patched = await api('PATCH', '/api/v1/admin/agencies/aler-pavia-lodi', admin, { emergencyNumber: '+390382111111', serviceLevelSeconds: 30 });
    expect(patched.json()).toMatchObject({ emergencyNumber: '+390382111111', serviceLevelSeconds: 30 });
    expect(t.app.services.directory.agency('aler-pavia-lodi')?.emergencyNumber).toBe('+390382111111');
    const queues = await api('PUT', '/api/v1/admin/agencies/aler-pavia-lodi/queues', admin, {
      queues: [
        { category: 'heating', label: 'Riscaldamento', priority: 5 },
        { category: 'maintenance', label: 'Manutenzione', priority: 0 },
        { category: 'admin', label: 'Pratiche', priority: -1 },
      ],
    });
    expect(queues.statusCode).toBe(200);
    expect(t.app.services.directory.agency('aler-pavia-lodi')?.queues.find((queue) => queue.category === 'heating')?.priority).toBe(5);
    const contract = await api('PUT', '/api/v1/admin/agencies/aler-pavia-lodi/contract', admin, {
      annualFeeCents: 4_500_000,
      startsOn: '2028-05-03',
      months: 24,
    });
    expect(contract.json().contract).toMatchObject({ annualFeeCents: 4_500_000, startsOn: '2028-05-03', months: 24, currency: 'EUR' });
  });

  it('creates an agency with its three queues', async () => {
    const response = await api('POST', '/api/v1/admin/agencies', admin, { code: 'aler-bergamo', name: 'ALER Bergamo-Lecco-Sondrio', ticketPrefix: 'BG' });
    expect(response.statusCode).toBe(201);
    expect(
      response
        .json()
        .queues.map((queue: { category: string }) => queue.category)
        .sort(),
    ).toEqual(['admin', 'heating', 'maintenance']);
    expect(t.app.services.directory.agency('aler-bergamo')?.name).toBe('ALER Bergamo-Lecco-Sondrio');
    const again = await api('POST', '/api/v1/admin/agencies', admin, { code: 'aler-bergamo', name: 'x', ticketPrefix: 'BX' });
    expect(again.statusCode).toBe(409);
  });

  it('lets supervisors read and not change; refuses operators and agency users', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    expect((await api('GET', '/api/v1/admin/agencies', supervisor)).statusCode).toBe(200);
    expect((await api('PATCH', '/api/v1/admin/agencies/aler-milano', supervisor, { name: 'x' })).statusCode).toBe(403);
    const operator = await loginAs(t.app, 'operatore1');
    expect((await api('GET', '/api/v1/admin/agencies', operator)).statusCode).toBe(403);
    const clerk = await loginAs(t.app, 'referente-milano');
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano', clerk)).statusCode).toBe(403);
  });
});

describe('user administration', () => {
  it('creates a staff user with a generated password shown once, who can log in and sees the agencies assigned', async () => {
    const created = await api('POST', '/api/v1/admin/users', admin, {
      username: 'Operatore3',
      displayName: 'Operatore Tre',
      role: 'operator',
      agencies: ['aler-milano'],
    });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json();
    expect(user).toMatchObject({ username: 'operatore3', role: 'operator', agencies: ['aler-milano'], disabled: false });
    expect(password).toEqual(expect.any(String));
    const provisional = await loginAs(t.app, 'operatore3', { password });
    expect(provisional.user.agencies).toEqual(['aler-milano']);
    const session = await ownPassword(provisional, password, 'operatore3');
    const calls = await api('GET', '/api/v1/calls?agency=aler-pavia-lodi', session);
    expect(calls.statusCode).toBe(404);
    const duplicate = await api('POST', '/api/v1/admin/users', admin, { username: 'operatore3', displayName: 'x', role: 'operator' });
    expect(duplicate.statusCode).toBe(409);
  });

  it('assigns another agency, and the next request sees it', async () => {
    const users = (await api('GET', '/api/v1/admin/users', admin)).json().items;
    const operator3 = users.find((user: { username: string }) => user.username === 'operatore3');
    const password = (await api('POST', `/api/v1/admin/users/${operator3.id}/password`, admin, {})).json().password;
    const session = await ownPassword(await loginAs(t.app, 'operatore3', { password }), password, 'operatore3');
    const patched = await api('PATCH', `/api/v1/admin/users/${operator3.id}`, admin, { agencies: ['aler-milano', 'aler-pavia-lodi'] });
    expect(patched.json().agencies).toEqual(['aler-milano', 'aler-pavia-lodi']);
    expect((await api('GET', '/api/v1/calls?agency=aler-pavia-lodi', session)).statusCode).toBe(200);
  });

  it('requires the agency of an agency user, and validates it', async () => {
    const missing = await api('POST', '/api/v1/admin/users', admin, { username: 'referente-x', displayName: 'x', role: 'agency' });
    expect(missing.statusCode).toBe(400);
    const unknown = await api('POST', '/api/v1/admin/users', admin, { username: 'referente-x', displayName: 'x', role: 'agency', agency: 'aler-nowhere' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.message).toContain('aler-nowhere');
  });

  it('ends every session of a disabled user and refuses their login', async () => {
    const created = (
      await api('POST', '/api/v1/admin/users', admin, {
        username: 'temp-clerk',
        displayName: 'Temp',
        role: 'agency',
        agency: 'aler-milano',
        password: 'temporary-password-1',
      })
    ).json();
    const session = await loginAs(t.app, 'temp-clerk', { password: 'temporary-password-1' });
    const disabled = await api('PATCH', `/api/v1/admin/users/${created.user.id}`, admin, { disabled: true });
    expect(disabled.json().disabled).toBe(true);
    expect((await api('GET', '/api/v1/auth/me', session)).statusCode).toBe(401);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'temp-clerk', password: 'temporary-password-1' } });
    expect(login.statusCode).toBe(401);
  });

  it('ends the sessions of a user whose password an administrator resets', async () => {
    const clerk = await loginAs(t.app, 'referente-pavia');
    const users = (await api('GET', '/api/v1/admin/users', admin)).json().items;
    const id = users.find((user: { username: string }) => user.username === 'referente-pavia').id;
    const reset = await api('POST', `/api/v1/admin/users/${id}/password`, admin, { password: 'reset-by-the-admin-1' });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().endedSessions).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/api/v1/auth/me', clerk)).statusCode).toBe(401);
    await loginAs(t.app, 'referente-pavia', { password: 'reset-by-the-admin-1' });
  });

  it('shows supervisors the users, without changing them', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    const list = await api('GET', '/api/v1/admin/users', supervisor);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('passwordHash');
    expect(list.body).not.toContain('$argon2');
    const id = list.json().items[0].id;
    expect((await api('PATCH', `/api/v1/admin/users/${id}`, supervisor, { displayName: 'x' })).statusCode).toBe(403);
  });

  it("shows a supervisor of one agency only that agency's users, and only that part of a colleague's assignments", async () => {
    const milanoOnly = await createStaffUser(t.app, 'supervisore-milano', 'supervisor', ['aler-milano']);
    const list = await api('GET', '/api/v1/admin/users', milanoOnly);
    expect(list.statusCode).toBe(200);
    const users = list.json().items as { id: string; username: string; agencies: string[] }[];
    expect(users.map((user) => user.username)).toContain('referente-milano');
    expect(users.map((user) => user.username)).not.toContain('referente-pavia');
    // operatore1 serves both agencies; that they also serve ALER Pavia-Lodi is not this supervisor's business.
    const colleague = users.find((user) => user.username === 'operatore1')!;
    expect(colleague.agencies).toEqual(['aler-milano']);
    expect(list.body).not.toContain('aler-pavia-lodi');
    expect((await api('GET', `/api/v1/admin/users/${colleague.id}`, milanoOnly)).json().agencies).toEqual(['aler-milano']);
    expect((await api('GET', '/api/v1/admin/users?agency=aler-pavia-lodi', milanoOnly)).statusCode).toBe(404);
  });
});
