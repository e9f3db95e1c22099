import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbacks, callEvents, calls } from '../../src/db/schema/index.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Call truth (issue 15 §5): an answered call stays answered whatever Twilio reports later, a caller
 * who falls silent in queue leaves the live view and is counted `lost`, and no operator stays on a
 * call that is over. Every step is a correctly signed Twilio request; time moves on the test clock.
 */
const AT_10 = '2026-11-23T10:00:00+01:00';
const PAVIA_VERDE = '+39800200200';
const TENANT = '+393471234567';
let t: TestApp;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0', QUEUE_SILENCE_SECONDS: '120', WRAP_UP_SECONDS: '60' } });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  supervisor = await loginAs(t.app, 'supervisore');
});

async function enqueue(from = TENANT) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, PAVIA_VERDE));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, from, PAVIA_VERDE),
    CallStatus: 'in-progress',
    Digits: '1',
  });
  return callSid;
}

/** operatore2's softphone asks for work and is bridged to `caller`; the leg's CallSid. */
async function bridge(caller: string, waited: number) {
  await settle();
  const operatore2 = await loginAs(t.app, 'operatore2');
  const ready = await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore2.headers, payload: { presence: 'available' } });
  expect(ready.statusCode, ready.body).toBe(200);
  const leg = newCallSid();
  const pick = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: leg, From: 'client:operatore2' });
  expect(pick.body).toContain('<Queue');
  await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: caller, QueueSid: 'QU1', QueueTime: String(waited), DequeingCallSid: leg });
  return leg;
}

const callOf = async (callSid: string) => (await t.database.db.select().from(calls).where(eq(calls.callSid, callSid)))[0];
const tasksOf = async (callSid: string) => t.database.db.select().from(callbacks).where(eq(callbacks.callSid, callSid));
const presenceOf = async (username: string) => {
  const response = await t.app.inject({ url: '/api/v1/operators', headers: supervisor.headers });
  return (response.json() as { items: { username: string; presence: string; callSid: string | null }[] }).items.find((item) => item.username === username);
};
const liveCallSids = async () => {
  const response = await t.app.inject({ url: '/api/v1/live/snapshot', headers: supervisor.headers });
  return (response.json() as { calls: { callSid: string }[] }).calls.map((call) => call.callSid);
};
const todayTotals = async () => {
  const response = await t.app.inject({ url: '/api/v1/reports/calls?agency=aler-pavia-lodi&from=2026-11-23&to=2026-11-23', headers: supervisor.headers });
  return response.json().totals as { answered: number; abandoned: number; lost: number; queued: number };
};
/** The subscriptions that follow calls run after the commit: let them finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('an answered call stays answered', () => {
  it('bridged, then a `hangup` queue result: answered, no call-back task, the report counts it answered', async () => {
    const before = await todayTotals();
    const caller = await enqueue();
    t.clock.advance(40_000);
    await bridge(caller, 40);
    t.clock.advance(180_000);
    const late = await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: caller, QueueResult: 'hangup', QueueTime: '220', QueueSid: 'QU1' });
    expect(late.statusCode).toBe(200);
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { CallSid: caller, CallStatus: 'completed', CallDuration: '230', SequenceNumber: '3' });

    const call = await callOf(caller);
    expect(call).toMatchObject({ outcome: 'answered', answeredBy: 'operatore2', queueTimeSeconds: 40 });
    expect(await tasksOf(caller)).toEqual([]);
    // The late result is kept for the record.
    const events = await t.database.db
      .select()
      .from(callEvents)
      .where(and(eq(callEvents.callSid, caller), eq(callEvents.step, 'queue-result')));
    expect(events).toHaveLength(1);
    const after = await todayTotals();
    expect(after.answered - before.answered).toBe(1);
    expect(after.abandoned - before.abandoned).toBe(0);
  });

  it('bridged, the caller hangs up and the queue result never comes: the status callback settles it answered', async () => {
    const caller = await enqueue();
    t.clock.advance(10_000);
    await bridge(caller, 10);
    t.clock.advance(60_000);
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { CallSid: caller, CallStatus: 'completed', CallDuration: '70', SequenceNumber: '3' });
    expect(await callOf(caller)).toMatchObject({ outcome: 'answered', talkSeconds: 60 });
    expect(await liveCallSids()).not.toContain(caller);
  });
});

describe('a caller who falls silent in queue', () => {
  it('leaves the live view after the silence window and is recorded lost; a late result still corrects it', async () => {
    const before = await todayTotals();
    const caller = await enqueue();
    expect(await liveCallSids()).toContain(caller);

    // Twilio polls the wait URL while the caller holds: the heartbeat.
    t.clock.advance(60_000);
    expect((await twilioPost(t.app, '/webhooks/twilio/voice/queue-wait', { CallSid: caller, QueuePosition: '1', QueueTime: '60' })).statusCode).toBe(200);
    // 119 s of silence: still waiting.
    t.clock.advance(119_000);
    await t.app.services.calls.reconcile(t.clock.now());
    expect((await callOf(caller)).outcome).toBe('queued');
    expect(await liveCallSids()).toContain(caller);

    // Two minutes without a poll or a result: gone.
    t.clock.advance(1_000);
    expect(await t.app.services.calls.reconcile(t.clock.now())).toEqual({ lost: 1 });
    expect(await callOf(caller)).toMatchObject({ outcome: 'lost', queueTimeSeconds: 60 });
    expect(await liveCallSids()).not.toContain(caller);
    // Whoever waited a minute and vanished is owed a call-back, as if they had hung up.
    expect(await tasksOf(caller)).toHaveLength(1);
    const [event] = await t.database.db
      .select()
      .from(callEvents)
      .where(and(eq(callEvents.callSid, caller), eq(callEvents.step, 'reconcile:lost')));
    expect(event.payload).toMatchObject({ reason: 'silent_in_queue' });
    // A second pass (another node) finds nothing to do.
    expect(await t.app.services.calls.reconcile(t.clock.now())).toEqual({ lost: 0 });

    const after = await todayTotals();
    expect(after.lost - before.lost).toBe(1);
    expect(after.queued - before.queued).toBe(1);
    const csv = await t.app.inject({
      url: '/api/v1/reports/calls?agency=aler-pavia-lodi&from=2026-11-23&to=2026-11-23&format=csv',
      headers: supervisor.headers,
    });
    expect(csv.body).toContain(`Perse senza esito;${after.lost}`);

    // Twilio's own word, late, replaces our conclusion.
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: caller, QueueResult: 'hangup', QueueTime: '75', QueueSid: 'QU1' });
    expect((await callOf(caller)).outcome).toBe('abandoned');
    expect((await todayTotals()).lost - before.lost).toBe(0);
    expect(await tasksOf(caller)).toHaveLength(1);
  });
});

describe('operators are released', () => {
  it('when their softphone leg ends, and then available once the wrap-up time limit has passed', async () => {
    const caller = await enqueue();
    const leg = await bridge(caller, 5);
    await settle();
    expect(await presenceOf('operatore2')).toMatchObject({ presence: 'on_call', callSid: caller });
    // Neither the caller's queue result nor status callback arrives; the operator's leg ends.
    t.clock.advance(90_000);
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { CallSid: leg, CallStatus: 'completed', CallDuration: '90', SequenceNumber: '2' });
    expect(await presenceOf('operatore2')).toMatchObject({ presence: 'wrap_up' });

    t.clock.advance(59_000);
    await t.app.services.calls.reconcile(t.clock.now());
    expect((await presenceOf('operatore2'))?.presence).toBe('wrap_up');
    t.clock.advance(1_000);
    await t.app.services.calls.reconcile(t.clock.now());
    expect(await presenceOf('operatore2')).toMatchObject({ presence: 'available', callSid: null });
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { CallSid: caller, CallStatus: 'completed', CallDuration: '160', SequenceNumber: '3' });
  });

  it('an operator left "on call" for a call that is over is moved to wrap-up by the reconciler', async () => {
    const caller = await enqueue();
    await bridge(caller, 5);
    await settle();
    expect((await presenceOf('operatore2'))?.presence).toBe('on_call');
    // The queue result settles the call, but no status callback (which moves presence) ever comes.
    t.clock.advance(30_000);
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: caller, QueueResult: 'bridged', QueueTime: '5', QueueSid: 'QU1' });
    await settle();
    expect((await presenceOf('operatore2'))?.presence).toBe('on_call');
    await t.app.services.calls.reconcile(t.clock.now());
    expect(await presenceOf('operatore2')).toMatchObject({ presence: 'wrap_up', callSid: caller });
  });
});
