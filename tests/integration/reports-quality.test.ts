import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Issue 17 §4 and §5 in the reports: the callers' ratings (count, mean, distribution per queue and
 * month) and the repeat calls (same number, same agency, within 7 days) per month, in the JSON and
 * the CSV, scoped like every report. The calls are scripted as Twilio posts them, on the test clock.
 */
const PAVIA = 'aler-pavia-lodi';
const PAVIA_VERDE = '+39800200200';
const COMUNE_VERDE = '+39800300300';
const MILANO_VERDE = '+39800100100';
const ANNA = '+393471234567';
const BRUNO = '+393331112223';
const WITHHELD = '+266696687';

let t: TestApp;
const as: Record<'supervisor' | 'referentePavia' | 'referenteMilano' | 'staffMilano' | 'staffPavia', Session> = {} as never;

async function call(at: string, from: string, to: string, answer?: { digit: string; rating?: string }) {
  t.clock.set(at);
  const callSid = newCallSid();
  const base = incomingCallParams(callSid, from, to);
  await twilioPost(t.app, '/webhooks/twilio/voice', base);
  if (!answer) return callSid;
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: answer.digit });
  t.clock.advance(180_000);
  const result = await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', {
    ...base,
    CallStatus: 'in-progress',
    QueueResult: 'bridged',
    QueueTime: '15',
  });
  if (answer.rating !== undefined) {
    expect(result.body).toContain('/webhooks/twilio/voice/rating?attempt=1');
    await twilioPost(t.app, '/webhooks/twilio/voice/rating?attempt=1', { ...base, CallStatus: 'in-progress', Digits: answer.rating });
  }
  return callSid;
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-10-01T10:00:00+02:00', config: { DELIVERY_POLL_MS: '0' } });
  const admin = await loginAs(t.app, 'admin');
  const voice = { greeting: null, menuIntro: null, closedMessage: null, emergencyNumber: null, askRating: true };
  for (const agency of [PAVIA, 'aler-milano']) {
    const saved = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${agency}/voice`,
      headers: admin.headers,
      payload: { agency: voice, portfolios: [] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
  }

  // Ratings: November 5, 4 and 2 (maintenance, maintenance, heating), December 1 (heating);
  // a Comune di Pavia call rated 3; a call that was answered without a rating; Milano's 1 is not Pavia's.
  await call('2026-11-02T10:00:00+01:00', ANNA, PAVIA_VERDE, { digit: '1', rating: '5' });
  await call('2026-11-05T10:00:00+01:00', ANNA, PAVIA_VERDE, { digit: '1', rating: '4' });
  await call('2026-11-10T11:00:00+01:00', BRUNO, PAVIA_VERDE, { digit: '2', rating: '2' });
  await call('2026-11-12T10:00:00+01:00', ANNA, COMUNE_VERDE, { digit: '1', rating: '3' });
  await call('2026-11-20T10:00:00+01:00', ANNA, PAVIA_VERDE, { digit: '3' });
  await call('2026-11-28T10:00:00+01:00', BRUNO, PAVIA_VERDE);
  await call('2026-12-01T09:00:00+01:00', BRUNO, PAVIA_VERDE, { digit: '2', rating: '1' });
  await call('2026-11-03T10:00:00+01:00', ANNA, MILANO_VERDE, { digit: '1', rating: '1' });
  // Withheld numbers are nobody in particular: never a repeat.
  await call('2026-11-14T10:00:00+01:00', WITHHELD, PAVIA_VERDE);
  await call('2026-11-14T10:05:00+01:00', WITHHELD, PAVIA_VERDE);
  // Out of hours counts too: the caller did call again (22:00, closed).
  await call('2026-11-14T22:00:00+01:00', BRUNO, PAVIA_VERDE);
  t.clock.set('2026-12-10T10:00:00+01:00');
  // Sessions of the day the reports are read (the calls above span two months of the clock).
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.referentePavia = await loginAs(t.app, 'referente-pavia');
  as.referenteMilano = await loginAs(t.app, 'referente-milano');
  as.staffMilano = await createStaffUser(t.app, 'supervisore-qualita-milano', 'supervisor', ['aler-milano']);
  as.staffPavia = await createStaffUser(t.app, 'operatore-qualita-pavia', 'operator', [PAVIA]);
});
afterAll(async () => {
  await t?.close();
});

const report = (session: Session, query: string) => t.app.inject({ url: `/api/v1/reports/calls?${query}`, headers: session.headers });

describe('ratings after the call in the report', () => {
  it('counts, averages and distributes the ratings per queue and month of the call', async () => {
    const response = await report(as.supervisor, `agency=${PAVIA}&from=2026-11-01&to=2026-12-31`);
    expect(response.statusCode, response.body).toBe(200);
    const { ratings } = response.json();
    expect(ratings).toMatchObject({ count: 5, mean: 3, distribution: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 } });
    const byQueue = Object.fromEntries(ratings.byQueue.map((row: { queue: string }) => [row.queue, row]));
    expect(byQueue.maintenance).toMatchObject({ label: 'Manutenzione', count: 3, mean: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } });
    expect(byQueue.heating).toMatchObject({ count: 2, mean: 1.5 });
    expect(byQueue.admin).toMatchObject({ count: 0, mean: null });
    expect(ratings.byMonth).toEqual([
      { month: '2026-11', count: 4, mean: 3.5, distribution: { 1: 0, 2: 1, 3: 1, 4: 1, 5: 1 } },
      { month: '2026-12', count: 1, mean: 1, distribution: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 0 } },
    ]);
  });

  it('a portfolio report has only its own calls’ ratings', async () => {
    const comune = (await report(as.supervisor, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30&portfolio=comune-di-pavia`)).json();
    expect(comune.ratings).toMatchObject({ count: 1, mean: 3 });
    const own = (await report(as.supervisor, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30&portfolio=none`)).json();
    expect(own.ratings).toMatchObject({ count: 3, mean: 3.67 });
  });
});

describe('repeat calls in the report', () => {
  it('counts a call from a number that called the same agency within 7 days, per month', async () => {
    const { repeatCalls } = (await report(as.supervisor, `agency=${PAVIA}&from=2026-11-01&to=2026-12-31`)).json();
    // Anna: 2, 5 (repeat), 12 (repeat: 7 days exactly, through the Comune's number), 20 (8 days: not).
    // Bruno: 10, 14 at 22:00 (repeat), 28 (14 days: not), 1 December (repeat of 28 November).
    expect(repeatCalls).toEqual({
      windowDays: 7,
      callsWithNumber: 8,
      repeatCalls: 4,
      byMonth: [
        { month: '2026-11', callsWithNumber: 7, repeatCalls: 3 },
        { month: '2026-12', callsWithNumber: 1, repeatCalls: 1 },
      ],
    });
  });

  it('finds the call repeated in the week before the report starts', async () => {
    const { repeatCalls } = (await report(as.supervisor, `agency=${PAVIA}&from=2026-12-01&to=2026-12-31`)).json();
    expect(repeatCalls).toMatchObject({ callsWithNumber: 1, repeatCalls: 1 });
  });

  it('never joins two agencies: Anna calling Milano is not a repeat for Pavia, nor Pavia’s for Milano', async () => {
    const { repeatCalls } = (await report(as.supervisor, `agency=aler-milano&from=2026-11-01&to=2026-11-30`)).json();
    expect(repeatCalls).toMatchObject({ callsWithNumber: 1, repeatCalls: 0 });
  });
});

describe('CSV and isolation', () => {
  it('the CSV has the ratings and the repeat calls in Italian', async () => {
    const response = await report(as.supervisor, `agency=${PAVIA}&from=2026-11-01&to=2026-12-31&format=csv`);
    expect(response.statusCode).toBe(200);
    const lines = response.body.split('\r\n');
    const at = lines.indexOf('Valutazioni dopo la chiamata');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(';Valutazioni;Media (1-5);Voto 1;Voto 2;Voto 3;Voto 4;Voto 5');
    expect(lines[at + 2]).toBe('Totale;5;3;1;1;1;1;1');
    expect(lines).toContain('Manutenzione;3;4;0;0;1;1;1');
    expect(lines).toContain('2026-11;4;3,5;0;1;1;1;1');
    const repeats = lines.indexOf('Chiamate ripetute (stesso numero entro 7 giorni)');
    expect(lines.slice(repeats + 1, repeats + 5)).toEqual(['Mese;Chiamate con numero;Chiamate ripetute', '2026-11;7;3', '2026-12;1;1', 'Totale;8;4']);
  });

  it('the agency’s own users and staff serving it read it; others get 404', async () => {
    expect((await report(as.referentePavia, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30`)).json().ratings.count).toBe(4);
    expect((await report(as.staffPavia, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30`)).json().repeatCalls.repeatCalls).toBe(3);
    expect((await report(as.referenteMilano, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30`)).statusCode).toBe(404);
    expect((await report(as.staffMilano, `agency=${PAVIA}&from=2026-11-01&to=2026-11-30&format=csv`)).statusCode).toBe(404);
    const milano = (await report(as.staffMilano, `agency=aler-milano&from=2026-11-01&to=2026-11-30`)).json();
    expect(milano.ratings).toMatchObject({ count: 1, mean: 1 });
  });
});

describe('the quarterly statement’s quality figure', () => {
  it('carries the ratings of the quarter, verifies clean, and shows a late rating as a difference', async () => {
    t.clock.set('2027-01-05T10:00:00+01:00');
    const supervisor = await loginAs(t.app, 'supervisore');
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/statements',
      headers: supervisor.headers,
      payload: { agency: PAVIA, period: '2026-Q4' },
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { id, statement } = issued.json();
    // Six answered calls in the quarter, five rated.
    expect(statement.quality).toEqual({ ratedCalls: 5, ratedPctOfAnswered: 83.3, meanRating: 3, distribution: { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 } });
    const printed = await t.app.inject({ url: `/api/v1/reports/statements/${id}/print`, headers: supervisor.headers });
    expect(printed.body).toContain('Valutazione dei chiamanti');
    expect(printed.body).toContain('<td>Voto medio (da 1 a 5)</td><td>3,00</td>');
    const clean = (await t.app.inject({ url: `/api/v1/reports/statements/${id}/verify`, headers: supervisor.headers })).json();
    expect(clean).toMatchObject({ reproduces: true, differences: [] });

    // A rating recorded after the issue (a journal replayed late): the frozen statement says so.
    const [late] = await t.database.db
      .select()
      .from(calls)
      .where(and(eq(calls.agencyCode, PAVIA), eq(calls.queueName, `${PAVIA}.admin`)));
    await twilioPost(t.app, '/webhooks/twilio/voice/rating?attempt=1', { ...incomingCallParams(late!.callSid, ANNA, PAVIA_VERDE), Digits: '5' });
    const after = (await t.app.inject({ url: `/api/v1/reports/statements/${id}/verify`, headers: supervisor.headers })).json();
    expect(after.reproduces).toBe(false);
    expect(after.differences).toEqual(expect.arrayContaining(['quality.ratedCalls', 'quality.meanRating', 'quality.distribution.5']));
  });

  it('a quarter without ratings has no quality figure: the body statements always had', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    const preview = (await t.app.inject({ url: `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2026-Q3`, headers: supervisor.headers })).json();
    expect(Object.keys(preview.statement)).not.toContain('quality');
  });
});
