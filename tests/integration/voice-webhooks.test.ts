import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callEvents, calls } from '../../src/db/schema/index.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_BASE_URL } from '../helpers/test-constants.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const TENANT = '+393471234567';
const AT_10_ROME = '2026-11-23T10:00:00+01:00';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: AT_10_ROME });
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(AT_10_ROME);
});

async function callRow(callSid: string) {
  const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
  return row;
}

async function eventCount(callSid: string) {
  return (await t.database.db.select().from(callEvents).where(eq(callEvents.callSid, callSid))).length;
}

/** Dials `to`, presses `digit`: returns the CallSid and the menu's TwiML. */
async function callAndChoose(to: string, digit: string) {
  const callSid = newCallSid();
  const incoming = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, to));
  expect(incoming.statusCode).toBe(200);
  const menu = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, TENANT, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.statusCode).toBe(200);
  return { callSid, incoming, menu };
}

describe('incoming call', () => {
  it('offers the Italian menu at 10:00 Rome on the ALER Pavia-Lodi numero verde', async () => {
    const callSid = newCallSid();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, '+39800200200'));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(response.body).toContain('<Gather input="dtmf" numDigits="1"');
    expect(response.body).toContain(`action="${TEST_BASE_URL}/webhooks/twilio/voice/menu?attempt=1"`);
    expect(response.body).toContain('<Say language="it-IT"');
    expect(response.body).toContain('ALER Pavia-Lodi');
    expect(response.body).toMatch(/manutenzione prema 1.*riscaldamento prema 2.*amministrative.*prema 3/s);
    const row = await callRow(callSid);
    expect(row).toMatchObject({ agencyCode: 'aler-pavia-lodi', outcome: 'in_menu', numberKind: 'numero_verde', fromNumber: TENANT });
  });

  it('enqueues digit 2 in aler-pavia-lodi.heating', async () => {
    const { callSid, menu } = await callAndChoose('+39800200200', '2');
    expect(menu.body).toContain(`<Enqueue waitUrl="${TEST_BASE_URL}/webhooks/twilio/voice/queue-wait"`);
    expect(menu.body).toContain(`action="${TEST_BASE_URL}/webhooks/twilio/voice/queue-result"`);
    expect(menu.body).toContain('>aler-pavia-lodi.heating</Enqueue>');
    expect(await callRow(callSid)).toMatchObject({ outcome: 'queued', queueName: 'aler-pavia-lodi.heating', category: 'heating' });
  });

  it.each([
    ['+39800300300', '1', 'aler-pavia-lodi.maintenance', 'comune-di-pavia'],
    ['+390382000000', '3', 'aler-pavia-lodi.admin', null],
    ['+39800100100', '1', 'aler-milano.maintenance', null],
    ['+390240000000', '2', 'aler-milano.heating', null],
  ])('routes a call to %s, digit %s, to %s', async (to, digit, queue, portfolio) => {
    const { callSid, menu } = await callAndChoose(to, digit);
    expect(menu.body).toContain(`>${queue}</Enqueue>`);
    expect((await callRow(callSid)).portfolioId).toBe(portfolio);
  });

  it('greets Comune di Pavia callers with the portfolio name', async () => {
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), TENANT, '+39800300300'));
    expect(response.body).toContain('Comune di Pavia');
  });

  it('answers an unknown number with a short message and a hang-up', async () => {
    const callSid = newCallSid();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, '+390299999999'));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('non è attivo');
    expect(response.body).toContain('<Hangup/>');
    expect(response.body).not.toContain('<Gather');
    expect((await callRow(callSid)).outcome).toBe('unknown_number');
  });

  it.each([
    ['07:59:59', '2026-11-23T07:59:59+01:00', false],
    ['08:00:00', '2026-11-23T08:00:00+01:00', true],
    ['19:59:59', '2026-11-23T19:59:59+01:00', true],
    ['20:00:00', '2026-11-23T20:00:00+01:00', false],
    ['20:00:00 on the fall-back day', '2026-10-25T20:00:00+01:00', false],
    ['08:00:00 on the spring-forward day', '2026-03-29T08:00:00+02:00', true],
  ])('at %s Rome the window is open: %s', async (_label, instant, open) => {
    t.clock.set(instant);
    const callSid = newCallSid();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, '+39800100100'));
    if (open) {
      expect(response.body).toContain('<Gather');
    } else {
      expect(response.body).toContain('tutti i giorni dalle 8 alle 20');
      expect(response.body).toContain('<Hangup/>');
      expect((await callRow(callSid)).outcome).toBe('out_of_hours');
    }
  });

  it('dials the emergency number out of hours when the agency has one', async () => {
    const { agencies } = await import('../../src/db/schema/index.ts');
    await t.database.db.update(agencies).set({ emergencyNumber: '+390299887766' }).where(eq(agencies.code, 'aler-milano'));
    await t.app.services.directory.reload(t.database.db);
    try {
      t.clock.set('2026-11-23T22:00:00+01:00');
      const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), TENANT, '+39800100100'));
      expect(response.body).toContain('pronto intervento');
      expect(response.body).toContain('<Dial timeout="30">+390299887766</Dial>');
    } finally {
      await t.database.db.update(agencies).set({ emergencyNumber: null }).where(eq(agencies.code, 'aler-milano'));
      await t.app.services.directory.reload(t.database.db);
    }
  });
});

describe('the menu', () => {
  it('repeats after a wrong digit and sends a second miss to the admin queue', async () => {
    const callSid = newCallSid();
    const base = { ...incomingCallParams(callSid, TENANT, '+39800100100'), CallStatus: 'in-progress' };
    await twilioPost(t.app, '/webhooks/twilio/voice', base);
    const first = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, Digits: '7' });
    expect(first.body).toContain('Scelta non valida');
    expect(first.body).toContain('/webhooks/twilio/voice/menu?attempt=2');
    const second = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=2', { ...base, Digits: '' });
    expect(second.body).toContain('>aler-milano.admin</Enqueue>');
  });

  it('serves a caller who reached the menu at 19:59 even after 20:00', async () => {
    t.clock.set('2026-11-23T19:59:30+01:00');
    const callSid = newCallSid();
    const base = incomingCallParams(callSid, TENANT, '+39800200200');
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', base)).body).toContain('<Gather');
    t.clock.set('2026-11-23T20:00:10+01:00');
    const menu = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, Digits: '1' });
    expect(menu.body).toContain('>aler-pavia-lodi.maintenance</Enqueue>');
  });
});

describe('signatures', () => {
  const params = () => incomingCallParams(newCallSid(), TENANT, '+39800200200');

  it('refuses a missing signature with 403 and records nothing', async () => {
    const p = params();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', p, { signature: null });
    expect(response.statusCode).toBe(403);
    expect(await callRow(p.CallSid)).toBeUndefined();
    expect(await eventCount(p.CallSid)).toBe(0);
  });

  it('refuses a wrong signature', async () => {
    const p = params();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', p, { signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' });
    expect(response.statusCode).toBe(403);
    expect(await callRow(p.CallSid)).toBeUndefined();
  });

  it('refuses a request signed for another URL (replayed at another path)', async () => {
    const p: Record<string, string> = { ...params(), Digits: '1' };
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', p, { signedUrl: `${TEST_BASE_URL}/webhooks/twilio/voice` });
    expect(response.statusCode).toBe(403);
    expect(await eventCount(p.CallSid)).toBe(0);
  });

  it('refuses a request signed for another host', async () => {
    const p = params();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', p, { signedUrl: 'https://attacker.example/webhooks/twilio/voice' });
    expect(response.statusCode).toBe(403);
  });

  it('accepts and ignores parameters Twilio adds in the future', async () => {
    const p = { ...params(), NewTwilioParameter: 'x', CallToken: '{"parentCallInfoToken":"abc"}' };
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', p);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<Gather');
  });

  it('records a call whose parameters carry characters Postgres cannot store, without holding up the calls beside it', async () => {
    const odd: Record<string, string> = { ...incomingCallParams(newCallSid(), TENANT, '+39800200200'), CallerName: 'ROSSI\u0000MARIO' };
    const others = Array.from({ length: 5 }, () => incomingCallParams(newCallSid(), TENANT, '+39800200200'));
    const responses = await Promise.all([odd, ...others].map((p) => twilioPost(t.app, '/webhooks/twilio/voice', p)));
    for (const response of responses) expect(response.body).toContain('<Gather');
    // Recorded at once, not parked in the outage journal.
    expect(await t.app.inject({ method: 'GET', url: '/readyz' }).then((r) => r.json())).toMatchObject({ journalBacklog: 0 });
    const [event] = await t.database.db.select().from(callEvents).where(eq(callEvents.callSid, odd.CallSid));
    expect(event.payload).toMatchObject({ CallerName: 'ROSSIMARIO' });
    for (const p of others) expect((await callRow(p.CallSid)).outcome).toBe('in_menu');
  });

  it('drops a journaled step that Postgres refuses for its data, and records the steps behind it', async () => {
    const voice = t.app.services.voice;
    // Straight to the service, past the webhook's clean-up: the last line of defence.
    const refused = newCallSid();
    const bad = voice.handle({
      kind: 'incoming',
      params: { callSid: refused, from: TENANT, to: '+39800200200', callStatus: 'ringing' },
      payload: { CallerName: 'A\u0000B' },
    });
    const good = incomingCallParams(newCallSid(), TENANT, '+39800200200');
    const [answer, response] = await Promise.all([bad, twilioPost(t.app, '/webhooks/twilio/voice', good)]);
    // Both callers heard the menu (the batch they shared failed, so both were answered from memory).
    expect(answer.kind).toBe('menu');
    expect(response.body).toContain('<Gather');
    await voice.drain();
    expect(voice.backlog()).toBe(0);
    expect((await callRow(good.CallSid)).outcome).toBe('in_menu');
    expect(await callRow(refused)).toBeUndefined();
  });
});

describe('idempotency and ordering', () => {
  it('answers the same incoming webhook twice with the same TwiML and records it once', async () => {
    const p = incomingCallParams(newCallSid(), TENANT, '+39800200200');
    const first = await twilioPost(t.app, '/webhooks/twilio/voice', p);
    // Even if the window closed between the two deliveries, the retry gets the first answer.
    t.clock.set('2026-11-23T21:00:00+01:00');
    const second = await twilioPost(t.app, '/webhooks/twilio/voice', p);
    expect(second.body).toBe(first.body);
    expect(await eventCount(p.CallSid)).toBe(1);
    const rows = await t.database.db.select().from(calls).where(eq(calls.callSid, p.CallSid));
    expect(rows).toHaveLength(1);
  });

  it('records 30 concurrent calls, each delivered twice at once, exactly once with identical answers', async () => {
    const all = Array.from({ length: 30 }, (_, index) => incomingCallParams(newCallSid(), TENANT, index % 2 ? '+39800200200' : '+390240000000'));
    const responses = await Promise.all(
      all.flatMap((params) => [twilioPost(t.app, '/webhooks/twilio/voice', params), twilioPost(t.app, '/webhooks/twilio/voice', params)]),
    );
    for (let index = 0; index < all.length; index += 1) {
      const [first, second] = [responses[2 * index], responses[2 * index + 1]];
      expect(first.statusCode).toBe(200);
      expect(second.body).toBe(first.body);
      expect(first.body).toContain('<Gather');
    }
    for (const params of all) {
      expect(await eventCount(params.CallSid)).toBe(1);
      expect((await callRow(params.CallSid)).outcome).toBe('in_menu');
    }
  });

  it('records the same menu choice once', async () => {
    const { callSid, menu } = await callAndChoose('+39800200200', '2');
    const again = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
      ...incomingCallParams(callSid, TENANT, '+39800200200'),
      CallStatus: 'in-progress',
      Digits: '2',
    });
    expect(again.body).toBe(menu.body);
    expect(await eventCount(callSid)).toBe(2);
  });

  it('never lets a late ringing status overwrite completed', async () => {
    const { callSid } = await callAndChoose('+39800200200', '1');
    const base = incomingCallParams(callSid, TENANT, '+39800200200');
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: '95', SequenceNumber: '3' });
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'ringing', SequenceNumber: '0' });
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'in-progress' });
    const row = await callRow(callSid);
    expect(row.status).toBe('completed');
    expect(row.durationSeconds).toBe(95);
  });
});

/** Empties every queue, so an operator test sees only the calls it placed. */
async function settleWaitingCalls() {
  const waiting = await t.database.db.select().from(calls).where(eq(calls.outcome, 'queued'));
  for (const call of waiting) {
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: call.callSid, QueueResult: 'hangup', QueueTime: '30' });
  }
}

describe('queue and operator steps', () => {
  it('announces the position while waiting', async () => {
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/queue-wait', {
      CallSid: newCallSid(),
      QueueSid: 'QU00000000000000000000000000000000',
      QueuePosition: '3',
      QueueTime: '42',
      AvgQueueTime: '130',
      CurrentQueueSize: '5',
    });
    expect(response.body).toContain('Ci sono 2 persone in attesa prima di lei.');
    expect(response.body).toContain('circa 2 minuti');
    expect(response.body).toContain('<Play>');
  });

  it('gives the operator the oldest waiting call, links the bridge and records the answer', async () => {
    await settleWaitingCalls();
    const older = await callAndChoose('+39800100100', '3');
    t.clock.set('2026-11-23T10:00:30+01:00');
    await callAndChoose('+39800200200', '3');
    t.clock.set('2026-11-23T10:01:00+01:00');
    const operatorLeg = newCallSid();
    const operator = await twilioPost(t.app, '/webhooks/twilio/voice/operator', {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: operatorLeg,
      From: 'client:operatore1',
      To: '',
      CallStatus: 'ringing',
    });
    expect(operator.body).toContain(`<Dial><Queue url="${TEST_BASE_URL}/webhooks/twilio/voice/bridged" method="POST">aler-milano.admin</Queue></Dial>`);

    const bridged = await twilioPost(t.app, '/webhooks/twilio/voice/bridged', {
      CallSid: older.callSid,
      QueueSid: 'QU1',
      QueueTime: '60',
      DequeingCallSid: operatorLeg,
    });
    expect(bridged.body).toContain('operatore');
    expect(await callRow(older.callSid)).toMatchObject({ outcome: 'bridged', answeredBy: 'operatore1', queueTimeSeconds: 60 });

    t.clock.set('2026-11-23T10:04:00+01:00');
    const base = incomingCallParams(older.callSid, TENANT, '+39800100100');
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: '240', SequenceNumber: '4' });
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...base, QueueResult: 'bridged', QueueTime: '60', QueueSid: 'QU1' });
    const row = await callRow(older.callSid);
    expect(row).toMatchObject({ outcome: 'answered', queueTimeSeconds: 60, answeredBy: 'operatore1', durationSeconds: 240 });
    expect(row.talkSeconds).toBe(180);
  });

  it('boosts heating calls during the heating season (15 October – 15 April)', async () => {
    await settleWaitingCalls();
    await callAndChoose('+39800100100', '3');
    t.clock.set('2026-11-23T10:00:30+01:00');
    await callAndChoose('+39800200200', '2');
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: 'client:operatore2' });
    expect(response.body).toContain('>aler-pavia-lodi.heating</Queue>');
  });

  it('tells an operator when nothing is waiting', async () => {
    await settleWaitingCalls();
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: 'client:operatore2' });
    expect(response.body).toContain('Nessuna chiamata in attesa');
  });

  it.each([
    ['45', 'abandoned'],
    ['5', 'abandoned'],
    ['4', 'short_abandoned'],
    ['0', 'short_abandoned'],
  ])('a hang-up after %s s in queue is %s', async (seconds, outcome) => {
    const { callSid } = await callAndChoose('+39800200200', '1');
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: seconds });
    expect((await callRow(callSid)).outcome).toBe(outcome);
  });

  it('says sorry and hangs up when the queue is full', async () => {
    const { callSid } = await callAndChoose('+39800200200', '1');
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'queue-full', QueueTime: '0' });
    expect(response.body).toContain('<Hangup/>');
    expect((await callRow(callSid)).outcome).toBe('queue_other');
  });

  it('refuses the operator URL to anything but a browser softphone', async () => {
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: TENANT });
    expect(response.statusCode).toBe(403);
  });
});

describe('health and metrics', () => {
  it('reports health, readiness and webhook metrics', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).statusCode).toBe(200);
    // What Prometheus scrapes (from the METRICS_PORT listener or with METRICS_TOKEN: safe-defaults.test.ts).
    const metrics = { body: await t.app.services.metrics.registry.metrics() };
    expect(metrics.body).toContain('centralino_webhook_duration_seconds_bucket');
    expect(metrics.body).toMatch(/centralino_calls_total\{agency="aler-milano",outcome="out_of_hours"\} \d+/);
  });

  it('answers 503 on /readyz when the database is gone', async () => {
    const other = await createTestApp();
    await other.database.close();
    expect((await other.app.inject('/readyz')).statusCode).toBe(503);
    await other.app.close();
  });
});
