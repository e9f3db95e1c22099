import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.ts';
import { actorOf } from '../helpers/actors.ts';
import type { AgencyToken, Session } from '../helpers/auth.ts';
import { createAgencyToken, createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Portfolios are a dimension of the call report: ALER Pavia-Lodi's report can be read for the
 * Comune di Pavia housing stock alone (its numero verde +39800300300 and its address), for the
 * agency's own stock (`portfolio=none`), or whole, and the parts add up to the whole.
 */
const PAVIA = 'aler-pavia-lodi';
const COMUNE = 'comune-di-pavia';
const OWN_VERDE = '+39800200200';
const OWN_LANDLINE = '+390382000000';
const COMUNE_VERDE = '+39800300300';
const NOW = '2026-11-23T09:00:00Z';
const RANGE = `agency=${PAVIA}&from=2026-11-16&to=2026-11-23`;

let t: TestApp;
let supervisor: Actor;
const as = {} as Record<'supervisor' | 'pavia' | 'milano' | 'staffMilano' | 'staffPavia', Session> & { paviaToken: AgencyToken };

let tenant = 3_470_000_100;

type Ending = { result: 'bridged' | 'hangup'; wait: number; talk?: number } | 'closed';

/** One caller, as Twilio reports it: the call, the menu digit, the queue's result and the end. */
async function call(at: string, to: string, digit: string, ending: Ending) {
  t.clock.set(at);
  const callSid = newCallSid();
  const base = incomingCallParams(callSid, `+${(tenant += 1)}`, to);
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', base)).statusCode).toBe(200);
  if (ending !== 'closed') {
    expect((await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: digit })).statusCode).toBe(200);
    t.clock.advance(ending.wait * 1000);
    const result = { CallSid: callSid, QueueResult: ending.result, QueueTime: String(ending.wait), QueueSid: 'QU1' };
    expect((await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', result)).statusCode).toBe(200);
    t.clock.advance((ending.talk ?? 0) * 1000);
  }
  const duration = ending === 'closed' ? 20 : ending.wait + (ending.talk ?? 0) + 15;
  await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: String(duration), SequenceNumber: '3' });
}

async function mail(at: string, to: string, subject: string) {
  t.clock.set(at);
  const raw = Buffer.from(
    [
      `Message-ID: <${newCallSid()}@example.org>`,
      'Date: Mon, 16 Nov 2026 11:00:00 +0100',
      'From: Inquilino <inquilino@example.org>',
      `To: ${to}`,
      `Subject: ${subject}`,
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Buongiorno, vi scrivo per una richiesta.',
      '',
    ].join('\r\n'),
  );
  expect((await deliverEmail(t.app, raw)).status).toBe('ticket');
}

function get(session: { headers: Readonly<Record<string, string>> } | null, url: string) {
  return t.app.inject({ method: 'GET', url, headers: session?.headers ?? {} });
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  // A scripted Monday on both numero verdi and the landline of ALER Pavia-Lodi (open 08:00-20:00).
  await call('2026-11-16T10:00:00+01:00', OWN_VERDE, '1', { result: 'bridged', wait: 12, talk: 100 });
  await call('2026-11-16T10:05:00+01:00', OWN_LANDLINE, '2', { result: 'hangup', wait: 30 });
  await call('2026-11-16T10:10:00+01:00', COMUNE_VERDE, '1', { result: 'bridged', wait: 8, talk: 60 });
  await call('2026-11-16T10:20:00+01:00', COMUNE_VERDE, '3', { result: 'hangup', wait: 3 });
  await call('2026-11-16T21:00:00+01:00', COMUNE_VERDE, '1', 'closed');
  await mail('2026-11-16T11:00:00+01:00', 'patrimonio-comunale@aler-pavia-lodi.example', 'Richiesta copia contratto');
  await mail('2026-11-16T11:05:00+01:00', 'callcenter@aler-pavia-lodi.example', 'Richiesta bollettino');
  // Today, not sealed yet: read from the raw calls.
  await call('2026-11-23T09:30:00+01:00', COMUNE_VERDE, '2', { result: 'bridged', wait: 25, talk: 40 });
  t.clock.set(NOW);
  // The sealer worker's pass (off in tests): the Monday is read from the rollup, today from the calls.
  await t.app.services.reports.sealFinishedDays();

  supervisor = await actorOf(t.database.db, 'supervisore');
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.pavia = await loginAs(t.app, 'referente-pavia');
  as.milano = await loginAs(t.app, 'referente-milano');
  as.paviaToken = await createAgencyToken(t.app, PAVIA);
  as.staffMilano = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
  as.staffPavia = await createStaffUser(t.app, 'operatore-solo-pavia', 'operator', [PAVIA]);
  // A portfolio of another agency, to ask Pavia-Lodi's report for it.
  const admin = await loginAs(t.app, 'admin');
  const created = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/agencies/aler-milano/portfolios',
    headers: admin.headers,
    payload: { portfolios: [{ id: 'comune-di-sesto', name: 'Patrimonio del Comune di Sesto San Giovanni' }] },
  });
  expect(created.statusCode).toBe(200);
});

afterAll(async () => {
  await t.close();
});

type Report = {
  totals: Record<string, number | null | boolean>;
  byQueue: Record<string, Record<string, number | null>>;
  byChannel: Record<string, Record<string, number | null>>;
  byDay: Record<string, number | string>[];
  byHour: Record<string, number>[];
  portfolio?: { code: string; name: string };
  sources: unknown;
};

async function report(portfolio?: string): Promise<Report> {
  const response = await get(as.supervisor, `/api/v1/reports/calls?${RANGE}${portfolio ? `&portfolio=${portfolio}` : ''}`);
  expect(response.statusCode).toBe(200);
  return response.json() as Report;
}

/** Every count of a report (ratios and maxima are not additive). */
function counts(body: Report): Record<string, number> {
  const out: Record<string, number> = {};
  const additive = (key: string) => !/(Pct|Seconds|Met)$/.test(key);
  for (const [key, value] of Object.entries(body.totals)) if (additive(key)) out[`totals.${key}`] = value as number;
  for (const [queue, row] of Object.entries(body.byQueue))
    for (const [key, value] of Object.entries(row)) if (additive(key)) out[`${queue}.${key}`] = value ?? 0;
  for (const [channel, row] of Object.entries(body.byChannel))
    for (const [key, value] of Object.entries(row)) if (additive(key)) out[`${channel}.${key}`] = value ?? 0;
  for (const row of body.byDay) for (const [key, value] of Object.entries(row)) if (key !== 'date') out[`${row.date}.${key}`] = value as number;
  for (const row of body.byHour) for (const [key, value] of Object.entries(row)) if (key !== 'hour') out[`h${row.hour}.${key}`] = value;
  return out;
}

describe('the report of one portfolio', () => {
  it('counts only the calls, e-mails and tickets of the Comune di Pavia housing stock', async () => {
    const comune = await report(COMUNE);
    expect(comune.portfolio).toEqual({ code: COMUNE, name: 'Patrimonio abitativo del Comune di Pavia' });
    expect(comune.totals).toMatchObject({
      calls: 4,
      outOfHours: 1,
      offered: 3,
      queued: 3,
      answered: 2,
      abandoned: 0,
      shortAbandoned: 1,
      emails: 1,
      tickets: 1,
    });
    expect(comune.totals.asaSeconds).toBe(16.5);
    expect(comune.byChannel.numero_verde.calls).toBe(4);
    expect(comune.byChannel.landline.calls).toBe(0);
    expect(comune.byQueue.maintenance).toMatchObject({ queued: 1, answered: 1 });
    expect(comune.byQueue.admin).toMatchObject({ queued: 1, shortAbandoned: 1 });
    expect(comune.sources).toEqual({ rollup: { from: '2026-11-16', to: '2026-11-22' }, raw: { from: '2026-11-23', to: '2026-11-23' } });
  });

  it('reads the agency own stock alone with portfolio=none', async () => {
    const own = await report('none');
    expect(own.portfolio).toEqual({ code: 'none', name: 'Patrimonio proprio dell’ente' });
    expect(own.totals).toMatchObject({ calls: 2, outOfHours: 0, answered: 1, abandoned: 1, shortAbandoned: 0, emails: 1, tickets: 1 });
    expect(own.byChannel.landline.calls).toBe(1);
  });

  it('adds up: the whole agency = the Comune di Pavia portfolio + the own stock, in every count', async () => {
    const [whole, comune, own] = await Promise.all([report(), report(COMUNE), report('none')]);
    expect(whole.portfolio).toBeUndefined();
    expect(whole.totals.calls).toBe(6);
    const parts = [counts(comune), counts(own)];
    const sum = Object.fromEntries(Object.keys(counts(whole)).map((key) => [key, parts[0][key] + parts[1][key]]));
    expect(counts(whole)).toEqual(sum);
  });

  it('gives the same figures from the rollup and from the raw calls', async () => {
    for (const portfolio of [COMUNE, 'none', undefined]) {
      const query = { agency: PAVIA, from: '2026-11-16', to: '2026-11-23', compare: 'previous-year' as const, portfolio };
      const { sources: fromRollupSources, ...fromRollup } = await t.app.services.reports.callReport(supervisor, { ...query, source: 'rollup' });
      const { sources: rawSources, ...fromRaw } = await t.app.services.reports.callReport(supervisor, { ...query, source: 'raw' });
      expect(fromRollupSources.rollup).not.toBeNull();
      expect(rawSources.rollup).toBeNull();
      // Where the figures came from is the only thing allowed to differ.
      for (const body of [fromRollup, fromRaw] as { previousYear?: { sources?: unknown } }[]) delete body.previousYear?.sources;
      expect(fromRollup).toEqual(fromRaw);
    }
  });

  it('names the portfolio in its CSV, in the file name and in a heading line', async () => {
    const response = await get(as.pavia, `/api/v1/reports/calls?${RANGE}&portfolio=${COMUNE}&format=csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="chiamate-${PAVIA}-${COMUNE}-2026-11-16-2026-11-23.csv"`);
    const lines = response.rawPayload.subarray(3).toString('utf8').split('\r\n');
    expect(lines.slice(0, 2)).toEqual([`Rapporto chiamate;ALER Pavia-Lodi (${PAVIA})`, `Portafoglio;Patrimonio abitativo del Comune di Pavia (${COMUNE})`]);
    expect(lines).toContain('Chiamate;4');
    expect(lines).toContain('E-mail;1');
    const own = (await get(as.pavia, `/api/v1/reports/calls?${RANGE}&portfolio=none&format=csv`)).rawPayload.subarray(3).toString('utf8').split('\r\n');
    expect(own[1]).toBe('Portafoglio;Patrimonio proprio dell’ente (none)');
    expect(own).toContain('Chiamate;2');
    // The whole agency's CSV reads as it always did: no portfolio line.
    const whole = (await get(as.pavia, `/api/v1/reports/calls?${RANGE}&format=csv`)).rawPayload.subarray(3).toString('utf8').split('\r\n');
    expect(whole[1]).toBe('Dal;2026-11-16');
    expect(whole).toContain('Chiamate;6');
  });

  it('drives the monthly trend too', async () => {
    const trend = async (portfolio: string) =>
      (await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}&months=1&to=2026-11&portfolio=${portfolio}`)).json() as {
        months: { calls: number; emails: number; tickets: number }[];
        portfolio: unknown;
      };
    const comune = await trend(COMUNE);
    expect(comune.portfolio).toEqual({ code: COMUNE, name: 'Patrimonio abitativo del Comune di Pavia' });
    expect(comune.months[0]).toMatchObject({ calls: 4, emails: 1, tickets: 1 });
    expect((await trend('none')).months[0]).toMatchObject({ calls: 2, emails: 1, tickets: 1 });
  });
});

describe('which portfolio may be asked for', () => {
  it('answers 404 for an unknown portfolio and for another agency’s, revealing nothing', async () => {
    for (const url of [
      `/api/v1/reports/calls?${RANGE}&portfolio=comune-di-nessuno`,
      `/api/v1/reports/calls?${RANGE}&portfolio=comune-di-sesto`,
      `/api/v1/reports/calls?${RANGE}&portfolio=comune-di-sesto&format=csv`,
      `/api/v1/reports/trend?agency=${PAVIA}&portfolio=comune-di-sesto`,
      `/api/v1/reports/calls?agency=aler-milano&from=2026-11-16&to=2026-11-23&portfolio=${COMUNE}`,
    ]) {
      const response = await get(as.supervisor, url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
      expect(response.body).not.toContain('Sesto');
      expect(response.body).not.toContain('totals');
    }
  });

  it('lets the agency’s own users and token and the staff serving it read the portfolio report', async () => {
    for (const session of [as.pavia, as.paviaToken, as.staffPavia]) {
      const response = await get(session, `/api/v1/reports/calls?${RANGE}&portfolio=${COMUNE}`);
      expect(response.statusCode).toBe(200);
      expect(response.json().totals.calls).toBe(4);
    }
  });

  it('refuses the clerk of another agency and staff who serve only another agency, without telling whether the portfolio exists', async () => {
    for (const session of [as.milano, as.staffMilano]) {
      for (const portfolio of [COMUNE, 'none', 'comune-di-nessuno']) {
        for (const url of [
          `/api/v1/reports/calls?${RANGE}&portfolio=${portfolio}`,
          `/api/v1/reports/calls?${RANGE}&portfolio=${portfolio}&format=csv`,
          `/api/v1/reports/trend?agency=${PAVIA}&portfolio=${portfolio}`,
        ]) {
          const response = await get(session, url);
          expect(response.statusCode, url).toBe(404);
          expect(response.body).not.toContain('Comune di Pavia');
        }
      }
    }
    expect((await get(null, `/api/v1/reports/calls?${RANGE}&portfolio=${COMUNE}`)).statusCode).toBe(401);
  });

  it('keeps "none" out of the portfolio ids, since it names the own stock', async () => {
    const admin = await loginAs(t.app, 'admin');
    const response = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${PAVIA}/portfolios`,
      headers: admin.headers,
      payload: {
        portfolios: [
          { id: COMUNE, name: 'Patrimonio abitativo del Comune di Pavia' },
          { id: 'none', name: 'Nessuno' },
        ],
      },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION');
  });
});
