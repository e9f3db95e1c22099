import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.ts';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { actorOf } from '../helpers/actors.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

let t: TestApp;
let operator: Actor;
let operator2: Actor;
let supervisor: Actor;
let milano: Actor;
let pavia: Actor;
const published: DomainEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  const db = t.database.db;
  [operator, operator2, supervisor, milano, pavia] = await Promise.all(
    ['operatore1', 'operatore2', 'supervisore', 'referente-milano', 'referente-pavia'].map((name) => actorOf(db, name)),
  );
  t.app.services.bus.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t?.close();
});

const tickets = () => t.app.services.tickets;

describe('ticket service', () => {
  it('gives gap-free references per agency and year, in the agency time zone', async () => {
    const first = await tickets().createTicket(operator, { agency: 'aler-pavia-lodi', category: 'maintenance', description: 'Perdita dal soffitto del bagno' });
    const second = await tickets().createTicket(operator, { agency: 'aler-pavia-lodi', category: 'heating', description: 'Termosifoni freddi' });
    const milan = await tickets().createTicket(operator, { agency: 'aler-milano', category: 'admin', description: 'Richiesta copia contratto' });
    expect(first.ref).toMatch(/^PV-2026-\d{6}$/);
    expect(Number(second.ref.slice(-6))).toBe(Number(first.ref.slice(-6)) + 1);
    expect(milan.ref).toMatch(/^MI-2026-\d{6}$/);
    // 23:30 UTC on 31 December is already 2027 in Rome.
    t.clock.set('2026-12-31T23:30:00Z');
    const newYear = await tickets().createTicket(operator, { agency: 'aler-pavia-lodi', category: 'admin', description: 'Auguri' });
    expect(newYear.ref).toBe('PV-2027-000001');
    t.clock.set('2026-11-23T10:00:00+01:00');
  });

  it('a failed creation gives its number back', async () => {
    const before = await tickets().createTicket(operator, { agency: 'aler-milano', category: 'admin', description: 'Prima' });
    await expect(tickets().createTicket(operator, { agency: 'aler-milano', category: 'admin', description: 'x', portfolio: 'nowhere' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const after = await tickets().createTicket(operator, { agency: 'aler-milano', category: 'admin', description: 'Dopo' });
    expect(Number(after.ref.slice(-6))).toBe(Number(before.ref.slice(-6)) + 1);
  });

  it('routes a ticket registered by an operator and records who did what', async () => {
    const ticket = await tickets().createTicket(operator, {
      agency: 'aler-pavia-lodi',
      category: 'maintenance',
      description: 'Ascensore fermo',
      caller: { phone: '347 765 4321', name: 'Mario Rossi' },
      dwelling: { address: 'Via Roma 1, Pavia', stair: 'B', floor: '3', flat: '12' },
      priority: 'high',
    });
    expect(ticket).toMatchObject({
      agency: 'aler-pavia-lodi',
      category: 'maintenance',
      status: 'routed',
      channel: 'voice',
      priority: 'high',
      caller: { phone: '+393477654321', name: 'Mario Rossi' },
      dwelling: { address: 'Via Roma 1, Pavia', stair: 'B', floor: '3', flat: '12' },
    });
    expect(ticket.events.map((event) => [event.type, event.actor.name])).toEqual([
      ['created', 'operatore1'],
      ['routed', 'operatore1'],
    ]);
    expect(published.some((event) => event.type === 'ticket.created' && event.agency === 'aler-pavia-lodi')).toBe(true);
  });

  it('keeps an e-mail ticket new until an operator takes and routes it; appends replies once', async () => {
    const ticket = await tickets().createTicket(SYSTEM_ACTOR, {
      agency: 'aler-milano',
      category: 'admin',
      channel: 'email',
      description: 'Vorrei sapere lo stato della mia pratica',
      subject: 'Pratica voltura',
      caller: { email: 'inquilino@example.it', name: 'Anna Bianchi' },
    });
    expect(ticket).toMatchObject({ status: 'new', channel: 'email', subject: 'Pratica voltura', caller: { email: 'inquilino@example.it' } });
    const reply = { kind: 'email' as const, text: 'Aggiungo il codice fiscale', emailId: 'mail-1', from: 'inquilino@example.it' };
    await tickets().addTicketMessage(SYSTEM_ACTOR, ticket.ref, reply);
    const again = await tickets().addTicketMessage(SYSTEM_ACTOR, ticket.ref, reply);
    expect(again.events.filter((event) => event.type === 'email')).toHaveLength(1);

    const taken = await tickets().takeTicket(operator, ticket.ref);
    expect(taken.assignedTo).toBe('operatore1');
    await expect(tickets().takeTicket(operator2, ticket.ref)).rejects.toMatchObject({ code: 'CONFLICT' });
    const routed = await tickets().changeTicket(operator, ticket.ref, { status: 'routed', category: 'maintenance' });
    expect(routed).toMatchObject({ status: 'routed', category: 'maintenance' });
    expect((await tickets().getTicket(SYSTEM_ACTOR, ticket.ref)).events.map((event) => event.type)).toEqual([
      'created',
      'email',
      'taken',
      'category_changed',
      'routed',
    ]);
  });

  it('lets the agency acknowledge and close, and refuses what the state machine does not allow', async () => {
    const ticket = await tickets().createTicket(operator, { agency: 'aler-pavia-lodi', category: 'heating', description: 'Caldaia in blocco' });
    await expect(tickets().changeTicket(pavia, ticket.ref, { category: 'admin' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(tickets().changeTicket(pavia, ticket.ref, { status: 'cancelled' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const acknowledged = await tickets().changeTicket(pavia, ticket.ref, { status: 'acknowledged', note: 'Tecnico inviato' });
    expect(acknowledged.status).toBe('acknowledged');
    expect(acknowledged.events.at(-1)).toMatchObject({
      type: 'acknowledged',
      fromStatus: 'routed',
      toStatus: 'acknowledged',
      text: 'Tecnico inviato',
      actor: { name: 'referente-pavia', role: 'agency' },
    });
    const closed = await tickets().changeTicket(pavia, ticket.ref, { status: 'closed' });
    expect(closed.status).toBe('closed');
    await expect(tickets().changeTicket(supervisor, ticket.ref, { status: 'closed' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(tickets().changeTicket(operator, ticket.ref, { status: 'acknowledged' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // Reopening is a move of its own, and says why.
    await expect(tickets().changeTicket(operator, ticket.ref, { status: 'routed' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('hides another agency’s ticket as not found', async () => {
    const ticket = await tickets().createTicket(operator, { agency: 'aler-pavia-lodi', category: 'admin', description: 'Riservata' });
    await expect(tickets().getTicket(milano, ticket.ref)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(tickets().changeTicket(milano, ticket.ref, { status: 'closed' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const page = await tickets().listTickets(milano, { limit: 200 });
    expect(page.items.every((item) => item.agency === 'aler-milano')).toBe(true);
    await expect(tickets().listTickets(milano, { agency: 'aler-pavia-lodi', limit: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(tickets().createTicket(milano, { agency: 'aler-milano', category: 'admin', description: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lists with filters and a cursor', async () => {
    const all = await tickets().listTickets(supervisor, { agency: 'aler-pavia-lodi', limit: 200 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await tickets().listTickets(supervisor, { agency: 'aler-pavia-lodi', limit: 2, cursor });
      seen.push(...page.items.map((item) => item.ref));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((item) => item.ref));
    const heating = await tickets().listTickets(supervisor, { category: 'heating', limit: 200 });
    expect(heating.items.length).toBeGreaterThan(0);
    expect(heating.items.every((item) => item.category === 'heating')).toBe(true);
    const found = await tickets().listTickets(supervisor, { q: 'ascensore', limit: 10 });
    expect(found.items.map((item) => item.description)).toEqual(['Ascensore fermo']);
  });
});
