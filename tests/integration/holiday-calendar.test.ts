import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Issue 16 §5: a new client onboarded "closed on holidays" meets Italy's calendar and its comune's
 * patron saint without anyone typing a date, and the demo agencies keep answering on holidays.
 */
const SESTO = 'comune-sesto';
const SESTO_NUMBER = '+390224960000';
const SPLIT_SHIFTS = [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
  { weekday, opens: '09:30', closes: '12:00' },
  { weekday, opens: '15:00', closes: '18:00' },
]);

let t: TestApp;
/** The administrator's session, opened again whenever a call moved the clock past its lifetime. */
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-06-20T08:00:00Z' });
  admin = await loginAs(t.app, 'admin');
  const created = await api('POST', '/api/v1/admin/agencies', admin, {
    code: SESTO,
    name: 'Comune di Sesto San Giovanni',
    ticketPrefix: 'SSG',
    comuni: ['sesto-san-giovanni'],
  });
  expect(created.statusCode, created.body).toBe(201);
  expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/numbers`, admin, { numbers: [{ e164: SESTO_NUMBER, kind: 'landline' }] })).statusCode).toBe(200);
  expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/schedule/weekly`, admin, { weekly: SPLIT_SHIFTS })).statusCode).toBe(200);
});
afterAll(async () => {
  await t.close();
});

function api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: unknown) {
  return t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** A signed incoming call at a wall-clock instant; sessions are opened again at that instant. */
async function callAt(instant: string, to = SESTO_NUMBER) {
  t.clock.set(instant);
  admin = await loginAs(t.app, 'admin');
  const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', to));
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('a new agency closed on holidays, serving Sesto San Giovanni', () => {
  it('is created closed on holidays, with the comune it serves', async () => {
    const agency = (await api('GET', `/api/v1/admin/agencies/${SESTO}`, admin)).json();
    expect(agency).toMatchObject({ comuni: ['sesto-san-giovanni'], holidayMode: 'closed' });
  });

  it('answers with the menu at 10:00 on a Saturday', async () => {
    const twiml = await callAt('2026-06-27T10:00:00+02:00');
    expect(twiml).toContain('<Gather');
    expect(twiml).toContain('Comune di Sesto San Giovanni');
  });

  it('tells a caller on 24 June, its patron saint, that it is closed and why', async () => {
    const twiml = await callAt('2026-06-24T10:00:00+02:00');
    expect(twiml).not.toContain('<Gather');
    expect(twiml).toContain('Oggi, festa di San Giovanni Battista, il servizio è chiuso.');
    expect(twiml).toContain('Potrà richiamare domani alle 9 e 30.');
    expect(twiml).toContain('<Hangup/>');
  });

  it('is closed on Sunday and between the two shifts', async () => {
    expect(await callAt('2026-06-28T10:00:00+02:00')).not.toContain('<Gather');
    expect(await callAt('2026-06-25T12:30:00+02:00')).not.toContain('<Gather');
    expect(await callAt('2026-06-25T15:00:00+02:00')).toContain('<Gather');
  });

  it('shows the next 14 days as callers will meet them, with the reason of each', async () => {
    await callAt('2026-06-22T07:00:00Z');
    const response = await api('GET', `/api/v1/admin/agencies/${SESTO}/calendar`, admin);
    expect(response.statusCode).toBe(200);
    const calendar = response.json();
    expect(calendar.from).toBe('2026-06-22');
    expect(calendar.days).toHaveLength(14);
    expect(calendar.days[0]).toMatchObject({ date: '2026-06-22', weekdayName: 'lunedì', reason: { kind: 'weekly' } });
    expect(calendar.days[0].ranges).toEqual([
      { opens: '09:30', closes: '12:00' },
      { opens: '15:00', closes: '18:00' },
    ]);
    expect(calendar.days[2]).toMatchObject({
      date: '2026-06-24',
      ranges: [],
      reason: { kind: 'holiday', label: 'San Giovanni Battista, patrono di Sesto San Giovanni', holidayKey: 'patron:sesto-san-giovanni', mode: 'closed' },
    });
    expect(calendar.days[6]).toMatchObject({ date: '2026-06-28', weekdayName: 'domenica', ranges: [] });
  });
});

describe('holiday choices', () => {
  it("lists the year's holidays with the agency's choice, and the comuni it may serve", async () => {
    const holidays = (await api('GET', `/api/v1/admin/agencies/${SESTO}/holidays?year=2027`, admin)).json();
    expect(holidays).toMatchObject({ agency: SESTO, year: 2027, defaultMode: 'closed' });
    expect(holidays.holidays).toContainEqual({
      key: 'national:lunedi-dell-angelo',
      date: '2027-03-29',
      kind: 'national',
      name: "Lunedì dell'Angelo",
      comune: null,
      mode: 'closed',
      ranges: [],
      explicit: false,
    });
    expect(holidays.holidays.find((holiday: { key: string }) => holiday.key === 'patron:sesto-san-giovanni')).toMatchObject({ date: '2027-06-24' });
    expect(holidays.comuni).toContainEqual({
      comune: 'sesto-san-giovanni',
      name: 'Sesto San Giovanni',
      saint: 'San Giovanni Battista',
      date: '06-24',
      served: true,
    });
    expect(holidays.comuni).toContainEqual(expect.objectContaining({ comune: 'milano', served: false }));
  });

  it('keeps special hours on one holiday and opens as usual on another, and callers meet them at once', async () => {
    const response = await api('PUT', `/api/v1/admin/agencies/${SESTO}/holidays?year=2026`, admin, {
      choices: [
        { key: 'national:festa-della-repubblica', mode: 'special', ranges: [{ opens: '09:00', closes: '11:00' }] },
        { key: 'patron:sesto-san-giovanni', mode: 'open' },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const repubblica = response.json().holidays.find((holiday: { key: string }) => holiday.key === 'national:festa-della-repubblica');
    expect(repubblica).toMatchObject({ mode: 'special', ranges: [{ opens: '09:00', closes: '11:00' }], explicit: true });
    expect(await callAt('2026-06-02T10:00:00+02:00')).toContain('<Gather');
    expect(await callAt('2026-06-24T10:00:00+02:00')).toContain('<Gather');
    const after = await callAt('2026-06-02T16:00:00+02:00');
    expect(after).toContain('Oggi, Festa della Repubblica, il servizio è attivo soltanto dalle 9 alle 11');
  });

  it('closes every holiday again in one call, choices of their own removed', async () => {
    const response = await api('PUT', `/api/v1/admin/agencies/${SESTO}/holidays`, admin, { defaultMode: 'closed', choices: [] });
    expect(response.statusCode).toBe(200);
    expect(response.json().holidays.every((holiday: { mode: string }) => holiday.mode === 'closed')).toBe(true);
    expect(await callAt('2026-06-24T10:00:00+02:00')).not.toContain('<Gather');
  });

  it('refuses unknown comuni and holidays, and special hours without hours', async () => {
    expect((await api('PATCH', `/api/v1/admin/agencies/${SESTO}`, admin, { comuni: ['atlantide'] })).statusCode).toBe(400);
    expect(
      (await api('PUT', `/api/v1/admin/agencies/${SESTO}/holidays`, admin, { choices: [{ key: 'national:ferragostissimo', mode: 'closed' }] })).statusCode,
    ).toBe(400);
    expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/holidays`, admin, { choices: [{ key: 'national:natale', mode: 'special' }] })).statusCode).toBe(
      400,
    );
  });

  it('adds a comune served by PATCH, and its patron saint becomes a holiday', async () => {
    const patched = await api('PATCH', `/api/v1/admin/agencies/${SESTO}`, admin, { comuni: ['sesto-san-giovanni', 'milano'] });
    expect(patched.json().comuni).toEqual(['sesto-san-giovanni', 'milano']);
    const twiml = await callAt('2026-12-07T10:00:00+01:00');
    expect(twiml).toContain("Oggi, festa di Sant'Ambrogio, il servizio è chiuso.");
    // 8 December, Immacolata, is closed too: the caller is told the first day really open.
    expect(twiml).toContain('Potrà richiamare mercoledì 9 dicembre alle 9 e 30.');
  });
});

describe('the demo agencies, open on holidays as before calendars', () => {
  it('answer with the menu on 8 December and on Christmas', async () => {
    expect(await callAt('2026-12-08T10:00:00+01:00', '+39800100100')).toContain('<Gather');
    expect(await callAt('2026-12-25T10:00:00+01:00', '+39800200200')).toContain('<Gather');
    const holidays = (await api('GET', '/api/v1/admin/agencies/aler-milano/holidays?year=2026', admin)).json();
    expect(holidays.defaultMode).toBe('open');
  });
});

describe('editing one exception', () => {
  it('sets, changes and removes one date, keeping the others, the weekly hours and the holiday choices', async () => {
    const base = `/api/v1/admin/agencies/${SESTO}/schedule/exceptions`;
    expect((await api('PUT', `${base}/2026-08-14`, admin, { note: 'Ponte di Ferragosto' })).statusCode).toBe(200);
    expect((await api('PUT', `${base}/2026-12-24`, admin, { ranges: [{ opens: '09:30', closes: '12:00' }], note: 'Vigilia' })).statusCode).toBe(200);
    const changed = await api('PUT', `${base}/2026-08-14`, admin, { ranges: [{ opens: '10:00', closes: '11:00' }], note: 'Solo mattina' });
    expect(changed.json().schedule.exceptions).toEqual([
      { date: '2026-08-14', ranges: [{ opens: '10:00', closes: '11:00' }], note: 'Solo mattina' },
      { date: '2026-12-24', ranges: [{ opens: '09:30', closes: '12:00' }], note: 'Vigilia' },
    ]);
    const removed = await api('DELETE', `${base}/2026-08-14`, admin);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().schedule.exceptions).toEqual([{ date: '2026-12-24', ranges: [{ opens: '09:30', closes: '12:00' }], note: 'Vigilia' }]);
    expect(removed.json().schedule.weekly).toHaveLength(SPLIT_SHIFTS.length);
    expect((await api('DELETE', `${base}/2026-08-14`, admin)).statusCode).toBe(404);
    expect(await callAt('2026-12-24T16:00:00+01:00')).not.toContain('<Gather');
    expect(await callAt('2026-12-24T10:00:00+01:00')).toContain('<Gather');
  });

  it('replaces the weekly hours alone, keeping the exceptions', async () => {
    const response = await api('PUT', `/api/v1/admin/agencies/${SESTO}/schedule/weekly`, admin, {
      weekly: SPLIT_SHIFTS.filter((range) => range.weekday !== 6),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().schedule.exceptions.map((exception: { date: string }) => exception.date)).toEqual(['2026-12-24']);
    expect(await callAt('2026-06-27T10:00:00+02:00')).not.toContain('<Gather');
  });
});

describe('who may read and change the calendar', () => {
  it('refuses staff not serving the agency, lets a supervisor serving it read and not change', async () => {
    const milanoOnly = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
    for (const url of [`/api/v1/admin/agencies/${SESTO}/calendar`, `/api/v1/admin/agencies/${SESTO}/holidays`]) {
      const response = await api('GET', url, milanoOnly);
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('sesto');
    }
    expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/schedule/exceptions/2026-08-14`, milanoOnly, {})).statusCode).toBe(403);

    const sestoSupervisor = await createStaffUser(t.app, 'supervisore-sesto', 'supervisor', [SESTO, 'aler-milano']);
    expect((await api('GET', `/api/v1/admin/agencies/${SESTO}/calendar?from=2026-06-22&days=3`, sestoSupervisor)).json().days).toHaveLength(3);
    expect((await api('GET', `/api/v1/admin/agencies/${SESTO}/holidays`, sestoSupervisor)).statusCode).toBe(200);
    expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/holidays`, sestoSupervisor, { choices: [] })).statusCode).toBe(403);
    expect((await api('DELETE', `/api/v1/admin/agencies/${SESTO}/schedule/exceptions/2026-12-24`, sestoSupervisor)).statusCode).toBe(403);
    expect((await api('PUT', `/api/v1/admin/agencies/${SESTO}/schedule/weekly`, sestoSupervisor, { weekly: [] })).statusCode).toBe(403);

    const clerk = await loginAs(t.app, 'referente-milano');
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano/calendar', clerk)).statusCode).toBe(403);
  });
});
