import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import type { SmtpListener } from '../helpers/smtp-listener.ts';
import { startSmtpListener } from '../helpers/smtp-listener.ts';
import { TEST_DEMO_PASSWORD, TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { checkScreen as checkScreenAt } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 15 §1–§3 in Chromium: the clerk finds a ticket by the tenant's phone as people write it,
 * opens it and closes it with a note the operator then reads; the operator takes an e-mail ticket,
 * reads the mail, re-files and routes it and answers the tenant, whose answer (through a real SMTP
 * listener and the signed inbound webhook) appears on the ticket. axe-core and 390 px on each screen.
 */
const SHOTS = '/tmp/shots-tickets';
const DATA_DIR = path.resolve(`.tmp/e2e-tickets-${process.pid}`);
const PAVIA = 'aler-pavia-lodi';
const PAVIA_MAIL = 'callcenter@aler-pavia-lodi.example';
const TENANT_MAIL = 'anna.colombo@posta.example';
const clock = runningClockFrom('2026-11-23T10:00:00+01:00');

let database: DatabaseHandle;
let smtp: SmtpListener;
let server: E2eServer;
let operator: UserBrowser;
let clerk: UserBrowser;
let phoneRef = '';
let mailRef = '';

async function logIn(username: string): Promise<Record<string, string>> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: server.url, host: new URL(server.url).host },
    payload: { username, password: TEST_DEMO_PASSWORD },
  });
  expect(response.statusCode).toBe(200);
  const cookie = String(response.headers['set-cookie']).split(';')[0];
  return { cookie, 'x-csrf-token': response.json().csrfToken, origin: server.url, host: new URL(server.url).host };
}

async function postMail(raw: string): Promise<{ status: string; ticket: string | null }> {
  const body = Buffer.from(raw.split('\n').join('\r\n'));
  const response = await fetch(`${server.url}/webhooks/email/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', 'x-signature-256': signEmailWebhook(TEST_EMAIL_SECRET, body), 'x-envelope-to': PAVIA_MAIL },
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { status: string; ticket: string | null };
}

const checkScreen = (page: Page, name: string) => checkScreenAt(page, name, SHOTS);

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  smtp = await startSmtpListener();
  database = await createTestDatabase();
  server = await startServer({ database, clock, port: await freePort(), dataDir: DATA_DIR, config: { SMTP_URL: smtp.url } });
  [operator, clerk] = await Promise.all([openBrowser({ width: 1280, height: 800 }), openBrowser({ width: 1280, height: 800 })]);
  for (const browser of [operator, clerk]) browser.context.setDefaultTimeout(0);

  const staff = await logIn('operatore2');
  const created = await server.app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: staff,
    payload: {
      agency: PAVIA,
      category: 'maintenance',
      description: 'Perdita d’acqua dal soffitto della cucina, macchia in allargamento.',
      caller: { phone: '+393485551234', name: 'Lucia Ferri' },
      dwelling: { address: 'Via dei Mille 12', municipality: 'Pavia', stair: 'C', floor: '3', flat: '9' },
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  phoneRef = created.json().ref;
  // Another tenant's ticket, so that the search has something to leave out.
  await server.app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: staff,
    payload: { agency: PAVIA, category: 'heating', description: 'Caldaia in blocco', caller: { phone: '+393401112233', name: 'Paolo Neri' } },
  });

  // More tickets than a page holds, for "Carica altri".
  for (let n = 1; n <= 27; n++) {
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: staff,
      payload: { agency: PAVIA, category: 'maintenance', description: `Lampadina fulminata sul pianerottolo, scala ${n}` },
    });
  }

  const pdf = Buffer.from('%PDF-1.4\n% foto della perdita\n').toString('base64');
  const filed = await postMail(
    [
      `From: Anna Colombo <${TENANT_MAIL}>`,
      `To: ${PAVIA_MAIL}`,
      'Subject: Termosifoni freddi in tutto l’appartamento',
      'Message-ID: <termosifoni-e2e@posta.example>',
      'Date: Mon, 23 Nov 2026 09:30:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Buongiorno, da ieri sera i termosifoni sono freddi. Via Riviera 41, scala A, interno 7.',
      '--b1',
      'Content-Type: application/pdf; name="foto-caldaia.pdf"',
      'Content-Disposition: attachment; filename="foto-caldaia.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf,
      '--b1--',
      '',
    ].join('\n'),
  );
  expect(filed.status).toBe('ticket');
  mailRef = filed.ticket!;
});

afterAll(async () => {
  await Promise.all([operator, clerk].map((browser) => browser?.close()));
  await server?.app.close();
  await database?.close();
  await smtp?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

describe('tickets in the browser', () => {
  it('the clerk finds the ticket by the phone written 348 555 1234, opens it and closes it with a note', async () => {
    const page = clerk.page;
    await logInThroughPage(page, server.url, 'referente-pavia');
    await page.getByRole('link', { name: 'Cerca', exact: true }).click();
    await page.getByLabel('Riferimento, telefono, nome, indirizzo o testo').fill('348 555 1234');
    await page.keyboard.press('Enter');
    const rows = page.locator('[data-testid="ticket-results"] li');
    await rows.filter({ hasText: phoneRef }).waitFor();
    expect(await rows.count()).toBe(1);
    await checkScreen(page, 'clerk-list');

    await page.getByRole('link', { name: phoneRef }).click();
    await page.getByRole('heading', { name: `Segnalazione ${phoneRef}` }).waitFor();
    // Opening a ticket puts the keyboard on its title.
    expect(await page.evaluate('document.activeElement?.id')).toBe('ticket-title');
    await checkScreen(page, 'clerk-detail');

    await page.locator('[data-action="closed"]').click();
    await page.getByLabel('Nota di chiusura').fill('Raccordo sostituito dal tecnico di zona');
    await page.locator('[data-action="confirm-move"]').click();
    await page.locator('[data-testid="ticket-status"]').filter({ hasText: 'Chiusa' }).waitFor();
    await page.locator('[data-testid="ticket-ending"]').filter({ hasText: 'Raccordo sostituito dal tecnico di zona' }).waitFor();
    // The result is announced where the keyboard now is.
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('action-result');
  });

  it('the operator reads who closed it, when and with what note, reopens it when the tenant calls again, and moves it to the agency it belongs to', async () => {
    const page = operator.page;
    await logInThroughPage(page, server.url, 'operatore1');
    await page.goto(`${server.url}/segnalazioni/${phoneRef}`);
    const ending = page.locator('[data-testid="ticket-ending"]');
    await ending.filter({ hasText: 'referente-pavia' }).filter({ hasText: 'Raccordo sostituito dal tecnico di zona' }).waitFor();

    // The tenant calls again: it still leaks. Reopening needs a reason and sends it back to the agency.
    await page.getByRole('button', { name: 'Riapri' }).click();
    await page.locator('[data-action="confirm-move"]').click();
    expect(await page.locator('[data-testid="ticket-status"]').textContent()).toContain('Chiusa');
    await page.getByLabel('Perché si riapre (l’ente la riceve di nuovo)').fill('L’inquilino richiama: perde ancora dal raccordo');
    await page.locator('[data-action="confirm-move"]').click();
    await page.locator('[data-testid="ticket-status"]').filter({ hasText: 'Inviata all’ente' }).waitFor();
    expect(await ending.count()).toBe(0);
    await page.locator('[data-kind="routed"]').filter({ hasText: 'Riaperta' }).filter({ hasText: 'perde ancora dal raccordo' }).waitFor();

    // The flat turns out to be ALER Milano's: the ticket moves there, with the reason, and this one is cancelled.
    await page.getByText('Trasferisci a un altro ente').click();
    await page.getByTestId('transfer-agency').selectOption('aler-milano');
    await page.getByTestId('transfer-reason').fill('L’alloggio è di ALER Milano, via Padova 12');
    await page.locator('[data-action="transfer"]').click();
    await page.waitForURL((url) => url.pathname !== `/segnalazioni/${phoneRef}`);
    await page.locator('[data-kind="transferred_in"]').filter({ hasText: phoneRef }).filter({ hasText: 'via Padova 12' }).waitFor();
    await checkScreen(page, 'operator-transferred');
    await page.goto(`${server.url}/segnalazioni/${phoneRef}`);
    await page.locator('[data-testid="ticket-status"]').filter({ hasText: 'Annullata' }).waitFor();
  });

  it('the operator takes an e-mail ticket, reads the mail, re-files and routes it, and answers the tenant', async () => {
    const page = operator.page;
    await page.goto(`${server.url}/operatore`);
    const item = page.locator('[data-testid="emails"] li').filter({ hasText: 'Termosifoni freddi' });
    await item.getByRole('button', { name: 'Prendi' }).click();
    await page.waitForURL(`**/segnalazioni/${mailRef}`);
    const mail = page.locator('[data-kind="email"]');
    await mail.filter({ hasText: 'da ieri sera i termosifoni sono freddi' }).waitFor();
    const attachment = mail.getByRole('link', { name: 'foto-caldaia.pdf' });
    const download = await page.request.get(new URL(String(await attachment.getAttribute('href')), server.url).toString());
    expect(download.status()).toBe(200);
    expect((await download.body()).toString()).toContain('foto della perdita');

    // The platform filed it as maintenance or heating; the operator files it under heating either way.
    await page.getByTestId('refile-category').selectOption('admin');
    await page.locator('[data-action="refile"]').click();
    await page.locator('[data-kind="category_changed"]').waitFor();
    await page.getByTestId('refile-category').selectOption('heating');
    await page.locator('[data-action="refile"]').click();
    await page.locator('[data-kind="category_changed"]').nth(1).waitFor();
    await page.locator('[data-action="routed"]').click();
    await page.locator('[data-action="confirm-move"]').click();
    await page.locator('[data-testid="ticket-status"]').filter({ hasText: 'Inviata all’ente' }).waitFor();

    await page.getByLabel('Nota', { exact: true }).fill('La signora è anziana: preferisce essere richiamata al mattino');
    await page.locator('[data-action="add-note"]').click();
    await page.locator('[data-kind="note"][data-visibility="internal"]').waitFor();

    const canned = page.getByTestId('canned-answer');
    await canned.selectOption({ index: 1 });
    const text = page.getByTestId('reply-text');
    expect((await text.inputValue()).length).toBeGreaterThan(0);
    await text.fill(`${await text.inputValue()}\nIl tecnico passerà domani tra le 9 e le 11.`);
    await page.locator('[data-action="send-reply"]').click();
    await page
      .getByTestId('reply-result')
      .filter({ hasText: `in coda di invio a ${TENANT_MAIL}` })
      .waitFor();
    await page.locator('[data-kind="reply"]').filter({ hasText: 'Il tecnico passerà domani tra le 9 e le 11.' }).waitFor();
    // Queued, not yet taken by the tenant's mail server: the history says so.
    await page.locator('[data-kind="reply"] [data-testid="reply-state"]').filter({ hasText: 'In invio' }).waitFor();
    await checkScreen(page, 'operator-detail');

    await server.app.services.outbox.runDue();
    const reply = smtp.received.find((message) => message.subject === `[${mailRef}] Risposta alla Sua segnalazione`);
    expect(reply?.envelopeTo).toEqual([TENANT_MAIL]);
    expect(reply?.text).toContain('Il tecnico passerà domani tra le 9 e le 11.');

    const answer = await postMail(
      [
        `From: Anna Colombo <${TENANT_MAIL}>`,
        `To: ${PAVIA_MAIL}`,
        `Subject: Re: ${reply?.subject}`,
        'Message-ID: <risposta-e2e@posta.example>',
        `In-Reply-To: ${reply?.messageId}`,
        `References: <termosifoni-e2e@posta.example> ${reply?.messageId}`,
        'Date: Mon, 23 Nov 2026 10:20:00 +0100',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Grazie, domani sarò a casa tutta la mattina.',
        '',
      ].join('\n'),
    );
    expect(answer).toMatchObject({ status: 'appended', ticket: mailRef });
    // It arrives on the open page by itself (live event), without a reload.
    await page.locator('[data-kind="email"]').filter({ hasText: 'domani sarò a casa tutta la mattina' }).waitFor();
    await page.locator('[data-kind="reply"] [data-testid="reply-state"]').filter({ hasText: 'Inviata il' }).waitFor();
  });

  it('the operator searches by name and pages with "Carica altri"; the list passes axe at both sizes', async () => {
    const page = operator.page;
    await page.getByRole('link', { name: 'Cerca', exact: true }).click();
    await page.locator('[data-testid="ticket-results"] li').first().waitFor();
    await checkScreen(page, 'operator-list');
    await page.getByLabel('Riferimento, telefono, nome, indirizzo o testo').fill('Colombo');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await page.locator('[data-testid="ticket-results"] li').filter({ hasText: mailRef }).waitFor();
    await page.getByLabel('Riferimento, telefono, nome, indirizzo o testo').fill('lampadina fulminata');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    const rows = page.locator('[data-testid="ticket-results"] li');
    await page.getByTestId('results-count').filter({ hasText: '25 segnalazioni mostrate, altre disponibili' }).waitFor();
    await page.getByRole('button', { name: 'Carica altri' }).click();
    await page.getByTestId('results-count').filter({ hasText: '27 segnalazioni mostrate' }).waitFor();
    expect(await rows.count()).toBe(27);
    // The keyboard lands on the first ticket added, so paging on does not send it back to the top.
    expect(await page.evaluate("document.activeElement?.closest('li')?.dataset.ref")).toBe(await rows.nth(25).getAttribute('data-ref'));
    await page.getByLabel('Riferimento, telefono, nome, indirizzo o testo').fill('nessuno si chiama così');
    await page.getByRole('button', { name: 'Cerca', exact: true }).click();
    await page.getByTestId('tickets-empty').waitFor();
  });
});
