import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Calling a tenant back from the screen (issue 15 §6): the TwiML App's voice URL, asked by the
 * browser softphone with signed Twilio requests, dials only numbers of call-back tasks or tickets
 * the operator may see, with the agency's own number as caller ID; everything else is refused in
 * Italian. The attempt and its outcome land on the task.
 */
const PAVIA = 'aler-pavia-lodi';
const MILANO = 'aler-milano';
const PAVIA_LANDLINE = '+390382000000';
const MILANO_LANDLINE = '+390240000000';
const REFUSED = 'Chiamata non consentita.';

type History = { outcome: string; by: string; callSid: string | null }[];

let t: TestApp;
let operatore1: Session;
let milanoOnly: Session;
let paviaTask: { id: string; callerPhone: string };
const paviaCaller = '+393475550101';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  operatore1 = await loginAs(t.app, 'operatore1');
  milanoOnly = await createStaffUser(t.app, 'operatore-milano', 'operator', [MILANO]);
  // A Pavia-Lodi tenant gave up in the queue.
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, paviaCaller, '+39800200200'));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, paviaCaller, '+39800200200'),
    CallStatus: 'in-progress',
    Digits: '1',
  });
  t.clock.advance(40_000);
  await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: '40', QueueSid: 'QU1' });
  const list = (await t.app.inject({ url: '/api/v1/callbacks?status=open', headers: operatore1.headers })).json() as {
    items: { id: string; callerPhone: string }[];
  };
  paviaTask = list.items.find((item) => item.callerPhone === paviaCaller)!;
});
afterAll(async () => {
  await t?.close();
});

/** What Twilio posts to the TwiML App's voice URL when the browser calls `connect(params)`. */
function softphone(identity: string, params: Record<string, string>, callSid = newCallSid()) {
  return twilioPost(t.app, '/webhooks/twilio/voice/operator', {
    AccountSid: 'AC00000000000000000000000000000000',
    ApplicationSid: 'AP00000000000000000000000000000000',
    CallSid: callSid,
    From: `client:${identity}`,
    CallStatus: 'ringing',
    ...params,
  });
}

const history = async (id: string) =>
  (await t.app.inject({ url: `/api/v1/callbacks/${id}`, headers: operatore1.headers })).json() as {
    history: History;
    assignedTo: string | null;
    status: string;
  };

describe('calling back from the softphone', () => {
  it("dials the task's number with the agency's landline as caller ID and records the attempt once", async () => {
    const start = await t.app.inject({ method: 'POST', url: `/api/v1/callbacks/${paviaTask.id}/dial`, headers: operatore1.headers });
    expect(start.statusCode, start.body).toBe(200);
    const { connect } = start.json() as { connect: Record<string, string> };
    expect(connect).toEqual({ To: paviaCaller, CallbackId: paviaTask.id });

    const leg = newCallSid();
    const first = await softphone('operatore1', connect, leg);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(`<Dial callerId="${PAVIA_LANDLINE}" answerOnBridge="true" timeout="30"><Number>${paviaCaller}</Number></Dial>`);
    // Twilio asks again for the same leg: the same answer, the attempt recorded once.
    expect((await softphone('operatore1', connect, leg)).body).toBe(first.body);
    const detail = await history(paviaTask.id);
    expect(detail.history.filter((entry) => entry.outcome === 'dialled')).toEqual([expect.objectContaining({ by: 'operatore1', callSid: leg })]);
    expect(detail.assignedTo).toBe('operatore1');

    // The tenant answered but wants a document sent: still open; then resolved, and closed.
    const answered = await t.app.inject({
      method: 'POST',
      url: `/api/v1/callbacks/${paviaTask.id}/outcome`,
      headers: operatore1.headers,
      payload: { outcome: 'answered', callSid: leg },
    });
    expect(answered.json()).toMatchObject({ status: 'open', lastOutcome: 'answered' });
    const resolved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/callbacks/${paviaTask.id}/outcome`,
      headers: operatore1.headers,
      payload: { outcome: 'resolved' },
    });
    expect(resolved.json()).toMatchObject({ status: 'done', closedReason: 'resolved' });
    expect((await history(paviaTask.id)).history.map((entry) => entry.outcome)).toEqual(['dialled', 'answered', 'resolved']);
    // Closed: no more dialling it.
    expect((await softphone('operatore1', connect)).body).toContain(REFUSED);
  });

  it("refuses the number of another agency's task to an operator serving ALER Milano only, in Italian", async () => {
    const refusals = [
      await softphone('operatore-milano', { To: paviaCaller, CallbackId: paviaTask.id }),
      await softphone('operatore-milano', { To: paviaCaller }),
      await softphone('operatore-milano', { To: '+393331234567' }),
      await softphone('operatore1', { To: '+393331234567' }),
      await softphone('operatore1', { CallbackId: 'not-a-task' }),
      // A clerk's or an unknown identity dials nobody.
      await softphone('referente-pavia', { To: paviaCaller }),
      await softphone('sconosciuto', { To: paviaCaller }),
    ];
    for (const response of refusals) {
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(REFUSED);
      expect(response.body).toContain('<Hangup/>');
      expect(response.body).not.toContain('<Dial');
    }
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/callbacks/${paviaTask.id}/dial`, headers: milanoOnly.headers })).statusCode).toBe(404);
  });

  it("dials the caller of a ticket the operator may see, with that agency's number, and refuses a task's id with another number", async () => {
    const milanoCaller = '+393486660202';
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: operatore1.headers,
      payload: { agency: MILANO, category: 'heating', description: 'Termosifone freddo', caller: { phone: '348 666 0202' } },
    });
    const { ref } = created.json() as { ref: string };
    const byTicket = await softphone('operatore-milano', { TicketRef: ref });
    expect(byTicket.body).toContain(`<Dial callerId="${MILANO_LANDLINE}" answerOnBridge="true" timeout="30"><Number>${milanoCaller}</Number></Dial>`);
    // The bare number of that ticket, too.
    expect((await softphone('operatore-milano', { To: '348 666 0202' })).body).toContain(`<Number>${milanoCaller}</Number>`);

    const paviaTicket = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: operatore1.headers,
      payload: { agency: PAVIA, category: 'admin', description: 'Voltura', caller: { phone: '+393401239876' } },
    });
    expect((await softphone('operatore-milano', { TicketRef: (paviaTicket.json() as { ref: string }).ref })).body).toContain(REFUSED);
    // A task id is not a licence to dial another number.
    expect((await softphone('operatore1', { TicketRef: ref, To: '+393331234567' })).body).toContain(REFUSED);
  });

  it('refuses an unsigned softphone request before anything else', async () => {
    const response = await twilioPost(
      t.app,
      '/webhooks/twilio/voice/operator',
      { CallSid: newCallSid(), From: 'client:operatore1', To: paviaCaller },
      { signature: null },
    );
    expect(response.statusCode).toBe(403);
  });
});
