import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../../webhooks/email/email-signature.ts';
import { emailFixture, multipartBody } from '../helpers/email-requests.ts';
import { chunked, pieces, rawExchange, recordBytesRead } from '../helpers/raw-http.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

let t: TestApp;
let port: number;
let serverBytesRead: ReturnType<typeof recordBytesRead>;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  serverBytesRead = recordBytesRead(t.app.server);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

const sendgridAuth = basicAuthHeader('sendgrid', TEST_EMAIL_SECRET);
const postmarkAuth = basicAuthHeader('postmark', TEST_EMAIL_SECRET);
const BOUNDARY = 'centralino-limits';
const head = (path: string, headers: Record<string, string | number>) =>
  [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;
/** The opening of a multipart body whose one field (`name`) then runs on for as long as the client writes. */
const openField = (name: string) => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`);

describe('a declared Content-Length over the route limit', () => {
  it.each([
    [
      'Twilio voice webhook (64 KiB)',
      head('/webhooks/twilio/voice', {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': 'c2lnbmF0dXJl',
        'Content-Length': 64 * KiB + 1,
      }),
    ],
    ['API (1 MiB)', head('/api/v1/auth/login', { 'Content-Type': 'application/json', 'Content-Length': MiB + 1 })],
    [
      'raw inbound e-mail (25 MiB)',
      head('/webhooks/email/inbound', { 'Content-Type': 'message/rfc822', 'X-Signature-256': `sha256=${'0'.repeat(64)}`, 'Content-Length': 25 * MiB + 1 }),
    ],
    [
      'SendGrid, authenticated (25 MiB + envelope)',
      head('/webhooks/email/sendgrid', { Authorization: sendgridAuth, 'Content-Type': multipartType, 'Content-Length': 26 * MiB + 1 }),
    ],
    ['Mailgun (25 MiB + envelope)', head('/webhooks/email/mailgun/mime', { 'Content-Type': multipartType, 'Content-Length': 100 * MiB })],
    [
      'Postmark, authenticated',
      head('/webhooks/email/postmark', { Authorization: postmarkAuth, 'Content-Type': 'application/json', 'Content-Length': 100 * MiB }),
    ],
  ])('%s: 413 in the error shape before a byte of body is sent, and the connection closes', async (_route, requestHead) => {
    const exchange = await rawExchange(port, { head: requestHead });
    expect(exchange.status).toBe(413);
    expect(JSON.parse(exchange.body)).toMatchObject({
      error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/exceeds/) },
      requestId: expect.any(String),
    });
    expect(exchange.bodyBytesSent).toBe(0);
    expect(exchange.closedByServer).toBe(true);
  });
});

describe('a chunked body that runs past the limit', () => {
  it('Twilio: 413 once 64 KiB have arrived; the server reads little more', async () => {
    const exchange = await rawExchange(port, {
      head: head('/webhooks/twilio/voice', {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': 'c2lnbmF0dXJl',
        'Transfer-Encoding': 'chunked',
      }),
      body: chunked(pieces(160, 16 * KiB)),
    });
    expect(exchange.status).toBe(413);
    expect(exchange.closedByServer).toBe(true);
    expect(await serverBytesRead.last()).toBeLessThan(512 * KiB);
  });

  it('Mailgun, unsigned, a 100 MiB field: 413 once the message limit is passed, having read at most 25 MiB + envelope', async () => {
    const exchange = await rawExchange(port, {
      head: head('/webhooks/email/mailgun/mime', { 'Content-Type': multipartType, 'Transfer-Encoding': 'chunked' }),
      body: chunked([openField('body-mime'), ...pieces(1600, 64 * KiB)]),
    });
    expect(exchange.status).toBe(413);
    expect(JSON.parse(exchange.body).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: `The message exceeds ${25 * MiB} bytes` });
    expect(await serverBytesRead.last()).toBeLessThan(27 * MiB);
  });

  it('a form of 200,000 tiny fields: 413 after the 100th part, without reading the rest', async () => {
    const tiny = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n`);
    const exchange = await rawExchange(port, {
      head: head('/webhooks/email/sendgrid', { Authorization: sendgridAuth, 'Content-Type': multipartType, 'Transfer-Encoding': 'chunked' }),
      body: chunked(pieces(2000, Buffer.concat(Array<Buffer>(100).fill(tiny)))),
    });
    expect(exchange.status).toBe(413);
    expect(JSON.parse(exchange.body).error.message).toBe('More than 100 form parts');
    expect(await serverBytesRead.last()).toBeLessThan(MiB);
  });
});

describe('unsigned posts are refused before their body is read', () => {
  it('SendGrid without credentials, 100 MiB declared: 401, and the server reads almost none of it', async () => {
    const exchange = await rawExchange(port, {
      head: head('/webhooks/email/sendgrid', { 'Content-Type': multipartType, 'Content-Length': 100 * MiB }),
      body: [openField('email'), ...pieces(1599, 64 * KiB)],
    });
    expect(exchange.status).toBe(401);
    expect(JSON.parse(exchange.body).error.code).toBe('UNAUTHENTICATED');
    expect(exchange.closedByServer).toBe(true);
    expect(await serverBytesRead.last()).toBeLessThan(MiB);
  });

  it('Twilio without a signature: 403 before the body is read', async () => {
    const exchange = await rawExchange(port, {
      head: head('/webhooks/twilio/voice', { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 60 * KiB }),
    });
    expect(exchange.status).toBe(403);
    expect(exchange.closedByServer).toBe(true);
  });
});

describe('provider forms hold only what the provider sends', () => {
  const sendgrid = (parts: Parameters<typeof multipartBody>[0]) => {
    const form = multipartBody(parts);
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/email/sendgrid',
      headers: { 'content-type': form.contentType, authorization: sendgridAuth },
      payload: form.body,
    });
  };
  const raw = emailFixture('gmail-perdita-utf8.eml');

  it('refuses a file part other than the message (SendGrid posts attachments as files only outside raw mode)', async () => {
    const response = await sendgrid([
      { name: 'email', value: raw },
      { name: 'attachment1', value: Buffer.alloc(1024), filename: 'foto.jpg', contentType: 'image/jpeg' },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('Unexpected file part `attachment1`: enable "POST the raw, full MIME message" in Inbound Parse');
  });

  it('refuses a part without a name', async () => {
    const response = await sendgrid([{ name: 'email', value: raw }]);
    expect(response.statusCode).toBe(202);
    const form = multipartBody([{ name: 'email', value: raw }]);
    const nameless = Buffer.from(form.body.toString('latin1').replace('form-data; name="email"', 'form-data'), 'latin1');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/webhooks/email/sendgrid',
      headers: { 'content-type': form.contentType, authorization: sendgridAuth },
      payload: nameless,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe('A form part without a name');
  });

  it('refuses an envelope over 64 KiB', async () => {
    const response = await sendgrid([
      { name: 'envelope', value: JSON.stringify({ to: ['segnalazioni@aler-milano.example'], padding: 'x'.repeat(64 * KiB) }) },
      { name: 'email', value: raw },
    ]);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.message).toBe(`Field \`envelope\` exceeds ${64 * KiB} bytes`);
  });

  it('Mailgun: refuses an attachment file part, pointing at the …/mime URL', async () => {
    const form = multipartBody([
      { name: 'body-mime', value: raw },
      { name: 'attachment-1', value: Buffer.alloc(1024), filename: 'foto.jpg', contentType: 'image/jpeg' },
    ]);
    const response = await t.app.inject({ method: 'POST', url: '/webhooks/email/mailgun', headers: { 'content-type': form.contentType }, payload: form.body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('Unexpected file part `attachment-1`: point the route at the …/mime URL');
  });
});

describe('live dashboard sockets', () => {
  it('refuse a long-polling message over 16 KiB', async () => {
    const base = `http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(open.indexOf('{'))) as { sid: string };
    const small = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: '40' });
    expect(small.status).toBe(200);
    const large = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: `4${'x'.repeat(20 * KiB)}` });
    expect(large.status).toBe(413);
  });
});
