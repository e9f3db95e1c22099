import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { TEST_EMAIL_SECRET } from './test-constants.ts';

export const EMAIL_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/email');
/** Real-world mail by others (MIT), kept with its licences: see its README. */
export const EMAIL_CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/email-corpus');

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
export async function postRawEmail(app: FastifyInstance, raw: Buffer, options: { envelopeTo?: string; signature?: string | null; contentType?: string } = {}) {
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

export type FormPart = Readonly<{ name: string; value: Buffer | string; filename?: string; contentType?: string }>;

/** A multipart/form-data body as SendGrid and Mailgun post it; values are written byte for byte. */
export function multipartBody(parts: readonly FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----centralino${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`, ...(part.contentType ? [`Content-Type: ${part.contentType}`] : []), '', ''].join(
      '\r\n',
    );
    chunks.push(Buffer.from(head, 'latin1'), Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** `application/x-www-form-urlencoded` with every byte of the values percent-encoded. */
export function urlencodedBody(fields: Record<string, Buffer | string>): Buffer {
  const encode = (value: Buffer) => [...value].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  return Buffer.from(
    Object.entries(fields)
      .map(([name, value]) => `${encodeURIComponent(name)}=${encode(Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'))}`)
      .join('&'),
  );
}
