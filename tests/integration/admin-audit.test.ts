import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';

/** Every configuration change leaves who, when, before and after; administrators read it. */
let t: TestApp;
let admin: Session;
let supervisor: Session;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  admin = await loginAs(t.app, 'admin');
  supervisor = await loginAs(t.app, 'supervisore');
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: unknown) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

type Entry = { action: string; actor: { name: string }; target: { kind: string; id: string }; agency: string | null; before: unknown; after: unknown };
const trail = async (query = ''): Promise<Entry[]> => (await api('GET', `/api/v1/admin/audit${query}`, admin)).json().items;

describe('configuration audit trail', () => {
  it('records a changed number with who, the numbers before and the numbers after, and nothing else', async () => {
    const current = (await api('GET', '/api/v1/admin/agencies/aler-milano', admin)).json();
    const numbers = [...current.numbers, { e164: '+39800400401', kind: 'landline', label: 'Sportello' }];
    expect((await api('PUT', '/api/v1/admin/agencies/aler-milano/numbers', admin, { numbers })).statusCode).toBe(200);

    const [latest] = await trail('?agency=aler-milano');
    expect(latest).toMatchObject({ action: 'agency.numbers', actor: { name: 'admin' }, target: { kind: 'agency', id: 'aler-milano' }, agency: 'aler-milano' });
    expect(Object.keys(latest.before as object)).toEqual(['numbers']);
    expect((latest.before as { numbers: unknown[] }).numbers).toHaveLength(current.numbers.length);
    expect((latest.after as { numbers: { e164: string }[] }).numbers.map((number) => number.e164)).toContain('+39800400401');
  });

  it('leaves no entry for a save that changes nothing', async () => {
    const before = await trail();
    const current = (await api('GET', '/api/v1/admin/agencies/aler-milano', admin)).json();
    expect((await api('PUT', '/api/v1/admin/agencies/aler-milano/numbers', admin, { numbers: current.numbers })).statusCode).toBe(200);
    expect((await trail())[0]).toEqual(before[0]);
  });

  it('records accounts and password resets without ever keeping a password', async () => {
    const created = await api('POST', '/api/v1/admin/users', admin, {
      username: 'nuova-referente',
      displayName: 'Nuova Referente',
      role: 'agency',
      agency: 'aler-milano',
    });
    expect(created.statusCode).toBe(201);
    const { user, password } = created.json();
    const reset = await api('POST', `/api/v1/admin/users/${user.id}/password`, admin, {});
    const secondPassword = reset.json().password;

    const entries = await trail(`?targetKind=user&targetId=${user.id}`);
    expect(entries.map((entry) => entry.action)).toEqual(['user.password_reset', 'user.create']);
    expect(entries[1]).toMatchObject({ before: null, after: { username: 'nuova-referente', agency: 'aler-milano' }, agency: 'aler-milano' });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(password);
    expect(text).not.toContain(secondPassword);
    expect(text).not.toContain('argon2');
  });

  it('records tokens without their secret, and refuses to mint one for an agency the administrator does not serve', async () => {
    const created = (await api('POST', '/api/v1/admin/tokens', admin, { agency: 'aler-pavia-lodi', name: 'Gestionale' })).json();
    await api('DELETE', `/api/v1/admin/tokens/${created.id}`, admin);
    const entries = await trail(`?targetKind=token&targetId=${created.id}`);
    expect(entries.map((entry) => entry.action)).toEqual(['token.revoke', 'token.create']);
    expect(JSON.stringify(entries)).not.toContain(created.token);

    const partialAdmin = await createStaffUser(t.app, 'admin-milano', 'admin', ['aler-milano']);
    expect((await api('POST', '/api/v1/admin/tokens', partialAdmin, { agency: 'aler-pavia-lodi', name: 'Altro' })).statusCode).toBe(404);
    expect((await api('POST', '/api/v1/admin/tokens', partialAdmin, { agency: 'aler-milano', name: 'Proprio' })).statusCode).toBe(201);
  });

  it('is for administrators only, and pages newest first', async () => {
    expect((await api('GET', '/api/v1/admin/audit', supervisor)).statusCode).toBe(403);
    const first = (await api('GET', '/api/v1/admin/audit?limit=2', admin)).json();
    expect(first.items).toHaveLength(2);
    const second = (await api('GET', `/api/v1/admin/audit?limit=2&cursor=${first.nextCursor}`, admin)).json();
    expect(Number(second.items[0].id)).toBeLessThan(Number(first.items[1].id));
  });
});
