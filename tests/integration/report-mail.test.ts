import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../../src/db/schema/auth.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { FixtureCall } from '../helpers/report-fixtures.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import type { SmtpListener } from '../helpers/smtp-listener.ts';
import { startSmtpListener } from '../helpers/smtp-listener.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const PAVIA = 'aler-pavia-lodi';
const LIAISON = 'referente@aler-pavia-lodi.example';
const ISSUER = 'supervisione@callcenter.example';
const SETTINGS = `/api/v1/admin/agencies/${PAVIA}/report-mail`;

let smtp: SmtpListener;
let t: TestApp;
let admin: Session;
let supervisor: Session;
let milanoSupervisor: Session;
let referentePavia: Session;

const call = (local: string, agency: string, outcome: string, queueTimeSeconds: number | null = 10): FixtureCall => ({
  local,
  agency,
  numberKind: 'numero_verde',
  outcome,
  category: outcome === 'out_of_hours' ? null : 'maintenance',
  queueTimeSeconds,
  talkSeconds: outcome === 'answered' ? 120 : null,
});

beforeAll(async () => {
  smtp = await startSmtpListener({ refuse: (address) => address.startsWith('inesistente@') });
  // 2 December, 10:00 in Rome: November has ended, and so has the third quarter.
  t = await createTestApp({ now: '2026-12-02T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0', SMTP_URL: smtp.url } });
  await insertCalls(t.database.db, [
    // Pavia's November: three answered, one abandoned.
    call('2026-11-03T09:15:00+01:00', PAVIA, 'answered'),
    call('2026-11-10T11:00:00+01:00', PAVIA, 'answered'),
    call('2026-11-30T19:40:00+01:00', PAVIA, 'answered'),
    call('2026-11-17T15:00:00+01:00', PAVIA, 'abandoned', 90),
    // Not November: the evening of 31 October in Rome, and 1 December.
    call('2026-10-31T23:30:00+01:00', PAVIA, 'answered'),
    call('2026-12-01T09:00:00+01:00', PAVIA, 'answered'),
    // Another agency's month, which Pavia's liaison must not see.
    ...Array.from({ length: 7 }, (_, index) => call(`2026-11-${String(index + 10)}T10:00:00+01:00`, 'aler-milano', 'answered')),
  ]);
  [admin, supervisor, referentePavia] = await Promise.all(['admin', 'supervisore', 'referente-pavia'].map((name) => loginAs(t.app, name)));
  milanoSupervisor = await createStaffUser(t.app, 'supervisore-solo-milano-report', 'supervisor', ['aler-milano']);
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const api = (method: 'GET' | 'PUT', url: string, session: Session, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload }) });

async function mailDue() {
  const pass = await t.app.services.reportMail.mailDue();
  await t.app.services.outbox.idle();
  return pass;
}

describe('who sets up the reports that arrive by e-mail', () => {
  it('only an administrator chooses the recipients; supervisors serving the agency read them; others get nothing', async () => {
    const body = { monthlyReport: [LIAISON], statementDraft: [ISSUER] };
    expect((await api('PUT', SETTINGS, supervisor, body)).statusCode).toBe(403);
    expect((await api('GET', SETTINGS, referentePavia)).statusCode).toBe(403);
    expect((await api('GET', SETTINGS, milanoSupervisor)).statusCode).toBe(404);
    const saved = await api('PUT', SETTINGS, admin, { monthlyReport: ['Referente@ALER-Pavia-Lodi.example'], statementDraft: [ISSUER] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().recipients).toEqual({ monthlyReport: [LIAISON], statementDraft: [ISSUER] });
    expect((await api('GET', SETTINGS, supervisor)).json().recipients.monthlyReport).toEqual([LIAISON]);
    expect((await api('PUT', SETTINGS, admin, { monthlyReport: ['non è un indirizzo'], statementDraft: [] })).statusCode).toBe(400);
  });
});

describe('the monthly report and the statement draft', () => {
  it('reach a real SMTP server with the agency’s November figures only, the report attached as CSV', async () => {
    const pass = await mailDue();
    expect(pass.written).toBe(2);
    const monthly = smtp.received.find((mail) => mail.envelopeTo.includes(LIAISON));
    expect(monthly?.subject).toBe('Rapporto chiamate di novembre 2026 – ALER Pavia-Lodi');
    expect(monthly?.text).toContain('Chiamate: 4');
    expect(monthly?.text).toContain('Risposte: 3');
    expect(monthly?.text).toContain('Abbandonate: 1');
    expect(monthly?.html).toContain('<td style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:right">4</td>');
    expect(monthly?.text).not.toMatch(/Milano/);
    const csv = monthly?.attachments.find((attachment) => attachment.filename === `chiamate-${PAVIA}-2026-11-01-2026-11-30.csv`);
    const csvText = csv?.content.toString('utf8') ?? '';
    expect(csvText).toContain('Chiamate;4');
    expect(csvText).toContain('Risposte;3');
    expect(csvText).not.toMatch(/milano/i);

    const draft = smtp.received.find((mail) => mail.envelopeTo.includes(ISSUER));
    expect(draft?.subject).toBe('Bozza del prospetto 2026-Q3 da emettere – ALER Pavia-Lodi');
    expect(draft?.text).toContain('Report › Prospetti');
  });

  it('is sent once a period: a second pass, or another node’s, writes nothing', async () => {
    const before = smtp.received.length;
    expect((await mailDue()).written).toBe(0);
    expect(smtp.received.length).toBe(before);
    const recent = (await api('GET', SETTINGS, admin)).json().recent as { kind: string; period: string; status: string }[];
    expect(recent.map((mailing) => [mailing.kind, mailing.period, mailing.status]).sort()).toEqual([
      ['monthly_report', '2026-11', 'delivered'],
      ['statement_draft', '2026-Q3', 'delivered'],
    ]);
  });

  it('is written in the agency’s access log as the platform’s own disclosure, to whom', async () => {
    const rows = await t.database.db.select().from(accessLog).where(eq(accessLog.agencyCode, PAVIA));
    const mailed = rows.filter((row) => row.action === 'mail');
    expect(mailed.map((row) => [row.actorKind, row.resource, row.resourceId, row.fields]).sort()).toEqual([
      ['system', 'call-report', '2026-11', [LIAISON]],
      ['system', 'statement-draft', '2026-Q3', [ISSUER]],
    ]);
  });

  it('a recipient added later gets the month too; one the mail server refuses is retried, visibly', async () => {
    const saved = await api('PUT', SETTINGS, admin, {
      monthlyReport: [LIAISON, 'inesistente@aler-pavia-lodi.example', 'ufficio@aler-pavia-lodi.example'],
      statementDraft: [ISSUER],
    });
    expect(saved.statusCode).toBe(200);
    expect((await mailDue()).written).toBe(2);
    expect(smtp.received.filter((mail) => mail.envelopeTo.includes('ufficio@aler-pavia-lodi.example'))).toHaveLength(1);
    expect(smtp.received.filter((mail) => mail.envelopeTo.includes(LIAISON))).toHaveLength(1);
    const refused = ((await api('GET', SETTINGS, admin)).json().recent as { to: string; status: string; attempts: number; lastError: string | null }[]).find(
      (mailing) => mailing.to.startsWith('inesistente@'),
    );
    expect(refused).toMatchObject({ status: 'pending', attempts: 1 });
    expect(refused?.lastError).toMatch(/550|Mailbox unavailable/);
  });
});
