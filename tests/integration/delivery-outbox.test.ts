import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries as deliveriesTable } from '../../src/db/schema/index.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { createDeliveryService } from '../../src/modules/delivery/delivery-service.ts';
import { ticketTimeline } from '../../src/modules/tickets/tickets-module.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

const SECRET = 'pavia-heating-contractor-secret-0123456789';
const HOUR = 3_600_000;

let t: TestApp;
let admin: Session;
let operator: Session;
let supervisor: Session;
let referentePavia: Session;
const published: DomainEvent[] = [];

beforeAll(async () => {
  // The interval worker is off: the test drives every pass with deliverDue() and its own clock.
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  t.app.services.bus.subscribe((event) => published.push(event));
});
beforeEach(async () => {
  t.clock.set('2026-11-23T10:00:00+01:00');
  [admin, operator, supervisor, referentePavia] = await Promise.all(
    ['admin', 'operatore1', 'supervisore', 'referente-pavia'].map((name) => loginAs(t.app, name)),
  );
});
/** Sessions lapse after 8 idle hours; tests that move the clock by days log in again. */
async function loginAgain() {
  [admin, operator, supervisor, referentePavia] = await Promise.all(
    ['admin', 'operatore1', 'supervisore', 'referente-pavia'].map((name) => loginAs(t.app, name)),
  );
}
afterAll(async () => {
  await t?.close();
});

async function addWebhookTarget(agency: string, category: string, url: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/delivery-targets',
    headers: admin.headers,
    payload: { agency, category, kind: 'webhook', label: `Ufficio ${category}`, url, secret: SECRET },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string };
}

async function createTicket(agency: string, category: string, description: string) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: operator.headers, payload: { agency, category, description } });
  expect(response.statusCode).toBe(201);
  return response.json() as { ref: string; status: string; events: { type: string }[] };
}

async function disableTarget(id: string) {
  expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/delivery-targets/${id}`, headers: admin.headers })).statusCode).toBe(200);
}

describe('delivery to the agency', () => {
  it('delivers a ticket exactly once (by idempotency key) to a receiver that fails the first 3 times', async () => {
    const receiver = await startWebhookReceiver(SECRET, (n) => (n <= 3 ? 503 : 200));
    const target = await addWebhookTarget('aler-pavia-lodi', 'heating', receiver.url);
    const ticket = await createTicket('aler-pavia-lodi', 'heating', 'Riscaldamento spento in tutto lo stabile');
    expect(ticket.status).toBe('routed');

    const runs = [];
    for (let pass = 0; pass < 8; pass += 1) {
      runs.push(await t.app.services.deliveries.deliverDue());
      t.clock.advance(HOUR);
    }
    expect(runs.slice(0, 4).map((run) => [run.retrying, run.delivered])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(runs.slice(4).every((run) => run.claimed === 0)).toBe(true);
    expect(receiver.received).toHaveLength(4);
    expect(new Set(receiver.received.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(receiver.received.every((request) => request.signatureValid && request.event === 'ticket.routed')).toBe(true);
    expect(receiver.accepted.size).toBe(1);
    const [body] = receiver.accepted.values();
    expect(body).toMatchObject({
      type: 'ticket.routed',
      agency: 'aler-pavia-lodi',
      queue: 'aler-pavia-lodi.heating',
      ticket: { ref: ticket.ref, status: 'routed' },
    });

    await loginAgain();
    const detail = (await t.app.inject({ url: `/api/v1/tickets/${ticket.ref}`, headers: referentePavia.headers })).json() as { events: { type: string }[] };
    expect(detail.events.map((event) => event.type)).toEqual(['created', 'routed', 'delivered']);
    await disableTarget(target.id);
    await receiver.close();
  });

  it('acknowledgements and closures come back through the API and are not echoed to the agency', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    const target = await addWebhookTarget('aler-pavia-lodi', 'maintenance', receiver.url);
    const ticket = await createTicket('aler-pavia-lodi', 'maintenance', 'Citofono guasto');
    await t.app.services.deliveries.deliverDue();
    for (const status of ['acknowledged', 'closed']) {
      const response = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticket.ref}`, headers: referentePavia.headers, payload: { status } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status });
    }
    await t.app.services.deliveries.deliverDue();
    expect(receiver.received.map((request) => request.event)).toEqual(['ticket.routed']);
    await disableTarget(target.id);
    await receiver.close();
  });

  it('gives up after 24 hours: a dead letter for supervisors, sent again on request with the same key', async () => {
    let healthy = false;
    const receiver = await startWebhookReceiver(SECRET, () => (healthy ? 200 : 500));
    const target = await addWebhookTarget('aler-milano', 'maintenance', receiver.url);
    const ticket = await createTicket('aler-milano', 'maintenance', 'Infiltrazioni dal tetto');
    for (let pass = 0; pass < 30; pass += 1) {
      await t.app.services.deliveries.deliverDue();
      t.clock.advance(HOUR);
    }
    // Attempts at 0 s, 30 s, 1, 2, 4, 8, 16, 32 min, then hourly up to the 24th hour: never after.
    const [row] = await t.database.db
      .select()
      .from(deliveriesTable)
      .where(and(eq(deliveriesTable.ticketRef, ticket.ref), eq(deliveriesTable.kind, 'webhook')));
    expect(row.status).toBe('dead');
    expect(receiver.received.length).toBeLessThanOrEqual(26);
    expect(published.some((event) => event.type === 'delivery.dead' && event.agency === 'aler-milano')).toBe(true);
    await loginAgain();

    const dead = await t.app.inject({ url: '/api/v1/deliveries?status=dead', headers: supervisor.headers });
    expect(dead.statusCode).toBe(200);
    const items = (dead.json() as { items: { id: string; ticket: string; lastStatusCode: number }[] }).items;
    expect(items.find((item) => item.ticket === ticket.ref)).toMatchObject({ id: row.id, lastStatusCode: 500 });
    const asPavia = await t.app.inject({ url: '/api/v1/deliveries?status=dead', headers: referentePavia.headers });
    expect((asPavia.json() as { items: unknown[] }).items).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/deliveries?status=dead', headers: operator.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/deliveries/${row.id}/redeliver`, headers: operator.headers })).statusCode).toBe(403);

    healthy = true;
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/deliveries/${row.id}/redeliver`, headers: supervisor.headers });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'pending' });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/deliveries/${row.id}/redeliver`, headers: supervisor.headers })).statusCode).toBe(409);
    expect((await t.app.services.deliveries.deliverDue()).delivered).toBe(1);
    expect(receiver.accepted.size).toBe(1);
    expect([...receiver.accepted.keys()]).toEqual([row.id]);
    const detail = (await t.app.inject({ url: `/api/v1/deliveries/${row.id}`, headers: supervisor.headers })).json() as {
      status: string;
      attemptLog: { ok: boolean }[];
    };
    expect(detail.status).toBe('delivered');
    expect(detail.attemptLog.at(-1)?.ok).toBe(true);
    await disableTarget(target.id);
    await receiver.close();
  });

  it('keeps e-mails to the agency readable in the outbox when no SMTP server is configured', async () => {
    const ticket = await createTicket('aler-pavia-lodi', 'admin', 'Richiesta di cambio alloggio');
    expect((await t.app.services.deliveries.deliverDue()).claimed).toBe(0);
    const held = await t.app.inject({ url: `/api/v1/deliveries?kind=email&status=held&ticket=${ticket.ref}`, headers: supervisor.headers });
    const [item] = (held.json() as { items: { id: string; eventType: string }[] }).items;
    expect(item.eventType).toBe('ticket.routed');
    const detail = (await t.app.inject({ url: `/api/v1/deliveries/${item.id}`, headers: supervisor.headers })).json() as {
      payload: { to: string; subject: string; text: string };
    };
    expect(detail.payload.to).toBe('amministrazione@aler-pavia-lodi.example');
    expect(detail.payload.subject).toBe(`[${ticket.ref}] Nuova segnalazione – pratiche amministrative`);
    expect(detail.payload.text).toContain('Richiesta di cambio alloggio');
  });

  it('loses nothing when a node dies mid-delivery: the lease runs out and another node delivers', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    const target = await addWebhookTarget('aler-milano', 'heating', receiver.url);
    let sending!: () => void;
    const sendingStarted = new Promise<void>((resolve) => (sending = resolve));
    // A node that claims the delivery and then never finishes (killed while waiting for the agency).
    const dyingNode = createDeliveryService({
      db: t.database.db,
      clock: t.clock,
      bus: t.app.services.bus,
      directory: t.app.services.directory,
      tickets: ticketTimeline,
      transport: {
        webhook: () => {
          sending();
          return new Promise(() => {});
        },
      },
    });
    const ticket = await createTicket('aler-milano', 'heating', 'Caldaia centralizzata ferma');
    void dyingNode.deliverDue();
    await sendingStarted;
    expect((await t.app.services.deliveries.deliverDue()).claimed).toBe(0);
    t.clock.advance(121_000);
    expect((await t.app.services.deliveries.deliverDue()).delivered).toBe(1);
    expect(receiver.received.map((request) => (request.body.ticket as { ref: string }).ref)).toEqual([ticket.ref]);
    await disableTarget(target.id);
    await receiver.close();
  });

  it('lets two nodes deliver side by side without sending anything twice', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    const target = await addWebhookTarget('aler-milano', 'admin', receiver.url);
    const other = createDeliveryService({
      db: t.database.db,
      clock: t.clock,
      bus: t.app.services.bus,
      directory: t.app.services.directory,
      tickets: ticketTimeline,
      transport: { webhook: (request) => import('../../src/modules/delivery/webhook-sender.ts').then((module) => module.postWebhook(request)) },
      batchSize: 3,
    });
    for (let index = 0; index < 6; index += 1) await createTicket('aler-milano', 'admin', `Pratica ${index}`);
    const [first, second] = await Promise.all([t.app.services.deliveries.deliverDue(), other.deliverDue()]);
    const [third] = await Promise.all([t.app.services.deliveries.deliverDue(), other.deliverDue()]);
    expect(first.delivered + second.delivered + third.delivered).toBeGreaterThanOrEqual(6);
    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map((request) => request.idempotencyKey)).size).toBe(6);
    await disableTarget(target.id);
    await receiver.close();
  });
});
