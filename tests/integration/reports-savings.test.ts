import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../src/db/schema/calls.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 17 §5 in the report: per month, the calls the platform answered without an operator (a
 * report added to a known problem of the building; the state of the caller's own request, after which
 * they hung up in the menu) and the queued call-backs booked, reached and handed to the call-back list.
 * The calls are rows as the call service leaves them at the end of each path.
 */
const PAVIA = 'aler-pavia-lodi';
const REPORT = `/api/v1/reports/calls?agency=${PAVIA}&from=2026-10-01&to=2026-11-30`;

let t: TestApp;
let supervisor: Session;

function row(local: string, outcome: string, extra: Partial<typeof calls.$inferInsert> = {}, agency = PAVIA): typeof calls.$inferInsert {
  const startedAt = new Date(local);
  return {
    callSid: `CA${randomBytes(16).toString('hex')}`,
    agencyCode: agency,
    toNumber: agency === PAVIA ? '+39800200200' : '+39800100100',
    fromNumber: `+39347${randomBytes(3).readUIntBE(0, 3).toString().padStart(7, '0')}`,
    numberKind: 'numero_verde',
    startedAt,
    status: 'completed',
    outcome,
    updatedAt: startedAt,
    ...extra,
  };
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-12-02T10:00:00+01:00' });
  supervisor = await loginAs(t.app, 'supervisore');
  await t.database.db.insert(calls).values([
    // October: two reports added to an incident, one caller who only needed the state of their request.
    row('2026-10-20T09:00:00+02:00', 'incident_report', { preMenu: 'incident' }),
    row('2026-10-20T09:05:00+02:00', 'incident_report', { preMenu: 'incident+status' }),
    row('2026-10-21T10:00:00+02:00', 'left_menu', { preMenu: 'status' }),
    // Heard the state, then went on to an operator: heard, but not answered by it.
    row('2026-10-21T11:00:00+02:00', 'answered', { preMenu: 'status', category: 'maintenance' }),
    // November: three queued call-backs, one still waiting, one reached, one handed to the list.
    row('2026-11-10T09:00:00+01:00', 'callback_waiting', { category: 'heating', callbackPhone: '+393470000001' }),
    row('2026-11-10T09:10:00+01:00', 'queued_callback', { category: 'heating', callbackResult: 'reached' }),
    row('2026-11-10T09:20:00+01:00', 'queued_callback', { category: 'heating', callbackResult: 'gave_up' }),
    // An ordinary answered call, and another agency's incident report.
    row('2026-11-11T09:00:00+01:00', 'answered', { category: 'maintenance' }),
    row('2026-11-11T09:00:00+01:00', 'incident_report', { preMenu: 'incident' }, 'aler-milano'),
  ]);
});

afterAll(async () => {
  await t?.close();
});

describe('what the platform answered without an operator, per month', () => {
  it('counts incident reports, the state heard and enough, and the queued call-backs, month by month', async () => {
    const response = await t.app.inject({ url: REPORT, headers: supervisor.headers });
    expect(response.statusCode, response.body).toBe(200);
    const none = { incidentReports: 0, statusHeard: 0, statusOnly: 0, queuedCallbacksBooked: 0, queuedCallbacksReached: 0, queuedCallbacksGaveUp: 0 };
    expect(response.json().savings).toEqual({
      incidentReports: 2,
      statusHeard: 3,
      statusOnly: 1,
      queuedCallbacksBooked: 3,
      queuedCallbacksReached: 1,
      queuedCallbacksGaveUp: 1,
      byMonth: [
        { ...none, month: '2026-10', incidentReports: 2, statusHeard: 3, statusOnly: 1 },
        { ...none, month: '2026-11', queuedCallbacksBooked: 3, queuedCallbacksReached: 1, queuedCallbacksGaveUp: 1 },
      ],
    });
  });

  it('gives the same figures in the CSV', async () => {
    const csv = await t.app.inject({ url: `${REPORT}&format=csv`, headers: supervisor.headers });
    const lines = csv.body.split('\r\n');
    const at = lines.indexOf('Risposte senza operatore e richiamate in coda');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 2, at + 5)).toEqual(['2026-10;2;3;1;0;0;0', '2026-11;0;0;0;3;1;1', 'Totale;2;3;1;3;1;1']);
  });

  it("is the agency's own: another agency's incident report is not in it", async () => {
    const milano = await t.app.inject({ url: '/api/v1/reports/calls?agency=aler-milano&from=2026-11-01&to=2026-11-30', headers: supervisor.headers });
    expect(milano.json().savings.incidentReports).toBe(1);
    const referente = await loginAs(t.app, 'referente-milano');
    expect((await t.app.inject({ url: REPORT, headers: referente.headers })).statusCode).toBe(404);
  });
});
