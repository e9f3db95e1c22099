import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent, EventOf } from '../../src/domain/events.ts';
import { isEvent } from '../../src/domain/events.ts';
import { createAgencyToken, createStaffUser, loginAs } from '../helpers/auth.ts';
import type { AgencyToken, Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

let t: TestApp;
let operatore1: Session;
let operatore2: Session;
let supervisor: Session;
let referentePavia: Session;
let referenteMilano: Session;
let paviaSystem: AgencyToken;
const published: DomainEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  [operatore1, operatore2, supervisor, referentePavia, referenteMilano] = await Promise.all(
    ['operatore1', 'operatore2', 'supervisore', 'referente-pavia', 'referente-milano'].map((name) => loginAs(t.app, name)),
  );
  paviaSystem = await createAgencyToken(t.app, 'aler-pavia-lodi');
  t.app.services.bus.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.clock.set('2026-11-23T10:00:00+01:00');
});

async function create(payload: Record<string, unknown>, session = operatore1) {
  return t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: session.headers, payload });
}

async function newTicket(agency = 'aler-pavia-lodi', extra: Record<string, unknown> = {}) {
  const response = await create({ agency, category: 'maintenance', description: 'Perdita d’acqua in cantina', ...extra });
  expect(response.statusCode).toBe(201);
  return response.json() as { ref: string; status: string };
}

const patch = (ref: string, headers: Readonly<Record<string, string>>, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ref}`, headers, payload });

describe('tickets over HTTP', () => {
  it('creates a ticket (201, CONTRACT §6 shape) and tells the dashboards', async () => {
    const response = await create({
      agency: 'aler-pavia-lodi',
      category: 'heating',
      description: 'Nessun riscaldamento da ieri sera',
      caller: { phone: '0382 123 456', name: 'Lucia Neri' },
      dwelling: { address: 'Via Folla di Sopra 5', municipality: 'Pavia', building: 'F5', stair: 'A', floor: '2', flat: '6' },
      priority: 'urgent',
    });
    expect(response.statusCode).toBe(201);
    const ticket = response.json() as Record<string, unknown>;
    expect(ticket).toMatchObject({
      agency: 'aler-pavia-lodi',
      category: 'heating',
      status: 'routed',
      channel: 'voice',
      createdAt: '2026-11-23T09:00:00.000Z',
      caller: { phone: '+390382123456', name: 'Lucia Neri' },
      dwelling: { address: 'Via Folla di Sopra 5', flat: '6' },
      description: 'Nessun riscaldamento da ieri sera',
      priority: 'urgent',
    });
    expect(ticket.ref).toMatch(/^PV-2026-\d{6}$/);
    expect(Array.isArray(ticket.events)).toBe(true);
    const created = published.find((event) => event.type === 'ticket.created' && (event.data.ticket as { ref: string }).ref === ticket.ref);
    expect(created?.agency).toBe('aler-pavia-lodi');
  });

  it('validates input and keeps creation with the call center', async () => {
    expect((await create({ agency: 'aler-pavia-lodi', category: 'plumbing', description: 'x' })).statusCode).toBe(400);
    expect((await create({ agency: 'aler-pavia-lodi', category: 'admin', description: '' })).statusCode).toBe(400);
    expect((await create({ agency: 'aler-pavia-lodi', category: 'admin', description: 'x' }, referentePavia)).statusCode).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/tickets',
          headers: paviaSystem.headers,
          payload: { agency: 'aler-pavia-lodi', category: 'admin', description: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/tickets', payload: { agency: 'aler-pavia-lodi', category: 'admin', description: 'x' } })).statusCode,
    ).toBe(401);
    expect((await create({ agency: 'aler-pavia-lodi', category: 'admin', description: 'x', callSid: 'CA-unknown' })).statusCode).toBe(400);
  });

  it('two concurrent closes: one wins, the other gets 409', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { ref } = await newTicket();
      const responses = await Promise.all([patch(ref, referentePavia.headers, { status: 'closed' }), patch(ref, supervisor.headers, { status: 'closed' })]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
      const detail = (await t.app.inject({ url: `/api/v1/tickets/${ref}`, headers: supervisor.headers })).json() as { events: { type: string }[] };
      expect(detail.events.filter((event) => event.type === 'closed')).toHaveLength(1);
    }
  });

  it('two concurrent takes: one wins, the other gets 409', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { ref } = await newTicket();
      const take = (session: Session) => t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ref}/take`, headers: session.headers });
      const responses = await Promise.all([take(operatore1), take(operatore2)]);
      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 409]);
      const winner = responses.find((response) => response.statusCode === 200)!.json() as { assignedTo: string };
      const loser = responses.find((response) => response.statusCode === 409)!.json() as { error: { code: string; message: string } };
      expect(loser.error.code).toBe('CONFLICT');
      expect(loser.error.message).toContain(winner.assignedTo);
    }
  });

  it('lets the agency acknowledge and close through the API with a bearer token, and refuses illegal moves with 409', async () => {
    const { ref } = await newTicket();
    const acknowledged = await patch(ref, paviaSystem.headers, { status: 'acknowledged', note: 'Presa in carico dal tecnico di zona' });
    expect(acknowledged.statusCode).toBe(200);
    expect(acknowledged.json()).toMatchObject({ status: 'acknowledged' });
    expect((await patch(ref, paviaSystem.headers, { status: 'routed' })).statusCode).toBe(409);
    expect((await patch(ref, paviaSystem.headers, { category: 'heating' })).statusCode).toBe(403);
    const closed = await patch(ref, paviaSystem.headers, { status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed' });
    const events = (closed.json() as { events: { type: string; actor: { kind: string; role: string }; text: string | null }[] }).events;
    expect(events.slice(-2).map((event) => [event.type, event.actor.kind, event.actor.role])).toEqual([
      ['acknowledged', 'token', 'agency'],
      ['closed', 'token', 'agency'],
    ]);
    expect((await patch(ref, operatore1.headers, { status: 'cancelled' })).statusCode).toBe(409);
    expect((await patch(ref, operatore1.headers, {})).statusCode).toBe(400);
    const changed = published.filter((event): event is EventOf<'ticket.changed'> => isEvent(event, 'ticket.changed') && event.data.ticket.ref === ref);
    expect(changed.map((event) => event.data.change?.type)).toEqual(['acknowledged', 'closed']);
  });

  it('reopens a closed ticket only with a reason, back to the agency, and undoes a cancellation to the call center', async () => {
    const { ref } = await newTicket();
    await patch(ref, operatore1.headers, { status: 'routed' });
    await patch(ref, referentePavia.headers, { status: 'closed', note: 'Sostituito il raccordo' });
    const silent = await patch(ref, operatore1.headers, { status: 'routed' });
    expect(silent.statusCode).toBe(400);
    expect(silent.json().error.code).toBe('VALIDATION');
    const reopened = await patch(ref, operatore1.headers, { status: 'routed', note: 'L’inquilina richiama: perde ancora' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    const ticket = reopened.json() as { status: string; events: { type: string; fromStatus: string | null; text: string | null }[] };
    expect(ticket.status).toBe('routed');
    expect(ticket.events.at(-1)).toMatchObject({ type: 'routed', fromStatus: 'closed', text: 'L’inquilina richiama: perde ancora' });
    // The agency's office sees it among its open tickets again, and closes it for good.
    expect((await patch(ref, referentePavia.headers, { status: 'closed', note: 'Tubo sostituito' })).statusCode).toBe(200);

    const { ref: cancelledRef } = await newTicket();
    await patch(cancelledRef, operatore1.headers, { status: 'cancelled', note: 'Doppione' });
    expect((await patch(cancelledRef, referentePavia.headers, { status: 'new', note: 'Non era un doppione' })).statusCode).toBe(403);
    const back = await patch(cancelledRef, supervisor.headers, { status: 'new', note: 'Non era un doppione' });
    expect(back.json()).toMatchObject({ status: 'new' });
  });

  it('moves a misfiled ticket to the agency it belongs to: a new ticket there, the original cancelled, each agency seeing only its own', async () => {
    const { ref } = await newTicket('aler-pavia-lodi', { caller: { phone: '348 555 0101', name: 'Carla Verdi' } });
    const transfer = (headers: Readonly<Record<string, string>>, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ref}/transfer`, headers, payload });
    expect((await transfer(operatore1.headers, { agency: 'aler-milano', category: 'maintenance', note: ' ' })).statusCode).toBe(400);
    expect((await transfer(operatore1.headers, { agency: 'aler-pavia-lodi', category: 'maintenance', note: 'Stesso ente' })).statusCode).toBe(400);
    expect((await transfer(referentePavia.headers, { agency: 'aler-milano', category: 'maintenance', note: 'Non è nostro' })).statusCode).toBe(403);
    const milanoOnly = await createStaffUser(t.app, 'operatore-solo-milano', 'operator', ['aler-milano']);
    expect((await transfer(milanoOnly.headers, { agency: 'aler-milano', category: 'maintenance', note: 'Non è di Pavia' })).statusCode).toBe(404);

    const moved = await transfer(operatore1.headers, { agency: 'aler-milano', category: 'maintenance', note: 'L’alloggio è in via Padova, Milano' });
    expect(moved.statusCode, moved.body).toBe(201);
    const created = moved.json() as {
      ref: string;
      agency: string;
      status: string;
      caller: { phone: string; name: string };
      events: { type: string; text: string }[];
    };
    expect(created).toMatchObject({ agency: 'aler-milano', status: 'routed', caller: { phone: '+393485550101', name: 'Carla Verdi' } });
    expect(created.ref).not.toBe(ref);
    expect(created.events.find((event) => event.type === 'transferred_in')?.text).toBe('L’alloggio è in via Padova, Milano');

    const original = (await t.app.inject({ url: `/api/v1/tickets/${ref}`, headers: operatore1.headers })).json() as {
      status: string;
      events: { type: string; text: string; data: Record<string, unknown> | null }[];
    };
    expect(original.status).toBe('cancelled');
    expect(original.events.at(-1)).toMatchObject({
      type: 'cancelled',
      text: 'Trasferita a ALER Milano: L’alloggio è in via Padova, Milano',
      data: { transferredTo: created.ref },
    });
    expect((await t.app.inject({ url: `/api/v1/tickets/${created.ref}`, headers: referentePavia.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/tickets/${created.ref}`, headers: referenteMilano.headers })).statusCode).toBe(200);
    // Over and done: it cannot be moved twice.
    expect((await transfer(operatore1.headers, { agency: 'aler-milano', category: 'maintenance', note: 'Ancora' })).statusCode).toBe(409);
  });

  it('shows an agency only its own tickets, everywhere', async () => {
    const milan = await newTicket('aler-milano');
    expect((await t.app.inject({ url: `/api/v1/tickets/${milan.ref}`, headers: referentePavia.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/tickets/${milan.ref}`, headers: paviaSystem.headers })).statusCode).toBe(404);
    expect((await patch(milan.ref, paviaSystem.headers, { status: 'acknowledged' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/tickets?agency=aler-milano', headers: paviaSystem.headers })).statusCode).toBe(404);
    const own = (await t.app.inject({ url: '/api/v1/tickets?limit=200', headers: paviaSystem.headers })).json() as { items: { agency: string }[] };
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((item) => item.agency === 'aler-pavia-lodi')).toBe(true);
    expect((await t.app.inject({ url: `/api/v1/tickets/${milan.ref}`, headers: referenteMilano.headers })).statusCode).toBe(200);
  });

  it('records staff reads of a ticket in the access log of its agency', async () => {
    const { ref } = await newTicket('aler-milano');
    await t.app.inject({ url: `/api/v1/tickets/${ref}`, headers: operatore2.headers });
    const log = await t.app.inject({ url: '/api/v1/access-log?agency=aler-milano', headers: supervisor.headers });
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain(ref);
    expect(log.body).toContain('operatore2');
  });

  it('filters by status, category, channel, time and text, page by page', async () => {
    t.clock.set('2026-11-23T15:00:00+01:00');
    const { ref } = await newTicket('aler-milano', { category: 'admin', description: 'Richiesta voltura contratto Via Ovada' });
    const query = async (search: string) =>
      (await t.app.inject({ url: `/api/v1/tickets?${search}`, headers: supervisor.headers })).json() as { items: { ref: string }[]; nextCursor: string | null };
    expect((await query('q=voltura')).items.map((item) => item.ref)).toEqual([ref]);
    expect((await query('from=2026-11-23T13:59:59Z')).items.map((item) => item.ref)).toEqual([ref]);
    expect((await query('from=2026-11-23&to=2026-11-23&limit=200')).items.map((item) => item.ref)).toContain(ref);
    expect((await query('from=2026-11-22&to=2026-11-22')).items).toEqual([]);
    expect((await query('from=2026-11-23T14:00:01Z')).items).toEqual([]);
    expect((await query('agency=aler-milano&category=admin&status=routed&channel=voice')).items.map((item) => item.ref)).toContain(ref);
    expect((await query('channel=email')).items).toEqual([]);
    const first = await query('limit=2');
    expect(first.items).toHaveLength(2);
    const second = await query(`limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((item) => item.ref)).not.toContain(first.items[0].ref);
    expect((await t.app.inject({ url: '/api/v1/tickets?cursor=garbage', headers: supervisor.headers })).statusCode).toBe(400);
  });
});
