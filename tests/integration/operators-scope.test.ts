import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, EventOf } from '../../src/domain/events.ts';
import { isEvent } from '../../src/domain/events.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * operatore1 serves ALER Milano and ALER Pavia-Lodi. A supervisor of one of them narrows and reads
 * operatore1's work in that agency only: the other agency's queues stay as they are, and its queue
 * names and CallSids never reach them, in the API or in presence events.
 */
const MILANO = 'aler-milano';
const PAVIA = 'aler-pavia-lodi';

type OperatorView = { username: string; agencies: string[]; queues: string[]; callSid: string | null; presence: string };

let t: TestApp;
let everyAgency: Session;
let milanoOnly: Session;
let paviaOnly: Session;
const published: DomainEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  everyAgency = await loginAs(t.app, 'supervisore');
  milanoOnly = await createStaffUser(t.app, 'supervisore-milano', 'supervisor', [MILANO]);
  paviaOnly = await createStaffUser(t.app, 'supervisore-pavia', 'supervisor', [PAVIA]);
  t.app.services.bus.subscribe((event) => published.push(event));
});
afterAll(async () => {
  await t?.close();
});

const setQueues = (session: Session, queues: string[]) =>
  t.app.inject({ method: 'PUT', url: '/api/v1/operators/operatore1/queues', headers: session.headers, payload: { queues } });
const operatore1As = async (session: Session) =>
  ((await t.app.inject({ url: '/api/v1/operators', headers: session.headers })).json().items as OperatorView[]).find(
    (operator) => operator.username === 'operatore1',
  )!;

describe('a supervisor of one agency and an operator serving two', () => {
  it('changes only the queues of the agencies the supervisor serves, and keeps the others', async () => {
    const milano = await setQueues(milanoOnly, [`${MILANO}.heating`]);
    expect(milano.statusCode, milano.body).toBe(200);
    expect(milano.json()).toMatchObject({ agencies: [MILANO], queues: [`${MILANO}.heating`] });
    expect(milano.body).not.toContain(PAVIA);

    const pavia = await setQueues(paviaOnly, [`${PAVIA}.admin`]);
    expect(pavia.json()).toMatchObject({ agencies: [PAVIA], queues: [`${PAVIA}.admin`] });
    expect(pavia.body).not.toContain(MILANO);
    expect((await operatore1As(everyAgency)).queues).toEqual([`${MILANO}.heating`, `${PAVIA}.admin`]);

    // Pavia-Lodi's supervisor gives operatore1 back every Pavia-Lodi queue: Milano's narrowing stays.
    await setQueues(paviaOnly, []);
    expect((await operatore1As(everyAgency)).queues).toEqual([`${MILANO}.heating`, `${PAVIA}.maintenance`, `${PAVIA}.heating`, `${PAVIA}.admin`]);
    // A queue of an agency the supervisor does not serve is refused, and nothing changes.
    expect((await setQueues(paviaOnly, [`${MILANO}.maintenance`])).statusCode).toBe(400);
    expect((await operatore1As(everyAgency)).queues).toEqual([`${MILANO}.heating`, `${PAVIA}.maintenance`, `${PAVIA}.heating`, `${PAVIA}.admin`]);

    // The next call follows: a Pavia-Lodi maintenance caller is operatore1's, a Milano maintenance caller is not.
    const caller = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(caller, '+393331112222', '+39800100100'));
    await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
      ...incomingCallParams(caller, '+393331112222', '+39800100100'),
      CallStatus: 'in-progress',
      Digits: '1',
    });
    const pick = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: 'client:operatore1' });
    expect(pick.body).toContain('Nessuna chiamata in attesa');
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: caller, QueueResult: 'hangup', QueueTime: '2' });
    await setQueues(milanoOnly, []);
  });

  it('writes each queue change to the audit trail and tells the live screens of the agency it concerns', async () => {
    published.length = 0;
    expect((await setQueues(paviaOnly, [`${PAVIA}.heating`])).statusCode).toBe(200);
    const admin = await loginAs(t.app, 'admin');
    const trail = (await t.app.inject({ url: '/api/v1/admin/audit', headers: admin.headers })).json().items as {
      action: string;
      actor: { name: string };
      agency: string | null;
      before: unknown;
      after: unknown;
    }[];
    expect(trail[0]).toMatchObject({ action: 'user.queues', agency: PAVIA, before: { queues: [] }, after: { queues: [`${PAVIA}.heating`] } });
    const event = published.find(
      (candidate): candidate is EventOf<'operator.presence'> => isEvent(candidate, 'operator.presence') && candidate.agency === PAVIA,
    );
    expect(event?.data.operator.queues).toEqual([`${PAVIA}.heating`]);
    expect(
      published.some(
        (candidate) => isEvent(candidate, 'operator.presence') && JSON.stringify(candidate).includes(`${PAVIA}.heating`) && candidate.agency === MILANO,
      ),
    ).toBe(false);
    await setQueues(paviaOnly, []);
  });

  it("shows a supervisor of the other agency operatore1's presence, but not the CallSid of a Milano caller", async () => {
    const caller = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(caller, '+393331112222', '+39800100100'));
    await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
      ...incomingCallParams(caller, '+393331112222', '+39800100100'),
      CallStatus: 'in-progress',
      Digits: '2',
    });
    const leg = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: leg, From: 'client:operatore1' });
    const onCall = new Promise<void>((resolve) => {
      const stop = t.app.services.bus.subscribe((event) => {
        if (event.type === 'operator.presence' && event.data.operator.presence === 'on_call') {
          stop();
          resolve();
        }
      });
    });
    published.length = 0;
    await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: caller, QueueSid: 'QU1', QueueTime: '20', DequeingCallSid: leg });
    await onCall;

    expect(await operatore1As(milanoOnly)).toMatchObject({ presence: 'on_call', callSid: caller, agencies: [MILANO] });
    const seenFromPavia = await operatore1As(paviaOnly);
    expect(seenFromPavia).toMatchObject({ presence: 'on_call', callSid: null, agencies: [PAVIA] });
    expect(JSON.stringify(seenFromPavia)).not.toContain(MILANO);

    // One event per agency, each carrying only that agency's part.
    const events = published.filter(
      (event): event is EventOf<'operator.presence'> => isEvent(event, 'operator.presence') && event.data.operator.presence === 'on_call',
    );
    const paviaEvent = events.find((event) => event.agency === PAVIA)!;
    expect(paviaEvent.data.operator).toMatchObject({ callSid: null, agencies: [PAVIA] });
    expect(JSON.stringify(paviaEvent)).not.toContain(MILANO);
    expect(JSON.stringify(paviaEvent)).not.toContain(caller);
    expect(events.find((event) => event.agency === MILANO)!.data.operator).toMatchObject({ callSid: caller, agencies: [MILANO] });
  });
});
