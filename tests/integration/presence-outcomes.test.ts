import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema/index.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Presence rules (issue 15 §4): a call is offered only to an available operator, presence cannot
 * leave a call for a break, and the wrap-up ends with an outcome code stored on the call and
 * counted in the report, set only by who may.
 */
const AT_10 = '2026-11-23T10:00:00+01:00';
const PAVIA_VERDE = '+39800200200';
let t: TestApp;
let operatore2: Session;
let operatore1: Session;
let supervisor: Session;
let milanoOperator: Session;
let milanoSupervisor: Session;
const published: DomainEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0', WRAP_UP_SECONDS: '60' } });
  t.app.services.bus.subscribe((event) => published.push(event));
  milanoOperator = await createStaffUser(t.app, 'operatore-solo-milano', 'operator', ['aler-milano']);
  milanoSupervisor = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  [operatore1, operatore2, supervisor] = await Promise.all([loginAs(t.app, 'operatore1'), loginAs(t.app, 'operatore2'), loginAs(t.app, 'supervisore')]);
});

async function enqueue() {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393470001111', PAVIA_VERDE));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, '+393470001111', PAVIA_VERDE),
    CallStatus: 'in-progress',
    Digits: '2',
  });
  return callSid;
}

const setPresence = (session: Session, presence: string) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: session.headers, payload: { presence } });
const takeNext = (session: Session) => t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: session.headers, payload: {} });
const hangUp = (session: Session, callSid: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/softphone/hang-up', headers: session.headers, payload: { callSid } });
const setOutcome = (session: Session, callSid: string, code: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/calls/${callSid}/outcome`, headers: session.headers, payload: { code } });
const presenceOf = async (username: string) => {
  const response = await t.app.inject({ url: '/api/v1/operators', headers: supervisor.headers });
  return (response.json() as { items: { username: string; presence: string }[] }).items.find((item) => item.username === username)?.presence;
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('a call is offered only to an available operator', () => {
  it('on break: the softphone gets no caller (Twilio and simulator), the caller keeps waiting; available again, it does', async () => {
    expect((await setPresence(operatore2, 'break')).statusCode).toBe(200);
    const caller = await enqueue();

    const pick = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: 'client:operatore2' });
    expect(pick.body).not.toContain('<Queue');
    expect(pick.body).toContain('Il suo stato non è Disponibile');
    const simulated = await takeNext(operatore2);
    expect(simulated.statusCode).toBe(409);
    expect(simulated.json().error.code).toBe('PRESENCE_NOT_AVAILABLE');
    expect((await setPresence(operatore2, 'offline')).statusCode).toBe(200);
    expect((await takeNext(operatore2)).statusCode).toBe(409);
    const [still] = await t.database.db.select().from(calls).where(eq(calls.callSid, caller));
    expect(still.outcome).toBe('queued');

    expect((await setPresence(operatore2, 'available')).statusCode).toBe(200);
    const taken = await takeNext(operatore2);
    expect(taken.statusCode, taken.body).toBe(200);
    expect(taken.json().call).toMatchObject({ callSid: caller, outcome: 'bridged', answeredBy: 'operatore2' });
    await settle();

    // On a call: no break, no going off duty.
    expect(await presenceOf('operatore2')).toBe('on_call');
    for (const presence of ['break', 'offline', 'available']) {
      const refused = await setPresence(operatore2, presence);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('PRESENCE_ON_CALL');
    }
    expect(await presenceOf('operatore2')).toBe('on_call');
    expect((await setPresence(operatore2, 'wrap_up')).statusCode).toBe(409);

    t.clock.advance(90_000);
    expect((await hangUp(operatore2, caller)).statusCode).toBe(200);
    await settle();
    expect(await presenceOf('operatore2')).toBe('wrap_up');
    // In wrap-up nothing is offered either.
    await enqueue();
    expect((await takeNext(operatore2)).statusCode).toBe(409);
    // Past the wrap-up limit without an outcome: available again.
    t.clock.advance(60_000);
    await t.app.services.calls.reconcile(t.clock.now());
    expect(await presenceOf('operatore2')).toBe('available');
  });
});

describe('the wrap-up ends with an outcome code', () => {
  it('stored on the call by the operator who took it, which ends the wrap-up, and counted in the report (JSON and CSV)', async () => {
    const reportUrl = '/api/v1/reports/calls?agency=aler-pavia-lodi&from=2026-11-23&to=2026-11-23';
    const countOf = async (code: string) =>
      ((await t.app.inject({ url: reportUrl, headers: supervisor.headers })).json().wrapUpOutcomes as { code: string; calls: number }[]).find(
        (row) => row.code === code,
      )?.calls;
    const before = await countOf('informazione_fornita');
    expect(before).toBeTypeOf('number');

    await setPresence(operatore2, 'available');
    await enqueue();
    const taken = (await takeNext(operatore2)).json().call as { callSid: string };
    t.clock.advance(30_000);
    await hangUp(operatore2, taken.callSid);
    await settle();
    expect(await presenceOf('operatore2')).toBe('wrap_up');

    // Who may not: a colleague of the same agency (403), an operator or supervisor of another agency only (404), the agency's clerk (403).
    expect((await setOutcome(operatore1, taken.callSid, 'informazione_fornita')).statusCode).toBe(403);
    expect((await setOutcome(milanoOperator, taken.callSid, 'informazione_fornita')).statusCode).toBe(404);
    expect((await setOutcome(milanoSupervisor, taken.callSid, 'informazione_fornita')).statusCode).toBe(404);
    expect((await setOutcome(await loginAs(t.app, 'referente-pavia'), taken.callSid, 'informazione_fornita')).statusCode).toBe(403);
    expect((await setOutcome(operatore2, taken.callSid, 'non_esiste')).statusCode).toBe(400);
    const [untouched] = await t.database.db.select().from(calls).where(eq(calls.callSid, taken.callSid));
    expect(untouched.wrapUpCode).toBeNull();

    published.length = 0;
    const stored = await setOutcome(operatore2, taken.callSid, 'informazione_fornita');
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json().call).toMatchObject({ callSid: taken.callSid, wrapUpCode: 'informazione_fornita' });
    const [call] = await t.database.db.select().from(calls).where(eq(calls.callSid, taken.callSid));
    expect(call).toMatchObject({ wrapUpCode: 'informazione_fornita', wrapUpBy: 'operatore2' });
    expect(await presenceOf('operatore2')).toBe('available');
    // The live events go to the call's agency only.
    const outcomeEvents = published.filter((event) => event.type === 'call.outcome');
    expect(outcomeEvents.map((event) => event.agency)).toEqual(['aler-pavia-lodi']);
    expect(
      published.filter((event) => event.type === 'operator.presence').every((event) => event.agency === 'aler-pavia-lodi' || event.agency === 'aler-milano'),
    ).toBe(true);

    expect(await countOf('informazione_fornita')).toBe((before ?? 0) + 1);
    const csv = await t.app.inject({ url: `${reportUrl}&format=csv`, headers: supervisor.headers });
    expect(csv.body).toContain('Esiti delle chiamate');
    expect(csv.body).toContain(`informazione_fornita;Informazione fornita;${(before ?? 0) + 1}`);
    // A supervisor of the agency may correct it.
    expect((await setOutcome(supervisor, taken.callSid, 'richiamata_necessaria')).statusCode).toBe(200);
  });

  it("each agency's codes: defaults until a supervisor of that agency replaces them", async () => {
    const url = '/api/v1/agencies/aler-pavia-lodi/outcome-codes';
    const defaults = await t.app.inject({ url, headers: operatore2.headers });
    expect(defaults.json()).toMatchObject({ agency: 'aler-pavia-lodi', custom: false });
    expect((defaults.json().items as { code: string; label: string }[]).map((item) => item.label)).toEqual([
      'Segnalazione registrata',
      'Informazione fornita',
      'Richiamata necessaria',
      'Chiamata errata',
      'Altro',
    ]);
    const codes = [
      { code: 'guasto_segnalato', label: 'Guasto segnalato' },
      { code: 'altro', label: 'Altro' },
    ];
    expect((await t.app.inject({ method: 'PUT', url, headers: operatore2.headers, payload: { codes } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PUT', url, headers: milanoSupervisor.headers, payload: { codes } })).statusCode).toBe(404);
    expect((await t.app.inject({ url, headers: milanoOperator.headers })).statusCode).toBe(404);
    const replaced = await t.app.inject({ method: 'PUT', url, headers: supervisor.headers, payload: { codes } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ custom: true, items: codes });
    // Milano keeps the defaults.
    expect((await t.app.inject({ url: '/api/v1/agencies/aler-milano/outcome-codes', headers: operatore1.headers })).json().custom).toBe(false);

    await setPresence(operatore2, 'available');
    await enqueue();
    const taken = (await takeNext(operatore2)).json().call as { callSid: string };
    await hangUp(operatore2, taken.callSid);
    expect((await setOutcome(operatore2, taken.callSid, 'informazione_fornita')).statusCode).toBe(400);
    expect((await setOutcome(operatore2, taken.callSid, 'guasto_segnalato')).statusCode).toBe(200);
    // Back to the defaults.
    expect((await t.app.inject({ method: 'PUT', url, headers: supervisor.headers, payload: { codes: [] } })).json().custom).toBe(false);
  });
});
