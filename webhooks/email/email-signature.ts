import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CONTRACT §5: `X-Signature-256: sha256=<hex HMAC-SHA256(EMAIL_WEBHOOK_SECRET, raw body)>`.
 * Used by the simulator, the benchmarks and the tests to play the mail relay's side.
 */
export function signEmailWebhook(secret: string, raw: Buffer | Uint8Array | string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

const HEADER_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/** Only the header's shape, checked before the body is read: a request without it is refused at once. */
export function hasSignatureShape(header: string | undefined): boolean {
  return typeof header === 'string' && HEADER_PATTERN.test(header.trim());
}

/**
 * Whether the header carries `hmac`, the HMAC the receiver computed over the body as it arrived
 * (signed-body.ts). Compares in constant time, over the decoded digests (equal length by construction).
 */
export function matchesEmailSignature(header: string | undefined, hmac: Buffer): boolean {
  const match = typeof header === 'string' ? HEADER_PATTERN.exec(header.trim()) : null;
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), hmac);
}

/** Mailgun signs `timestamp + token` with the account's HTTP webhook signing key. */
export function isValidMailgunSignature(signingKey: string, timestamp: string, token: string, signature: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest();
  return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
}

export function signMailgun(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest('hex');
}

/** `Authorization: Basic …` whose password is the secret (the user name is free), compared in constant time. */
export function isValidBasicAuth(header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !/^basic\s+/i.test(header)) return false;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const given = createHmac('sha256', 'basic-auth')
    .update(decoded.slice(colon + 1))
    .digest();
  const wanted = createHmac('sha256', 'basic-auth').update(secret).digest();
  return timingSafeEqual(given, wanted);
}

export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
