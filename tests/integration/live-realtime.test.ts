import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../src/contracts/live.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { LiveClient } from '../helpers/live-socket.ts';
import { connected, connectLive } from '../helpers/live-socket.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const TENANT = '+393471234567';
const PAVIA_VERDE = '+39800200200';
const MILANO_VERDE = '+39800100100';

let t: TestApp;
let baseUrl: string;
let operator: Session;
let pavia: Session;
let milano: Session;
let supervisor: Session;
const clients: LiveClient[] = [];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  [operator, pavia, milano, supervisor] = await Promise.all([
    loginAs(t.app, 'operatore1'),
    loginAs(t.app, 'referente-pavia'),
    loginAs(t.app, 'referente-milano'),
    loginAs(t.app, 'supervisore'),
  ]);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await t.close();
});

async function open(session: Session | null): Promise<LiveClient> {
  const client = connectLive(baseUrl, session?.cookie ?? null);
  clients.push(client);
  await connected(client);
  await client.hello;
  return client;
}

/** A caller dials `to` and presses `digit`, as Twilio reports it. */
async function callAndQueue(to: string, digit = '1') {
  const callSid = newCallSid();
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, to))).statusCode).toBe(200);
  const menu = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, TENANT, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.statusCode).toBe(200);
  return callSid;
}

const mentions = (event: LiveEvent, text: string) => JSON.stringify(event).includes(text);

/** Within each room, the numbers a client received run 1, 2, 3… from its snapshot's position on. */
function expectContiguous(events: LiveEvent[], from: Record<string, number>) {
  const last = { ...from };
  for (const event of events) {
    expect(event.seq).toBe((last[event.room] ?? 0) + 1);
    last[event.room] = event.seq;
  }
}

describe('socket.io authentication', () => {
  it('refuses a handshake without a session cookie', async () => {
    await expect(open(null)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses a forged or logged-out session', async () => {
    await expect(open({ ...operator, cookie: 'centralino_session=forged.value' })).rejects.toThrow('UNAUTHENTICATED');
    const gone = await loginAs(t.app, 'operatore2');
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: gone.headers });
    await expect(open(gone)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('refuses a page of another site riding on the cookie', async () => {
    const client = connectLive(baseUrl, operator.cookie, { origin: 'https://evil.example' });
    clients.push(client);
    await expect(connected(client)).rejects.toThrow();
  });
});

describe('snapshot', () => {
  it('shows an agency user its own agency only, and no operators', async () => {
    const client = await open(pavia);
    const snapshot = await client.snapshot();
    expect(snapshot.agencies.map((agency) => agency.code)).toEqual(['aler-pavia-lodi']);
    expect(snapshot.operators).toBeNull();
    expect(Object.keys(snapshot.seqs)).toEqual(['agency:aler-pavia-lodi:client']);
  });

  it('shows an operator every agency served, the queues served and the operators', async () => {
    const client = await open(operator);
    const snapshot = await client.snapshot();
    expect(snapshot.agencies.map((agency) => agency.code).sort()).toEqual(['aler-milano', 'aler-pavia-lodi']);
    expect(snapshot.servedQueues).toContain('aler-pavia-lodi.heating');
    expect(snapshot.operators?.map((row) => row.username)).toContain('operatore1');
  });

  it('answers over HTTP too, with the same scope', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/live/snapshot', headers: milano.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json().agencies.map((agency: { code: string }) => agency.code)).toEqual(['aler-milano']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/live/snapshot' })).statusCode).toBe(401);
  });
});

describe('a call from queue to wrap-up, live', () => {
  it('reaches the staff and its own agency, never another agency, in order and without gaps', async () => {
    const [operatorLive, paviaLive, milanoLive, supervisorLive] = await Promise.all([open(operator), open(pavia), open(milano), open(supervisor)]);
    const [operatorStart, paviaStart, milanoStart] = await Promise.all([operatorLive.snapshot(), paviaLive.snapshot(), milanoLive.snapshot()]);

    const callSid = await callAndQueue(PAVIA_VERDE, '2');
    const queued = await operatorLive.waitForEvent('call.queued', (event) => mentions(event, callSid));
    expect(queued.data.call).toMatchObject({ callSid, agency: 'aler-pavia-lodi', queue: 'aler-pavia-lodi.heating', outcome: 'queued' });
    await paviaLive.waitFor((event) => event.type === 'call.queued' && mentions(event, callSid));
    await supervisorLive.waitFor((event) => event.type === 'call.queued' && mentions(event, callSid));

    // The operator takes it through the simulated softphone (no Twilio configured here).
    const taken = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: operator.headers, payload: {} });
    expect(taken.statusCode).toBe(200);
    expect(taken.json().call).toMatchObject({ callSid, outcome: 'bridged', answeredBy: 'operatore1' });
    await paviaLive.waitFor((event) => event.type === 'call.bridged' && mentions(event, callSid));

    t.clock.advance(90_000);
    const ended = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/hang-up', headers: operator.headers, payload: { callSid } });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().call).toMatchObject({ outcome: 'answered', status: 'completed', talkSeconds: 90 });
    // A screen reloaded now learns which call's outcome the operator still owes.
    const softphone = (await t.app.inject({ url: '/api/v1/softphone', headers: operator.headers })).json();
    expect(softphone).toMatchObject({ call: null, wrapUp: { callSid, outcome: 'answered' } });
    const today = await paviaLive.waitForEvent('live.today', (event) => event.data.today.answered >= 1);
    expect(today.data.today).toMatchObject({ offered: 1, answered: 1, abandoned: 0, serviceLevelPct: 100, asaSeconds: 0 });

    // A ticket registered during the call reaches Pavia's referent, not Milan's.
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: operator.headers,
      payload: { agency: 'aler-pavia-lodi', category: 'heating', description: 'Termosifoni freddi in tutto l’alloggio', callSid, caller: { phone: TENANT } },
    });
    expect(created.statusCode).toBe(201);
    const ref = created.json().ref as string;
    await paviaLive.waitFor((event) => event.type === 'ticket.created' && mentions(event, ref));

    // Milan's agency user received nothing of this: a later Milan call proves its socket was listening.
    const milanCall = await callAndQueue(MILANO_VERDE);
    await milanoLive.waitFor((event) => event.type === 'call.queued' && mentions(event, milanCall));
    for (const event of milanoLive.events) {
      expect(event.agency).toBe('aler-milano');
      expect(mentions(event, callSid) || mentions(event, ref) || mentions(event, 'aler-pavia-lodi')).toBe(false);
    }

    expectContiguous(operatorLive.events, operatorStart.seqs);
    expectContiguous(paviaLive.events, paviaStart.seqs);
    expectContiguous(milanoLive.events, milanoStart.seqs);
    expect(new Set(paviaLive.events.map((event) => event.epoch))).toEqual(new Set([paviaStart.epoch]));
  });

  it('keeps a snapshot consistent with its positions: later events are exactly the ones after it', async () => {
    const client = await open(supervisor);
    const callSid = await callAndQueue(PAVIA_VERDE, '3');
    const snapshot = await client.snapshot();
    expect(snapshot.calls.find((call) => call.callSid === callSid)?.outcome).toBe('queued');
    const abandon = await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', {
      ...incomingCallParams(callSid, TENANT, PAVIA_VERDE),
      CallStatus: 'completed',
      QueueResult: 'hangup',
      QueueTime: '45',
    });
    expect(abandon.statusCode).toBe(200);
    const settled = await client.waitFor((event) => event.type === 'call.settled' && mentions(event, callSid));
    expect(settled.seq).toBeGreaterThan(snapshot.seqs[settled.room]);
    expect((await client.snapshot()).calls.some((call) => call.callSid === callSid)).toBe(false);
  });

  it('tells the operator when nobody is waiting', async () => {
    const other = await loginAs(t.app, 'operatore2');
    // Drain whatever earlier tests left waiting.
    for (;;) {
      const reply = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: other.headers, payload: {} });
      const call = reply.json().call as { callSid: string } | null;
      if (!call) break;
      const wrapUp = new Promise<void>((resolve) => {
        const stop = t.app.services.bus.subscribe((event) => {
          if (event.type === 'operator.presence' && event.data.operator.username === 'operatore2' && event.data.operator.presence === 'wrap_up') {
            stop();
            resolve();
          }
        });
      });
      await t.app.inject({ method: 'POST', url: '/api/v1/softphone/hang-up', headers: other.headers, payload: { callSid: call.callSid } });
      // Wrap-up follows the hang-up; only an available operator is offered the next caller.
      await wrapUp;
      await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: other.headers, payload: { presence: 'available' } });
    }
    const reply = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: other.headers, payload: {} });
    expect(reply.json()).toEqual({ call: null });
  });

  it('does not let an agency user use the softphone', async () => {
    const reply = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: pavia.headers, payload: {} });
    expect(reply.statusCode).toBe(403);
  });
});
