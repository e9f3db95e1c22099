import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { TEST_EMAIL_SECRET } from './test-constants.ts';

export const EMAIL_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/email');
/** CI has shared/ beside the clone: `../shared/corpus` from the repository root. */
export const SHARED_CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');

/** A fixture's bytes, with `{{NAME}}` placeholders (references and Message-IDs known only at run time) filled in. */
export function emailFixture(name: string, vars: Record<string, string> = {}): Buffer {
  let raw = readFileSync(path.join(EMAIL_FIXTURES, name));
  for (const [key, value] of Object.entries(vars)) {
    raw = Buffer.from(raw.toString('latin1').split(`{{${key}}}`).join(value), 'latin1');
  }
  return raw;
}

export type InboundAnswer = { id: string; status: 'ticket' | 'appended' | 'duplicate' | 'quarantined'; ticket: string | null };

/** POSTs a raw message as the relay does, signed with the test secret unless told otherwise. */
export async function postRawEmail(
  app: FastifyInstance,
  raw: Buffer,
  options: { envelopeTo?: string; signature?: string | null; contentType?: string } = {},
) {
  const signature = options.signature === undefined ? signEmailWebhook(TEST_EMAIL_SECRET, raw) : options.signature;
  return app.inject({
    method: 'POST',
    url: '/webhooks/email/inbound',
    headers: {
      'content-type': options.contentType ?? 'message/rfc822',
      ...(signature === null ? {} : { 'x-signature-256': signature }),
      ...(options.envelopeTo ? { 'x-envelope-to': options.envelopeTo } : {}),
    },
    payload: raw,
  });
}

/** Posts and expects 202, returning the JSON answer. */
export async function deliverEmail(app: FastifyInstance, raw: Buffer, envelopeTo?: string): Promise<InboundAnswer> {
  const response = await postRawEmail(app, raw, { envelopeTo });
  if (response.statusCode !== 202) throw new Error(`expected 202, got ${response.statusCode}: ${response.body}`);
  return response.json() as InboundAnswer;
}
