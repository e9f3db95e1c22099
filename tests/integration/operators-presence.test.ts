import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calls, queues, userAgencies, users } from '../../src/db/schema/index.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const AT_10 = '2026-11-23T10:00:00+01:00';
let t: TestApp;
let operatore1: Session;
let supervisor: Session;
const published: DomainEvent[] = [];

type OperatorView = { username: string; presence: string; location: string | null; agencies: string[]; queues: string[]; callSid: string | null };

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0' } });
  // Two more operators, each serving one agency only.
  const db = t.database.db;
  const [template] = await db.select().from(users).where(eq(users.username, 'operatore1'));
  for (const [username, agency] of [
    ['operatore-milano', 'aler-milano'],
    ['operatore-pavia', 'aler-pavia-lodi'],
  ]) {
    const [row] = await db
      .insert(users)
      .values({
        username,
        displayName: username,
        role: 'operator',
        passwordHash: template.passwordHash,
        passwordChangedAt: template.passwordChangedAt,
        createdAt: template.createdAt,
      })
      .returning();
    await db.insert(userAgencies).values({ userId: row.id, agencyCode: agency });
  }
  t.app.services.bus.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  [operatore1, supervisor] = await Promise.all([loginAs(t.app, 'operatore1'), loginAs(t.app, 'supervisore')]);
});

const list = async (session: Session, search = '') =>
  ((await t.app.inject({ url: `/api/v1/operators${search}`, headers: session.headers })).json() as { items: OperatorView[] }).items;

async function settleWaitingCalls() {
  const waiting = await t.database.db.select().from(calls).where(eq(calls.outcome, 'queued'));
  for (const call of waiting) await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: call.callSid, QueueResult: 'hangup', QueueTime: '2' });
}

async function enqueue(to: string, digit: string) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393331112222', to));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, '+393331112222', to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  return callSid;
}

/** Resolves when the platform announces this presence: it follows the call after its commit, from the bus. */
function presenceAnnounced(username: string, presence: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = t.app.services.bus.subscribe((event) => {
      if (event.type === 'operator.presence' && event.data.operator.username === username && event.data.operator.presence === presence) {
        stop();
        resolve();
      }
    });
  });
}

const pickFor = async (username: string) =>
  (await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: `client:${username}` })).body;

describe('operators', () => {
  it('sets presence and location, and announces it to the agencies the operator serves', async () => {
    const response = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/operators/me/presence',
      headers: operatore1.headers,
      payload: { presence: 'available', location: 'remote' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ username: 'operatore1', presence: 'available', location: 'remote', since: '2026-11-23T09:00:00.000Z' });
    const events = published.filter((event) => event.type === 'operator.presence');
    expect(events.map((event) => event.agency).sort()).toEqual(['aler-milano', 'aler-pavia-lodi']);
    expect(events[0].data.operator).toMatchObject({ username: 'operatore1', presence: 'available' });

    const onBreak = await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore1.headers, payload: { presence: 'break' } });
    expect(onBreak.json()).toMatchObject({ presence: 'break', location: 'remote' });
    expect(
      (await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore1.headers, payload: { presence: 'asleep' } })).statusCode,
    ).toBe(400);
  });

  it('lists every operator to supervisors, and only colleagues of shared agencies to an operator', async () => {
    const all = await list(supervisor);
    expect(all.map((operator) => operator.username)).toEqual(expect.arrayContaining(['operatore1', 'operatore2', 'operatore-milano', 'operatore-pavia']));
    expect(all.find((operator) => operator.username === 'operatore2')).toMatchObject({ presence: 'offline', location: null });
    expect(all.find((operator) => operator.username === 'operatore-milano')).toMatchObject({
      agencies: ['aler-milano'],
      queues: ['aler-milano.maintenance', 'aler-milano.heating', 'aler-milano.admin'],
    });

    const milano = await loginAs(t.app, 'operatore-milano');
    const colleagues = (await list(milano)).map((operator) => operator.username);
    expect(colleagues).toContain('operatore1');
    expect(colleagues).not.toContain('operatore-pavia');
    expect((await t.app.inject({ url: '/api/v1/operators?agency=aler-pavia-lodi', headers: milano.headers })).statusCode).toBe(404);
    const clerk = await loginAs(t.app, 'referente-pavia');
    expect((await t.app.inject({ url: '/api/v1/operators', headers: clerk.headers })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: clerk.headers, payload: { presence: 'available' } })).statusCode,
    ).toBe(403);
  });

  it('follows the softphone: on call when bridged, wrap-up when the caller hangs up', async () => {
    await settleWaitingCalls();
    const caller = await enqueue('+39800200200', '1');
    const onCall = presenceAnnounced('operatore2', 'on_call');
    const leg = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: leg, From: 'client:operatore2' });
    await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: caller, QueueSid: 'QU1', QueueTime: '20', DequeingCallSid: leg });
    await onCall;
    expect((await list(supervisor)).find((operator) => operator.username === 'operatore2')?.presence).toBe('on_call');
    expect((await list(supervisor)).find((operator) => operator.username === 'operatore2')?.callSid).toBe(caller);

    t.clock.set('2026-11-23T10:03:00+01:00');
    const wrapUp = presenceAnnounced('operatore2', 'wrap_up');
    await twilioPost(t.app, '/webhooks/twilio/voice/status', {
      ...incomingCallParams(caller, '+393331112222', '+39800200200'),
      CallStatus: 'completed',
      CallDuration: '180',
      SequenceNumber: '3',
    });
    await wrapUp;
    expect((await list(supervisor)).find((operator) => operator.username === 'operatore2')).toMatchObject({ presence: 'wrap_up', callSid: caller });
  });

  it('picks the next call among the operator’s own queues, with per-queue priority', async () => {
    await settleWaitingCalls();
    await enqueue('+39800100100', '1'); // Milano maintenance, oldest
    t.clock.set('2026-11-23T10:02:00+01:00');
    await enqueue('+39800200200', '3'); // Pavia admin, two minutes younger
    t.clock.set('2026-11-23T10:03:00+01:00');
    // operatore1 went on break above: nothing is offered until they are available again.
    expect(await pickFor('operatore1')).toContain('Il suo stato non è Disponibile');
    await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore1.headers, payload: { presence: 'available' } });
    expect(await pickFor('operatore1')).toContain('>aler-milano.maintenance</Queue>');
    expect(await pickFor('operatore-pavia')).toContain('>aler-pavia-lodi.admin</Queue>');
    expect(await pickFor('referente-pavia')).toContain('Nessuna chiamata in attesa');

    // Pavia's admin queue counts 5 minutes of extra wait: it now goes first.
    await t.database.db.update(queues).set({ priority: 5 }).where(eq(queues.name, 'aler-pavia-lodi.admin'));
    await t.app.services.directory.reload(t.database.db);
    expect(await pickFor('operatore1')).toContain('>aler-pavia-lodi.admin</Queue>');

    // A supervisor narrows operatore-pavia to heating: the waiting admin call is not theirs any more.
    const narrowed = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/operators/operatore-pavia/queues',
      headers: supervisor.headers,
      payload: { queues: ['aler-pavia-lodi.heating'] },
    });
    expect(narrowed.json()).toMatchObject({ queues: ['aler-pavia-lodi.heating'] });
    expect(await pickFor('operatore-pavia')).toContain('Nessuna chiamata in attesa');
    const foreign = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/operators/operatore-pavia/queues',
      headers: supervisor.headers,
      payload: { queues: ['aler-milano.heating'] },
    });
    expect(foreign.statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'PUT', url: '/api/v1/operators/operatore-pavia/queues', headers: operatore1.headers, payload: { queues: [] } })).statusCode,
    ).toBe(403);
    await t.database.db.update(queues).set({ priority: 0 }).where(eq(queues.name, 'aler-pavia-lodi.admin'));
    await t.app.services.directory.reload(t.database.db);
  });
});
