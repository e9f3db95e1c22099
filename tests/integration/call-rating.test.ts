import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callRatings, calls } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_BASE_URL } from '../helpers/test-constants.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';
import { spokenTexts, xmlWellFormednessError } from '../helpers/xml.ts';

/**
 * Issue 17 §4: one question after the call. Every step is posted as Twilio posts it (signed, the
 * caller's parameters on every request): menu, operator's softphone, bridge, then the `<Enqueue
 * action>` when the operator hangs up, which still holds the caller's leg.
 */
const AT_10 = '2026-11-23T10:00:00+01:00';
const PAVIA = 'aler-pavia-lodi';
const PAVIA_VERDE = '+39800200200';
const TENANT = '+393471234567';
const QUESTION = 'Come valuta il servizio ricevuto? Prema da 1 a 5';
const VOICE_OFF = { greeting: null, menuIntro: null, closedMessage: null, emergencyNumber: null, askRating: false };

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0', WRAP_UP_SECONDS: '1' } });
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  await setAskRating(false);
});

async function setAskRating(on: boolean, app = t.app, session = admin) {
  const saved = await app.inject({
    method: 'PUT',
    url: `/api/v1/admin/agencies/${PAVIA}/voice`,
    headers: session.headers,
    payload: { agency: { ...VOICE_OFF, askRating: on }, portfolios: [] },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  expect(saved.json().settings.askRating).toBe(on);
}

const caller = (callSid: string) => ({ ...incomingCallParams(callSid, TENANT, PAVIA_VERDE), CallStatus: 'in-progress' });

/** A tenant calls, presses 1, operatore2 takes the call; returns the caller's CallSid. */
async function answeredCall(): Promise<string> {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, PAVIA_VERDE));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...caller(callSid), Digits: '1' });
  const operatore2 = await loginAs(t.app, 'operatore2');
  const ready = await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore2.headers, payload: { presence: 'available' } });
  expect(ready.statusCode, ready.body).toBe(200);
  const leg = newCallSid();
  const pick = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: leg, From: 'client:operatore2' });
  expect(pick.body).toContain('<Queue');
  await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { ...caller(callSid), QueueSid: 'QU1', QueueTime: '12', DequeingCallSid: leg });
  t.clock.advance(120_000);
  // The operator hangs up first: the operator's leg ends, and Twilio asks the Enqueue action what the caller hears.
  await twilioPost(t.app, '/webhooks/twilio/voice/status', { CallSid: leg, CallStatus: 'completed', CallDuration: '120', SequenceNumber: '2' });
  t.clock.advance(2_000);
  return callSid;
}

const queueResult = (callSid: string, result: string, waited = '12') =>
  twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...caller(callSid), QueueResult: result, QueueTime: waited, QueueSid: 'QU1' });
const rate = (callSid: string, attempt: number, digits: string) =>
  twilioPost(t.app, `/webhooks/twilio/voice/rating?attempt=${attempt}`, { ...caller(callSid), Digits: digits });
const ratingOf = async (callSid: string) => (await t.database.db.select().from(callRatings).where(eq(callRatings.callSid, callSid)))[0]?.rating ?? null;

describe('the question after the call', () => {
  it('is not asked where the agency has not turned it on: the call ends as before', async () => {
    const callSid = await answeredCall();
    const result = await queueResult(callSid, 'bridged');
    expect(result.statusCode).toBe(200);
    expect(result.body).not.toContain('<Gather');
    expect(result.body).not.toContain(QUESTION);
    const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(row?.outcome).toBe('answered');
  });

  it('is asked only after an operator answered: a caller who hung up in queue hears nothing', async () => {
    await setAskRating(true);
    const callSid = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, PAVIA_VERDE));
    await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...caller(callSid), Digits: '2' });
    t.clock.advance(40_000);
    const result = await queueResult(callSid, 'hangup', '40');
    expect(result.body).not.toContain('<Gather');
  });

  it('asks in Italian after the operator hung up, stores the key pressed once, and thanks the caller', async () => {
    await setAskRating(true);
    const callSid = await answeredCall();
    const result = await queueResult(callSid, 'bridged');
    expect(xmlWellFormednessError(result.body)).toBeNull();
    expect(result.body).toContain('<Gather input="dtmf" numDigits="1"');
    expect(result.body).toContain(`action="${TEST_BASE_URL}/webhooks/twilio/voice/rating?attempt=1"`);
    expect(spokenTexts(result.body).join(' ')).toContain(QUESTION);
    // Twilio retries the queue result: the same question, the call still answered.
    expect((await queueResult(callSid, 'bridged')).body).toBe(result.body);

    const rated = await rate(callSid, 1, '4');
    expect(spokenTexts(rated.body).join(' ')).toContain('Grazie per la sua valutazione');
    expect(rated.body).toContain('<Hangup/>');
    expect(await ratingOf(callSid)).toBe(4);

    // The same post again, or a late one with another key, never changes the stored rating.
    expect((await rate(callSid, 1, '4')).body).toBe(rated.body);
    await rate(callSid, 1, '1');
    await rate(callSid, 2, '2');
    expect(await ratingOf(callSid)).toBe(4);
    const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(row?.outcome).toBe('answered');
  });

  it('a key that is not 1 to 5 hears the question once more; silence after that is goodbye, and nothing is stored', async () => {
    await setAskRating(true);
    const callSid = await answeredCall();
    await queueResult(callSid, 'bridged');
    const again = await rate(callSid, 1, '9');
    expect(again.body).toContain(`action="${TEST_BASE_URL}/webhooks/twilio/voice/rating?attempt=2"`);
    expect(spokenTexts(again.body).join(' ')).toMatch(/^Tasto non valido\. .*Come valuta il servizio/);
    const goodbye = await rate(callSid, 2, '');
    expect(goodbye.body).not.toContain('<Gather');
    expect(goodbye.body).toContain('<Hangup/>');
    expect(await ratingOf(callSid)).toBeNull();
  });

  it('a rating posted for a call nobody answered is not stored', async () => {
    await setAskRating(true);
    const callSid = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, PAVIA_VERDE));
    await rate(callSid, 1, '5');
    expect(await ratingOf(callSid)).toBeNull();
  });

  it('refuses an unsigned rating post and stores nothing', async () => {
    await setAskRating(true);
    const callSid = await answeredCall();
    await queueResult(callSid, 'bridged');
    const forged = await twilioPost(t.app, '/webhooks/twilio/voice/rating?attempt=1', { ...caller(callSid), Digits: '1' }, { signature: 'forged' });
    expect(forged.statusCode).toBe(403);
    expect(await ratingOf(callSid)).toBeNull();
  });
});

describe('the question while the database is away', () => {
  it('is asked from memory, and the rating is recorded once the journal is replayed', async () => {
    const first = await createTestApp({ now: AT_10 });
    const dataDir = first.config.dataDir;
    await setAskRating(true, first.app, await loginAs(first.app, 'admin'));
    await first.database.close();

    const callSid = newCallSid();
    const base = incomingCallParams(callSid, TENANT, PAVIA_VERDE);
    await twilioPost(first.app, '/webhooks/twilio/voice', base);
    first.clock.set('2026-11-23T10:00:08+01:00');
    await twilioPost(first.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: '2' });
    first.clock.set('2026-11-23T10:03:00+01:00');
    const result = await twilioPost(first.app, '/webhooks/twilio/voice/queue-result', {
      ...base,
      CallStatus: 'in-progress',
      QueueResult: 'bridged',
      QueueTime: '20',
    });
    expect(result.body).toContain(`action="${TEST_BASE_URL}/webhooks/twilio/voice/rating?attempt=1"`);
    const rated = await twilioPost(first.app, '/webhooks/twilio/voice/rating?attempt=1', { ...base, CallStatus: 'in-progress', Digits: '5' });
    expect(spokenTexts(rated.body).join(' ')).toContain('Grazie per la sua valutazione');
    await first.app.close();

    const second = await createTestApp({ now: '2026-11-23T10:05:00+01:00', config: { DATA_DIR: dataDir } });
    await second.app.services.voice.drain();
    const [stored] = await second.database.db.select().from(callRatings).where(eq(callRatings.callSid, callSid));
    expect(stored).toMatchObject({ agencyCode: PAVIA, rating: 5 });
    expect(stored?.ratedAt.toISOString()).toBe('2026-11-23T09:03:00.000Z');
    await second.close();
  });
});
