import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS_BY_CODE } from '../../src/domain/errors.ts';
import { securityEvents } from '../../src/db/schema/index.ts';
import { installDashboard } from '../../src/http/dashboard-static.ts';
import { installErrorHandler } from '../../src/http/error-handler.ts';
import { signMailgun } from '../../webhooks/email/email-signature.ts';
import { emailFixture, multipartBody } from '../helpers/email-requests.ts';
import { rawExchange } from '../helpers/raw-http.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';

/**
 * Every error answer, whoever refuses (a service verb, a webhook adapter, the HTTP server before
 * Fastify, the dashboard's catch-all), is `{ error: { code, message }, requestId }` with the status
 * the one table gives its code.
 */
let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

const countSecurityEvents = async () => (await t.database.db.select({ n: count() }).from(securityEvents))[0].n;
const errorShape = (code: keyof typeof HTTP_STATUS_BY_CODE) => ({ error: { code, message: expect.any(String) }, requestId: expect.any(String) });

describe('the error table', () => {
  it('keeps the statuses providers act on: a replay is 406, which Mailgun never retries', () => {
    expect(HTTP_STATUS_BY_CODE.REPLAYED).toBe(406);
    expect(HTTP_STATUS_BY_CODE.HEADERS_TOO_LARGE).toBe(431);
    expect(HTTP_STATUS_BY_CODE.SIGNATURE_REJECTED).toBe(403);
  });
});

describe('answers built outside the service verbs go through the one error handler', () => {
  const mailgunPost = (token: string, timestamp = String(Math.floor(t.clock.now().getTime() / 1000))) => {
    const raw = Buffer.from(
      emailFixture('gmail-perdita-utf8.eml')
        .toString('latin1')
        .replace(/^Message-ID: <[^>]+>/im, `Message-ID: <errors-${token}@mail.gmail.com>`),
      'latin1',
    );
    const values = {
      recipient: 'segnalazioni@aler-milano.example',
      timestamp,
      token,
      signature: signMailgun(TEST_EMAIL_SECRET, timestamp, token),
      'body-mime': raw,
    };
    const form = multipartBody(Object.entries(values).map(([name, value]) => ({ name, value })));
    return t.app.inject({ method: 'POST', url: '/webhooks/email/mailgun/mime', headers: { 'content-type': form.contentType }, payload: form.body });
  };

  it('a replayed Mailgun token and a stale Mailgun timestamp: 406 REPLAYED', async () => {
    const token = randomBytes(25).toString('hex');
    expect((await mailgunPost(token)).statusCode).toBe(202);
    const replay = await mailgunPost(token);
    expect(replay.statusCode).toBe(406);
    expect(replay.json()).toMatchObject(errorShape('REPLAYED'));
    const stale = await mailgunPost(randomBytes(25).toString('hex'), String(Math.floor(t.clock.now().getTime() / 1000) - 600));
    expect(stale.statusCode).toBe(406);
    expect(stale.json()).toMatchObject(errorShape('REPLAYED'));
  });

  it('a Twilio webhook without a signature or with a forged one: 403 SIGNATURE_REJECTED, and nothing written', async () => {
    const securityEventsBefore = await countSecurityEvents();
    const unsigned = await t.app.inject({
      method: 'POST',
      url: '/webhooks/twilio/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'twilio-unsigned' },
      payload: 'CallSid=CA1',
    });
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.json()).toEqual({ error: { code: 'SIGNATURE_REJECTED', message: 'Invalid X-Twilio-Signature' }, requestId: 'twilio-unsigned' });
    const forged = await t.app.inject({
      method: 'POST',
      url: '/webhooks/twilio/voice',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'Zm9yZ2Vk' },
      payload: 'CallSid=CA2',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject(errorShape('SIGNATURE_REJECTED'));
    expect(await countSecurityEvents()).toBe(securityEventsBefore);
  });

  it('headers over Node’s limit, refused before Fastify: 431 HEADERS_TOO_LARGE', async () => {
    const exchange = await rawExchange(port, { head: ['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', `X-Padding: ${'a'.repeat(20_000)}`].join('\r\n') });
    expect(exchange.status).toBe(431);
    expect(JSON.parse(exchange.body)).toMatchObject(errorShape('HEADERS_TOO_LARGE'));
  });

  it('an API path under the dashboard’s catch-all: the API’s 404, not the web app', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'centralino-dashboard-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Centralino</title>');
    const app = Fastify();
    installErrorHandler(app);
    expect(await installDashboard(app, root)).toBe(true);
    const missing = await app.inject({ url: '/api/v1/nothing-here?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nothing-here' } });
    expect((await app.inject({ url: '/operatore' })).statusCode).toBe(200);
    await app.close();
  });
});
