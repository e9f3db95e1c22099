import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { calls, emailOutbox } from '../../src/db/schema/index.ts';
import { INCIDENT_REPORTED_IT } from '../../src/domain/pre-menu-announcement.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail, emailFixture } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';
import { spokenTexts } from '../helpers/xml.ts';

/**
 * Issue 17 §2 and §3 as Twilio plays them: the known problem of a building is heard only by the
 * callers the registry places in that building, pressing 1 adds their report without an operator,
 * and the state of a ticket is read only to the number registered on it.
 */
const PAVIA = '+39800200200';
const MILANO = '+39800100100';
/** PV-000101 Giuseppe Rinaldi, Via Riviera 41 (building «Riviera 41», Pavia): mobile and landline. */
const RINALDI_MOBILE = '+393471234567';
const RINALDI_LANDLINE = '+390382526311';
/** PV-000102 Maria Colombo, Via Lomonaco 12: another building of the same agency. */
const COLOMBO = '+393387654321';
const STRANGER = '+393209999999';
const OFFER = 'È già stato segnalato un guasto al riscaldamento nel suo stabile di Via Riviera 41: Caldaia centrale ferma.';

let t: TestApp;
let supervisor: Session;
let incidentId: string;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  supervisor = await loginAs(t.app, 'supervisore');
  const declared = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers: supervisor.headers,
    payload: {
      agency: 'aler-pavia-lodi',
      municipality: 'Pavia',
      building: 'Riviera 41',
      category: 'heating',
      description: 'Caldaia centrale ferma',
      expectedResolutionAt: '2026-11-23T18:00:00+01:00',
    },
  });
  expect(declared.statusCode).toBe(201);
  incidentId = (declared.json() as { id: string }).id;
});
afterAll(async () => {
  await t?.close();
});

async function incoming(from: string, to = PAVIA) {
  const callSid = newCallSid();
  const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
  expect(response.statusCode).toBe(200);
  return { callSid, xml: response.body, said: spokenTexts(response.body).join(' ') };
}

async function choose(callSid: string, from: string, digits: string | null) {
  const params = { ...incomingCallParams(callSid, from, PAVIA), CallStatus: 'in-progress', ...(digits === null ? {} : { Digits: digits }) };
  const response = await twilioPost(t.app, `/webhooks/twilio/voice/incident?incident=${incidentId}`, params);
  expect(response.statusCode).toBe(200);
  return { xml: response.body, said: spokenTexts(response.body).join(' ') };
}

async function incident() {
  const response = await t.app.inject({ url: `/api/v1/incidents/${incidentId}`, headers: supervisor.headers });
  expect(response.statusCode).toBe(200);
  return response.json() as { status: string; tickets: { ref: string; status: string; via: string }[]; callsHeard: number; callsReported: number };
}

describe('a known problem in the building, before the menu', () => {
  it('is offered to a caller of that building, with its own choice of 1 or 2', async () => {
    const { xml, said } = await incoming(RINALDI_MOBILE);
    expect(said).toContain(OFFER);
    expect(said).toContain('risoluzione prevista oggi alle 18:00');
    expect(said).toContain('Prema 1 per aggiungere la sua segnalazione, 2 per parlare con un operatore.');
    expect(xml).toContain(`/webhooks/twilio/voice/incident?incident=${incidentId}`);
    // The greeting still comes first.
    expect(said.indexOf('ALER Pavia-Lodi')).toBeLessThan(said.indexOf('È già stato segnalato'));
  });

  it('is not heard by callers of another building, of no building, or of another agency', async () => {
    for (const call of [await incoming(COLOMBO), await incoming(STRANGER), await incoming(RINALDI_MOBILE, MILANO)]) {
      expect(call.said).not.toContain('È già stato segnalato');
      expect(call.xml).toContain('/webhooks/twilio/voice/menu?attempt=1');
    }
  });

  it('gives the menu to a caller who presses 2 or nothing, and nobody is reported', async () => {
    for (const digits of ['2', null]) {
      const { callSid } = await incoming(RINALDI_LANDLINE);
      const menu = await choose(callSid, RINALDI_LANDLINE, digits);
      expect(menu.xml).toContain('/webhooks/twilio/voice/menu?attempt=1');
      expect(menu.said).toContain('Per il riscaldamento prema 2');
      const queued = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
        ...incomingCallParams(callSid, RINALDI_LANDLINE, PAVIA),
        CallStatus: 'in-progress',
        Digits: '2',
      });
      expect(queued.body).toContain('<Enqueue');
    }
    expect((await incident()).tickets).toEqual([]);
  });

  it('adds the report of a caller who presses 1 as a linked ticket with the tenant’s data, and ends the call without an operator', async () => {
    const { callSid } = await incoming(RINALDI_MOBILE);
    const reported = await choose(callSid, RINALDI_MOBILE, '1');
    expect(reported.said).toBe(INCIDENT_REPORTED_IT);
    expect(reported.xml).toContain('<Hangup/>');
    // A retried webhook gets the same answer and adds nothing.
    expect((await choose(callSid, RINALDI_MOBILE, '1')).said).toBe(INCIDENT_REPORTED_IT);

    const after = await incident();
    expect(after.tickets).toHaveLength(1);
    expect(after.tickets[0]).toMatchObject({ via: 'call', status: 'routed' });
    expect(after.callsReported).toBe(1);
    const ticket = (await t.app.inject({ url: `/api/v1/tickets/${after.tickets[0]!.ref}`, headers: supervisor.headers })).json() as Record<string, unknown>;
    expect(ticket).toMatchObject({
      category: 'heating',
      callSids: [callSid],
      caller: { phone: RINALDI_MOBILE, name: 'Giuseppe Rinaldi', email: 'giuseppe.rinaldi@example.it' },
      tenantCode: 'PV-000101',
    });
    const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(row).toMatchObject({ outcome: 'incident_report', preMenu: 'incident', incidentId });

    // The wallboard's snapshot shows the open incident and the call it answered; the agency's clerk sees no such figure.
    const snapshot = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: supervisor.headers })).json() as {
      agencies: { code: string; incidents: unknown }[];
    };
    expect(snapshot.agencies.find((agency) => agency.code === 'aler-pavia-lodi')?.incidents).toEqual({ open: 1, callsAnsweredToday: 1 });
    expect(snapshot.agencies.find((agency) => agency.code === 'aler-milano')?.incidents).toEqual({ open: 0, callsAnsweredToday: 0 });
    const referente = await loginAs(t.app, 'referente-pavia');
    const clerkView = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: referente.headers })).json() as { agencies: { incidents: unknown }[] };
    expect(clerkView.agencies[0]?.incidents).toBeNull();
  });

  it('is not offered again to the number that already added its report; its ticket’s state is read instead', async () => {
    const again = await incoming(RINALDI_MOBILE);
    expect(again.said).not.toContain('È già stato segnalato');
    expect(again.said).toContain('La sua segnalazione del 23 novembre per il riscaldamento è stata inoltrata ad ALER Pavia-Lodi il 23 novembre');
    const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, again.callSid));
    expect(row?.preMenu).toBe('status');
  });
});

describe('the state of the caller’s own requests, before the menu', () => {
  it('is read only to the number registered on the ticket, and nothing but date, category and state', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: supervisor.headers,
      payload: { agency: 'aler-pavia-lodi', category: 'maintenance', description: 'Perdita sotto il lavello di Maria', caller: { phone: '338 765 4321' } },
    });
    expect(created.statusCode).toBe(201);
    const referente = await loginAs(t.app, 'referente-pavia');
    const ref = (created.json() as { ref: string }).ref;
    expect(
      (await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ref}`, headers: referente.headers, payload: { status: 'acknowledged' } })).statusCode,
    ).toBe(200);

    const own = await incoming(COLOMBO);
    expect(own.said).toContain(
      'La sua segnalazione del 23 novembre per guasti e manutenzione è stata inoltrata ad ALER Pavia-Lodi e presa in carico il 23 novembre.',
    );
    expect(own.said).not.toContain('Maria');
    expect(own.said).not.toContain('lavello');
    // Then the menu, in the same answer.
    expect(own.xml).toContain('/webhooks/twilio/voice/menu?attempt=1');

    // The tenant's other number, another agency's number, a stranger: nothing about it.
    expect((await incoming(RINALDI_LANDLINE)).said).not.toContain('La sua segnalazione');
    expect((await incoming(COLOMBO, MILANO)).said).not.toContain('La sua segnalazione');
    expect((await incoming(STRANGER)).said).not.toContain('La sua segnalazione');
  });
});

describe('e-mails of the building’s tenants', () => {
  const heatingMail = (from: string) => {
    const raw = emailFixture('outlook-caldaia-latin1.eml').toString('latin1');
    return Buffer.from(
      raw.replace(/^From: (.*)<[^>]+>/m, `From: $1<${from}>`).replace(/^Message-ID: <[^>]+>/m, `Message-ID: <${from}.${Date.now()}@example.it>`),
      'latin1',
    );
  };

  it('are linked to the incident on that category when the sender is on the registry in that building, and only then', async () => {
    const stranger = await deliverEmail(t.app, heatingMail('qualcuno@example.it'));
    const tenant = await deliverEmail(t.app, heatingMail('giuseppe.rinaldi@example.it'));
    expect([stranger.status, tenant.status]).toEqual(['ticket', 'ticket']);
    await vi.waitFor(async () => expect((await incident()).tickets.map((ticket) => ticket.via)).toEqual(['call', 'email']));
    expect((await incident()).tickets.map((ticket) => ticket.ref)).toContain(tenant.ticket);
    expect((await incident()).tickets.map((ticket) => ticket.ref)).not.toContain(stranger.ticket);
  });
});

describe('closing the incident', () => {
  it('closes every linked ticket and tells the tenants who gave an e-mail address', async () => {
    const closed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incidentId}/close`,
      headers: supervisor.headers,
      payload: { note: 'Caldaia riparata' },
    });
    expect(closed.statusCode).toBe(200);
    const after = await incident();
    expect(after.status).toBe('closed');
    // The call's report and the e-mail's (still new: routed, then closed).
    expect(after.tickets.map((ticket) => ticket.status)).toEqual(['closed', 'closed']);
    const notices = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.kind, 'incident_closed'));
    expect(notices.map((notice) => notice.ticketRef).sort()).toEqual(after.tickets.map((ticket) => ticket.ref).sort());
    expect(notices[0]).toMatchObject({ toAddress: 'giuseppe.rinaldi@example.it', fromAddress: 'callcenter@aler-pavia-lodi.example' });
    expect(notices[0]!.textBody).toContain('Caldaia riparata');
    // Closed: the building's callers hear the plain menu again.
    expect((await incoming(RINALDI_LANDLINE)).said).not.toContain('È già stato segnalato');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/close`, headers: supervisor.headers, payload: {} })).statusCode).toBe(
      409,
    );
  });
});

describe('incidents and isolation', () => {
  it('shows an agency’s incidents only to staff serving it, and never to the agency’s clerks', async () => {
    const milanoOperator = await createStaffUser(t.app, 'operatore-solo-milano', 'operator', ['aler-milano']);
    const milanoSupervisor = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
    const referente = await loginAs(t.app, 'referente-pavia');
    for (const session of [milanoOperator, milanoSupervisor]) {
      const list = await t.app.inject({ url: '/api/v1/incidents', headers: session.headers });
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('aler-pavia-lodi');
      expect((await t.app.inject({ url: '/api/v1/incidents?agency=aler-pavia-lodi', headers: session.headers })).statusCode).toBe(404);
      expect((await t.app.inject({ url: `/api/v1/incidents/${incidentId}`, headers: session.headers })).statusCode).toBe(404);
      expect((await t.app.inject({ url: '/api/v1/incidents/buildings?agency=aler-pavia-lodi', headers: session.headers })).statusCode).toBe(404);
      const declare = await t.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: session.headers,
        payload: { agency: 'aler-pavia-lodi', municipality: 'Pavia', building: 'Lomonaco 12', category: 'heating', description: 'Caldaia' },
      });
      expect(declare.statusCode).toBe(404);
      const link = await t.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incidentId}/tickets`,
        headers: session.headers,
        payload: { ticketRefs: ['X'] },
      });
      expect(link.statusCode).toBe(404);
    }
    expect((await t.app.inject({ url: '/api/v1/incidents', headers: referente.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/incidents' })).statusCode).toBe(401);
  });

  it('refuses a building the registry does not know', async () => {
    const declare = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: supervisor.headers,
      payload: { agency: 'aler-pavia-lodi', municipality: 'Pavia', building: 'Via Inesistente 1', category: 'heating', description: 'Caldaia' },
    });
    expect(declare.statusCode).toBe(400);
  });
});
