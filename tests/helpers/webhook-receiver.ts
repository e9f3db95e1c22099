import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook } from '../../src/modules/delivery/webhook-sender.ts';

export type ReceivedWebhook = Readonly<{
  idempotencyKey: string;
  event: string;
  signatureValid: boolean;
  body: Record<string, unknown>;
  answered: number;
}>;

/**
 * An agency's system on 127.0.0.1: answers `status(n)` to the n-th request (1-based) and keeps
 * what it received, deduplicated by idempotency key the way a careful receiver would.
 */
export async function startWebhookReceiver(secret: string, status: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const accepted = new Map<string, Record<string, unknown>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const signatureValid = header('x-centralino-signature') === signWebhook(secret, header('x-centralino-timestamp'), raw);
      const answered = signatureValid ? status(received.length + 1) : 401;
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push({ idempotencyKey: header('idempotency-key'), event: header('x-centralino-event'), signatureValid, body, answered });
      if (answered >= 200 && answered < 300 && !accepted.has(header('idempotency-key'))) accepted.set(header('idempotency-key'), body);
      response.writeHead(answered, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/centralino`,
    received,
    accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
