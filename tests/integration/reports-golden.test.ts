import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.ts';
import { actorOf } from '../helpers/actors.ts';
import { loginAs } from '../helpers/auth.ts';
import type { ReportFixture } from '../helpers/report-fixtures.ts';
import { expectedByHour, insertFixture, loadReportFixture } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Golden fixtures: facts inserted into `calls`, `inbound_emails` and `tickets`, then the report
 * through the API (rollup of sealed days) and through the raw calls; both must give the
 * hand-computed figures in tests/fixtures/reports/*.json.
 */
const FIXTURES = ['dst-spring', 'dst-autumn'].map((name) => [name, loadReportFixture(name)] as const);

let t: TestApp;
let supervisor: Actor;
let headers: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  for (const [, fixture] of FIXTURES) await insertFixture(t.database.db, fixture);
  // The sealer worker's pass (turned off in tests, so that it seals after the fixtures are in).
  await t.app.services.reports.sealFinishedDays();
  supervisor = await actorOf(t.database.db, 'supervisore');
  headers = (await loginAs(t.app, 'supervisore')).headers;
});

afterAll(async () => {
  await t.close();
});

function expectGolden(report: Record<string, unknown> & { byDay: unknown; byHour: unknown }, fixture: ReportFixture) {
  expect(report).toMatchObject({ agency: fixture.agency, from: fixture.from, to: fixture.to, timezone: 'Europe/Rome', parameters: fixture.parameters });
  expect(report.totals).toMatchObject(fixture.expected.totals);
  expect(report.byQueue).toEqual(fixture.expected.byQueue);
  expect(report.byChannel).toEqual(fixture.expected.byChannel);
  expect(report.byDay).toEqual(fixture.expected.byDay);
  expect(report.byHour).toEqual(expectedByHour(fixture));
}

describe.each(FIXTURES)('golden fixture %s', (_name, fixture) => {
  it('GET /api/v1/reports/calls gives the hand-computed figures (from the rollup)', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/calls?agency=${fixture.agency}&from=${fixture.from}&to=${fixture.to}`,
      headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.sources).toEqual({ rollup: { from: fixture.from, to: fixture.to }, raw: null });
    expectGolden(report, fixture);
  });

  it('the raw calls give the same figures', async () => {
    const report = await t.app.services.reports.callReport(supervisor, { agency: fixture.agency, from: fixture.from, to: fixture.to, source: 'raw' });
    expect(report.sources).toEqual({ rollup: null, raw: { from: fixture.from, to: fixture.to } });
    expectGolden(report, fixture);
  });
});
