import { createHmac } from 'node:crypto';

export type SendResult = { ok: true; statusCode: number | null } | { ok: false; statusCode: number | null; error: string };

export const SIGNATURE_HEADER = 'x-centralino-signature';
export const TIMESTAMP_HEADER = 'x-centralino-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const EVENT_HEADER = 'x-centralino-event';

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp is signed with the body
 * so that a captured request cannot be replayed later with a fresh timestamp.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type WebhookRequest = Readonly<{
  url: string;
  secret: string;
  body: string;
  idempotencyKey: string;
  eventType: string;
  /** Unix seconds, from the platform clock. */
  timestamp: string;
}>;

/** The headers of every webhook we send, the test delivery's included: the receiver checks them the same way. */
export function webhookHeaders(request: WebhookRequest): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Centralino-Webhook/1',
    [IDEMPOTENCY_HEADER]: request.idempotencyKey,
    [EVENT_HEADER]: request.eventType,
    [TIMESTAMP_HEADER]: request.timestamp,
    [SIGNATURE_HEADER]: signWebhook(request.secret, request.timestamp, request.body),
  };
}

/** One POST; any 2xx is a success, anything else (or no answer within the timeout) a failure to retry. */
export async function postWebhook(request: WebhookRequest, timeoutMs = 10_000): Promise<SendResult> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: webhookHeaders(request),
      body: request.body,
    });
    // The answer's body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    const message = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : error.message) : String(error);
    return { ok: false, statusCode: null, error: message };
  }
}
