import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createAgencyToken, createStaffUser, loginAs } from '../helpers/auth.ts';
import type { LiveClient } from '../helpers/live-socket.ts';
import { connected, connectLive } from '../helpers/live-socket.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Internal notes (issue 15 §1) are the call center's own: the agency's clerks, its API token, its
 * live room and its systems (webhook and e-mail deliveries) never read them; shared notes and the
 * clerk's own notes are read by both sides. Staff of another agency see neither.
 */
const PAVIA = 'aler-pavia-lodi';
const INTERNAL = 'Il signore era molto alterato, richiamare con calma';
const SHARED = 'Il tecnico può passare dalle 14';
const CLERK_NOTE = 'Sopralluogo fissato per giovedì';

type TicketView = { ref: string; events: { type: string; text: string | null; data: Record<string, unknown> | null }[] };

let t: TestApp;
let baseUrl: string;
let operator: Session;
let clerk: Session;
let milanoOperator: Session;
let token: { headers: Readonly<Record<string, string>> };
let clerkLive: LiveClient;
let staffLive: LiveClient;
let ref: string;

async function call(session: { headers: Readonly<Record<string, string>> }, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

function notesOf(ticket: TicketView) {
  return ticket.events.filter((event) => event.type === 'note').map((event) => ({ text: event.text, visibility: event.data?.visibility }));
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  operator = await loginAs(t.app, 'operatore1');
  clerk = await loginAs(t.app, 'referente-pavia');
  milanoOperator = await createStaffUser(t.app, 'operatore-solo-milano', 'operator', ['aler-milano']);
  token = await createAgencyToken(t.app, PAVIA);
  clerkLive = connectLive(baseUrl, clerk.cookie);
  staffLive = connectLive(baseUrl, operator.cookie);
  await Promise.all([connected(clerkLive), connected(staffLive)]);
  await Promise.all([clerkLive.hello, staffLive.hello]);

  const created = await call(operator, 'POST', '/api/v1/tickets', {
    agency: PAVIA,
    category: 'maintenance',
    description: 'Perdita dal soffitto',
    caller: { phone: '+393485551234', name: 'Lucia Ferri' },
  });
  expect(created.statusCode, created.body).toBe(201);
  ref = created.json().ref;
  expect((await call(operator, 'POST', `/api/v1/tickets/${ref}/notes`, { text: INTERNAL })).statusCode).toBe(201);
  expect((await call(operator, 'POST', `/api/v1/tickets/${ref}/notes`, { text: SHARED, visibility: 'shared' })).statusCode).toBe(201);
  expect((await call(clerk, 'POST', `/api/v1/tickets/${ref}/notes`, { text: CLERK_NOTE })).statusCode).toBe(201);
});
afterAll(async () => {
  clerkLive?.close();
  staffLive?.close();
  await t?.close();
});

describe('internal and shared notes', () => {
  it('staff read every note with its visibility; a staff note is internal unless shared', async () => {
    const ticket = (await call(operator, 'GET', `/api/v1/tickets/${ref}`)).json() as TicketView;
    expect(notesOf(ticket)).toEqual([
      { text: INTERNAL, visibility: 'internal' },
      { text: SHARED, visibility: 'shared' },
      { text: CLERK_NOTE, visibility: 'shared' },
    ]);
  });

  it('the clerk and the agency token never read an internal note, in the ticket or in the list', async () => {
    for (const session of [clerk, token]) {
      const one = await call(session, 'GET', `/api/v1/tickets/${ref}`);
      expect(one.statusCode).toBe(200);
      expect(notesOf(one.json())).toEqual([
        { text: SHARED, visibility: 'shared' },
        { text: CLERK_NOTE, visibility: 'shared' },
      ]);
      const list = await call(session, 'GET', `/api/v1/tickets?agency=${PAVIA}`);
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(INTERNAL);
      expect(list.body).toContain(SHARED);
    }
  });

  it('a clerk cannot write an internal note', async () => {
    const refused = await call(clerk, 'POST', `/api/v1/tickets/${ref}/notes`, { text: 'Nota riservata', visibility: 'internal' });
    expect(refused.statusCode).toBe(403);
  });

  it('staff serving another agency only neither read nor write its notes', async () => {
    expect((await call(milanoOperator, 'GET', `/api/v1/tickets/${ref}`)).statusCode).toBe(404);
    expect((await call(milanoOperator, 'POST', `/api/v1/tickets/${ref}/notes`, { text: 'x' })).statusCode).toBe(404);
    const list = await call(milanoOperator, 'GET', '/api/v1/tickets');
    expect(list.body).not.toContain(INTERNAL);
    expect(list.body).not.toContain(ref);
  });

  it('the agency room hears shared notes but not internal ones; the staff room hears both', async () => {
    const noteText = (event: { data: { change?: { type: string; text: string | null } } }) => event.data.change?.text;
    await staffLive.waitForEvent('ticket.changed', (event) => noteText(event) === CLERK_NOTE);
    await clerkLive.waitForEvent('ticket.changed', (event) => noteText(event) === CLERK_NOTE);
    expect(staffLive.events.some((event) => event.type === 'ticket.changed' && noteText(event) === INTERNAL)).toBe(true);
    const clerkHeard = clerkLive.events.filter((event) => event.type === 'ticket.changed').map(noteText);
    expect(clerkHeard).toContain(SHARED);
    expect(clerkHeard).not.toContain(INTERNAL);
  });

  it("the agency's systems are told of shared notes only, and what they receive holds no internal note", async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    const page = await call(supervisor, 'GET', `/api/v1/deliveries?ticket=${ref}&limit=100`);
    expect(page.statusCode, page.body).toBe(200);
    const deliveries = page.json().items as { id: string; eventType: string }[];
    expect(deliveries.filter((delivery) => delivery.eventType === 'ticket.note').length).toBeGreaterThan(0);
    for (const delivery of deliveries) {
      const detail = await call(supervisor, 'GET', `/api/v1/deliveries/${delivery.id}`);
      expect(detail.body).not.toContain(INTERNAL);
    }
    const payloads = await Promise.all(deliveries.map(async (delivery) => (await call(supervisor, 'GET', `/api/v1/deliveries/${delivery.id}`)).body));
    expect(payloads.some((body) => body.includes(SHARED))).toBe(true);
  });
});
