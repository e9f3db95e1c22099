import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pieces, rawExchange } from '../helpers/raw-http.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

// Production waits 60 s for a request and 20 s for its headers; the same settings, shortened.
let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({ config: { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '500' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

describe('slow clients are cut off', () => {
  it('a body trickling one byte at a time: 408 in the error shape, and the connection closes', async () => {
    const exchange = await rawExchange(port, {
      head: [
        'POST /webhooks/twilio/voice HTTP/1.1',
        'Host: 127.0.0.1',
        'Content-Type: application/x-www-form-urlencoded',
        'X-Twilio-Signature: c2lnbmF0dXJl',
        'Content-Length: 40',
      ].join('\r\n'),
      body: pieces(40, Buffer.from('a')),
      everyMs: 250,
    });
    expect(exchange.status).toBe(408);
    expect(JSON.parse(exchange.body)).toMatchObject({
      error: { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' },
      requestId: expect.any(String),
    });
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.bodyBytesSent).toBeLessThan(40);
  });

  it('headers trickling one byte at a time: 408, and the connection closes', async () => {
    const exchange = await rawExchange(port, {
      head: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1',
      headEnds: false,
      body: pieces(40, Buffer.from('X')),
      everyMs: 250,
    });
    expect(exchange.status).toBe(408);
    expect(exchange.closedByServer).toBe(true);
    expect(exchange.bodyBytesSent).toBeLessThan(40);
  });

  it('an idle keep-alive connection is closed by the server', async () => {
    const exchange = await rawExchange(port, { head: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1', waitForClose: true });
    expect(exchange.status).toBe(200);
    expect(exchange.closedByServer).toBe(true);
  });
});
