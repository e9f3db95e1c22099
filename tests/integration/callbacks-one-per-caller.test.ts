import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.ts';
import { isEvent } from '../../src/domain/events.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Call-backs worth working (issue 15 §6): one open task per caller and agency, closed by itself
 * when the caller is later answered, true totals across pages, the agency's own deadline, and only
 * the agencies one serves.
 */
const PAVIA = 'aler-pavia-lodi';
const MILANO = 'aler-milano';
const PAVIA_NUMERO_VERDE = '+39800200200';
const MILANO_NUMERO_VERDE = '+39800100100';
const AT_10 = '2026-11-23T10:00:00+01:00';

type CallbackView = {
  id: string;
  callSid: string;
  agency: string;
  callerPhone: string;
  status: string;
  attempts: number;
  dueAt: string;
  abandonedCalls: number;
  lastAbandonedAt: string;
  overdue: boolean;
  closedReason: string | null;
  closedByCallSid: string | null;
};
type CallbackPage = { items: CallbackView[]; nextCursor: string | null; total: number; overdue: number };

let t: TestApp;
let operatore1: Session;
let milanoOperator: Session;
const published: DomainEvent[] = [];

let tenantNumber = 2_000_000;
const anotherTenant = () => `+39348${(tenantNumber += 1)}`;

beforeAll(async () => {
  t = await createTestApp({ now: AT_10, config: { DELIVERY_POLL_MS: '0' } });
  t.app.services.bus.subscribe((event) => published.push(event));
  milanoOperator = await createStaffUser(t.app, 'operatore-solo-milano', 'operator', [MILANO]);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  t.clock.set(AT_10);
  operatore1 = await loginAs(t.app, 'operatore1');
});

/** The caller dials `to`, presses 1 and waits in the queue. */
async function enqueue(from: string, to = PAVIA_NUMERO_VERDE) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...incomingCallParams(callSid, from, to), CallStatus: 'in-progress', Digits: '1' });
  return callSid;
}

/** The caller waits `seconds` and hangs up. */
async function abandon(from: string, seconds = 40, to = PAVIA_NUMERO_VERDE) {
  const callSid = await enqueue(from, to);
  t.clock.advance(seconds * 1000);
  await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: String(seconds), QueueSid: 'QU1' });
  return callSid;
}

/** The caller waits `seconds` and operatore1's softphone takes the call. */
async function answer(from: string, seconds = 15, to = PAVIA_NUMERO_VERDE) {
  const callSid = await enqueue(from, to);
  t.clock.advance(seconds * 1000);
  const operatorLeg = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: operatorLeg, From: 'client:operatore1', To: '', CallStatus: 'ringing' });
  await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: callSid, QueueSid: 'QU1', QueueTime: String(seconds), DequeingCallSid: operatorLeg });
  return callSid;
}

const page = async (session: Session, query: string) => {
  const response = await t.app.inject({ url: `/api/v1/callbacks?${query}`, headers: session.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as CallbackPage;
};

/** Every page of a listing, following `nextCursor`. */
async function allPages(session: Session, query: string) {
  const items: CallbackView[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const answer: CallbackPage = await page(session, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...answer.items);
    totals.push(answer.total);
    cursor = answer.nextCursor;
  } while (cursor);
  return { items, totals };
}

/** The latest task of a number, open or closed, among those the session sees. */
async function taskOfPhone(phone: string, session = operatore1): Promise<CallbackView | undefined> {
  const { items } = await allPages(session, 'limit=200');
  return items.filter((item) => item.callerPhone === phone).at(-1);
}

describe('one open task per caller and agency', () => {
  it('appends a second abandoned call of the same caller to the open task, with both calls in its detail', async () => {
    const caller = anotherTenant();
    const first = await abandon(caller, 40);
    t.clock.set('2026-11-23T10:20:00+01:00');
    const second = await abandon(caller, 70);

    const open = (await allPages(operatore1, 'status=open&limit=200')).items.filter((item) => item.callerPhone === caller);
    expect(open).toHaveLength(1);
    const [task] = open;
    // The deadline of the first call stands: the caller has been waiting for a call back since then.
    expect(task).toMatchObject({ callSid: first, abandonedCalls: 2, status: 'open', dueAt: '2026-11-23T11:00:40.000Z' });
    expect(task.lastAbandonedAt).toBe('2026-11-23T09:21:10.000Z');

    const detail = (await t.app.inject({ url: `/api/v1/callbacks/${task.id}`, headers: operatore1.headers })).json() as {
      calls: { callSid: string; waitedSeconds: number }[];
    };
    expect(detail.calls.map((call) => [call.callSid, call.waitedSeconds])).toEqual([
      [first, 40],
      [second, 70],
    ]);
    const about = (type: 'callback.created' | 'callback.changed') => published.filter((event) => isEvent(event, type) && event.data.callback.id === task.id);
    await expect.poll(() => about('callback.changed').length).toBe(1);
    expect(about('callback.created')).toHaveLength(1);
  });

  it('files two abandoned calls of one caller settled at the same moment under one task (on Postgres, on two connections)', async () => {
    const caller = anotherTenant();
    const calls = [await enqueue(caller), await enqueue(caller)];
    t.clock.advance(30_000);
    await Promise.all(
      calls.map((callSid) =>
        twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: '30', QueueSid: 'QU1' }),
      ),
    );
    const { items } = await allPages(operatore1, 'limit=200');
    const mine = items.filter((item) => item.callerPhone === caller);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'open', abandonedCalls: 2 });
  });

  it('opens a new task once the previous one is closed, and keeps agencies apart', async () => {
    const caller = anotherTenant();
    await abandon(caller);
    const task = (await taskOfPhone(caller))!;
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/v1/callbacks/${task.id}/outcome`,
      headers: operatore1.headers,
      payload: { outcome: 'resolved' },
    });
    expect(done.json()).toMatchObject({ status: 'done', closedReason: 'resolved' });

    const again = await abandon(caller);
    const milano = await abandon(caller, 40, MILANO_NUMERO_VERDE);
    const { items } = await allPages(operatore1, 'status=open&limit=200');
    const mine = items.filter((item) => item.callerPhone === caller);
    expect(mine.map((item) => [item.agency, item.callSid]).sort()).toEqual([
      [MILANO, milano],
      [PAVIA, again],
    ]);
  });

  it('closes the task by itself when the caller rings again and is answered, and says why', async () => {
    const caller = anotherTenant();
    await abandon(caller);
    const task = (await taskOfPhone(caller))!;
    // Answered by another agency's line: that is not this agency serving them.
    await answer(caller, 10, MILANO_NUMERO_VERDE);
    expect((await taskOfPhone(caller))?.status).toBe('open');

    t.clock.set('2026-11-23T10:30:00+01:00');
    const answered = await answer(caller, 12);
    const closed = (await t.app.inject({ url: `/api/v1/callbacks/${task.id}`, headers: operatore1.headers })).json() as CallbackView & {
      history: { outcome: string; callSid: string | null; by: string }[];
    };
    expect(closed).toMatchObject({ status: 'done', closedReason: 'answered_inbound', closedByCallSid: answered });
    expect(closed.history).toEqual([expect.objectContaining({ outcome: 'answered_inbound', callSid: answered, by: 'centralino' })]);
    await expect.poll(() => published.some((event) => event.type === 'callback.changed' && (event.data.callback as CallbackView).id === task.id)).toBe(true);
  });

  it('owes no call back to a caller who was bridged, even when a late queue result says hangup', async () => {
    const caller = anotherTenant();
    const callSid = await answer(caller, 12);
    t.clock.advance(60_000);
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: '12', QueueSid: 'QU1' });
    expect(await taskOfPhone(caller)).toBeUndefined();
  });
});

describe('totals, deadlines and scope', () => {
  it('answers the total of open tasks across every page, each task on exactly one page', async () => {
    for (let index = 0; index < 5; index += 1) await abandon(anotherTenant());
    const first = await page(operatore1, 'status=open&limit=2');
    expect(first.items).toHaveLength(2);
    const { items, totals } = await allPages(operatore1, 'status=open&limit=2');
    expect(first.total).toBe(items.length);
    expect(new Set(totals)).toEqual(new Set([items.length]));
    expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
    expect(items.length).toBeGreaterThanOrEqual(5);
  });

  it('marks tasks past their deadline as overdue, counts them and filters by it', async () => {
    const caller = anotherTenant();
    await abandon(caller);
    const before = await page(operatore1, 'status=open&limit=200');
    expect(before.items.find((item) => item.callerPhone === caller)?.overdue).toBe(false);

    // Two opening hours later the task is due; a minute after, overdue.
    t.clock.set('2026-11-23T12:02:00+01:00');
    const overdue = await allPages(operatore1, 'overdue=true&limit=2');
    const mine = overdue.items.find((item) => item.callerPhone === caller);
    expect(mine).toMatchObject({ overdue: true, status: 'open' });
    expect(overdue.items.every((item) => item.overdue)).toBe(true);
    const all = await page(operatore1, 'status=open&limit=1');
    expect(all.overdue).toBe(overdue.items.length);
    const notYet = await allPages(operatore1, 'overdue=false&limit=200');
    expect(notYet.items.some((item) => item.id === mine!.id)).toBe(false);
  });

  it("uses the agency's own call-back deadline when one is configured", async () => {
    const admin = await loginAs(t.app, 'admin');
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/agencies/${MILANO}`,
      headers: admin.headers,
      payload: { callbackDueMinutes: 24 * 60 },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ callbackDueMinutes: 1440 });
    const caller = anotherTenant();
    await abandon(caller, 30, MILANO_NUMERO_VERDE);
    // 24 opening hours from Monday 10:00:30 (open 8–20, twelve hours a day): Wednesday 10:00:30.
    expect((await taskOfPhone(caller))?.dueAt).toBe(new Date('2026-11-25T10:00:30+01:00').toISOString());
  });

  it('never shows an operator serving ALER Milano only a task of ALER Pavia-Lodi, nor counts it', async () => {
    const caller = anotherTenant();
    await abandon(caller);
    const task = (await taskOfPhone(caller))!;
    const { items, totals } = await allPages(milanoOperator, 'status=open&limit=3');
    expect(items.every((item) => item.agency === MILANO)).toBe(true);
    expect(totals.every((total) => total === items.length)).toBe(true);
    expect((await page(milanoOperator, 'status=open&limit=1')).total).toBe(items.length);
    expect((await t.app.inject({ url: `/api/v1/callbacks/${task.id}`, headers: milanoOperator.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/callbacks/${task.id}/take`, headers: milanoOperator.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/callbacks?agency=${PAVIA}`, headers: milanoOperator.headers })).statusCode).toBe(404);
  });
});
