import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * What the ticket detail screen reads besides the ticket (issue 15 §1): the tickets opened beside
 * it (both ends of a link), its calls by CallSid, and re-filing it under another portfolio, each
 * within the viewer's agencies.
 */
const PAVIA = 'aler-pavia-lodi';
const PAVIA_NUMBER = '+390382000000';

let t: TestApp;
let operator: Session;
let clerk: Session;
let milanoOperator: Session;
let milanoClerk: Session;
let olderRef: string;
let newerRef: string;

async function request(session: Session, method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  operator = await loginAs(t.app, 'operatore1');
  clerk = await loginAs(t.app, 'referente-pavia');
  milanoClerk = await loginAs(t.app, 'referente-milano');
  milanoOperator = await createStaffUser(t.app, 'operatore-milano-dettaglio', 'operator', ['aler-milano']);
  const older = await t.app.services.tickets.createTicket(SYSTEM_ACTOR, {
    agency: PAVIA,
    category: 'maintenance',
    description: 'Perdita in cantina',
    route: true,
  });
  olderRef = older.ref;
  const newer = await t.app.services.tickets.createTicket(SYSTEM_ACTOR, {
    agency: PAVIA,
    category: 'maintenance',
    description: 'Ancora acqua in cantina',
    linkedTo: { ref: olderRef, kind: 'follow_up' },
  });
  newerRef = newer.ref;
});
afterAll(async () => {
  await t?.close();
});

describe('ticket detail', () => {
  it('shows the link from both ends', async () => {
    const older = (await request(clerk, 'GET', `/api/v1/tickets/${olderRef}`)).json();
    expect(older.linkedFrom).toEqual([{ ref: newerRef, kind: 'follow_up' }]);
    const newer = (await request(operator, 'GET', `/api/v1/tickets/${newerRef}`)).json();
    expect(newer.linkedTo).toEqual({ ref: olderRef, kind: 'follow_up' });
    expect(newer.linkedFrom).toEqual([]);
  });

  it("lists a ticket's calls by CallSid, with the wait and who answered, never another agency's", async () => {
    const callSid = newCallSid();
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393471234567', PAVIA_NUMBER))).statusCode).toBe(200);
    const other = newCallSid();
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(other, '+393471234567', '+390240000000'))).statusCode).toBe(200);
    const mine = await request(operator, 'GET', `/api/v1/calls?callSid=${callSid},${other}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(
      mine
        .json()
        .items.map((call: { callSid: string }) => call.callSid)
        .sort(),
    ).toEqual([callSid, other].sort());
    for (const session of [milanoClerk, milanoOperator]) {
      const foreign = await request(session, 'GET', `/api/v1/calls?callSid=${callSid}`);
      expect(foreign.json().items).toEqual([]);
    }
    expect((await request(operator, 'GET', '/api/v1/calls?callSid=not%20a%20sid')).statusCode).toBe(400);
  });

  it('staff move a ticket to another portfolio of its agency; the clerk and foreign staff cannot', async () => {
    const moved = await request(operator, 'PATCH', `/api/v1/tickets/${olderRef}`, { portfolio: 'comune-di-pavia' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().portfolio).toBe('comune-di-pavia');
    expect(moved.json().events.at(-1)).toMatchObject({ type: 'portfolio_changed', data: { from: null, to: 'comune-di-pavia' } });
    expect((await request(operator, 'PATCH', `/api/v1/tickets/${olderRef}`, { portfolio: 'nessuno' })).statusCode).toBe(400);
    expect((await request(clerk, 'PATCH', `/api/v1/tickets/${olderRef}`, { portfolio: null })).statusCode).toBe(403);
    expect((await request(milanoOperator, 'PATCH', `/api/v1/tickets/${olderRef}`, { portfolio: null })).statusCode).toBe(404);
    const back = await request(operator, 'PATCH', `/api/v1/tickets/${olderRef}`, { portfolio: null });
    expect(back.json().portfolio).toBeNull();
  });
});
