import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog, securityEvents } from '../../src/db/schema/index.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { loginAs } from '../helpers/auth.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  for (const to of ['+39800100100', '+390240000000', '+39800200200']) {
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', to))).statusCode).toBe(200);
  }
});
afterAll(async () => {
  await t.close();
});

describe('processor access log', () => {
  it("records who read which agency's callers in the call log, and when", async () => {
    const operator = await loginAs(t.app, 'operatore1');
    t.clock.set('2026-11-23T09:30:00Z');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: operator.headers })).statusCode).toBe(200);
    const rows = await t.database.db.select().from(accessLog).where(eq(accessLog.actorName, 'operatore1'));
    expect(rows.map((row) => [row.agencyCode, row.resource, row.action, row.count, row.at.toISOString()]).sort()).toEqual([
      ['aler-milano', 'calls', 'list', 2, '2026-11-23T09:30:00.000Z'],
      ['aler-pavia-lodi', 'calls', 'list', 1, '2026-11-23T09:30:00.000Z'],
    ]);
    expect(rows[0].fields).toEqual(['from']);
  });

  it("exports an agency's log to its own users, in JSON and CSV, and nothing of the other agency", async () => {
    const clerk = await loginAs(t.app, 'referente-milano');
    const json = await t.app.inject({ method: 'GET', url: '/api/v1/access-log', headers: clerk.headers });
    expect(json.statusCode).toBe(200);
    const items = json.json().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item: { agency: string }) => item.agency === 'aler-milano')).toBe(true);
    expect(items[0]).toMatchObject({ agency: 'aler-milano', actor: { name: 'operatore1', role: 'operator' }, resource: 'calls', action: 'list' });
    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/access-log?format=csv', headers: clerk.headers });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('at,agency,actor_kind,actor_id,actor_name,actor_role,resource,resource_id,action,fields,count');
    expect(lines.slice(1).every((line) => line.includes(',aler-milano,'))).toBe(true);
    expect(csv.body).not.toContain('aler-pavia-lodi');
    const day = await t.app.inject({ method: 'GET', url: '/api/v1/access-log?from=2026-11-23&to=2026-11-23', headers: clerk.headers });
    expect(day.json().items).toHaveLength(items.length);
    const dayBefore = await t.app.inject({ method: 'GET', url: '/api/v1/access-log?from=2026-11-22&to=2026-11-22', headers: clerk.headers });
    expect(dayBefore.json().items).toEqual([]);
    const foreign = await t.app.inject({ method: 'GET', url: '/api/v1/access-log?agency=aler-pavia-lodi', headers: clerk.headers });
    expect(foreign.statusCode).toBe(404);
  });

  it('exports any served agency to supervisors, and refuses operators', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    const pavia = await t.app.inject({ method: 'GET', url: '/api/v1/access-log?agency=aler-pavia-lodi', headers: supervisor.headers });
    expect(pavia.statusCode).toBe(200);
    expect(pavia.json().items.map((item: { agency: string }) => item.agency)).toEqual(['aler-pavia-lodi']);
    const operator = await loginAs(t.app, 'operatore2');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/access-log', headers: operator.headers })).statusCode).toBe(403);
  });

  it("does not record an agency's own clerk reading its own data", async () => {
    const before = (await t.database.db.select().from(accessLog)).length;
    const clerk = await loginAs(t.app, 'referente-pavia');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: clerk.headers })).statusCode).toBe(200);
    expect((await t.database.db.select().from(accessLog)).length).toBe(before);
  });

  it('logs authentication and authorization failures', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'wrong-password-here' } });
    const operator = await loginAs(t.app, 'operatore2');
    await t.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: operator.headers });
    await t.app.inject({ method: 'GET', url: '/api/v1/calls', headers: { authorization: 'Bearer cnt_forged' } });
    const kinds = (await t.database.db.select().from(securityEvents)).map((row) => [row.kind, row.username]);
    expect(kinds).toContainEqual(['login_failed', 'admin']);
    expect(kinds).toContainEqual(['forbidden', 'operatore2']);
    expect(kinds).toContainEqual(['token_rejected', null]);
  });
});
