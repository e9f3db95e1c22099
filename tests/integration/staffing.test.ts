import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory } from '../../scripts/history/demo-history.ts';
import type { Staffing } from '../../src/contracts/reports.ts';
import { operatorsNeeded } from '../../src/domain/erlang.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 18 §3: the operators each half-hour of the week needs, from the last weeks of the same
 * season, against those who were logged in. A year of demo history; operatore1 logs in on Monday
 * 16 November at 09:00 and never logs out.
 */
const NOW = '2026-11-23T10:00:00+01:00';
let t: TestApp;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  supervisor = await loginAs(t.app, 'supervisore');
  await fillDemoHistory(t.database.db, { clock: t.clock, years: 1, callsPerDay: 120, seed: 3, replace: false });
  t.clock.set('2026-11-16T09:00:00+01:00');
  const operatore1 = await loginAs(t.app, 'operatore1');
  const ready = await t.app.inject({ method: 'PUT', url: '/api/v1/operators/me/presence', headers: operatore1.headers, payload: { presence: 'available' } });
  expect(ready.statusCode, ready.body).toBe(200);
  t.clock.set(NOW);
});
afterAll(async () => {
  await t?.close();
});

const get = (session: Session, query: string) => t.app.inject({ url: `/api/v1/reports/staffing${query}`, headers: session.headers });
const slotOf = (staffing: Staffing, weekday: number, start: string) => staffing.slots.find((slot) => slot.weekday === weekday && slot.start === start)!;

describe('staffing from the data', () => {
  it('gives every half-hour of the week its operators, from the last four heating-season weeks', async () => {
    const response = await get(supervisor, '?agency=aler-pavia-lodi&weeks=4');
    expect(response.statusCode, response.body).toBe(200);
    const staffing = response.json() as Staffing;
    expect(staffing).toMatchObject({ agency: 'aler-pavia-lodi', season: 'heating', days: { count: 28, from: '2026-10-26', to: '2026-11-22' } });
    expect(staffing.target).toEqual({ pct: 80, seconds: 20 });
    expect(staffing.slots).toHaveLength(7 * 48);
    // A Monday morning peak needs operators; the small hours of a Sunday need fewer.
    const mondayPeak = slotOf(staffing, 1, '10:00');
    expect(mondayPeak.calls).toBeGreaterThan(1);
    expect(mondayPeak.operatorsNeeded).toBeGreaterThanOrEqual(1);
    expect(slotOf(staffing, 7, '03:00').operatorsNeeded).toBeLessThanOrEqual(mondayPeak.operatorsNeeded);
    // The demo's callers hang up often enough for their patience to be known: Erlang A, with the patience stated.
    expect(staffing.model.kind).toBe('erlang-a');
    expect(staffing.model.abandonedCalls).toBeGreaterThanOrEqual(20);
    expect(staffing.model.patienceSeconds).toBeGreaterThan(0);
    // Each figure is Erlang A on the slot's own calls and handle time, reaches the target, and never exceeds Erlang C's.
    for (const slot of staffing.slots.filter((candidate) => candidate.calls > 0)) {
      const need = { calls: slot.calls, intervalSeconds: 1800, handleSeconds: slot.handleSeconds, targetPct: 80, targetSeconds: 20 };
      expect(slot.operatorsNeeded).toBe(operatorsNeeded({ ...need, patienceSeconds: staffing.model.patienceSeconds }).agents);
      expect(slot.operatorsNeeded).toBeLessThanOrEqual(operatorsNeeded(need).agents);
      expect(slot.serviceLevelPct).toBeGreaterThanOrEqual(80);
    }
    // The handle time counts the wrap-up: with no outcome ever given, the whole limit (60 s).
    expect(staffing.wrapUpSeconds).toBe(60);
    expect(staffing.handleSeconds).toBeGreaterThan(60);
  });

  it('sets those needed against those logged in, from the presence events of the same days', async () => {
    const staffing = (await get(supervisor, '?agency=aler-pavia-lodi&weeks=4')).json() as Staffing;
    // Four Mondays in the days; operatore1 was logged in on one of them from 09:00.
    expect(slotOf(staffing, 1, '08:30').operatorsLoggedIn).toBe(0);
    expect(slotOf(staffing, 1, '09:00').operatorsLoggedIn).toBe(0.25);
    expect(slotOf(staffing, 3, '15:00').operatorsLoggedIn).toBe(0.25);
  });

  it('pools the whole center, and outside the heating season reads the summer', async () => {
    const center = (await get(supervisor, '?weeks=4')).json() as Staffing;
    const pavia = (await get(supervisor, '?agency=aler-pavia-lodi&weeks=4')).json() as Staffing;
    const milano = (await get(supervisor, '?agency=aler-milano&weeks=4')).json() as Staffing;
    expect(center.agency).toBeNull();
    expect(center.agencies).toEqual(['aler-milano', 'aler-pavia-lodi']);
    const at = (staffing: Staffing) => slotOf(staffing, 1, '10:00');
    expect(at(center).calls).toBeCloseTo(at(pavia).calls + at(milano).calls, 1);
    expect(at(center).operatorsNeeded).toBeLessThanOrEqual(at(pavia).operatorsNeeded + at(milano).operatorsNeeded);

    const summer = (await get(supervisor, '?agency=aler-pavia-lodi&weeks=4&season=other')).json() as Staffing;
    expect(summer.season).toBe('other');
    expect(summer.days.to! < '2026-10-15').toBe(true);
    const weekly = (staffing: Staffing) => staffing.slots.reduce((sum, slot) => sum + slot.calls, 0);
    expect(weekly(summer)).toBeLessThan(weekly(pavia));
  });

  it('comes as CSV for Excel, and only to the staff who plan shifts for that agency', async () => {
    const csv = await get(supervisor, '?agency=aler-pavia-lodi&weeks=4&format=csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFPersonale necessario;aler-pavia-lodi');
    expect(lines).toContain(
      'Giorno;Dalle;Chiamate;Gestione media (s);Traffico (Erlang);Operatori necessari;Livello di servizio %;Occupazione %;Operatori collegati',
    );
    expect(lines.filter((line) => line.startsWith('lunedì;'))).toHaveLength(48);

    const milanoOnly = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
    expect((await get(milanoOnly, '?agency=aler-pavia-lodi')).statusCode).toBe(404);
    expect(((await get(milanoOnly, '')).json() as Staffing).agencies).toEqual(['aler-milano']);
    expect((await get(await loginAs(t.app, 'referente-pavia'), '?agency=aler-pavia-lodi')).statusCode).toBe(403);
    expect((await get(await loginAs(t.app, 'operatore1'), '')).statusCode).toBe(403);
    expect((await get(supervisor, '?weeks=99')).statusCode).toBe(400);
  });
});
