import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { accessLog, emailOutbox, inboundEmailRaw } from '../../src/db/schema/index.ts';
import { loadRaw } from '../../src/modules/email/email-repo.ts';
import { actorOf } from '../helpers/actors.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { deliverEmail, emailFixture } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

let t: TestApp;
const as: Record<string, Session> = {};
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  for (const user of ['supervisore', 'operatore1', 'referente-pavia', 'referente-milano']) as[user] = await loginAs(t.app, user);
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, user?: string) => t.app.inject({ method: 'GET', url, headers: user ? as[user].headers : {} });
const post = (url: string, user: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: as[user].headers, payload });

describe('quarantine', () => {
  it('shows supervisors what could not be filed, and nobody else', async () => {
    const garbage = await deliverEmail(t.app, emailFixture('garbage.bin'));
    const unknown = await deliverEmail(t.app, emailFixture('unknown-recipient.eml'));
    const list = await get('/api/v1/email/quarantine', 'supervisore');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; quarantine: { reason: string } }[];
    expect(items.find((item) => item.id === garbage.id)?.quarantine.reason).toBe('unparseable');
    expect(items.find((item) => item.id === unknown.id)?.quarantine.reason).toBe('unroutable');

    expect((await get('/api/v1/email/quarantine', 'operatore1')).statusCode).toBe(403);
    expect((await get('/api/v1/email/quarantine', 'referente-pavia')).statusCode).toBe(403);
    expect((await get('/api/v1/email/quarantine')).statusCode).toBe(401);
    expect((await get(`/api/v1/emails/${unknown.id}`, 'referente-pavia')).statusCode).toBe(404);
    expect((await get(`/api/v1/emails/${unknown.id}`, 'operatore1')).statusCode).toBe(404);

    const detail = await get(`/api/v1/emails/${unknown.id}`, 'supervisore');
    expect(detail.json()).toMatchObject({ status: 'quarantined', text: 'Vorrei sapere lo stato della mia domanda.' });
    const raw = await get(`/api/v1/emails/${garbage.id}/raw`, 'supervisore');
    expect(raw.statusCode).toBe(200);
    expect(raw.rawPayload.equals(emailFixture('garbage.bin'))).toBe(true);
  });

  it('"assign to agency" makes the ticket, once, and acknowledges the tenant', async () => {
    const raw = Buffer.from(emailFixture('unknown-recipient.eml').toString('latin1').replace('unknown-recipient.0001', 'unknown-recipient.0002'), 'latin1');
    const quarantined = await deliverEmail(t.app, raw);
    const assigned = await post(`/api/v1/email/quarantine/${quarantined.id}/assign`, 'supervisore', { agency: 'aler-pavia-lodi', category: 'admin' });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const answer = assigned.json();
    expect(answer).toMatchObject({ id: quarantined.id, status: 'ticket', ticket: expect.stringMatching(/^PV-2026-\d{6}$/) });
    const ticket = await t.app.services.tickets.getTicket(SYSTEM_ACTOR, answer.ticket);
    expect(ticket).toMatchObject({ agency: 'aler-pavia-lodi', category: 'admin', channel: 'email', caller: { email: 'sara.villa@fastwebnet.example' } });
    const [ack] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.inboundEmailId, quarantined.id));
    expect(ack).toMatchObject({ toAddress: 'sara.villa@fastwebnet.example', fromAddress: 'callcenter@aler-pavia-lodi.example' });

    const again = await post(`/api/v1/email/quarantine/${quarantined.id}/assign`, 'supervisore', { agency: 'aler-pavia-lodi' });
    expect(again.statusCode).toBe(409);
    const list = (await get('/api/v1/email/quarantine', 'supervisore')).json().items as { id: string }[];
    expect(list.some((item) => item.id === quarantined.id)).toBe(false);
    // Now the agency's own record: its clerk sees it, the other agency's does not.
    expect((await get(`/api/v1/emails/${quarantined.id}`, 'referente-pavia')).statusCode).toBe(200);
    expect((await get(`/api/v1/emails/${quarantined.id}`, 'referente-milano')).statusCode).toBe(404);
  });

  it('lets only one of two supervisors assigning at once win', async () => {
    const quarantined = await deliverEmail(t.app, Buffer.concat([emailFixture('garbage.bin'), Buffer.from('race')]));
    const supervisor = await actorOf(t.database.db, 'supervisore');
    const results = await Promise.allSettled([
      t.app.services.email.assignQuarantined(supervisor, quarantined.id, { agency: 'aler-milano' }),
      t.app.services.email.assignQuarantined(supervisor, quarantined.id, { agency: 'aler-pavia-lodi' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'CONFLICT' } });
  });

  it('"discard" takes it off the list and keeps the bytes', async () => {
    const quarantined = await deliverEmail(t.app, Buffer.concat([emailFixture('garbage.bin'), Buffer.from('discard')]));
    const discarded = await post(`/api/v1/email/quarantine/${quarantined.id}/discard`, 'supervisore');
    expect(discarded.statusCode).toBe(200);
    expect(discarded.json()).toMatchObject({ status: 'discarded', resolvedBy: 'supervisore' });
    expect((await post(`/api/v1/email/quarantine/${quarantined.id}/discard`, 'supervisore')).statusCode).toBe(409);
    expect((await post(`/api/v1/email/quarantine/${quarantined.id}/assign`, 'supervisore', { agency: 'aler-milano' })).statusCode).toBe(409);
    expect((await post(`/api/v1/email/quarantine/${quarantined.id}/discard`, 'operatore1')).statusCode).toBe(403);
    const open = (await get('/api/v1/email/quarantine', 'supervisore')).json().items as { id: string }[];
    expect(open.some((item) => item.id === quarantined.id)).toBe(false);
    const gone = (await get('/api/v1/email/quarantine?status=discarded', 'supervisore')).json().items as { id: string }[];
    expect(gone.some((item) => item.id === quarantined.id)).toBe(true);
    expect((await loadRaw(t.database.db, quarantined.id))!.length).toBeGreaterThan(2048);

    // Retention removes the bytes of mail discarded before its cut-off, not before.
    expect(await t.app.services.email.purgeDiscarded(new Date('2026-11-01T00:00:00Z'))).toBe(0);
    expect(await t.app.services.email.purgeDiscarded(new Date('2026-12-31T00:00:00Z'))).toBeGreaterThanOrEqual(1);
    expect(await t.database.db.select().from(inboundEmailRaw).where(eq(inboundEmailRaw.emailId, quarantined.id))).toEqual([]);
  });
});

describe('attachments', () => {
  it('are downloadable within the agency only, as attachments, and staff reads are logged', async () => {
    const answer = await deliverEmail(t.app, emailFixture('apple-mail-infiltrazione-foto.eml'));
    const url = `/api/v1/emails/${answer.id}/attachments/1`;
    const own = await get(url, 'referente-pavia');
    expect(own.statusCode).toBe(200);
    expect(own.headers['content-type']).toBe('image/jpeg');
    expect(own.headers['content-disposition']).toBe(`attachment; filename="IMG_4821.jpeg"; filename*=UTF-8''IMG_4821.jpeg`);
    expect(own.headers['x-content-type-options']).toBe('nosniff');
    expect(own.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    expect((await get(url, 'referente-milano')).statusCode).toBe(404);
    expect((await get(`/api/v1/emails/${answer.id}`, 'referente-milano')).statusCode).toBe(404);
    expect((await get(`/api/v1/emails?ticket=${answer.ticket}`, 'referente-milano')).statusCode).toBe(404);
    expect((await get(`/api/v1/emails/${answer.id}/attachments/2`, 'referente-pavia')).statusCode).toBe(404);

    const staff = await get(url, 'operatore1');
    expect(staff.statusCode).toBe(200);
    const logged = await t.database.db
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.resource, 'emails'), eq(accessLog.resourceId, answer.id)));
    expect(logged.map((entry) => [entry.actorName, entry.agencyCode, entry.action])).toContainEqual(['operatore1', 'aler-pavia-lodi', 'download']);

    const list = await get(`/api/v1/emails?ticket=${answer.ticket}`, 'referente-pavia');
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: answer.id, attachments: [expect.objectContaining({ n: 1, filename: 'IMG_4821.jpeg', url })] }),
    ]);
  });

  it('serves HTML and SVG attachments as opaque bytes, never as a page of ours', async () => {
    const raw = Buffer.from(
      [
        'From: a@posta.example',
        'To: segnalazioni@aler-milano.example',
        'Subject: allegato html',
        'Message-ID: <html-attachment@posta.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'vedi allegato',
        '--b',
        'Content-Type: text/html; name="pagina.html"',
        'Content-Disposition: attachment; filename="pagina.html"',
        '',
        '<script>alert(document.cookie)</script>',
        '--b--',
        '',
      ].join('\r\n'),
    );
    const answer = await deliverEmail(t.app, raw);
    const download = await get(`/api/v1/emails/${answer.id}/attachments/1`, 'referente-milano');
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-security-policy']).toContain('sandbox');
  });
});
