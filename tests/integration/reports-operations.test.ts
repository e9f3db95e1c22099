import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema/calls.ts';
import { callbacks } from '../../src/db/schema/callbacks.ts';
import { operatorPresenceEvents } from '../../src/db/schema/operators.ts';
import { ticketEvents, tickets } from '../../src/db/schema/tickets.ts';
import { users } from '../../src/db/schema/users.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * A scripted Monday at ALER Pavia-Lodi (16 November 2026): two operators, one on site all day, one
 * at home until noon and on site after; call-backs made in time, late and not at all; two tickets
 * opened by e-mail, one taken in hand after 30 minutes. Every expected figure below is counted by
 * hand from these rows.
 */
const PAVIA = 'aler-pavia-lodi';
const DAY = '2026-11-16';
const at = (time: string) => new Date(`${DAY}T${time}:00+01:00`);
const URL = `/api/v1/reports/operations?agency=${PAVIA}&from=${DAY}&to=${DAY}`;

let t: TestApp;
let supervisor: Session;
let referentePavia: Session;
let referenteMilano: Session;
let milanoSupervisor: Session;

async function userId(app: TestApp, username: string): Promise<string> {
  const [user] = await app.database.db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return user.id;
}

function answeredCall(agency: string, answeredBy: string | null, start: string, talkSeconds: number, wrapUpAfterSeconds: number | null) {
  const startedAt = at(start);
  const bridgedAt = new Date(startedAt.getTime() + 20_000);
  const endedAt = new Date(bridgedAt.getTime() + talkSeconds * 1000);
  return {
    callSid: `CA${randomBytes(16).toString('hex')}`,
    agencyCode: agency,
    toNumber: '+39800100100',
    fromNumber: '+393470000000',
    numberKind: 'numero_verde',
    startedAt,
    status: 'completed',
    outcome: 'answered',
    category: 'maintenance',
    queueName: `${agency}.maintenance`,
    enqueuedAt: new Date(startedAt.getTime() + 10_000),
    queueTimeSeconds: 10,
    bridgedAt,
    answeredBy,
    talkSeconds,
    endedAt,
    wrapUpCode: wrapUpAfterSeconds === null ? null : 'risolto',
    wrapUpBy: wrapUpAfterSeconds === null ? null : answeredBy,
    wrapUpAt: wrapUpAfterSeconds === null ? null : new Date(endedAt.getTime() + wrapUpAfterSeconds * 1000),
    updatedAt: endedAt,
  };
}

function callback(abandoned: string, due: string, status: 'open' | 'done', closed: string | null) {
  return {
    agencyCode: PAVIA,
    callSid: `CA${randomBytes(16).toString('hex')}`,
    callerPhone: '+393471111111',
    abandonedAt: at(abandoned),
    lastAbandonedAt: at(abandoned),
    dueAt: at(due),
    status,
    closedAt: closed ? at(closed) : null,
    createdAt: at(abandoned),
    updatedAt: at(closed ?? abandoned),
  };
}

function ticket(seq: number, channel: 'email' | 'voice', created: string) {
  return {
    id: randomUUID(),
    ref: `PV-2026-9${String(seq).padStart(4, '0')}`,
    agencyCode: PAVIA,
    year: 2026,
    seq: 90_000 + seq,
    category: 'maintenance',
    status: 'new' as const,
    channel,
    description: 'Perdita dal soffitto',
    createdById: 'system',
    createdByName: 'system',
    createdAt: at(created),
    updatedAt: at(created),
  };
}

function event(ticketId: string, time: string, actorKind: 'user' | 'system', type: string) {
  return {
    ticketId,
    type,
    actorKind,
    actorId: actorKind === 'user' ? 'operatore1' : 'system',
    actorName: actorKind,
    actorRole: actorKind === 'user' ? 'operator' : 'admin',
    occurredAt: at(time),
  };
}

/** The scripted Monday, written into `app`'s database. */
async function scriptDay(app: TestApp): Promise<void> {
  const db = app.database.db;
  const [one, two] = [await userId(app, 'operatore1'), await userId(app, 'operatore2')];
  await db.insert(operatorPresenceEvents).values([
    { userId: one, presence: 'available', location: 'on_site', occurredAt: at('07:55') },
    { userId: two, presence: 'available', location: 'remote', occurredAt: at('08:00') },
    { userId: two, presence: 'available', location: 'on_site', occurredAt: at('12:00') },
  ]);
  await db.insert(calls).values([
    answeredCall(PAVIA, 'operatore1', '09:00', 120, 60),
    answeredCall(PAVIA, 'operatore2', '10:00', 300, 30),
    // After noon operatore2 works on site; never coded (no wrap-up).
    answeredCall(PAVIA, 'operatore2', '13:00', 60, null),
    // Answered, but by nobody whose presence is known.
    answeredCall(PAVIA, null, '14:00', 100, null),
    // A wrap-up left for the night counts as the limit, not as 10 hours.
    answeredCall(PAVIA, 'operatore1', '18:00', 60, 36_000),
    // Another agency's call, and another day's.
    answeredCall('aler-milano', 'operatore1', '11:00', 999, 999),
    { ...answeredCall(PAVIA, 'operatore1', '11:00', 999, 999), startedAt: new Date('2026-11-17T11:00:00+01:00') },
  ]);
  await db
    .insert(callbacks)
    .values([callback('09:10', '09:40', 'done', '09:30'), callback('10:10', '10:40', 'done', '11:15'), callback('16:00', '16:30', 'open', null)]);
  const [early, late, phoned] = [ticket(1, 'email', '09:00'), ticket(2, 'email', '11:00'), ticket(3, 'voice', '12:00')];
  await db.insert(tickets).values([early, late, phoned]);
  await db
    .insert(ticketEvents)
    .values([
      event(early.id, '09:00', 'system', 'created'),
      event(early.id, '09:30', 'user', 'routed'),
      event(early.id, '10:00', 'user', 'note'),
      event(late.id, '11:00', 'system', 'created'),
      event(phoned.id, '12:00', 'user', 'created'),
    ]);
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  await scriptDay(t);
  [supervisor, referentePavia, referenteMilano] = await Promise.all(['supervisore', 'referente-pavia', 'referente-milano'].map((name) => loginAs(t.app, name)));
  milanoSupervisor = await createStaffUser(t.app, 'supervisore-operations-milano', 'supervisor', ['aler-milano']);
});

afterAll(async () => {
  await t?.close();
});

const get = (session: Session, url = URL) => t.app.inject({ url, headers: session.headers });

describe('the service report of a scripted day', () => {
  it('splits answered calls, talk and wrap-up time by where the operator was when answering', async () => {
    const response = await get(supervisor);
    expect(response.statusCode, response.body).toBe(200);
    const wrapUpLimit = t.config.workflow.wrapUpSeconds;
    expect(response.json().bySite).toEqual([
      // 09:00 (operatore1), 13:00 (operatore2, back on site), 18:00 (operatore1).
      { site: 'on_site', answered: 3, ahtSeconds: 80, wrapUpSeconds: (60 + wrapUpLimit) / 2 },
      { site: 'remote', answered: 1, ahtSeconds: 300, wrapUpSeconds: 30 },
      { site: 'unknown', answered: 1, ahtSeconds: 100, wrapUpSeconds: null },
    ]);
  });

  it('holds call-backs against their deadline and e-mails against the first thing a person did', async () => {
    const report = (await get(supervisor)).json();
    expect(report.callbacks).toEqual({ created: 3, done: 2, doneInTime: 1, openOverdue: 1, failed: 0, inTimePct: 50 });
    expect(report.email).toEqual({ received: 2, answered: 1, waiting: 1, medianMinutes: 30, p90Minutes: 30 });
    // No agreement named: no figures per operator, for anyone.
    expect(report.perOperator).toBeNull();
  });

  it('gives the same figures in CSV for Excel', async () => {
    const response = await get(supervisor, `${URL}&format=csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain(`servizio-${PAVIA}-${DAY}-${DAY}.csv`);
    expect(response.body).toContain('in sede;3;80;');
    expect(response.body).toContain('Fatte entro la scadenza;1');
    expect(response.body).toContain('Prima risposta, mediana (min);30');
  });

  it('is the agency’s own: its liaison reads it, another agency’s liaison and staff serving only Milano get 404', async () => {
    expect((await get(referentePavia)).statusCode).toBe(200);
    expect((await get(referenteMilano)).statusCode).toBe(404);
    expect((await get(milanoSupervisor)).statusCode).toBe(404);
    const milano = (await get(referenteMilano, `/api/v1/reports/operations?agency=aler-milano&from=${DAY}&to=${DAY}`)).json();
    expect(milano.bySite.find((row: { site: string }) => row.site === 'on_site')).toMatchObject({ answered: 1, ahtSeconds: 999 });
    expect(milano.email.received).toBe(0);
  });
});

describe('figures per operator, where an agreement allows them', () => {
  const AGREEMENT = 'Accordo sindacale del 12 marzo 2026 (art. 4 L. 300/1970)';
  let withAgreement: TestApp;

  beforeAll(async () => {
    withAgreement = await createTestApp({ now: '2026-11-23T09:00:00Z', config: { PER_OPERATOR_AGREEMENT: AGREEMENT } });
    await scriptDay(withAgreement);
  });
  afterAll(async () => {
    await withAgreement?.close();
  });

  it('gives supervisors each operator’s answered calls, talk and wrap-up, with the agreement named', async () => {
    const session = await loginAs(withAgreement.app, 'supervisore');
    const report = (await withAgreement.app.inject({ url: URL, headers: session.headers })).json();
    const wrapUpLimit = withAgreement.config.workflow.wrapUpSeconds;
    expect(report.perOperator).toEqual({
      agreement: AGREEMENT,
      rows: [
        // By display name: operatore2 took 10:00 (remote) and 13:00 (on site, never coded); operatore1 09:00 and 18:00.
        { operator: 'Operatore Due', answered: 2, ahtSeconds: 180, wrapUpSeconds: 30 },
        { operator: 'Operatore Uno', answered: 2, ahtSeconds: 90, wrapUpSeconds: (60 + wrapUpLimit) / 2 },
      ],
    });
    const csv = await withAgreement.app.inject({ url: `${URL}&format=csv`, headers: session.headers });
    expect(csv.body).toContain(`Per operatore;${AGREEMENT}`);
  });

  it('never gives them to the agency’s liaison: the call center’s staff are not the agency’s business', async () => {
    const session = await loginAs(withAgreement.app, 'referente-pavia');
    expect((await withAgreement.app.inject({ url: URL, headers: session.headers })).json().perOperator).toBeNull();
  });
});
