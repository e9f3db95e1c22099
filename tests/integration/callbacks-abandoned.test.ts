import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbacks } from '../../src/db/schema/index.ts';
import type { DomainEvent, EventOf } from '../../src/domain/events.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const TENANT = '+393471234567';
const AT_10 = '2026-11-23T10:00:00+01:00';
let t: TestApp;
let operatore1: Session;
let operatore2: Session;
const published: DomainEvent[] = [];

type CallbackView = {
  id: string;
  callSid: string;
  agency: string;
  status: string;
  attempts: number;
  dueAt: string;
  abandonedAt: string;
  callerPhone: string;
  assignedTo: string | null;
  lastOutcome: string | null;
};

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0' } });
  t.app.services.bus.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  [operatore1, operatore2] = await Promise.all([loginAs(t.app, 'operatore1'), loginAs(t.app, 'operatore2')]);
});

/** Each test's caller: one caller's abandoned calls share a task (see callbacks-one-per-caller). */
let tenantNumber = 1_000_000;
const anotherTenant = () => `+39347${(tenantNumber += 1)}`;

/** A caller waits `seconds` in the Pavia maintenance queue and hangs up. */
async function abandon(seconds: number, from = anotherTenant()) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, '+39800200200'));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, from, '+39800200200'),
    CallStatus: 'in-progress',
    Digits: '1',
  });
  t.clock.advance(seconds * 1000);
  const result = { CallSid: callSid, QueueResult: 'hangup', QueueTime: String(seconds), QueueSid: 'QU1' };
  await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', result);
  return { callSid, result };
}

const tasksOf = async (callSid: string) => t.database.db.select().from(callbacks).where(eq(callbacks.callSid, callSid));

const open = async (session = operatore1) =>
  ((await t.app.inject({ url: '/api/v1/callbacks?status=open', headers: session.headers })).json() as { items: CallbackView[] }).items;

const outcome = (id: string, session: Session, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/callbacks/${id}/outcome`, headers: session.headers, payload });

describe('call-backs for abandoned calls', () => {
  it('an abandoned call of 45 s becomes a call-back task due two opening hours later; a 3 s one does not', async () => {
    const announced = new Promise<EventOf<'callback.created'>>((resolve) => {
      const stop = t.app.services.bus.subscribe((event) => {
        if (event.type === 'callback.created') {
          stop();
          resolve(event);
        }
      });
    });
    const long = await abandon(45, TENANT);
    const short = await abandon(3, TENANT);
    expect(await tasksOf(short.callSid)).toEqual([]);
    const [task] = await tasksOf(long.callSid);
    expect(task).toMatchObject({
      agencyCode: 'aler-pavia-lodi',
      queueName: 'aler-pavia-lodi.maintenance',
      callerPhone: TENANT,
      status: 'open',
      waitedSeconds: 45,
    });
    expect(task.abandonedAt.toISOString()).toBe('2026-11-23T09:00:45.000Z');
    expect(task.dueAt.toISOString()).toBe('2026-11-23T11:00:45.000Z');

    const listed = (await open()).find((item) => item.callSid === long.callSid);
    expect(listed).toMatchObject({ agency: 'aler-pavia-lodi', status: 'open', attempts: 0, dueAt: '2026-11-23T11:00:45.000Z' });
    const event = await announced;
    expect(event.agency).toBe('aler-pavia-lodi');
    expect(event.data.callback).toMatchObject({ callSid: long.callSid, status: 'open' });
  });

  it('creates one task however many times Twilio repeats the queue result, and none for hidden numbers', async () => {
    const { callSid, result } = await abandon(30);
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', result);
    await twilioPost(t.app, '/webhooks/twilio/voice/status', {
      ...incomingCallParams(callSid, TENANT, '+39800200200'),
      CallStatus: 'completed',
      CallDuration: '50',
      SequenceNumber: '3',
    });
    expect(await tasksOf(callSid)).toHaveLength(1);
    const hidden = await abandon(60, 'anonymous');
    expect(await tasksOf(hidden.callSid)).toEqual([]);
  });

  it('counts the due time in opening hours: abandoned at 19:50, due at 09:50 the next morning', async () => {
    t.clock.set('2026-11-23T19:49:00+01:00');
    const { callSid } = await abandon(60);
    const [task] = await tasksOf(callSid);
    expect(task.dueAt.toISOString()).toBe(new Date('2026-11-24T09:50:00+01:00').toISOString());
  });

  it('operators take a task and record the outcome; the loser of a race gets 409', async () => {
    const { callSid } = await abandon(20);
    const task = (await open()).find((item) => item.callSid === callSid)!;
    const take = (session: Session) => t.app.inject({ method: 'POST', url: `/api/v1/callbacks/${task.id}/take`, headers: session.headers });
    const takes = await Promise.all([take(operatore1), take(operatore2)]);
    expect(takes.map((response) => response.statusCode).sort()).toEqual([200, 409]);
    const winner = takes[0].statusCode === 200 ? operatore1 : operatore2;
    const loser = winner === operatore1 ? operatore2 : operatore1;
    expect((await outcome(task.id, loser, { outcome: 'reached' })).statusCode).toBe(403);

    t.clock.set('2026-11-23T10:30:00+01:00');
    const unanswered = await outcome(task.id, winner, { outcome: 'no_answer', note: 'Squilla a vuoto' });
    expect(unanswered.statusCode).toBe(200);
    // Tried again an opening hour later: 11:30 in Rome.
    expect(unanswered.json()).toMatchObject({ status: 'open', attempts: 1, lastOutcome: 'no_answer', assignedTo: null, dueAt: '2026-11-23T10:30:00.000Z' });

    const reached = await outcome(task.id, loser, { outcome: 'reached', note: 'Aperta segnalazione', ticketRef: 'PV-2026-000001' });
    expect(reached.json()).toMatchObject({ status: 'done', attempts: 2, lastOutcome: 'reached' });
    expect((await outcome(task.id, winner, { outcome: 'reached' })).statusCode).toBe(409);
    const detail = (await t.app.inject({ url: `/api/v1/callbacks/${task.id}`, headers: operatore1.headers })).json() as {
      history: { outcome: string; by: string }[];
    };
    expect(detail.history.map((entry) => entry.outcome)).toEqual(['no_answer', 'reached']);
    expect(published.filter((event) => event.type === 'callback.changed' && (event.data.callback as { id: string }).id === task.id).length).toBe(3);
  });

  it('keeps call-backs with the call center and within the agencies one serves', async () => {
    const clerk = await loginAs(t.app, 'referente-pavia');
    expect((await t.app.inject({ url: '/api/v1/callbacks', headers: clerk.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/callbacks?status=bogus', headers: operatore1.headers })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/callbacks?agency=nowhere', headers: operatore1.headers })).statusCode).toBe(404);
  });
});
