import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_BASE_URL } from '../helpers/test-constants.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Issue 17 §1, "keep my place, call me back", played as Twilio posts it: the offer inside the wait
 * loop above the agency's threshold only, the keypad steps, `<Leave/>`, the placeholder that keeps
 * the caller's place in the next-call pick, the dial from the operator's softphone with the
 * agency's number, spaced attempts and then an ordinary call-back task.
 */
const PAVIA_VERDE = '+39800200200';
const PAVIA_LANDLINE = '+390382000000';
const MILANO_VERDE = '+39800100100';
const OFFER = 'Prema 1 per essere richiamato senza perdere il suo posto.';

let t: TestApp;
let admin: Session;
let supervisore: Session;
let referenteMilano: Session;
let referentePavia: Session;
let operatoreMilano: Session;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0', CALL_RECONCILE_INTERVAL_MS: '0' } });
  admin = await loginAs(t.app, 'admin');
  supervisore = await loginAs(t.app, 'supervisore');
  referenteMilano = await loginAs(t.app, 'referente-milano');
  referentePavia = await loginAs(t.app, 'referente-pavia');
  await createStaffUser(t.app, 'operatore-pavia', 'operator', ['aler-pavia-lodi']);
  operatoreMilano = await createStaffUser(t.app, 'operatore-milano', 'operator', ['aler-milano']);
});
afterAll(async () => {
  await t?.close();
});

async function callRow(callSid: string) {
  const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
  return row;
}

/** A tenant calls `to` and presses `digit`: enqueued as Twilio's `<Enqueue>` would be. */
async function callAndQueue(from: string, to: string, digit: string) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
  const menu = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, from, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.body).toContain('<Enqueue');
  return { callSid, base: { ...incomingCallParams(callSid, from, to), CallStatus: 'in-progress' } };
}

/** Twilio requests the wait URL (with the caller's usual parameters and the queue's). */
const waitLoop = (call: { base: Record<string, string> }, position = '1') =>
  twilioPost(t.app, '/webhooks/twilio/voice/queue-wait', {
    ...call.base,
    QueueSid: 'QU1',
    QueuePosition: position,
    QueueTime: '60',
    AvgQueueTime: '0',
    CurrentQueueSize: position,
  });

/** The operator's softphone asks for the next call. */
const nextCall = (identity: string, leg = newCallSid()) =>
  twilioPost(t.app, '/webhooks/twilio/voice/operator', {
    AccountSid: 'AC00000000000000000000000000000000',
    ApplicationSid: 'AP00000000000000000000000000000000',
    CallSid: leg,
    From: `client:${identity}`,
    CallStatus: 'ringing',
  });

/** The caller presses 1 at the offer, then confirms the caller ID (1) or types a number ending in #. */
async function keepMyPlace(call: { base: Record<string, string> }, digits: string) {
  const choice = await twilioPost(t.app, '/webhooks/twilio/voice/queue-callback?step=choice', { ...call.base, Digits: '1', QueueSid: 'QU1' });
  const number = await twilioPost(t.app, '/webhooks/twilio/voice/queue-callback?step=number', {
    ...call.base,
    Digits: digits,
    FinishedOnKey: digits.endsWith('#') ? '#' : '',
    QueueSid: 'QU1',
  });
  return { choice, number };
}

/** `<Dial action>` on the operator's leg once the tenant's phone stopped ringing. */
const dialEnded = (leg: string, callSid: string, status: string) =>
  twilioPost(t.app, `/webhooks/twilio/voice/callback-dialled?call=${callSid}`, {
    AccountSid: 'AC00000000000000000000000000000000',
    CallSid: leg,
    From: 'client:operatore1',
    CallStatus: 'in-progress',
    DialCallStatus: status,
    DialCallSid: newCallSid(),
    DialCallDuration: status === 'completed' ? '95' : '0',
  });

describe('the offer in the wait loop', () => {
  it('appears when nobody was served recently, and only above the agency threshold when the queue moves', async () => {
    // Milano's heating queue: nobody served in the last half hour, a caller waiting: over any threshold.
    const waiting = await callAndQueue('+393401110001', MILANO_VERDE, '2');
    const first = await waitLoop(waiting);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(OFFER);
    expect(first.body).toContain(`<Gather input="dtmf" numDigits="1" timeout="1" action="${TEST_BASE_URL}/webhooks/twilio/voice/queue-callback?step=choice"`);

    // An operator takes the call at 10:02: one served in the window, so the next caller expects about 30 minutes.
    t.clock.set('2026-11-23T10:02:00+01:00');
    const leg = newCallSid();
    expect((await nextCall('operatore2', leg)).body).toContain('>aler-milano.heating</Queue>');
    await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: waiting.callSid, QueueSid: 'QU1', QueueTime: '120', DequeingCallSid: leg });
    const next = await callAndQueue('+393401110002', MILANO_VERDE, '2');
    t.clock.set('2026-11-23T10:03:00+01:00');

    // The agency sets its threshold to 40 minutes: 30 expected minutes are not enough.
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/agencies/aler-milano',
      headers: admin.headers,
      payload: { queuedCallbackSeconds: 2400 },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ queuedCallbackSeconds: 2400 });
    const under = await waitLoop(next);
    expect(under.body).not.toContain(OFFER);
    expect(under.body).toContain('<Play>');

    // Back to the default (3 minutes): the same wait is over it.
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/agencies/aler-milano', headers: admin.headers, payload: { queuedCallbackSeconds: null } });
    expect((await waitLoop(next)).body).toContain(OFFER);

    // After closing time the caller is still served, but no call-back is offered.
    t.clock.set('2026-11-23T20:01:00+01:00');
    const closed = await waitLoop(next);
    expect(closed.body).not.toContain(OFFER);
    expect(closed.body).toContain('<Play>');
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...next.base, QueueResult: 'hangup', QueueTime: '600' });
    t.clock.set('2026-11-23T10:00:00+01:00');
  });

  it('any key but 1 goes back to waiting; a number that is not one keeps the caller in the queue', async () => {
    const caller = await callAndQueue('+393401110003', PAVIA_VERDE, '3');
    const other = await twilioPost(t.app, '/webhooks/twilio/voice/queue-callback?step=choice', { ...caller.base, Digits: '5' });
    expect(other.body).toContain(`<Redirect method="POST">${TEST_BASE_URL}/webhooks/twilio/voice/queue-wait</Redirect>`);
    expect(other.body).not.toContain('<Leave');
    const wrong = await twilioPost(t.app, '/webhooks/twilio/voice/queue-callback?step=number', { ...caller.base, Digits: '12345', FinishedOnKey: '#' });
    expect(wrong.body).toContain('Il numero digitato non è valido');
    expect(wrong.body).toContain('/webhooks/twilio/voice/queue-wait</Redirect>');
    expect(wrong.body).not.toContain('<Leave');
    expect(await callRow(caller.callSid)).toMatchObject({ outcome: 'queued', callbackPhone: null });
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...caller.base, QueueResult: 'hangup', QueueTime: '30' });
  });
});

describe('keeping the place', () => {
  const tenantA = '+393471234567';
  let a: { callSid: string; base: Record<string, string> };
  let b: { callSid: string; base: Record<string, string> };

  it('reads the caller ID back, confirms with 1, leaves the queue and records «richiamata in coda», not an abandon', async () => {
    t.clock.set('2026-11-23T11:00:00+01:00');
    a = await callAndQueue(tenantA, PAVIA_VERDE, '1');
    t.clock.set('2026-11-23T11:01:00+01:00');
    b = await callAndQueue('+393479999999', PAVIA_VERDE, '1');
    t.clock.set('2026-11-23T11:05:00+01:00');
    expect((await waitLoop(a)).body).toContain(OFFER);

    const { choice, number } = await keepMyPlace(a, '1');
    expect(choice.body).toContain(
      `<Gather input="dtmf" finishOnKey="#" timeout="8" action="${TEST_BASE_URL}/webhooks/twilio/voice/queue-callback?step=number"`,
    );
    expect(choice.body).toContain('La richiameremo al numero 3 4 7, 1 2 3, 4 5 6, 7. Prema 1 per confermare');
    expect(number.body).toContain('Il suo posto in coda è mantenuto');
    expect(number.body).toContain('<Leave/>');

    // Twilio then reports the caller left the queue, and the call's end: neither makes it an abandon.
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...a.base, QueueResult: 'leave', QueueTime: '300', QueueSid: 'QU1' });
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...a.base, CallStatus: 'completed', CallDuration: '320', SequenceNumber: '3' });
    const row = await callRow(a.callSid);
    expect(row).toMatchObject({ outcome: 'callback_waiting', callbackPhone: tenantA, queueName: 'aler-pavia-lodi.maintenance', queueTimeSeconds: 300 });
    expect(row.enqueuedAt?.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    // Nobody owes this caller an abandoned-call call-back.
    const open = (await t.app.inject({ url: '/api/v1/callbacks?status=open&agency=aler-pavia-lodi', headers: supervisore.headers })).json() as {
      items: { callerPhone: string }[];
    };
    expect(open.items.map((item) => item.callerPhone)).not.toContain(tenantA);
  });

  it("shows on the agency's live screens as waiting, and on no other agency's", async () => {
    const pavia = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: referentePavia.headers })).json() as {
      calls: { callSid: string; outcome: string }[];
    };
    expect(pavia.calls.find((call) => call.callSid === a.callSid)).toMatchObject({ outcome: 'callback_waiting' });
    for (const other of [referenteMilano, operatoreMilano]) {
      const milano = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: other.headers })).json() as { calls: { callSid: string }[] };
      expect(milano.calls.map((call) => call.callSid)).not.toContain(a.callSid);
    }
    // An operator who serves only another agency is never handed the placeholder.
    expect((await nextCall('operatore-milano')).body).not.toContain('<Number>');
  });

  it("is the next call of the next operator free, ahead of a caller who came later, dialled with the agency's number", async () => {
    t.clock.set('2026-11-23T11:06:00+01:00');
    const leg = newCallSid();
    const dial = await nextCall('operatore1', leg);
    expect(dial.body).toContain(
      `<Dial callerId="${PAVIA_LANDLINE}" answerOnBridge="true" timeout="30" action="${TEST_BASE_URL}/webhooks/twilio/voice/callback-dialled?call=${a.callSid}" method="POST"><Number>${tenantA}</Number></Dial>`,
    );
    // While that dial rings, the next operator gets the caller who came after.
    expect((await nextCall('operatore-pavia')).body).toContain('>aler-pavia-lodi.maintenance</Queue>');

    // Nobody answers: the operator hears so, and the place waits a few minutes before the next try.
    const unanswered = await dialEnded(leg, a.callSid, 'no-answer');
    expect(unanswered.body).toContain('la richiamata resta in coda');
    expect(unanswered.body).toContain('<Hangup/>');
    // Twilio retries the action: the same answer, one attempt.
    expect((await dialEnded(leg, a.callSid, 'no-answer')).body).toBe(unanswered.body);
    expect(await callRow(a.callSid)).toMatchObject({ outcome: 'callback_waiting', callbackAttempts: 1 });
  });

  it('tries again spaced, then hands it to an ordinary call-back task on the number chosen', async () => {
    // B is still on hold: within the pause, the next operator gets B, not the placeholder.
    t.clock.set('2026-11-23T11:08:00+01:00');
    expect((await nextCall('operatore1')).body).toContain('>aler-pavia-lodi.maintenance</Queue>');
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...b.base, QueueResult: 'hangup', QueueTime: '420' });

    t.clock.set('2026-11-23T11:12:00+01:00');
    const second = newCallSid();
    expect((await nextCall('operatore1', second)).body).toContain(`<Number>${tenantA}</Number>`);
    await dialEnded(second, a.callSid, 'busy');

    t.clock.set('2026-11-23T11:18:00+01:00');
    const third = newCallSid();
    expect((await nextCall('operatore1', third)).body).toContain(`<Number>${tenantA}</Number>`);
    const last = await dialEnded(third, a.callSid, 'no-answer');
    expect(last.body).toContain("passa all'elenco delle richiamate");

    expect(await callRow(a.callSid)).toMatchObject({ outcome: 'queued_callback', callbackResult: 'gave_up', callbackAttempts: 3 });
    const open = (await t.app.inject({ url: '/api/v1/callbacks?status=open&agency=aler-pavia-lodi', headers: supervisore.headers })).json() as {
      items: { callerPhone: string; callSid: string }[];
    };
    expect(open.items.find((item) => item.callerPhone === tenantA)).toMatchObject({ callSid: a.callSid });
    // It left the live screens.
    const pavia = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: referentePavia.headers })).json() as { calls: { callSid: string }[] };
    expect(pavia.calls.map((call) => call.callSid)).not.toContain(a.callSid);
  });

  it('a number typed in is the one dialled, and a tenant who answers settles it', async () => {
    t.clock.set('2026-11-23T12:00:00+01:00');
    const caller = await callAndQueue('+393471110000', PAVIA_VERDE, '2');
    t.clock.set('2026-11-23T12:04:00+01:00');
    const { number } = await keepMyPlace(caller, '0382123456#');
    expect(number.body).toContain('la richiameremo al numero 0 3 8, 2 1 2, 3 4 5, 6');
    expect(number.body).toContain('<Leave/>');
    t.clock.set('2026-11-23T12:05:00+01:00');
    const leg = newCallSid();
    expect((await nextCall('operatore1', leg)).body).toContain('<Number>+390382123456</Number>');
    const reached = await dialEnded(leg, caller.callSid, 'completed');
    expect(reached.body).not.toContain('<Say');
    expect(await callRow(caller.callSid)).toMatchObject({
      outcome: 'queued_callback',
      callbackResult: 'reached',
      answeredBy: 'operatore1',
      callbackAttempts: 1,
    });
    const open = (await t.app.inject({ url: '/api/v1/callbacks?status=open&agency=aler-pavia-lodi', headers: supervisore.headers })).json() as {
      items: { callerPhone: string }[];
    };
    expect(open.items.map((item) => item.callerPhone)).not.toContain('+390382123456');
  });
});

describe('the call-volume report', () => {
  it('counts queued call-backs apart, in `queued` and in neither service level nor abandon rate', async () => {
    const report = await t.app.inject({ url: '/api/v1/reports/calls?agency=aler-pavia-lodi&from=2026-11-23&to=2026-11-23', headers: supervisore.headers });
    expect(report.statusCode, report.body).toBe(200);
    const { totals } = report.json() as { totals: Record<string, number | null> };
    // Pavia-Lodi today: two queued call-backs (one given up to a task, one reached) and two callers who hung up on hold.
    expect(totals).toMatchObject({ queued: 4, queuedCallbacks: 2, answered: 0, abandoned: 2, abandonRatePct: 100 });
    const csv = await t.app.inject({
      url: '/api/v1/reports/calls?agency=aler-pavia-lodi&from=2026-11-23&to=2026-11-23&format=csv',
      headers: supervisore.headers,
    });
    expect(csv.body).toMatch(/Richiamate in coda[;,]"?2/);
  });
});

describe('while the database is away', () => {
  it('the wait loop still answers from memory, with no offer, and a caller who asks stays in the queue', async () => {
    const node = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
    try {
      const callSid = newCallSid();
      const base = { ...incomingCallParams(callSid, '+393405550000', PAVIA_VERDE), CallStatus: 'in-progress' };
      await twilioPost(node.app, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393405550000', PAVIA_VERDE));
      await twilioPost(node.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, Digits: '1' });
      node.clock.set('2026-11-23T10:10:00+01:00');
      const before = await twilioPost(node.app, '/webhooks/twilio/voice/queue-wait', { ...base, QueueSid: 'QU1', QueuePosition: '1', QueueTime: '600' });
      expect(before.body).toContain(OFFER);

      await node.database.close();
      const wait = await twilioPost(node.app, '/webhooks/twilio/voice/queue-wait', { ...base, QueueSid: 'QU1', QueuePosition: '1', QueueTime: '610' });
      expect(wait.statusCode).toBe(200);
      expect(wait.body).toContain('<Play>');
      expect(wait.body).not.toContain(OFFER);
      // A caller who heard the offer just before presses 1 and confirms: told to stay, not let go.
      const number = await twilioPost(node.app, '/webhooks/twilio/voice/queue-callback?step=number', { ...base, Digits: '1' });
      expect(number.statusCode).toBe(200);
      expect(number.body).toContain('non è possibile prenotare la richiamata');
      expect(number.body).not.toContain('<Leave');
      expect(number.body).toContain('/webhooks/twilio/voice/queue-wait</Redirect>');
    } finally {
      await node.app.close();
    }
  });
});
